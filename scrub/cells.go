package scrub

import "bytes"

// Tables over rows: prettytable, the openstack client and MariaDB's
// own client wrap a long value over the rows of its cell
// ("|  7 | Jörg Ö |", "|    | stlund |"), so no row holds it whole and
// each row's part may be too short to be distinctive. Consecutive rows
// of one shape (as many bars: their places are in display columns, and
// a wide or combining letter moves them in bytes) are read column by
// column, the cells joined as they are and with a space between (a wrap
// at a word drops the space), and every cell a known value found in the
// join touches loses its text.

// maxCellGroup bounds the rows of one group.
const maxCellGroup = 256

// cell is one table cell: its line's offset in the block (-1: the line
// before or after it), its text's bounds in the line, and its column.
type cell struct {
	line, from, to, col int
	text                []byte
}

// cellGroups returns the spans of data's table cells (with prev and
// next, the lines around it) that hold part of a known value their
// column's cells hold together.
func (w *worker) cellGroups(data, prev, next []byte) []lineSpan {
	var out []lineSpan
	var group, row []cell
	bars, rows := 0, 0
	flush := func() {
		if rows >= 2 {
			out = w.cellSpans(group, out)
		}
		group, rows = group[:0], 0
	}
	look := func(line []byte, at int) {
		var n int
		if n, row = tableRow(trimEOL(line), at, row[:0]); n == 0 {
			flush()
			return
		}
		if n != bars || rows >= maxCellGroup {
			flush()
			bars = n
		}
		group, rows = append(group, row...), rows+1
	}
	groupLines(data, prev, next, func() bool { return rows > 0 }, look)
	flush()
	return out
}

// tableRow parses text as a table row: bars, the last one ending the
// text (spaces aside), with one or more cells between them. It returns
// the row's bars (0: no row) and appends its non-empty cells to row.
func tableRow(text []byte, at int, row []cell) (int, []cell) {
	end := len(text)
	for end > 0 && text[end-1] == ' ' {
		end--
	}
	if end < 3 || text[end-1] != '|' {
		return 0, row
	}
	first := bytes.IndexByte(text[:end], '|')
	if first == end-1 {
		return 0, row
	}
	col, prevBar := 0, first
	for i := first + 1; i < end; i++ {
		if text[i] != '|' {
			continue
		}
		from, to := prevBar+1, i
		for from < to && text[from] == ' ' {
			from++
		}
		for to > from && text[to-1] == ' ' {
			to--
		}
		if to > from {
			row = append(row, cell{at, from, to, col, text[from:to]})
		}
		col, prevBar = col+1, i
	}
	return col + 1, row
}

// cellSpans appends the spans of a group's cells whose column, joined,
// holds a known value the cell is part of.
func (w *worker) cellSpans(group []cell, out []lineSpan) []lineSpan {
	cols := 0
	for _, c := range group {
		cols = max(cols, c.col+1)
	}
	type part struct{ from, to int } // the cell's bytes in the join
	var joined []byte
	var parts []part
	var hit []bool
	for col := 0; col < cols; col++ {
		for _, sep := range []string{"", " "} {
			joined, parts = joined[:0], parts[:0]
			var members []int
			for i, c := range group {
				if c.col != col {
					continue
				}
				if len(members) > 0 {
					joined = append(joined, sep...)
				}
				members = append(members, i)
				at := len(joined)
				joined = append(joined, c.text...)
				parts = append(parts, part{at, len(joined)})
			}
			if len(members) < 2 {
				break
			}
			spans, _ := w.viewsSpans(&view{text: joined}, 1, true, nil)
			if len(spans) == 0 {
				continue
			}
			if hit == nil {
				hit = make([]bool, len(group))
			}
			for k, p := range parts {
				for _, s := range spans {
					// Only a span over two or more cells is the
					// rows' doing: one within a cell is the row's own.
					if s.start < p.to && s.end > p.from && (s.start < p.from || s.end > p.to) {
						if c := group[members[k]]; c.line >= 0 && !hit[members[k]] {
							hit[members[k]] = true
							out = append(out, lineSpan{c.line, span{c.from, c.to, s.kind, s.source, s.tag}})
						}
						break
					}
				}
			}
		}
	}
	return out
}
