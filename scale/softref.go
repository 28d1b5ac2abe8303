package scale

import (
	"hash/maphash"
	"strings"
)

// Soft references. A low-cardinality column whose every value is a value
// of another table's renamed key column names that table's rows without
// any declaration: Nova's instances.host and services.host hold the
// names compute_nodes.host holds. Copies rename the key (keys.go), so
// the column follows: a copy's value is the key's value in a keyed copy
// of the row it names. Left alone, its values would be the original
// names, found in no row of the output, and their number would be the
// named table's original row count.

type softRef struct {
	t    *table
	col  int
	rows map[uint64]int32 // the literal's hash -> the named row
	kept []int32          // the named table's rows with copies, for names of dropped rows
}

// softRefs finds, for every low-cardinality string column, a string key
// column of another table holding all its values. Down, a name of a
// dropped row is replaced by the name of a kept one.
func (p *Plan) softRefs() {
	var keys []struct {
		t *table
		c int
	}
	for _, t := range p.order {
		if t.keep || t.rows == 0 {
			continue
		}
		for c, cp := range t.cols {
			if cp != nil && cp.class == cKey && (cp.key.mode == keyString || cp.key.mode == keyUUID) {
				keys = append(keys, struct {
					t *table
					c int
				}{t, c})
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	for _, t := range p.order {
		if t.keep {
			continue
		}
		for c, cp := range t.cols {
			if cp == nil || cp.class != cCategorical || !isStringType(t.schema.Columns[c].Type) || len(cp.cat) == 0 {
				continue
			}
			pr := t.prof[c]
			for _, k := range keys {
				if k.t == t {
					continue
				}
				rows := map[uint64]int32{}
				for h := range cp.cat {
					v, ok := pr.decoded[h]
					if !ok || strings.TrimSpace(v) == "" {
						rows = nil
						break
					}
					named := k.t.lookup([]int{k.c}, v)
					if len(named) == 0 {
						rows = nil
						break
					}
					rows[h] = named[0]
				}
				if rows != nil {
					cp.soft = &softRef{t: k.t, col: k.c, rows: rows}
					for r, n := range k.t.copies {
						if n > 0 {
							cp.soft.kept = append(cp.soft.kept, int32(r))
						}
					}
					break
				}
			}
		}
	}
}

// softValue is copy j of row r's value in a soft reference column (lit,
// the literal chosen for it): the named row's key in one of its copies,
// picked by a keyed hash, or a kept row's when the named row has none.
// ok is false when the value stays as it is.
func (g *gen) softValue(cp *colPlan, lit []byte, r, j int) ([]byte, bool) {
	s := cp.soft
	row, ok := s.rows[maphash.Bytes(g.p.seed, lit)]
	if !ok {
		return nil, false
	}
	h := g.p.prf.hash(dSoft, cp.tweak, uint64(r)<<16|uint64(j), nil)
	moved := false
	if s.t.copies[row] == 0 {
		if len(s.kept) == 0 {
			return nil, false
		}
		row, moved = s.kept[h%uint64(len(s.kept))], true
	}
	k := (h >> 32) % uint64(s.t.copies[row])
	out, ok := g.p.keyValue(g.val[:0], s.t, s.col, int(row), int(k))
	if !ok && moved {
		out, ok = append(g.val[:0], s.t.vals[s.col][row]...), true
	}
	if ok {
		g.val = out
	}
	return out, ok
}
