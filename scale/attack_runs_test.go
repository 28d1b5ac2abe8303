package scale

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// The attacker who holds several dumps of one donor scaled under one key
// with different options (the red team's five dumps: x3, x0.5, x2, a
// --rows target, x7). Were a table's drawn factor a function of the key
// and the table alone, it would cancel in the ratio of two dumps' counts:
// users(a)/users(b) = 3/0.5 exactly names both factors, and count/factor
// is the original. Each run's draws follow its options too, so the ratio
// carries two independent draws.

// commonFactors are those an operator picks.
var commonFactors = []float64{0.1, 0.2, 0.25, 0.3, 0.5, 0.75, 1.1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 20}

// TestAttackerRatioOfTwoDumps: over many keys, for every pair of dumps of
// one donor made under the same key with different factors, (1) the
// ratio of a root table's counts is the ratio of the factors asked for
// (within 1%) no more often than two independent draws allow, and (2)
// the attacker who picks the pair of common factors whose ratio best
// matches the counts' and divides lands within ±25% of the original no
// more often than the guess of one factor does. The estimate that
// averages the dumps (what each additional dump gives) is printed: it is
// why the README says to publish one dump of a donor.
func TestAttackerRatioOfTwoDumps(t *testing.T) {
	dump, truth := attackDeployment(t)
	set, err := rules.Parse("rules.yaml", []byte(attackRules))
	if err != nil {
		t.Fatal(err)
	}
	runs := []Options{{Factor: 3}, {Factor: 0.5}, {Factor: 2, Jitter: 10}, {Factor: 7, Jitter: 30}, {Factor: 5}}
	keys := attackKeys(t, 12)
	var pairs, cancel, hits, trials, avgHits, avgTrials int
	for _, k := range keys {
		counts := make([]map[string]int, len(runs))
		for i, o := range runs {
			o.Key, o.Rules = k, set
			counts[i] = planCounts(t, dump, o)
		}
		for _, table := range attackRoots {
			n := float64(truth[table])
			logSum := 0.0
			for i := range runs {
				logSum += math.Log(float64(counts[i][table]) / runs[i].Factor)
				for j := range runs {
					if i == j {
						continue
					}
					ci, cj := float64(counts[i][table]), float64(counts[j][table])
					if cj < 20 {
						continue // a tiny count's rounding hides any ratio
					}
					pairs++
					if math.Abs(math.Log(ci/cj)-math.Log(runs[i].Factor/runs[j].Factor)) <= 0.01 {
						cancel++
					}
					// the pair of common factors whose ratio is closest
					best, fi := math.Inf(1), 0.0
					for _, a := range commonFactors {
						for _, b := range commonFactors {
							if d := math.Abs(math.Log(ci/cj) - math.Log(a/b)); d < best {
								best, fi = d, a
							}
						}
					}
					trials++
					if math.Abs(ci/fi/n-1) <= 0.25 {
						hits++
					}
				}
			}
			avgTrials++
			if math.Abs(math.Exp(logSum/float64(len(runs)))/n-1) <= 0.25 {
				avgHits++
			}
		}
	}
	// two independent draws: log(J_i/J_j) is triangular (for two default
	// spreads); within ±1% with probability about 0.02/(2 ln 3) per pair
	s := math.Log(DefaultSpread())
	pCancel := 0.02 / (2 * s)
	t.Logf("pairs of dumps under one key whose counts' ratio is the factors' within 1%%: %d of %d (%.1f%%; about %.1f%% by chance for two default draws)", cancel, pairs, 100*float64(cancel)/float64(pairs), 100*pCancel)
	t.Logf("the best pair of common factors, count/factor within ±25%%: %d of %d (%.0f%%; one guessed factor: %.0f%%)", hits, trials, 100*float64(hits)/float64(trials), 100*GuessChance(DefaultJitter))
	t.Logf("the geometric mean of count/factor over the %d dumps (the factors known): within ±25%% in %d of %d (%.0f%%): each additional dump of a donor is another estimate: publish one", len(runs), avgHits, avgTrials, 100*float64(avgHits)/float64(avgTrials))
	if r := float64(cancel) / float64(pairs); r > 0.05 {
		t.Errorf("the ratio of two dumps' counts is the ratio of their factors in %.0f%% of %d pairs: the draws cancel between dumps made with one key", 100*r, pairs)
	}
	// Several runs here have a narrow jitter (the warning says the factor
	// then leaks): the bound is the guess's chance plus theirs.
	if r := float64(hits) / float64(trials); r > 0.5 {
		t.Errorf("the factors recovered from the ratios give the count within ±25%% in %.0f%% of %d estimates", 100*r, trials)
	}
}

