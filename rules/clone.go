package rules

import "maps"

// Clone returns a copy of s that later Adds, Merges and Propagates of
// either leave the other as it was (a one-pass anonymizer propagates as
// the dump's FOREIGN KEYs come, and starts over from the rules as they
// were when it must read the schema first).
func (s *Set) Clone() *Set {
	c := *s
	c.rules = make(map[string]map[string]*Rule, len(s.rules))
	for tk, cols := range s.rules {
		m := make(map[string]*Rule, len(cols))
		for ck, r := range cols {
			rr := *r
			m[ck] = &rr
		}
		c.rules[tk] = m
	}
	c.Relations = append([]Relation(nil), s.Relations...)
	c.Tables = maps.Clone(s.Tables)
	c.ColumnsUnknown = maps.Clone(s.ColumnsUnknown)
	c.Databases = make(map[string]*Set, len(s.Databases))
	for k, d := range s.Databases {
		c.Databases[k] = d.Clone()
	}
	return &c
}
