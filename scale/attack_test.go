package scale

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// The attacker of the threat model: holds only a scaled dump, knows
// duckface, its defaults, the donor's schema and the rules, and tries to
// count the original rows of every table from the output's structure.
// Every estimator below is a function of the output alone; the test
// knows the truth and demands that each estimate be off by more than 25%.

// dumpTable is a table as the attacker reads it from a dump.
type dumpTable struct {
	schema  *sqldump.Table
	rows    [][]string // values; attackNull for NULL
	autoInc uint64
}

const attackNull = "\x00NULL"

type parsedDump struct {
	tables map[string]*dumpTable
	setval map[string]int64 // sequence -> SETVAL's value
}

var attackSetvalRe = regexp.MustCompile("(?i)SETVAL\\(`?([A-Za-z0-9_]+)`?\\s*,\\s*(\\d+)")

func parseDump(t *testing.T, dump []byte) *parsedDump {
	t.Helper()
	r, err := sqldump.NewReader(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	d := &parsedDump{tables: map[string]*dumpTable{}, setval: map[string]int64{}}
	var buf []byte
	for {
		st, err := r.Next()
		if err == io.EOF {
			return d
		}
		if err != nil {
			t.Fatal(err)
		}
		if s := st.Table(); s != nil {
			d.tables[s.Name] = &dumpTable{schema: s, autoInc: s.AutoIncrement}
			continue
		}
		in := st.Insert()
		if in == nil {
			if m := attackSetvalRe.FindSubmatch(st.Code()); m != nil {
				v, _ := strconv.ParseInt(string(m[2]), 10, 64)
				d.setval[string(m[1])] = v
			}
			continue
		}
		tb := d.tables[in.Table()]
		for row := 0; row < in.Rows(); row++ {
			vals := make([]string, in.Width())
			for c := range vals {
				v := in.Value(row, c)
				if v.IsNull() {
					vals[c] = attackNull
					continue
				}
				buf = v.Bytes(buf[:0])
				vals[c] = string(buf)
			}
			tb.rows = append(tb.rows, vals)
		}
	}
}

// guess is one estimate of one table's original row count.
type guess struct {
	table, attack string
	est           float64
}

type attacker struct {
	d     *parsedDump
	rels  []rules.Relation // the dump's FOREIGN KEYs and the rules' relations
	out   []guess
	skipT map[string]bool
	// nominal: the factors the attacker guesses were asked for
	nominal []float64
	pool    []int // value counts of the current table's columns
}

func (a *attacker) add(table, attack string, est float64) {
	if a.skipT[table] || math.IsNaN(est) || math.IsInf(est, 0) {
		return
	}
	a.out = append(a.out, guess{table, attack, est})
}

func newAttacker(d *parsedDump, set *rules.Set) *attacker {
	a := &attacker{d: d, skipT: map[string]bool{"alembic_version": true, "job_seq": true}}
	for name, tb := range d.tables {
		for _, fk := range tb.schema.ForeignKeys {
			a.rels = append(a.rels, rules.Relation{Table: name, Columns: fk.Columns, RefTable: fk.RefTable, RefColumns: fk.RefColumns})
		}
	}
	a.rels = append(a.rels, set.Relations...)
	a.rels = append(a.rels, attackSoftRels...)
	return a
}

func colIndex(s *sqldump.Table, name string) int {
	_, i := s.Column(name)
	return i
}

// keyCols: primary and unique key columns and referencing columns.
func (a *attacker) keyCols(name string) map[int]bool {
	tb := a.d.tables[name]
	k := map[int]bool{}
	for _, c := range tb.schema.PrimaryKey {
		k[colIndex(tb.schema, c)] = true
	}
	for _, u := range tb.schema.UniqueKeys {
		for _, c := range u.Columns {
			k[colIndex(tb.schema, c)] = true
		}
	}
	for _, r := range a.rels {
		if r.Table == name {
			for _, c := range r.Columns {
				k[colIndex(tb.schema, c)] = true
			}
		}
	}
	return k
}

func isDatetimeType(t string) bool { return t == "datetime" || t == "timestamp" || t == "date" }

func parseTime(s string) (time.Time, bool) {
	for _, f := range []string{"2006-01-02 15:04:05.999999", "2006-01-02"} {
		if tm, err := time.Parse(f, s); err == nil {
			return tm, true
		}
	}
	return time.Time{}, false
}

func counts(vals []string) map[string]int {
	m := map[string]int{}
	for _, v := range vals {
		if v != attackNull && v != "" {
			m[v]++
		}
	}
	return m
}

func (a *attacker) column(tb *dumpTable, c int) []string {
	out := make([]string, len(tb.rows))
	for i, r := range tb.rows {
		out[i] = r[c]
	}
	return out
}

// run applies every attack to every table.
func (a *attacker) run() []guess {
	var names []string
	for n := range a.d.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		tb := a.d.tables[name]
		if len(tb.rows) < 2 {
			continue
		}
		a.contents(name, tb)
		a.ids(name, tb)
		a.order(name, tb)
	}
	for _, name := range names {
		if n := len(a.d.tables[name].rows); n > 0 {
			// without any signal, the attacker's guess is the output itself
			a.add(name, "output rows", float64(n))
			// or the output over the factor the operator likely asked for
			for _, f := range a.nominal {
				a.add(name, fmt.Sprintf("written/%g", f), float64(n)/f)
			}
		}
	}
	a.families()
	a.links(names)
	a.tableCounts(names)
	a.sequences()
	return a.out
}

