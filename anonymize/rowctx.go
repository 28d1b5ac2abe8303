package anonymize

import (
	"bytes"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// A row's context, for the kinds whose value depends on the rest of the
// row: datetime shifts by its entity's offset (the row's family root or
// primary key), and the kinds that carry ids inside text (url, json) give
// an id that equals another marked column of the row that column's fake.
type rowCtx struct {
	entity  []byte // family root "table.column", 0x00, the original value
	shiftOK bool   // shift holds the entity's jitter
	shift   int64  // seconds, within [-window, window]
	window  int64  // the window shift was drawn for
	vals    []rowVal
	buf     []byte // holds the originals vals point into
	// salt names the row (its primary key, or all its values) for the
	// kinds whose fake differs row by row (perRow: free text).
	salt uint64
}

// rowVal is an original value of one marked column of the row.
type rowVal struct {
	v  []byte
	cp *colPlan
}

// entityPlan says where a table's rows find their entity: the first of
// cols that is not NULL, named by the family root of that column.
type entityPlan struct {
	cols  []int
	names []string
}

// contextKinds read the row's other values.
var contextKinds = map[string]bool{"url": true, "json": true}

// planEntity picks, for a table with datetime columns, what identifies a
// row's entity: a column referencing another table (the family's root is
// the entity, so children move with their parent), else a column others
// reference (the row is a root), else the primary key.
func (e *Engine) planEntity(table string, names []string, schema *sqldump.Table) *entityPlan {
	ep := &entityPlan{}
	add := func(i int, root string) {
		for _, c := range ep.cols {
			if c == i {
				return
			}
		}
		ep.cols, ep.names = append(ep.cols, i), append(ep.names, root)
	}
	for i, n := range names {
		if r := e.fam.root(table, n); r != baseTable(table)+"."+n {
			add(i, r)
		}
	}
	for i, n := range names {
		if e.roots[baseTable(table)+"."+n] {
			add(i, baseTable(table)+"."+n)
		}
	}
	if schema != nil {
		for _, pk := range schema.PrimaryKey {
			for i, n := range names {
				if n == pk {
					add(i, baseTable(table)+"."+n)
				}
			}
		}
	}
	return ep
}

// Free text is no join key, and a text that repeats (a fault message
// written 1,200 times) would give its fake away by its count if equal
// texts shared one fake. A text column that nothing joins or keeps
// unique (no relation, no reference, no unique key, no collision check)
// therefore draws its fake from the value and the row: equal texts in
// two rows differ, the same row (and its shadow_ copy) gets the same.
// (A kind's columns are collision-checked when one of them is in a
// unique key: "tracked" says nothing of this column.)

// saltPlan: the columns that name a table's rows for perRow kinds (its
// primary key; nil: every column).
type saltPlan struct{ cols []int }

// planSalt marks the perRow columns of p and says how its rows are
// named (nil: it has none).
func (e *Engine) planSalt(p *tablePlan, table string, names []string, schema *sqldump.Table) *saltPlan {
	any := false
	for _, cp := range p.cols {
		if cp == nil || cp.kind != "text" || cp.unique {
			continue
		}
		own := baseTable(table) + "." + cp.info.name
		if cp.info.family != own || e.roots[own] {
			continue // joined: equal texts stay equal
		}
		// no collision check either: a column of its own that is no key
		// needs no distinct fakes, and a re-derived value would follow
		// its value alone (resolveCollisions)
		cp.info.perRow, cp.tracked, any = true, false, true
	}
	if !any {
		return nil
	}
	sp := &saltPlan{}
	if schema != nil {
		for _, pk := range schema.PrimaryKey {
			for i, n := range names {
				if n == pk {
					sp.cols = append(sp.cols, i)
				}
			}
		}
		if len(sp.cols) != len(schema.PrimaryKey) {
			sp.cols = nil
		}
	}
	return sp
}

// rowSalt hashes the row's naming values (FNV-1a, each value's length
// first; NULL apart).
func rowSalt(sp *saltPlan, in *sqldump.Insert, row int, buf []byte) (uint64, []byte) {
	h := uint64(14695981039346656037)
	add := func(col int) {
		v := in.Value(row, col)
		if v.IsNull() {
			h = (h ^ 0xff) * 1099511628211
			return
		}
		buf = v.Bytes(buf[:0])
		for _, c := range [...]byte{byte(len(buf)), byte(len(buf) >> 8), byte(len(buf) >> 16), byte(len(buf) >> 24)} {
			h = (h ^ uint64(c)) * 1099511628211
		}
		for _, c := range buf {
			h = (h ^ uint64(c)) * 1099511628211
		}
	}
	if sp.cols != nil {
		for _, col := range sp.cols {
			add(col)
		}
	} else {
		for col := 0; col < in.Width(); col++ {
			add(col)
		}
	}
	return h, buf
}

// setRow records row's context on w before its values are rewritten.
func (w *worker) setRow(p *tablePlan, in *sqldump.Insert, row int) {
	rc := &w.row
	rc.shiftOK = false
	if p.salt != nil {
		rc.salt, rc.buf = rowSalt(p.salt, in, row, rc.buf)
	}
	rc.buf = rc.buf[:0]
	rc.entity = rc.entity[:0]
	if p.entity != nil {
		for k, col := range p.entity.cols {
			v := in.Value(row, col)
			if v.IsNull() {
				continue
			}
			rc.entity = append(rc.entity, p.entity.names[k]...)
			rc.entity = append(rc.entity, 0)
			rc.entity = v.Bytes(rc.entity)
			break
		}
	}
	rc.vals = rc.vals[:0]
	if !p.context {
		return
	}
	// Offsets first: buf may move while it grows.
	type span struct {
		start, end int
		cp         *colPlan
	}
	var spans [16]span
	sp := spans[:0]
	for col, cp := range p.cols {
		if cp == nil || contextKinds[cp.kind] {
			continue
		}
		v := in.Value(row, col)
		if v.IsNull() {
			continue
		}
		start := len(rc.buf)
		rc.buf = v.Bytes(rc.buf)
		if len(rc.buf)-start >= 4 { // shorter values would match by chance
			sp = append(sp, span{start, len(rc.buf), cp})
		} else {
			rc.buf = rc.buf[:start]
		}
	}
	for _, s := range sp {
		rc.vals = append(rc.vals, rowVal{v: rc.buf[s.start:s.end:s.end], cp: s.cp})
	}
}

// clearRow forgets the row's context (values outside an INSERT row).
func (w *worker) clearRow() {
	w.row.entity, w.row.vals, w.row.shiftOK, w.row.salt = w.row.entity[:0], w.row.vals[:0], false, 0
}

// rowValue finds a marked column of the row whose original value is v.
func (w *worker) rowValue(v []byte) *colPlan {
	for _, rv := range w.row.vals {
		if bytes.Equal(rv.v, v) {
			return rv.cp
		}
	}
	return nil
}

// rowKeeps: the row's marked column holding v keeps it as it is (a keep
// rule). Inside a URL or a JSON document v stays then too, and fuzzy
// index (which shares this test) does not look for it.
func (w *worker) rowKeeps(v []byte) bool {
	cp := w.rowValue(v)
	return cp != nil && cp.kind == "keep"
}

// asRowValue rewrites v as the row's column holding v would be
// rewritten; ok is false when no marked column of the row holds v.
func (w *worker) asRowValue(v []byte) (out []byte, ok bool) {
	cp := w.rowValue(v)
	if cp == nil {
		return nil, false
	}
	res := w.embed(cp.kind, &cp.info, v)
	if res.fallback || res.null {
		return nil, false
	}
	return res.out, true
}