// orderDump is a donor whose rows carry, in a text column, a fake of
// their id that keeps its digit count (an anonymizer's fake of a host
// name pc-4861.dom): the lengths of those numbers grow along the
// original's order.
func orderDump(n int) ([]byte, int) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `users` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `home` varchar(64) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=1;\n")
	id, x := 0, uint64(14)
	for i := 0; i < n; i++ {
		id++
		for x = mix64(x); x%7 == 0; x = mix64(x) {
			id++ // a deleted row
		}
		batchRow(&b, i, "users")
		// a fake with as many digits as the id
		d := len(fmt.Sprint(id))
		lo := int(math.Pow10(d - 1))
		fake := lo + int(mix64(x^uint64(id))%uint64(9*lo))
		fmt.Fprintf(&b, "(%d,'pc-%d.dom')", id, fake)
	}
	b.WriteString(";\n")
	return []byte(b.String()), id
}

// TestAttackerRowOrderDown: a downscale keeps real rows; in the
// original's order, the lengths of the numbers in text run 1, 2, 3, 4
// digits, and where the 4-digit ones start gives the largest id
// (999 × kept / kept below 1000); the share of numbers below 1000 gives
// it without any order, in a downscale and in copies (whose templates
// are the original's values). The kept rows are written in a keyed
// shuffle, and those numbers are renewed from the output's range: the
// order says nothing, and the share gives the output's count (which
// says only what the count says).
func TestAttackerRowOrderDown(t *testing.T) {
	dump, maxID := orderDump(3000)
	var b strings.Builder
	num := regexp.MustCompile(`-(\d+)\.`)
	for _, f := range []float64{0.5, 3} {
		for ki, k := range attackKeys(t, 4) {
			d := parseDump(t, scaleDump(t, dump, Options{Factor: f, Key: k}))
			tb := d.tables["users"]
			var lens []int
			for _, r := range tb.rows {
				if m := num.FindStringSubmatch(r[1]); m != nil {
					lens = append(lens, len(m[1]))
				}
			}
			if len(lens) < len(tb.rows)/2 {
				t.Fatalf("x%v key %d: %d of %d values hold a number: the test reads the wrong thing", f, ki, len(lens), len(tb.rows))
			}
			n := float64(len(tb.rows))
			// run lengths in order: the rows before the first 4-digit number
			first4, below, rises := len(lens), 0, 0
			for i, l := range lens {
				if l >= 4 && first4 == len(lens) {
					first4 = i
				}
				if l < 4 {
					below++
				}
				if i > 0 && l >= lens[i-1] {
					rises++
				}
			}
			order, share := math.Inf(1), math.Inf(1)
			if first4 > 0 {
				order = 999 * float64(len(lens)) / float64(first4)
			}
			if below > 0 {
				share = 999 * float64(len(lens)) / float64(below)
			}
			eo, es := order/float64(maxID)-1, share/float64(maxID)-1
			fmt.Fprintf(&b, "x%v key %d: %.0f rows; first 4-digit number at row %d: max id %.0f vs %d (%+.0f%%); share of short numbers: %.0f (%+.0f%%, %.2f × the output's rows); lengths never fall in %d of %d steps\n",
				f, ki, n, first4+1, order, maxID, 100*eo, share, 100*es, share/n, rises, len(lens)-1)
			if math.Abs(eo) <= 0.25 {
				t.Errorf("x%v key %d: the row order gives the largest id within ±25%%: %.0f (truth %d)", f, ki, order, maxID)
			}
			if f < 1 && rises > len(lens)*95/100 {
				t.Errorf("x%v key %d: the numbers' lengths grow along the output (%d of %d steps): the kept rows are in the original's order", f, ki, rises, len(lens)-1)
			}
			// a hit of an estimate that is the output's own count is the
			// luck of its draw (TestAttackerGuessesTheFactor bounds it)
			if math.Abs(es) <= 0.25 && math.Abs(share/n-1) > 0.1 {
				t.Errorf("x%v key %d: the share of short numbers gives the largest id within ±25%%: %.0f (truth %d, output %.0f rows)", f, ki, share, maxID, n)
			}
		}
	}
	t.Log(b.String())
}