// contents: repeated contents and value statistics.
func (a *attacker) contents(name string, tb *dumpTable) {
	n := float64(len(tb.rows))
	keys := a.keyCols(name)
	// 1. distinct non-key contents (copies repeat them)
	seen := map[string]bool{}
	for _, r := range tb.rows {
		var b strings.Builder
		for c, v := range r {
			if !keys[c] {
				b.WriteString(v)
				b.WriteByte(0)
			}
		}
		seen[b.String()] = true
	}
	a.add(name, "distinct non-key rows", float64(len(seen)))
	var times [][]time.Time
	var timeNames []string
	a.pool = a.pool[:0]
	defer func() {
		if g := commonDivisor(a.pool); g >= 2 {
			a.add(name, "divisor of value counts", n/float64(g))
		}
	}()
	for c, col := range tb.schema.Columns {
		if keys[c] {
			continue
		}
		vals := a.column(tb, c)
		cnt := counts(vals)
		if len(cnt) == 0 {
			continue
		}
		// 2. distinct values of each column (a nearly unique one counts
		// the rows it was copied from)
		a.add(name, "distinct "+col.Name, float64(len(cnt)))
		if len(cnt) <= 500 {
			a.multiplicities(name, col.Name, cnt, n)
		}
		if isDatetimeType(col.Type) {
			ts := make([]time.Time, len(vals))
			var sorted []float64
			for i, v := range vals {
				if tm, ok := parseTime(v); ok && v != attackNull {
					ts[i] = tm
					sorted = append(sorted, float64(tm.UnixMicro()))
				}
			}
			times = append(times, ts)
			timeNames = append(timeNames, col.Name)
			a.clusters(name, "datetime clusters "+col.Name, sorted)
		}
		if isNumericType(col.Type) && len(cnt) > 500 {
			var xs []float64
			for v := range cnt {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					xs = append(xs, f)
				}
			}
			a.clusters(name, "value clusters "+col.Name, xs)
			if a.growsWithTime(tb, c) {
				// a cumulative counter: range over its typical step
				a.counter(name, col.Name, xs)
			}
		}
		if len(vals) > 0 && strings.HasPrefix(strings.TrimSpace(vals[0]), "{") {
			a.jsonLeaves(name, col.Name, vals)
		}
	}
	// 3. intervals within a row (a per-row shift keeps them)
	for i := range times {
		for j := i + 1; j < len(times); j++ {
			iv := map[int64]bool{}
			for r := range tb.rows {
				if !times[i][r].IsZero() && !times[j][r].IsZero() {
					iv[times[j][r].Sub(times[i][r]).Microseconds()] = true
				}
			}
			if len(iv) >= 10 {
				a.add(name, "distinct intervals "+timeNames[i]+".."+timeNames[j], float64(len(iv)))
			}
		}
	}
}

func isNumericType(t string) bool {
	switch t {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "float", "double":
		return true
	}
	return false
}

