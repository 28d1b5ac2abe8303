package scale

import (
	"fmt"
	"math"
	"sort"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Analysis describes a dump's size and shape.
type Analysis struct {
	Tables    []TableStats    `json:"tables"`
	Relations []RelationStats `json:"relations"`
	children  map[string][]int
}

// TableStats: rows and duplicate keys of a table.
type TableStats struct {
	Table string `json:"table"`
	Rows  int    `json:"rows"`
	// UniqueViolations counts rows whose primary or unique key value was
	// seen before.
	UniqueViolations int `json:"unique_violations"`
}

// RelationStats: orphans and the children-per-parent distribution.
type RelationStats struct {
	Relation string  `json:"relation"`
	Implicit bool    `json:"implicit"`
	Parents  int     `json:"parents"`
	Children int     `json:"children"`
	Orphans  int     `json:"orphans"` // children whose parent row is missing
	Mean     float64 `json:"mean"`
	P50      int     `json:"p50"`
	P90      int     `json:"p90"`
	P99      int     `json:"p99"`
	Max      int     `json:"max"`
}

// Analyze reads a dump and measures it.
func Analyze(r *sqldump.Reader, set *rules.Set) (*Analysis, error) {
	if set == nil {
		set = rules.NewSet()
	}
	p := &Plan{opts: Options{Rules: set}, tables: map[string]*table{}}
	if err := p.read(r); err != nil {
		return nil, err
	}
	p.resolveRelations()
	if len(p.errs) > 0 {
		return nil, p.errs[0]
	}
	a := &Analysis{children: map[string][]int{}}
	for _, t := range p.order {
		ts := TableStats{Table: t.label(), Rows: t.rows}
		for _, k := range t.unique {
			seen := map[string]bool{}
			for row := 0; row < t.rows; row++ {
				key, ok := t.key(row, k)
				if !ok {
					continue // NULLs never collide
				}
				if seen[key] {
					ts.UniqueViolations++
				}
				seen[key] = true
			}
		}
		a.Tables = append(a.Tables, ts)
	}
	for _, rel := range p.relations {
		rs := RelationStats{Relation: rel.name, Implicit: rel.implicit, Parents: rel.parent.rows}
		count := map[string]int{}
		for row := 0; row < rel.child.rows; row++ {
			k, ok := rel.child.key(row, rel.ccols)
			if !ok {
				continue
			}
			rs.Children++
			if len(rel.parent.lookup(rel.pcols, k)) == 0 {
				rs.Orphans++
				continue
			}
			count[k]++
		}
		dist := make([]int, 0, rel.parent.rows)
		for row := 0; row < rel.parent.rows; row++ {
			k, ok := rel.parent.key(row, rel.pcols)
			if !ok {
				continue
			}
			dist = append(dist, count[k])
		}
		sort.Ints(dist)
		if n := len(dist); n > 0 {
			sum := 0
			for _, d := range dist {
				sum += d
			}
			rs.Mean = float64(sum) / float64(n)
			rs.P50, rs.P90, rs.P99, rs.Max = dist[pct(n, 50)], dist[pct(n, 90)], dist[pct(n, 99)], dist[n-1]
		}
		a.children[rel.name] = dist
		a.Relations = append(a.Relations, rs)
	}
	return a, nil
}

func pct(n int, p float64) int {
	i := int(math.Ceil(p/100*float64(n))) - 1
	return max(0, min(i, n-1))
}

// Similarity is 1 - the Kolmogorov-Smirnov statistic between two
// children-per-parent distributions (sorted counts): 1 when identical.
func Similarity(a, b []int) float64 {
	if len(a) == 0 || len(b) == 0 {
		if len(a) == len(b) {
			return 1
		}
		return 0
	}
	i, j := 0, 0
	d := 0.0
	for i < len(a) || j < len(b) {
		var x int
		switch {
		case i >= len(a):
			x = b[j]
		case j >= len(b):
			x = a[i]
		default:
			x = min(a[i], b[j])
		}
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return 1 - d
}

// Comparison of an original and a scaled dump.
type Comparison struct {
	Tables    []TableComparison    `json:"tables"`
	Relations []RelationComparison `json:"relations"`
}

// TableComparison: counts and key problems per table.
type TableComparison struct {
	Table            string  `json:"table"`
	Original         int     `json:"original"`
	Target           float64 `json:"target"`
	Actual           int     `json:"actual"`
	Deviation        float64 `json:"deviation"` // (actual-target)/target
	UniqueViolations int     `json:"unique_violations"`
}

// RelationComparison: orphans and shape per relation.
type RelationComparison struct {
	Relation   string  `json:"relation"`
	Orphans    int     `json:"orphans"`
	Similarity float64 `json:"similarity"` // 1 - KS of children per parent
}

// Compare measures how a scaled dump matches its original for factor
// (targets are factor x original; 0 means the actual ratio of the
// dump's largest table is not checked).
func Compare(orig, scaled *Analysis, factor float64) *Comparison {
	c := &Comparison{}
	byName := map[string]TableStats{}
	for _, t := range scaled.Tables {
		byName[t.Table] = t
	}
	for _, t := range orig.Tables {
		s := byName[t.Table]
		tc := TableComparison{Table: t.Table, Original: t.Rows, Target: factor * float64(t.Rows), Actual: s.Rows, UniqueViolations: s.UniqueViolations}
		if tc.Target > 0 {
			tc.Deviation = (float64(tc.Actual) - tc.Target) / tc.Target
		}
		c.Tables = append(c.Tables, tc)
	}
	for _, r := range scaled.Relations {
		c.Relations = append(c.Relations, RelationComparison{Relation: r.Relation, Orphans: r.Orphans, Similarity: Similarity(orig.children[r.Relation], scaled.children[r.Relation])})
	}
	return c
}

// Problems lists what is wrong with a scaled dump: orphans and unique
// violations (shape and counts are for people to judge).
func (c *Comparison) Problems() []string {
	var out []string
	for _, t := range c.Tables {
		if t.UniqueViolations > 0 {
			out = append(out, fmt.Sprintf("table %s: %d unique key violations", t.Table, t.UniqueViolations))
		}
	}
	for _, r := range c.Relations {
		if r.Orphans > 0 {
			out = append(out, fmt.Sprintf("relation %s: %d orphans", r.Relation, r.Orphans))
		}
	}
	return out
}
