package scale

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// The attacker's estimators on the output's structure: the id layout,
// counters, row order, families, table counts and sequences.

// ids: the integer key's layout and the counters that follow it.
func (a *attacker) ids(name string, tb *dumpTable) {
	if tb.autoInc > 0 {
		a.add(name, "AUTO_INCREMENT", float64(tb.autoInc-1))
	}
	for c, col := range tb.schema.Columns {
		if !isNumericType(col.Type) || col.Type == "double" || col.Type == "float" || col.Type == "decimal" {
			continue
		}
		isPK := len(tb.schema.PrimaryKey) == 1 && tb.schema.PrimaryKey[0] == col.Name
		idLike := isPK || col.Name == "deleted" || strings.HasSuffix(col.Name, "_id")
		if !idLike {
			continue
		}
		var ids []int64
		for _, r := range tb.rows {
			if v, err := strconv.ParseInt(r[c], 10, 64); err == nil && v > 0 {
				ids = append(ids, v)
			}
		}
		if len(ids) < 2 {
			continue
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		target := name
		if !isPK {
			// a reference's largest value counts its parent's rows
			for _, r := range a.rels {
				if r.Table == name && len(r.Columns) == 1 && r.Columns[0] == col.Name {
					target = r.RefTable
				}
			}
		}
		a.add(target, "max "+name+"."+col.Name, float64(ids[len(ids)-1]))
		if !isPK {
			continue
		}
		// kept ids are spread over 1..max: the spacing gives the count
		a.add(name, "id spread", float64(ids[len(ids)-1]-ids[0])*float64(len(ids))/float64(len(ids)-1)/math.Max(1, meanGap(ids)))
		// copies at i + k*M share the difference M
		if d, ok := sharedDifference(ids); ok {
			a.add(name, "shared id difference", float64(d))
		}
	}
}

func meanGap(ids []int64) float64 {
	return float64(ids[len(ids)-1]-ids[0]) / float64(len(ids)-1)
}

// sharedDifference finds a difference d between ids that far more pairs
// share than a random layout of the same density would give.
func sharedDifference(ids []int64) (int64, bool) {
	if len(ids) > 2500 {
		step := (len(ids) + 2499) / 2500
		var s []int64
		for i := 0; i < len(ids); i += step {
			s = append(s, ids[i])
		}
		ids = s
	}
	rng := float64(ids[len(ids)-1] - ids[0] + 1)
	p := float64(len(ids)) / rng
	var diffs []int64
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			diffs = append(diffs, ids[j]-ids[i])
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i] < diffs[j] })
	best, bestD := 0.0, int64(0)
	for i := 0; i < len(diffs); {
		j := i
		for j < len(diffs) && diffs[j] == diffs[i] {
			j++
		}
		if exp := (rng - float64(diffs[i])) * p * p; exp > 0 {
			if z := (float64(j-i) - exp) / math.Sqrt(exp+1); z > best {
				best, bestD = z, diffs[i]
			}
		}
		i = j
	}
	return bestD, best > 8
}

// order: rows in id order; copies written next to each other make runs.
func (a *attacker) order(name string, tb *dumpTable) {
	if len(tb.schema.PrimaryKey) != 1 {
		return
	}
	pk := colIndex(tb.schema, tb.schema.PrimaryKey[0])
	rows := append([][]string(nil), tb.rows...)
	sort.SliceStable(rows, func(i, j int) bool {
		x, _ := strconv.ParseInt(rows[i][pk], 10, 64)
		y, _ := strconv.ParseInt(rows[j][pk], 10, 64)
		return x < y
	})
	keys := a.keyCols(name)
	for c, col := range tb.schema.Columns {
		if keys[c] {
			continue
		}
		cnt := map[string]int{}
		for _, r := range rows {
			cnt[r[c]]++
		}
		if len(cnt) < 2 || len(cnt) > 50 {
			continue
		}
		same := 0.0
		for _, m := range cnt {
			p := float64(m) / float64(len(rows))
			same += p * p
		}
		runs := 1
		for i := 1; i < len(rows); i++ {
			if rows[i][c] != rows[i-1][c] {
				runs++
			}
		}
		observed := float64(len(rows)) / float64(runs)
		expected := 1 / (1 - same)
		if f := observed / expected; f > 1 {
			a.add(name, "runs in id order "+col.Name, float64(len(rows))/f)
		}
	}
}

