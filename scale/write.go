package scale

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// maxStatement is the size at which written INSERTs are cut, like
// mariadb-dump's net_buffer_length.
const maxStatement = 1 << 20

var autoIncRe = regexp.MustCompile(`(?i)AUTO_INCREMENT=\d+`)

// Write is the second pass: the dump again, with every row written as
// many times as planned (copies with new keys), AUTO_INCREMENT moved past
// the new keys, and everything else as it was.
func (p *Plan) Write(r *sqldump.Reader, w *sqldump.Writer) error {
	seen := map[string]int{} // rows of each table read so far
	var buf []byte
	for {
		st, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if s := st.Table(); s != nil {
			if t := p.tables[tkey(s.Database, s.Name)]; t != nil && t.autoInc > 0 && t.autoInc != s.AutoIncrement {
				out := autoIncRe.ReplaceAll(st.Raw, []byte("AUTO_INCREMENT="+strconv.FormatUint(t.autoInc, 10)))
				if err := w.WriteRaw(out); err != nil {
					return err
				}
				continue
			}
		}
		in := st.Insert()
		if in == nil {
			if err := w.Write(st); err != nil {
				return err
			}
			continue
		}
		t := p.lookupTable(insertDB(st, in), in.Table())
		if t == nil {
			return fmt.Errorf("line %d: table %s changed between the two passes", st.Line, in.Table())
		}
		tk := tkey(t.db, t.name)
		base := seen[tk]
		seen[tk] += in.Rows()
		if base+in.Rows() > t.rows {
			return fmt.Errorf("line %d: table %s has more rows than in the first pass (was the input changed?)", st.Line, t.name)
		}
		same := true
		for row := 0; row < in.Rows(); row++ {
			if t.copies[base+row] != 1 {
				same = false
				break
			}
		}
		if same {
			if err := w.Write(st); err != nil {
				return err
			}
			continue
		}
		// Rebuild: the kept rows as they were, then their copies.
		head := in.Head(st)
		stmt := func() error {
			if len(buf) == 0 {
				return nil
			}
			buf = append(buf, ";\n"...)
			err := w.WriteRaw(buf)
			buf = buf[:0]
			return err
		}
		add := func(row []byte) error {
			if len(buf) == 0 {
				buf = append(buf, head...)
			} else {
				buf = append(buf, ',')
			}
			buf = append(buf, row...)
			if len(buf) >= maxStatement {
				return stmt()
			}
			return nil
		}
		// Leading comments of the original statement stay.
		if pre := st.Raw[:len(st.Raw)-len(st.Code())]; len(pre) > 0 {
			if err := w.WriteRaw(pre); err != nil {
				return err
			}
		}
		maxCopy := uint16(0)
		for row := 0; row < in.Rows(); row++ {
			n := t.copies[base+row]
			maxCopy = max(maxCopy, n)
			if n >= 1 {
				if err := add(in.RowRaw(row)); err != nil {
					return err
				}
			}
		}
		for c := 1; c < int(maxCopy); c++ {
			for row := 0; row < in.Rows(); row++ {
				if int(t.copies[base+row]) <= c {
					continue
				}
				if err := add(p.copyRow(t, in, row, base+row, c)); err != nil {
					return err
				}
			}
		}
		if err := stmt(); err != nil {
			return err
		}
	}
}

// copyRow renders copy c of a row: remapped keys, references following
// their parents' copy c, every other value as it was.
func (p *Plan) copyRow(t *table, in *sqldump.Insert, row, abs, c int) []byte {
	var b bytes.Buffer
	b.WriteByte('(')
	var vb []byte
	for col := 0; col < in.Width(); col++ {
		if col > 0 {
			b.WriteByte(',')
		}
		v := in.Value(row, col)
		if rm := t.remap[col]; rm != nil && !v.IsNull() {
			vb = v.Bytes(vb[:0])
			b.Write(literal(v, rm.value(string(vb), c)))
			continue
		}
		if rel, pc := t.parentOf(col); rel != nil && !v.IsNull() {
			// The parent row's copy c, if it has one; else the parent
			// itself (a child of a family with fewer copies).
			cp := c
			if k, ok := t.key(abs, rel.ccols); ok {
				prows := rel.parent.lookup(rel.pcols, k)
				if len(prows) == 0 || int(rel.parent.copies[prows[0]]) <= c {
					cp = 0
				}
			}
			if rm := p.parentRemap(rel.parent, pc); rm != nil && cp > 0 {
				vb = v.Bytes(vb[:0])
				b.Write(literal(v, rm.value(string(vb), cp)))
				continue
			}
		}
		b.Write(v.Raw)
	}
	b.WriteByte(')')
	return b.Bytes()
}

// parentOf returns the first relation a column references through, and
// the parent column.
func (t *table) parentOf(col int) (*relation, int) {
	for _, rel := range t.parents {
		for i, c := range rel.ccols {
			if c == col {
				return rel, rel.pcols[i]
			}
		}
	}
	return nil, -1
}
