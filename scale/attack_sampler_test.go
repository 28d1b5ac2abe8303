package scale

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// The red team duckatk3's estimators on numbers (their E6 and E2) and on
// the style of a downscale's rows (E1): each run on donors of known,
// secret sizes spaced by factors of 2, so that a ±25% window around one
// holds no other and an estimator that knows nothing hits at most one
// size in four.

const samplerRules = `
tables:
  users: {email: email}
`

// samplerDonor: n users whose numbers are spread (a login count on
// 0..4999, a balance), with a creation date and a JSON profile that
// holds the user's e-mail again (a cross-column link).
func samplerDonor(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	var b strings.Builder
	b.WriteString("CREATE TABLE `users` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `email` varchar(64) NOT NULL,\n  `login_count` int(11) NOT NULL,\n  `balance_cents` bigint(20) NOT NULL,\n  `created_at` datetime NOT NULL,\n  `profile` text NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		batchRow(&b, i, "users")
		email := fmt.Sprintf("%s.%s%d@example.org", attackWords[rng.IntN(len(attackWords))], attackWords[rng.IntN(len(attackWords))], rng.IntN(1000))
		at := t0.Add(time.Duration(rng.Int64N(int64(4 * 365 * 24 * time.Hour))))
		fmt.Fprintf(&b, "(%d,'%s',%d,%d,'%s','{\\\"contact\\\": {\\\"email\\\": \\\"%s\\\"}}')", i+1, email, rng.IntN(5000), rng.Int64N(10_000_000), at.Format("2006-01-02 15:04:05"), email)
	}
	b.WriteString(";\n")
	return []byte(b.String())
}

// batchRow starts row i of a generated dump's table: a new INSERT every
// 400 rows.
func batchRow(b *strings.Builder, i int, table string) {
	switch {
	case i == 0:
		fmt.Fprintf(b, "INSERT INTO `%s` VALUES ", table)
	case i%400 == 0:
		fmt.Fprintf(b, ";\nINSERT INTO `%s` VALUES ", table)
	default:
		b.WriteString(",")
	}
}

var samplerSizes = []int{500, 1000, 2000, 4000}

