package anonymize_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
)

// digitRun: the first digit run of a fake (its number).
var digitRun = regexp.MustCompile(`[0-9]+`)

// TestIDsInWordsTellNoCount: a red team read the largest user id ever
// created (within 3%) from the digit count of ids inside host names
// (pc-4861.donor.net, node12, compute-17) in row order. The attacker
// here pairs each original id's digit count with its fake's, per kind
// (hostname column, JSON host, a string column's word, URL host) and under two keys:
// the counts must not correlate, nor match more often than chance; a
// host name keeps one fake wherever it appears (joins of equal hosts).
func TestIDsInWordsTellNoCount(t *testing.T) {
	const n = 360
	ids := make([]int, n)
	var b strings.Builder
	b.WriteString("CREATE TABLE `hosts` (`id` int NOT NULL, `host` varchar(255), `again` varchar(255), `js` text, `note` varchar(255), `link` varchar(255), PRIMARY KEY (`id`));\n")
	for i := range ids {
		d := 1 + i%5 // 2 to 6 digits, mostly distinct
		ids[i] = int(math.Pow10(d)) + i*7919%int(9*math.Pow10(d))
		id := ids[i]
		fmt.Fprintf(&b, "INSERT INTO `hosts` VALUES (%d,'pc-%d.donor.net','pc-%d.donor.net','{\"home_host\": \"pc-%d.donor.net\"}','compute-%d','https://pc-%d.donor.net/x');\n",
			i+1, id, id, id, id, id)
	}
	doc := "tables:\n  hosts: {host: hostname, again: hostname, js: json, note: string, link: url}\n"
	cols := map[string]func(string) string{
		"host": func(v string) string { return strings.SplitN(v, ".", 2)[0] },
		"js":   func(v string) string { return jsonField(t, v, "home_host") },
		"note": func(v string) string { return v },
		"link": func(v string) string { return strings.TrimPrefix(v, "https://") },
	}
	lengths := map[string][][]int{} // column -> key -> row -> fake's digit count
	for _, k := range []string{"digits-a", "digits-b"} {
		out, _, err := run(t, []byte(b.String()), doc, key(t, k), 2)
		if err != nil {
			t.Fatal(err)
		}
		rows := dumptest.Rows(t, out, "hosts")
		if len(rows) != n {
			t.Fatalf("%d rows, want %d", len(rows), n)
		}
		for col, part := range cols {
			ls := make([]int, n)
			for i, r := range rows {
				d := digitRun.FindString(part(r[col]))
				if d == "" {
					t.Fatalf("row %d %s: no number in %q", i+1, col, r[col])
				}
				ls[i] = len(d)
			}
			lengths[col] = append(lengths[col], ls)
		}
		for i, r := range rows {
			if r["host"] != r["again"] {
				t.Errorf("row %d: one host, two fakes: %s, %s", i+1, r["host"], r["again"])
			}
		}
	}
	orig := make([]int, n)
	for i, id := range ids {
		orig[i] = len(fmt.Sprint(id))
	}
	for col, byKey := range lengths {
		for k, ls := range byKey {
			if r := correlation(orig, ls); math.Abs(r) > 0.3 {
				t.Errorf("%s, key %d: fake digit counts follow the original's (r = %.2f)", col, k, r)
			}
			if m := matchRate(orig, ls); m > 0.35 {
				t.Errorf("%s, key %d: %.0f%% of fakes keep the id's digit count (chance: 17%%)", col, k, 100*m)
			}
		}
		if m := matchRate(byKey[0], byKey[1]); m > 0.35 {
			t.Errorf("%s: under two keys %.0f%% of fakes share a digit count (chance: 17%%)", col, 100*m)
		}
	}
}

// jsonField is the string at key k of the JSON object v.
func jsonField(t *testing.T, v, k string) string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		t.Fatalf("%s: %v", v, err)
	}
	return m[k]
}

func correlation(x, y []int) float64 {
	var sx, sy, sxx, syy, sxy float64
	for i := range x {
		a, b := float64(x[i]), float64(y[i])
		sx, sy, sxx, syy, sxy = sx+a, sy+b, sxx+a*a, syy+b*b, sxy+a*b
	}
	n := float64(len(x))
	d := math.Sqrt((sxx - sx*sx/n) * (syy - sy*sy/n))
	if d == 0 {
		return 1 // a constant count: no spread to compare, count it as telling
	}
	return (sxy - sx*sy/n) / d
}

func matchRate(x, y []int) float64 {
	same := 0
	for i := range x {
		if x[i] == y[i] {
			same++
		}
	}
	return float64(same) / float64(len(x))
}
