package scale

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// The attacker who guesses the factor: operators pick round factors, and
// the attacker knows duckface's default jitter. Whatever duckface does to
// the structure, a count that is the original times the factor times a
// noise of known spread is the original within that spread. Only a wide
// noise (or a target that does not depend on the original) hides it, and
// then only up to luck: with the factor drawn log-uniformly within
// ×/÷ S, the best guess (the factor itself) lands within ±25% with
// probability ln(1.25/0.75) / ln(S²). These tests measure that rate over
// many keys and factors, and require it to stay near the theory.

// attackKeys are the keys the attacker tests run under (an operator's key
// is one of many the attacker cannot tell apart).
func attackKeys(t *testing.T, n int) []*anonymize.Key {
	t.Helper()
	var ks []*anonymize.Key
	for i := range n {
		k, err := anonymize.NewKey([]byte(fmt.Sprintf("duckface-attack-key-%03d-0123456789", i)))
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
	}
	return ks
}

// rootTables of the attack deployment: the tables whose factor is drawn
// (the others follow them, so their hits are not independent trials).
var attackRoots = []string{"regions", "projects", "usage_samples", "settings", "jobs"}

// planCounts plans a scaling and returns the written counts per table.
func planCounts(t *testing.T, dump []byte, o Options) map[string]int {
	t.Helper()
	r, err := sqldump.NewReader(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(r, o)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, c := range p.Counts(false) {
		out[c.Table] = c.Planned
	}
	return out
}

// TestAttackerGuessesTheFactor: over many keys and the factors operators
// pick, the attacker's estimate written/factor lands within ±25% of a
// root table's original count no more often than the default jitter's
// spread allows (the probability is printed), and the ratio of two root
// tables' counts is as hidden (each root table draws its own factor).
func TestAttackerGuessesTheFactor(t *testing.T) {
	dump, truth := attackDeployment(t)
	set, err := rules.Parse("rules.yaml", []byte(attackRules))
	if err != nil {
		t.Fatal(err)
	}
	p := GuessChance(DefaultJitter)
	// A key draws the same jitter whatever the factor: every key is one
	// trial per root table, each key with one of the factors.
	keys := attackKeys(t, 120)
	factors := []float64{0.5, 1.1, 2, 3, 5, 10}
	trials, hits, ratioTrials, ratioHits := 0, 0, 0, 0
	perFactor, perTable := map[float64]int{}, map[string]int{}
	var b strings.Builder
	for ki, k := range keys {
		f := factors[ki%len(factors)]
		{
			counts := planCounts(t, dump, Options{Factor: f, Key: k, Rules: set})
			fmt.Fprintf(&b, "key %3d, factor %4v: written/factor vs the truth:", ki, f)
			for _, table := range attackRoots {
				n := truth[table]
				est := float64(counts[table]) / f
				e := (est - float64(n)) / float64(n)
				mark := ""
				trials++
				if math.Abs(e) <= 0.25 {
					hits++
					perFactor[f]++
					perTable[table]++
					mark = "*"
				}
				fmt.Fprintf(&b, " %s %.0f/%d (%+.0f%%)%s", table, est, n, 100*e, mark)
			}
			b.WriteByte('\n')
			// the ratio of two root tables, the original's ratio within
			// ±25%?
			for i := range attackRoots {
				for j := i + 1; j < len(attackRoots); j++ {
					a, c := attackRoots[i], attackRoots[j]
					want := float64(truth[a]) / float64(truth[c])
					got := float64(counts[a]) / float64(counts[c])
					ratioTrials++
					if math.Abs(got/want-1) <= 0.25 {
						ratioHits++
					}
				}
			}
		}
	}
	t.Log(b.String())
	rate := float64(hits) / float64(trials)
	sigma := math.Sqrt(p * (1 - p) / float64(trials))
	t.Logf("default spread ×/÷%.2f: the attacker who knows the factor and the spread lands within ±25%% with probability %.1f%% (theory); measured %d of %d root-table estimates (%.1f%%) over %d keys and factors %v; hits per factor %v, per table %v",
		DefaultSpread(), 100*p, hits, trials, 100*rate, len(keys), factors, perFactor, perTable)
	// 3 standard deviations past the theory, plus the rounding of small
	// tables' counts: chance, not a leak.
	if limit := p + 3*sigma + 0.02; rate > limit {
		t.Errorf("a guessed factor lands within ±25%% in %.1f%% of the estimates (at most %.1f%% by chance with the default spread): the factor gives the size away", 100*rate, 100*limit)
	}
	for _, f := range factors {
		if n := float64(perFactor[f]) / float64(len(keys)/len(factors)*len(attackRoots)); n > p+0.2 {
			t.Errorf("factor %v: the guess lands in %.0f%% of the estimates", f, 100*n)
		}
	}
	// Two independent draws: log(J_a/J_b) is triangular on ±2·ln S.
	s := math.Log(DefaultSpread())
	w := math.Log(1.25)
	pr := 1 - (2*s-w)*(2*s-w)/(4*s*s) // P(|log ratio| <= ln 1.25) for the triangle
	if rr := float64(ratioHits) / float64(ratioTrials); rr > pr+0.1 {
		t.Errorf("the ratio of two root tables' counts is the original's within ±25%% in %.0f%% of %d pairs (%.0f%% by chance): the tables share their factor", 100*rr, ratioTrials, 100*pr)
	} else {
		t.Logf("ratios of two root tables within ±25%% of the original's: %.0f%% of %d (%.0f%% by chance)", 100*rr, ratioTrials, 100*pr)
	}
}

// TestExactFactorLeaks: --jitter 0 (Exact) gives the factor as asked, and
// then the attacker who guesses it has every root table's count: the
// warning says so.
func TestExactFactorLeaks(t *testing.T) {
	dump, truth := attackDeployment(t)
	set, err := rules.Parse("rules.yaml", []byte(attackRules))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	p, err := NewPlan(r, Options{Factor: 3, Exact: true, Key: testKey(t), Rules: set})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "size") {
		t.Errorf("no warning that an exact factor leaks the size: %q", p.Warnings)
	}
	got := map[string]int{}
	for _, c := range p.Counts(false) {
		got[c.Table] = c.Planned
	}
	var names []string
	for _, n := range attackRoots {
		if got[n] != 3*truth[n] {
			names = append(names, fmt.Sprintf("%s %d (want %d)", n, got[n], 3*truth[n]))
		}
	}
	sort.Strings(names)
	if len(names) > 0 {
		t.Errorf("--jitter 0 is not the exact factor: %v", names)
	}
}
