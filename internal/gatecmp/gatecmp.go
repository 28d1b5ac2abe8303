// Package gatecmp compares two gate runs of one plan, on an original
// dataset and on its sanitized copy: the copy is only worth testing on
// if every step reads and changes as many rows as on the original.
package gatecmp

import (
	"fmt"
	"math"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/gate"
)

// Counters are the counters compared, turbo-hipster's two.
var Counters = []string{"Innodb_rows_read", "XInnodb_rows_changed"}

// Compare lists the differences between run a (the original) and run b
// (the sanitized copy): steps that differ in name or exit status, and
// counters that differ by more than tol (a fraction of a's value, with
// at least slack rows of leeway for tiny counts).
func Compare(a, b *gate.Result, tol float64, slack int64) []string {
	var diffs []string
	if len(a.Steps) != len(b.Steps) {
		return []string{fmt.Sprintf("%d steps on the original, %d on the copy", len(a.Steps), len(b.Steps))}
	}
	for i, sa := range a.Steps {
		sb := b.Steps[i]
		name := sa.Kind + " " + sa.Name()
		if sa.Name() != sb.Name() || sa.Kind != sb.Kind {
			diffs = append(diffs, fmt.Sprintf("step %d: %s on the original, %s %s on the copy", i+1, name, sb.Kind, sb.Name()))
			continue
		}
		if sa.Exit != sb.Exit {
			diffs = append(diffs, fmt.Sprintf("%s: exit %d on the original, %d on the copy", name, sa.Exit, sb.Exit))
		}
		for _, c := range Counters {
			x, y := sa.Counters[c], sb.Counters[c]
			if d := math.Abs(float64(x - y)); d > tol*float64(x) && d > float64(slack) {
				diffs = append(diffs, fmt.Sprintf("%s: %s %d on the original, %d on the copy", name, c, x, y))
			}
		}
	}
	return diffs
}

// Table renders both runs' steps side by side (for test logs and notes).
func Table(a, b *gate.Result) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%-36s %12s %12s %12s %12s %9s %9s\n", "step", "read orig", "read anon", "chg orig", "chg anon", "s orig", "s anon")
	for i, sa := range a.Steps {
		if i >= len(b.Steps) {
			break
		}
		sb := b.Steps[i]
		fmt.Fprintf(&s, "%-36s %12d %12d %12d %12d %9.2f %9.2f\n", sa.Kind+" "+sa.Name(),
			sa.Counters["Innodb_rows_read"], sb.Counters["Innodb_rows_read"],
			sa.Counters["XInnodb_rows_changed"], sb.Counters["XInnodb_rows_changed"], sa.Seconds, sb.Seconds)
	}
	return s.String()
}