// families: children per parent.
func (a *attacker) families() {
	for _, rel := range a.rels {
		child, parent := a.d.tables[rel.Table], a.d.tables[rel.RefTable]
		if child == nil || parent == nil || len(rel.Columns) != 1 || rel.Table == rel.RefTable {
			continue
		}
		cc, pc := colIndex(child.schema, rel.Columns[0]), colIndex(parent.schema, rel.RefColumns[0])
		kids := map[string][]int{}
		for i, r := range child.rows {
			kids[r[cc]] = append(kids[r[cc]], i)
		}
		hist := map[int]int{}
		for _, r := range parent.rows {
			hist[len(kids[r[pc]])]++
		}
		np, nc := float64(len(parent.rows)), float64(len(child.rows))
		var hs []int
		for _, h := range hist {
			hs = append(hs, h)
		}
		if g := commonDivisor(hs); g >= 2 {
			a.add(rel.RefTable, "divisor of children-per-parent counts "+rel.String(), np/float64(g))
			a.add(rel.Table, "divisor of children-per-parent counts "+rel.String(), nc/float64(g))
		}
		// spikes: a large family size seen once in the original is seen
		// factor times in the copy, every one of them the same number of
		// times
		var sizes []int
		for m := range hist {
			sizes = append(sizes, m)
		}
		sort.Ints(sizes)
		if tail := sizes[len(sizes)*3/4:]; len(tail) >= 5 {
			mode := map[int]int{}
			for _, m := range tail {
				mode[hist[m]]++
			}
			for f, k := range mode {
				if float64(k) >= 0.8*float64(len(tail)) {
					a.add(rel.RefTable, "repeats of large families "+rel.String(), np/float64(f))
					a.add(rel.Table, "repeats of large families "+rel.String(), nc/float64(f))
				}
			}
		}
		// family signatures: children's datetimes relative to the
		// parent's, the same in every copy of a family under one shift
		ct, pt := firstTimeCol(child.schema), firstTimeCol(parent.schema)
		if ct < 0 || pt < 0 {
			continue
		}
		sigs := map[string]bool{}
		multi := 0
		for _, r := range parent.rows {
			ks := kids[r[pc]]
			if len(ks) < 2 {
				continue
			}
			p0, ok := parseTime(r[pt])
			if !ok {
				continue
			}
			var offs []int64
			for _, k := range ks {
				if tm, ok := parseTime(child.rows[k][ct]); ok {
					offs = append(offs, tm.Sub(p0).Microseconds())
				}
			}
			sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
			sigs[fmt.Sprint(offs)] = true
			multi++
		}
		if multi >= 10 {
			a.add(rel.RefTable, "family time signatures "+rel.String(), np*float64(len(sigs))/float64(multi))
		}
	}
}

func firstTimeCol(s *sqldump.Table) int {
	for i, c := range s.Columns {
		if isDatetimeType(c.Type) {
			return i
		}
	}
	return -1
}

// tableCounts: the same factor on every table keeps a common divisor.
func (a *attacker) tableCounts(names []string) {
	var ns []int
	for _, n := range names {
		if k := len(a.d.tables[n].rows); k >= 2 && !a.skipT[n] {
			ns = append(ns, k)
		}
	}
	g := 0
	for _, k := range ns {
		g = gcd(g, k)
	}
	if g >= 2 {
		for _, n := range names {
			if k := len(a.d.tables[n].rows); k >= 2 {
				a.add(n, "divisor of table counts", float64(k)/float64(g))
			}
		}
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// sequences: values handed out, in a SEQUENCE or a *_seq table.
func (a *attacker) sequences() {
	for name, tb := range a.d.tables {
		for _, col := range tb.schema.Columns {
			if m := regexp.MustCompile("(?i)nextval\\((?:`[^`]*`\\.)?`?([A-Za-z0-9_]+)`?").FindStringSubmatch(col.Default); m != nil {
				if v, ok := a.d.setval[m[1]]; ok {
					a.add(name, "SETVAL of "+m[1], float64(v-1))
				}
			}
		}
		// a *_seq table numbers the rows of the table it is named after
		if base, ok := strings.CutSuffix(name, "_seq"); ok && len(tb.rows) == 1 {
			if v, err := strconv.ParseInt(tb.rows[0][0], 10, 64); err == nil {
				for _, target := range []string{base, base + "s"} {
					if a.d.tables[target] != nil {
						a.add(target, "next value in "+name, float64(v-1))
					}
				}
			}
		}
	}
}
