package scrub

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// ordinaryLines: the clean corpus, line by line.
func ordinaryLines(t *testing.T) []string {
	var lines []string
	for _, text := range corpus(t, cleanValues()) {
		for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			if !strings.Contains(l, "using password") && !strings.Contains(l, "Incorrect string value") { // built-in hits by design
				lines = append(lines, l)
			}
		}
	}
	sort.Strings(lines)
	return lines
}

// TestAttackCorpus is the attacker's side: every value of attack.Corpus in
// every attack form, scrubbed knowing the values (plaintext, then an
// index); then every decoded view of the output is searched for the
// value or any distinctive piece of it. Twins of the same shapes and the
// clean corpus lines in between must come out byte-identical.
func TestAttackCorpus(t *testing.T) {
	log, probes, cleanLines := attack.Log(attack.Corpus, attack.Twins, ordinaryLines(t))
	var vals []Value
	ix := NewIndex()
	for _, v := range attack.Corpus {
		vals = append(vals, Value{Kind: v.Kind, Text: v.Text, Source: "values"})
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	for _, mode := range []struct {
		name string
		opts Options
	}{{"values", Options{Values: vals}}, {"index", Options{Index: ix}}} {
		t.Run(mode.name, func(t *testing.T) {
			s, err := New(mode.opts)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
				t.Fatal(err)
			}
			leaks, altered, err := attack.Check(log, out.String(), probes, cleanLines)
			if err != nil {
				t.Fatal(err)
			}
			reportAttack(t, probes, leaks, altered, strings.SplitAfter(log, "\n"), strings.SplitAfter(out.String(), "\n"))
		})
	}
}

func reportAttack(t *testing.T, probes []attack.Probe, leaks []attack.Leak, altered []int, in, out []string) {
	t.Helper()
	byForm := map[string]int{}
	for i, l := range leaks {
		byForm[l.Probe.Form]++
		if i < 40 {
			t.Errorf("leak: %s", l)
		}
	}
	for i, n := range altered {
		if i < 20 {
			t.Errorf("clean line %d altered:\n  in:  %q\n  out: %q", n, in[n], out[n])
		}
	}
	if len(leaks) > 0 || len(altered) > 0 {
		var forms []string
		for f, n := range byForm {
			forms = append(forms, fmt.Sprintf("%s=%d", f, n))
		}
		sort.Strings(forms)
		t.Errorf("%d of %d probes leak (%s); %d clean lines altered", len(leaks), len(probes), strings.Join(forms, " "), len(altered))
	}
}
