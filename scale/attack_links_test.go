package scale

import (
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// The attacker's estimators on what links a copy to its original or
// tells the first copy from the others: values found where only the
// original's are (another table, a name no relation declares), children
// per parent split in two groups, the shapes of values and of whole rows
// (word lengths, punctuation, combinations of low-cardinality values),
// and small tables' counts.

// attackSoftRels are references the attacker knows from the application
// (Nova's instances.host names compute_nodes.host by its name) that no
// FOREIGN KEY or rules file declares.
var attackSoftRels = []rules.Relation{
	{Table: "instances", Columns: []string{"node"}, RefTable: "hosts", RefColumns: []string{"hostname"}},
}

// links runs the estimators of this file.
func (a *attacker) links(names []string) {
	for _, name := range names {
		tb := a.d.tables[name]
		if len(tb.rows) < 2 {
			continue
		}
		a.foundElsewhere(name, tb)
		a.shapes(name, tb)
		a.rowShapes(name, tb)
		a.pairs(name, tb)
	}
	a.splitChildren()
	a.smallRoots(names)
}

// declared reports whether table.col is a declared reference to
// ref.refCol (dump FOREIGN KEY or rules relation): its values are meant
// to be found there.
func (a *attacker) declared(table, col, ref, refCol string) bool {
	for _, r := range a.rels {
		if r.Table == table && r.RefTable == ref && len(r.Columns) == 1 && r.Columns[0] == col && r.RefColumns[0] == refCol && !isSoft(r) {
			return true
		}
	}
	return false
}

func isSoft(r rules.Relation) bool {
	for _, s := range attackSoftRels {
		if s.String() == r.String() {
			return true
		}
	}
	return false
}

// foundElsewhere: the values of a string key found in a column of
// another table that no declaration ties to it. A copy that kept its
// original's key is found wherever the original's value also is (a
// name another table holds, a database duckface did not follow), and
// the copies found count the originals.
func (a *attacker) foundElsewhere(name string, tb *dumpTable) {
	var keys []int
	for _, u := range tb.schema.UniqueKeys {
		if len(u.Columns) == 1 {
			keys = append(keys, colIndex(tb.schema, u.Columns[0]))
		}
	}
	if len(tb.schema.PrimaryKey) == 1 {
		keys = append(keys, colIndex(tb.schema, tb.schema.PrimaryKey[0]))
	}
	for _, k := range keys {
		kcol := tb.schema.Columns[k]
		if !isStringType(kcol.Type) {
			continue
		}
		set := map[string]bool{}
		for _, r := range tb.rows {
			if v := r[k]; v != attackNull && len(v) >= 4 {
				set[v] = true
			}
		}
		for other, ot := range a.d.tables {
			if other == name {
				continue
			}
			for c, col := range ot.schema.Columns {
				if !isStringType(col.Type) || a.declared(other, col.Name, name, kcol.Name) {
					continue
				}
				found := map[string]bool{}
				for _, r := range ot.rows {
					if set[r[c]] {
						found[r[c]] = true
					}
				}
				if len(found) >= 2 {
					a.add(name, "values of "+kcol.Name+" found in "+other+"."+col.Name, float64(len(found)))
				}
			}
		}
	}
}

// skeleton is a value's shape: letters a, digits 0, the rest as it is.
func skeleton(v string) string {
	b := []byte(v)
	for i, c := range b {
		switch {
		case isLetter(c):
			b[i] = 'a'
		case isDigit(c):
			b[i] = '0'
		}
	}
	return string(b)
}

// shapes: distinct shapes of a text column. New text that keeps its
// original's word lengths and punctuation has as many shapes as the
// original had rows.
func (a *attacker) shapes(name string, tb *dumpTable) {
	keys := a.keyCols(name)
	for c, col := range tb.schema.Columns {
		if keys[c] || !isStringType(col.Type) {
			continue
		}
		seen := map[string]bool{}
		words, vals := 0, 0
		for _, r := range tb.rows {
			if r[c] != attackNull {
				seen[skeleton(r[c])] = true
				words += len(strings.Fields(r[c]))
				vals++
			}
		}
		// long text only: short values have few shapes to begin with,
		// and their count says how many there can be, not how many rows
		// there were
		if len(seen) >= 10 && words >= 5*vals {
			a.add(name, "distinct shapes "+col.Name, float64(len(seen)))
		}
	}
}

// rowShapes: distinct rows when each value is reduced to what copies
// tend to keep: a low-cardinality value as it is, a text's shape (word
// lengths and punctuation), NULL. Copies that keep the combinations repeat them.
func (a *attacker) rowShapes(name string, tb *dumpTable) {
	keys := a.keyCols(name)
	distinct := map[int]int{}
	for c := range tb.schema.Columns {
		distinct[c] = len(counts(a.column(tb, c)))
	}
	seen := map[string]bool{}
	for _, r := range tb.rows {
		var b strings.Builder
		for c, col := range tb.schema.Columns {
			v := r[c]
			switch {
			case keys[c] || isDatetimeType(col.Type):
				continue
			case v == attackNull:
				b.WriteString("N")
			case distinct[c] <= 50:
				b.WriteString(v)
			case isStringType(col.Type):
				b.WriteString(skeleton(v))
			default:
				b.WriteString("#")
			}
			b.WriteByte(0)
		}
		seen[b.String()] = true
	}
	a.add(name, "distinct row shapes", float64(len(seen)))
}

// pairs: distinct pairs of values of two low-cardinality columns.
func (a *attacker) pairs(name string, tb *dumpTable) {
	keys := a.keyCols(name)
	var low []int
	for c := range tb.schema.Columns {
		if n := len(counts(a.column(tb, c))); !keys[c] && n >= 2 && n <= 50 {
			low = append(low, c)
		}
	}
	for i, x := range low {
		for _, y := range low[i+1:] {
			seen := map[[2]string]bool{}
			for _, r := range tb.rows {
				seen[[2]string{r[x], r[y]}] = true
			}
			a.add(name, "distinct pairs "+tb.schema.Columns[x].Name+","+tb.schema.Columns[y].Name, float64(len(seen)))
		}
	}
}

// splitChildren: the parents of a relation fall into two groups by their
// number of children (one group's rows have clearly more): when a copy
// is told apart by its children (the first copy of every parent got
// them), the larger group is the original's rows. Only clear splits
// count (see twoGroups).
func (a *attacker) splitChildren() {
	for _, rel := range a.rels {
		child, parent := a.d.tables[rel.Table], a.d.tables[rel.RefTable]
		if child == nil || parent == nil || len(rel.Columns) != 1 || rel.Table == rel.RefTable || len(parent.rows) < 10 {
			continue
		}
		cc, pc := colIndex(child.schema, rel.Columns[0]), colIndex(parent.schema, rel.RefColumns[0])
		kids := map[string]int{}
		for _, r := range child.rows {
			kids[r[cc]]++
		}
		xs := make([]float64, len(parent.rows))
		for i, r := range parent.rows {
			xs[i] = float64(kids[r[pc]])
		}
		if _, hi, ok := twoGroups(xs); ok {
			a.add(rel.RefTable, "parents with many children "+rel.String(), float64(hi))
		}
	}
}

// twoGroups splits xs where a gap parts them (the smallest of the upper
// group at least twice the largest of the lower, plus one, as between
// copies that got no children and originals that kept theirs), each
// group at least 3% of xs; the widest such gap.
func twoGroups(xs []float64) (lo, hi int, ok bool) {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	best, at := 1.0, 0
	for i := max(1, n*3/100); i <= n-max(1, n*3/100); i++ {
		if r := s[i] / (2*s[i-1] + 1); s[i] != s[i-1] && r >= best {
			best, at = r, i
		}
	}
	return at, n - at, at > 0
}

// smallRoots: tables no reference leads out of, whose output is too
// small for a percent of noise to move it, are their original times the
// factor: the divisor they share is the factor.
func (a *attacker) smallRoots(names []string) {
	var small []string
	g := 0
	for _, n := range names {
		k := len(a.d.tables[n].rows)
		if k < 2 || k >= 50 || a.skipT[n] {
			continue
		}
		root := true
		for _, r := range a.rels {
			root = root && r.Table != n
		}
		if root {
			small = append(small, n)
			g = gcd(g, k)
		}
	}
	if len(small) >= 2 && g >= 2 {
		for _, n := range small {
			a.add(n, "divisor of small root tables", float64(len(a.d.tables[n].rows))/float64(g))
		}
	}
}
