package anonymize

import (
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// families maps each column that references another (through a relation
// or FOREIGN KEY, chains followed) to the column at the root of its chain,
// as "table.column". Kinds that must differ between unrelated columns yet
// agree along a join (integer's permutation, datetime's entity) key on it.
type families map[string]string

func newFamilies(rels []rules.Relation) families {
	ref := map[string]string{}
	for _, r := range rels {
		for i, c := range r.Columns {
			if i < len(r.RefColumns) {
				from, to := baseTable(r.Table)+"."+c, baseTable(r.RefTable)+"."+r.RefColumns[i]
				if from != to {
					if _, ok := ref[from]; !ok {
						ref[from] = to
					}
				}
			}
		}
	}
	f := families{}
	for from := range ref {
		root, seen := from, map[string]bool{from: true}
		for {
			next, ok := ref[root]
			if !ok || seen[next] {
				break
			}
			seen[next] = true
			root = next
		}
		f[from] = root
	}
	return f
}

// root is the column at the root of table.column's family (itself when
// it references nothing). A shadow_ twin belongs to its base table's.
func (f families) root(table, column string) string {
	k := baseTable(table) + "." + column
	if r, ok := f[k]; ok {
		return r
	}
	return k
}

func baseTable(t string) string {
	if b, ok := strings.CutPrefix(t, "shadow_"); ok {
		return b
	}
	return t
}