// multiplicities: how often each value repeats, for columns of few values.
func (a *attacker) multiplicities(name, col string, cnt map[string]int, n float64) {
	var ms []int
	for _, m := range cnt {
		ms = append(ms, m)
	}
	sort.Ints(ms)
	// divisibility (pooled over the table's columns in contents):
	// counts of copied rows are multiples of the factor
	a.pool = append(a.pool, ms...)
	// Good-Turing: copies turn singletons into doubletons
	f1, f2 := 0, 0
	for _, m := range ms {
		switch m {
		case 1:
			f1++
		case 2:
			f2++
		}
	}
	if f1 > 0 && f2 > 0 {
		a.add(name, "singletons/doubletons "+col, n/math.Max(1, 2*float64(f2)/float64(f1)))
	}
	// the rarest value was seen once: it appears factor times
	a.add(name, "rarest value "+col, n/float64(ms[0]))
	// a boundary between rare values that do not scale (seen a few times,
	// as in the original) and common ones that do: the smallest common
	// count over the largest rare one
	lowMax, highMin, nLow := 0, 0, 0
	for _, m := range ms {
		if m <= 10 {
			lowMax = m
			nLow++
		} else if highMin == 0 {
			highMin = m
		}
	}
	if nLow >= 3 && len(ms)-nLow >= 3 {
		a.add(name, "rare/common gap "+col, n*float64(lowMax+1)/float64(highMin))
	}
}

// commonDivisor is the largest g in [2, 50] that divides at least 95% of
// the counts of 2 or more, when most counts are 2 or more (copies repeat
// every value; a few natural repeats prove nothing) and there are at
// least 12 of them (so that chance does not make them all even).
func commonDivisor(ms []int) int {
	var big []int
	for _, m := range ms {
		if m >= 2 {
			big = append(big, m)
		}
	}
	if len(big) < 12 || 2*len(big) < len(ms) {
		return 0
	}
	for g := 50; g >= 2; g-- {
		k := 0
		for _, m := range big {
			if m%g == 0 {
				k++
			}
		}
		if float64(k) >= 0.95*float64(len(big)) {
			return g
		}
	}
	return 0
}

// clusters: copies of one value land close together (a per-copy shift of
// a datetime, a perturbed counter): single-linkage clusters at the largest
// jump of the sorted gaps count the originals.
func (a *attacker) clusters(name, attack string, xs []float64) {
	if len(xs) < 20 {
		return
	}
	sort.Float64s(xs)
	var gaps []float64
	for i := 1; i < len(xs); i++ {
		gaps = append(gaps, xs[i]-xs[i-1])
	}
	sg := append([]float64(nil), gaps...)
	sort.Float64s(sg)
	lo, hi := len(sg)/10, len(sg)*9/10
	best, at := 0.0, -1
	for i := max(lo, 1); i < hi; i++ {
		r := (sg[i] + 1) / (sg[i-1] + 1)
		if r > best {
			best, at = r, i
		}
	}
	if at < 0 || best < 3 {
		return
	}
	a.add(name, attack, float64(len(sg)-at+1))
}

// growsWithTime: the column increases with the table's first datetime
// (a cumulative counter).
func (a *attacker) growsWithTime(tb *dumpTable, c int) bool {
	tc := firstTimeCol(tb.schema)
	if tc < 0 {
		return false
	}
	type pt struct{ t, x float64 }
	var ps []pt
	for _, r := range tb.rows {
		tm, ok := parseTime(r[tc])
		x, err := strconv.ParseFloat(r[c], 64)
		if ok && err == nil {
			ps = append(ps, pt{float64(tm.Unix()), x})
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].t < ps[j].t })
	up := 0
	for i := 1; i < len(ps); i++ {
		if ps[i].x >= ps[i-1].x {
			up++
		}
	}
	return len(ps) > 10 && float64(up) >= 0.9*float64(len(ps)-1)
}

// counter: a cumulative counter's range over its median step.
func (a *attacker) counter(name, col string, xs []float64) {
	sort.Float64s(xs)
	var gaps []float64
	for i := 1; i < len(xs); i++ {
		gaps = append(gaps, xs[i]-xs[i-1])
	}
	sort.Float64s(gaps)
	if med := gaps[len(gaps)/2]; med > 0 {
		a.add(name, "range/step "+col, (xs[len(xs)-1]-xs[0])/med)
	}
}

