package scale

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// remapper gives copy c (>= 1) of a value in a key column its new value,
// the same wherever the value appears (the column itself and every column
// that references it).
type remapper struct {
	t      *table
	col    int
	offset int64 // integer keys: v + c*offset
	kind   string
	maxLen int
	taken  map[string]bool // string keys: every value in use
	memo   map[string]string
	p      *Plan
}

// planKeys decides how each table's copies get new keys: the primary key,
// one column of each unique key not otherwise changed, and every column
// that references a remapped key (it follows the parent's remapping).
func (p *Plan) planKeys() error {
	for _, t := range p.order {
		maxCopies := uint16(0)
		for _, c := range t.copies {
			maxCopies = max(maxCopies, c)
		}
		if maxCopies <= 1 {
			continue
		}
		fkCols := map[int]bool{}
		for _, rel := range t.parents {
			for _, c := range rel.ccols {
				fkCols[c] = true
			}
		}
		for _, k := range t.unique {
			changed := false
			for _, c := range k {
				if t.remap[c] != nil || fkCols[c] {
					changed = true
				}
			}
			if changed {
				continue
			}
			// The first column that can take new values.
			var pick = -1
			for _, c := range k {
				if t.vals[c] != nil {
					pick = c
					break
				}
			}
			if pick < 0 {
				return fmt.Errorf("table %s: cannot make unique key %v distinct in copies", t.name, k)
			}
			rm, err := p.newRemapper(t, pick)
			if err != nil {
				return err
			}
			t.remap[pick] = rm
		}
	}
	// AUTO_INCREMENT moves past the copies' keys.
	for _, t := range p.order {
		rm := t.remap[t.pk]
		if t.schema.AutoIncrement == 0 || rm == nil || rm.offset == 0 {
			continue
		}
		maxCopies := uint16(0)
		for _, c := range t.copies {
			maxCopies = max(maxCopies, c)
		}
		t.autoInc = uint64(t.maxPK+int64(maxCopies-1)*rm.offset) + 1
		if t.autoInc < t.schema.AutoIncrement {
			t.autoInc = t.schema.AutoIncrement
		}
	}
	return nil
}

func (p *Plan) newRemapper(t *table, col int) (*remapper, error) {
	c := t.schema.Columns[col]
	rm := &remapper{t: t, col: col, p: p, maxLen: c.Length, memo: map[string]string{}}
	if !isStringType(c.Type) {
		rm.maxLen = 0
	}
	if isInt(c.Type) {
		var hi int64
		for _, v := range t.vals[col] {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > hi {
				hi = n
			}
		}
		rm.offset = max(hi, 1)
		return rm, nil
	}
	if r := p.opts.Rules.RuleIn(t.db, t.name, c.Name); r != nil && r.Kind.Name != "keep" && r.Kind.Name != "fixed" && r.Kind.Name != "null" {
		rm.kind = r.Kind.Name
	}
	rm.taken = map[string]bool{}
	for _, v := range t.vals[col] {
		rm.taken[v] = true
	}
	return rm, nil
}

func isStringType(t string) bool {
	return strings.Contains(t, "char") || strings.Contains(t, "text") || strings.Contains(t, "binary") || strings.Contains(t, "blob")
}

// value returns copy c's value for v.
func (rm *remapper) value(v string, c int) string {
	if c == 0 || v == null {
		return v
	}
	if rm.offset > 0 {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return v
		}
		return strconv.FormatInt(n+int64(c)*rm.offset, 10)
	}
	if (rm.kind == "" || rm.kind == "uuid") && isUUIDText(v) {
		// 122 random bits: copies cannot collide, so nothing is kept.
		return rm.derive(v, c)
	}
	mk := strconv.Itoa(c) + "\x00" + v
	if out, ok := rm.memo[mk]; ok {
		return out
	}
	out := ""
	for try := 0; try < 100; try++ {
		out = rm.derive(v, c+try*100000)
		if !rm.taken[out] {
			break
		}
	}
	rm.taken[out] = true
	rm.memo[mk] = out
	return out
}

// derive: a UUID stays a UUID; a column with a kind gets that kind's
// value; anything else gets a "-N" suffix, cut to the column's length.
func (rm *remapper) derive(v string, n int) string {
	kind := rm.kind
	if kind == "" && isUUIDText(v) {
		kind = "uuid"
	}
	if kind != "" {
		if out, ok := rm.p.deriver.Derive(kind, []byte(v), n, rm.maxLen); ok {
			return string(out)
		}
	}
	suffix := "-" + strconv.Itoa(n)
	if rm.maxLen > 0 && utf8.RuneCountInString(v)+len(suffix) > rm.maxLen {
		r := []rune(v)
		keep := max(0, rm.maxLen-len(suffix))
		if keep < len(r) {
			v = string(r[:keep])
		}
	}
	return v + suffix
}

func isUUIDText(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// parentRemap returns the remapper of a parent key column, making one if
// the parent's copies need it (a referenced column is always remapped in
// copies, so children of copy c point to parent copy c).
func (p *Plan) parentRemap(t *table, col int) *remapper {
	if rm := t.remap[col]; rm != nil {
		return rm
	}
	rm, err := p.newRemapper(t, col)
	if err != nil {
		return nil
	}
	t.remap[col] = rm
	return rm
}

// literal renders a remapped value for an INSERT, in the original's form.
func literal(orig sqldump.Value, v string) []byte {
	if v == null {
		return []byte("NULL")
	}
	switch orig.Kind {
	case sqldump.KindNumber:
		return []byte(v)
	case sqldump.KindHex, sqldump.KindBit:
		return sqldump.Hex([]byte(v)).Raw
	}
	return append([]byte(orig.Introducer()+map[bool]string{true: " ", false: ""}[orig.Introducer() != ""]), sqldump.AppendQuoted(nil, []byte(v))...)
}