func samplerSet(t *testing.T) *rules.Set {
	t.Helper()
	set, err := rules.Parse("rules.yaml", []byte(samplerRules))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// numColumn is a numeric column of a dump's users.
func numColumn(t *testing.T, dump []byte, col string) []float64 {
	t.Helper()
	tb := parseDump(t, dump).tables["users"]
	c := colIndex(tb.schema, col)
	var xs []float64
	for _, r := range tb.rows {
		x, err := strconv.ParseFloat(r[c], 64)
		if err != nil {
			t.Fatalf("users.%s: %q is no number", col, r[c])
		}
		xs = append(xs, x)
	}
	return xs
}

// fano: the variance over the mean of the rows per integer value (over
// the values' range): ties of the original's flat steps raise it.
func fano(xs []float64) float64 {
	cnt := map[int64]int{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, x := range xs {
		v := int64(x)
		cnt[v]++
		lo, hi = min(lo, v), max(hi, v)
	}
	k := float64(hi - lo + 1)
	mean := float64(len(xs)) / k
	ss := 0.0
	for _, c := range cnt {
		ss += float64(c) * float64(c)
	}
	return (ss/k - mean*mean) / mean
}

// judgeSizes prints estimates against the truths and fails when more
// than 40% land within ±25% (one size in four is luck's ceiling here).
func judgeSizes(t *testing.T, name string, est, truth []float64) {
	t.Helper()
	hits := 0
	var b strings.Builder
	for i := range est {
		e := est[i]/truth[i] - 1
		if math.Abs(e) <= 0.25 {
			hits++
		}
		fmt.Fprintf(&b, " %.0f/%.0f(%+.0f%%)", est[i], truth[i], 100*e)
	}
	t.Logf("%s: %d of %d within ±25%%:%s", name, hits, len(est), b.String())
	if float64(hits) > 0.4*float64(len(est)) {
		t.Errorf("%s counts the original rows: %d of %d estimates within ±25%%", name, hits, len(est))
	}
}

// TestAttackerTiesOfOneUpscale (E6): one scale-up to a known output
// count; the attacker runs duckface on donors of known sizes to the same
// count (other keys), fits log N against the Fano factor of login_count
// and reads the secret donor's size off the fit.
func TestAttackerTiesOfOneUpscale(t *testing.T) {
	const out = 6000
	set := samplerSet(t)
	keys := attackKeys(t, 5)
	stat := func(n int, ki int) float64 {
		o := Options{Targets: map[string]int{"users": out}, Exact: true, Key: keys[ki], Rules: set}
		return fano(numColumn(t, scaleDump(t, samplerDonor(n, uint64(100+ki)), o), "login_count"))
	}
	// calibration: least squares of log N on the statistic
	var sx, sy, sxx, sxy, m float64
	for _, n := range samplerSizes {
		for ki := 0; ki < 2; ki++ {
			x, y := stat(n, ki), math.Log(float64(n))
			sx, sy, sxx, sxy, m = sx+x, sy+y, sxx+x*x, sxy+x*y, m+1
		}
	}
	slope := (m*sxy - sx*sy) / (m*sxx - sx*sx)
	icpt := (sy - slope*sx) / m
	var est, truth []float64
	for _, n := range samplerSizes {
		for ki := 2; ki < 5; ki++ {
			f := stat(n, ki)
			est = append(est, math.Exp(icpt+slope*f))
			truth = append(truth, float64(n))
		}
	}
	t.Logf("fit: log N = %.3f %+.3f × Fano", icpt, slope)
	judgeSizes(t, "ties of login_count in one upscale to 6000 rows", est, truth)
}

// TestAttackerGapsBetweenTwoDumps (E2): a downscale and an upscale of
// one donor under one key. Were the downscale's values original ones
// and the upscale's drawn uniformly between consecutive originals, the
// upscale's values between two consecutive downscale values would come
// in a Poisson count of m gaps, m-1 geometric in the kept share f: the
// variance of the counts less their mean is the mean² × (1-f), and
// N = kept / f.
func TestAttackerGapsBetweenTwoDumps(t *testing.T) {
	set := samplerSet(t)
	keys := attackKeys(t, 3)
	var est, truth []float64
	for _, n := range samplerSizes {
		for ki, k := range keys {
			donor := samplerDonor(n, uint64(200+ki))
			down := numColumn(t, scaleDump(t, donor, Options{Factor: 0.85, Exact: true, Key: k, Rules: set}), "balance_cents")
			up := numColumn(t, scaleDump(t, donor, Options{Factor: 3, Exact: true, Key: k, Rules: set}), "balance_cents")
			est = append(est, gapEstimate(down, up))
			truth = append(truth, float64(n))
		}
	}
	judgeSizes(t, "gap counts of balance_cents, x0.85 and x3", est, truth)
}

// gapEstimate is the moment estimator of the original count from the
// kept values (down) and the drawn ones (up); +Inf when the counts'
// excess variance says no gap structure.
func gapEstimate(down, up []float64) float64 {
	knots := append([]float64(nil), down...)
	sort.Float64s(knots)
	u := append([]float64(nil), up...)
	sort.Float64s(u)
	var counts []float64
	j := 0
	for j < len(u) && u[j] <= knots[0] {
		j++
	}
	for i := 1; i < len(knots); i++ {
		c := 0
		for j < len(u) && u[j] <= knots[i] {
			c++
			j++
		}
		counts = append(counts, float64(c))
	}
	mean, ss := 0.0, 0.0
	for _, c := range counts {
		mean += c
	}
	mean /= float64(len(counts))
	for _, c := range counts {
		ss += (c - mean) * (c - mean)
	}
	v := ss / float64(len(counts)-1)
	f := 1 - (v-mean)/(mean*mean)
	if f <= 0 {
		return math.Inf(1)
	}
	return float64(len(down)) / min(f, 1)
}