// jsonLeaves: the distinct values of each leaf of JSON documents.
func (a *attacker) jsonLeaves(name, col string, vals []string) {
	leaves := map[string]map[string]bool{}
	for _, v := range vals {
		var doc map[string]any
		if json.Unmarshal([]byte(v), &doc) != nil {
			continue
		}
		for k, x := range doc {
			if leaves[k] == nil {
				leaves[k] = map[string]bool{}
			}
			b, _ := json.Marshal(x)
			leaves[k][string(b)] = true
		}
	}
	for k, s := range leaves {
		a.add(name, "distinct "+col+"."+k, float64(len(s)))
	}
}

// report prints every estimate against the truth and returns those
// within 25% of it.
func report(t *testing.T, scenario string, gs []guess, truth map[string]int) []guess {
	t.Helper()
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].table != gs[j].table {
			return gs[i].table < gs[j].table
		}
		return gs[i].attack < gs[j].attack
	})
	var hits []guess
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d estimates\n", scenario, len(gs))
	for _, g := range gs {
		n, ok := truth[g.table]
		if !ok || n == 0 {
			continue
		}
		e := (g.est - float64(n)) / float64(n)
		mark := ""
		if math.Abs(e) <= 0.25 {
			mark = "  <== within 25%"
			hits = append(hits, g)
		}
		fmt.Fprintf(&b, "  %-18s %-60s est %10.0f  truth %6d  %+8.1f%%%s\n", g.table, g.attack, g.est, n, 100*e, mark)
	}
	t.Log(b.String())
	return hits
}

// naiveCopy is the layout issue 14 found: every row copied k times with
// integer keys i + k*max, other keys suffixed, every other value as it
// was. The attacks must recover the truth from it, or they prove nothing.
func naiveCopy(d *parsedDump, rels []rules.Relation, k int) *parsedDump {
	out := &parsedDump{tables: map[string]*dumpTable{}, setval: d.setval}
	maxID := map[string]int64{}
	for name, tb := range d.tables {
		if len(tb.schema.PrimaryKey) == 1 {
			c := colIndex(tb.schema, tb.schema.PrimaryKey[0])
			for _, r := range tb.rows {
				if v, err := strconv.ParseInt(r[c], 10, 64); err == nil && v > maxID[name] {
					maxID[name] = v
				}
			}
		}
	}
	shift := func(table string, c int, s *sqldump.Table, v string, copy int) string {
		if v == attackNull || copy == 0 {
			return v
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && isNumericType(s.Columns[c].Type) {
			return strconv.FormatInt(n+int64(copy)*maxID[table], 10)
		}
		return fmt.Sprintf("%s-%d", v, copy)
	}
	for name, tb := range d.tables {
		nt := &dumpTable{schema: tb.schema, autoInc: tb.autoInc}
		keys := map[int]string{} // column -> the table whose key it holds
		for _, c := range tb.schema.PrimaryKey {
			keys[colIndex(tb.schema, c)] = name
		}
		for _, u := range tb.schema.UniqueKeys {
			keys[colIndex(tb.schema, u.Columns[0])] = name
		}
		for _, r := range rels {
			if r.Table == name && len(r.Columns) == 1 {
				keys[colIndex(tb.schema, r.Columns[0])] = r.RefTable
			}
		}
		copies := k
		if name == "alembic_version" || name == "job_seq" {
			copies = 1
		}
		for copy := 0; copy < copies; copy++ {
			for _, r := range tb.rows {
				nr := append([]string(nil), r...)
				for c, owner := range keys {
					nr[c] = shift(owner, c, tb.schema, r[c], copy)
				}
				nt.rows = append(nt.rows, nr)
			}
		}
		if nt.autoInc > 0 {
			nt.autoInc = uint64(maxID[name]*int64(k)) + 1
		}
		out.tables[name] = nt
	}
	return out
}

// trial is one estimate under one key, beside the table's count there.
type trial struct{ est, out float64 }

// verdict on one estimator of one table over the keys.
type verdict struct {
	raw      int  // estimates within ±25% of the truth
	hits     int  // those that are not the count's luck (countsLuck)
	follows  bool // the estimate is the count (or the count over a fixed k) under every key
	leak     bool
	rLo, rHi float64
	ests     string
}

// countsLuck: the estimate is the count (within 2%) or the count over a
// small integer k (within 1%: a guess that the factor was k), and closer
// to that than to the truth, or the count itself (or the count over a
// factor the attacker guesses, nominal) is within ±25% of the truth and
// nearer it than the estimate: the estimate lands near the truth because
// the count (or the count over k) does, by the luck of the count's draw.
func countsLuck(x trial, truth float64, nominal []float64) bool {
	off := math.Abs(x.est - truth)
	if math.Abs(x.est/x.out-1) <= 0.02 && math.Abs(x.est-x.out) <= off {
		return true
	}
	// the count (or the guess written/f) itself landed within ±25% (a
	// draw of the jitter, which TestAttackerGuessesTheFactor bounds) and
	// the estimate is no nearer the truth: it says nothing that guess did
	// not
	for _, f := range append([]float64{1}, nominal...) {
		if g := x.out / f; math.Abs(g/truth-1) <= 0.25 && off >= math.Abs(g-truth) {
			return true
		}
	}
	for k := 2.0; k <= 12; k++ {
		if math.Abs(x.est*k/x.out-1) <= 0.01 && math.Abs(x.est-x.out/k) <= off {
			return true
		}
	}
	return false
}

// judge tells a structural leak from the luck of a count's draw. keys
// is the number of keys the scenario ran: an estimator that gives no
// estimate under a key (its statistic saw nothing to count) missed
// there. An estimator that is the table's count under every key (within
// 10%, or the count over one small integer k within 1%, or
// estimate/count nearly constant while the counts differ), or under
// every key but one of four or more, says only what the count says: its
// hits are the count's luck, which TestAttackerGuessesTheFactor bounds
// (the one key left out holds at most one hit, which is chance below);
// so is a hit that is closer to its count (or the count over k) than to
// the truth, or that is no closer to the truth than its count (or the
// count over a factor the attacker guesses) when that itself landed
// within ±25%. Every other estimator leaks when it lands within
// ±25% under two keys or more, or under the only key, or under most
// keys: a statistic that lands near the truth under one key of several
// is chance. An estimator right under every key fails whatever the
// counts: it is closer to the truth than to them.
func judge(tr []trial, truth float64, keys int, nominal []float64) verdict {
	keys = max(keys, len(tr))
	v := verdict{rLo: math.Inf(1)}
	var ests []string
	for _, x := range tr {
		if math.Abs(x.est/truth-1) <= 0.25 {
			v.raw++
			if !countsLuck(x, truth, nominal) {
				v.hits++
			}
		}
		v.rLo, v.rHi = math.Min(v.rLo, x.est/x.out), math.Max(v.rHi, x.est/x.out)
		ests = append(ests, fmt.Sprintf("%.0f/%.0f", x.est, x.out))
	}
	v.ests = strings.Join(ests, " ")
	v.follows = followsCount(tr)
	if !v.follows && len(tr) >= 4 && v.raw < len(tr) {
		for i := range tr {
			rest := append(append([]trial(nil), tr[:i]...), tr[i+1:]...)
			if followsCount(rest) {
				v.follows = true
				break
			}
		}
	}
	v.leak = !v.follows && v.hits > 0 && (keys == 1 || v.hits >= 2 || 2*v.hits > keys)
	return v
}

// followsCount: the estimate is the count within 10%, or the count over
// one small integer k within 1%, or estimate/count is nearly constant
// (its spread a quarter of the counts') while the counts differ.
func followsCount(tr []trial) bool {
	within := func(k, tol float64) bool {
		for _, x := range tr {
			if math.Abs(x.est*k/x.out-1) > tol {
				return false
			}
		}
		return true
	}
	if within(1, 0.1) {
		return true
	}
	for k := 2.0; k <= 12; k++ {
		if within(k, 0.01) {
			return true
		}
	}
	rLo, rHi, oLo, oHi := math.Inf(1), 0.0, math.Inf(1), 0.0
	for _, x := range tr {
		rLo, rHi = math.Min(rLo, x.est/x.out), math.Max(rHi, x.est/x.out)
		oLo, oHi = math.Min(oLo, x.out), math.Max(oHi, x.out)
	}
	return len(tr) >= 2 && oHi > oLo*1.05 && math.Log(rHi/rLo) <= 0.25*math.Log(oHi/oLo)
}

// TestJudge: the leniency of the attacker test cannot hide a structural
// estimator: one right under every key fails, whatever the counts.
func TestJudge(t *testing.T) {
	const truth = 1000.0
	for _, tc := range []struct {
		name    string
		tr      []trial
		follows bool
		leak    bool
		keys    int // the keys the scenario ran (0: as many as trials)
	}{
		{"right under every key", []trial{{1010, 3000}, {990, 500}, {1005, 1200}, {980, 2100}}, false, true, 0},
		{"right under every key, counts near the truth", []trial{{1010, 1050}, {990, 960}, {1005, 1020}, {980, 1100}}, false, true, 0},
		{"right under two keys of four", []trial{{1010, 3000}, {2990, 500}, {1005, 1200}, {80, 2100}}, false, true, 0},
		{"right under the only key", []trial{{1010, 3000}}, false, true, 0},
		{"half-way to the truth", []trial{{math.Sqrt(1000 * 3000), 3000}, {math.Sqrt(1000 * 500), 500}, {math.Sqrt(1000 * 1200), 1200}, {math.Sqrt(1000 * 900), 900}}, false, true, 0},
		{"the count", []trial{{3000, 3000}, {520, 500}, {1010, 1000}, {880, 900}}, true, false, 0},
		{"the count over 3", []trial{{1000, 3000}, {167, 500}, {400, 1200}, {300, 900}}, true, false, 0},
		{"once by chance", []trial{{1100, 3000}, {3990, 500}, {40, 1200}, {4000, 900}}, false, false, 0},
		{"the count where the count is near the truth", []trial{{1040, 1040}, {500, 3000}, {1000, 1010}, {600, 1700}}, false, false, 0},
		{"the count over k, k varying", []trial{{1000, 2000}, {750, 3000}, {1100, 2200}}, false, false, 0},
		{"right under three keys of four", []trial{{1010, 3000}, {990, 500}, {1005, 1200}, {5000, 2100}}, false, true, 0},
		{"right under two keys of four, no estimate under the others", []trial{{1010, 3000}, {990, 500}}, false, true, 4},
		{"right under one key of four, no estimate under the others", []trial{{1010, 3000}}, false, false, 4},
		// duckface's x1.1 hosts: the largest soft-deleted id is about
		// 0.87 x the count but under one key (few deleted rows)
		{"the count under every key but one", []trial{{940, 1109}, {2109, 2353}, {158, 413}, {1234, 1402}}, true, false, 0},
		{"no nearer the truth than counts near it", []trial{{788, 1000}, {815, 891}, {707, 707}}, false, false, 4},
	} {
		v := judge(tc.tr, truth, max(tc.keys, len(tc.tr)), nil)
		if v.follows != tc.follows || v.leak != tc.leak {
			t.Errorf("%s: follows %v leak %v, want %v %v (%s)", tc.name, v.follows, v.leak, tc.follows, tc.leak, v.ests)
		}
	}
	// duckface's x10 instances under two keys that drew nearly the same
	// count: a fixed share of the count (the terminated rows' dates) is
	// no nearer the truth than the guess written/10, which lands there too
	share := []trial{{1166, 10818}, {1125, 10528}}
	if v := judge(share, truth, 2, []float64{10}); v.leak {
		t.Errorf("a share of the count no nearer the truth than written/10: leak (%s)", v.ests)
	}
	if v := judge(share, truth, 2, nil); !v.leak {
		t.Errorf("the same without a guessed factor: no leak (%s)", v.ests)
	}
	if v := judge([]trial{{1010, 10818}, {990, 10528}}, truth, 2, []float64{10}); !v.leak {
		t.Errorf("nearer the truth than written/10 under both keys: no leak (%s)", v.ests)
	}
}

// TestAttackerCannotCountRows is issue 14's measure: from a scaled dump
// alone, no estimate of any table's original row count lands within 25%
// of the truth, for every way of scaling. The same attacks must recover
// the truth from the original dump and from naive copies (copies that
// repeat contents, ids i + k*max), or they would prove nothing.
func TestAttackerCannotCountRows(t *testing.T) {
	dump, truth := attackDeployment(t)
	set, err := rules.Parse("rules.yaml", []byte(attackRules))
	if err != nil {
		t.Fatal(err)
	}
	orig := parseDump(t, dump)
	a := newAttacker(orig, set)
	for _, control := range []struct {
		name string
		d    *parsedDump
	}{{"original", orig}, {"naive x3", naiveCopy(orig, a.rels, 3)}} {
		hits := report(t, control.name, newAttacker(control.d, set).run(), truth)
		found := map[string]int{}
		for _, h := range hits {
			if h.attack != "output rows" {
				found[h.table]++
			}
		}
		for table := range truth {
			if found[table] == 0 {
				t.Errorf("%s: no attack recovers the size of %s: the attacks are too weak to prove anything", control.name, table)
			}
		}
	}
	// Every scenario under several keys: the factor each table draws is
	// the key's, and an estimate is a random quantity.
	keys := attackKeys(t, 4)
	var guesses, guessHits, excused, chance int
	for _, sc := range []struct {
		name    string
		o       Options
		nominal []float64 // the factors the attacker guesses
		keys    int
	}{
		{"x3", Options{Factor: 3}, []float64{3}, len(keys)},
		{"x0.5", Options{Factor: 0.5}, []float64{0.5}, len(keys)},
		{"x1.1", Options{Factor: 1.1}, []float64{1.1}, len(keys)},
		{"x10", Options{Factor: 10}, []float64{10}, 3}, // (two keys can draw nearly one count: then est/count cannot tell a share of the count from the truth)
		{"--size 8 MB", Options{Size: 8 << 20}, nil, len(keys)},
		{"--rows instances=9000 (no --factor)", Options{Targets: map[string]int{"instances": 9000}}, nil, len(keys)},
		{"x2 --table projects=4 --table usage_samples=0.4", Options{Factor: 2, Tables: map[string]float64{"projects": 4, "usage_samples": 0.4}}, []float64{2, 4, 0.4}, len(keys)},
		// a narrow jitter: the structure must not tell, even though a
		// guessed factor does (as the warning says)
		{"x2 --jitter 10", Options{Factor: 2, Jitter: 10}, nil, 1},
	} {
		t.Run(sc.name, func(t *testing.T) {
			byAttack := map[[2]string][]trial{}
			for ki, k := range keys[:sc.keys] {
				o := sc.o
				o.Key, o.Rules = k, set
				d := parseDump(t, scaleDump(t, dump, o))
				a := newAttacker(d, set)
				a.nominal = sc.nominal
				gs := a.run()
				for _, g := range gs {
					id := [2]string{g.table, g.attack}
					byAttack[id] = append(byAttack[id], trial{g.est, float64(len(d.tables[g.table].rows))})
				}
				guesses += len(sc.nominal) * len(truth)
				report(t, fmt.Sprintf("%s, key %d", sc.name, ki), gs, truth)
			}
			for id, tr := range byAttack {
				n, ok := truth[id[0]]
				if !ok || n == 0 {
					continue
				}
				v := judge(tr, float64(n), sc.keys, sc.nominal)
				switch {
				case strings.HasPrefix(id[1], "written/"):
					guessHits += v.raw // chance, at the jitter's rate
				case v.raw == 0:
				case v.follows || v.hits == 0:
					excused += v.raw
				case v.leak:
					t.Errorf("%s: %q lands within 25%% of the truth (%d) under %d of %d keys (estimates %s; estimate/count %.3g..%.3g)", id[0], id[1], n, v.hits, len(tr), v.ests, v.rLo, v.rHi)
				default:
					excused += v.raw - v.hits
					chance += v.hits
				}
			}
		})
	}
	if rate := float64(guessHits) / float64(guesses); rate > GuessChance(DefaultJitter)+0.15 {
		t.Errorf("guessed factors land within ±25%% in %.0f%% of the estimates: the factor gives the size away", 100*rate)
	}
	t.Logf("guessed factors: %d of %d estimates within ±25%% (%.0f%% by chance per root table with the default jitter); %d hits of estimators that follow the table's count (chance); %d hits under one key of several",
		guessHits, guesses, 100*GuessChance(DefaultJitter), excused, chance)
}
