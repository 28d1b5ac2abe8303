package scrub

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
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
	vals, ix := corpusSecrets("values")
	for _, mode := range []struct {
		name string
		opts Options
	}{{"values", Options{Values: vals}}, {"index", Options{Index: ix}}, {"values-nopieces", Options{Values: vals, NoPieces: true}}, {"index-nopieces", Options{Index: ix, NoPieces: true}}} {
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
			if mode.opts.NoPieces {
				leaks = slices.DeleteFunc(leaks, func(l attack.Leak) bool { return piecesForm(l.Probe.Form) })
			}
			reportAttack(t, probes, leaks, altered, strings.SplitAfter(log, "\n"), strings.SplitAfter(out.String(), "\n"))
			// The words of multi-word values alone, in every form.
			wlog, wprobes, wclean := attack.Log(attack.Words(attack.Corpus), nil, ordinaryLines(t))
			out.Reset()
			if _, err := s.Scrub(&out, strings.NewReader(wlog)); err != nil {
				t.Fatal(err)
			}
			leaks, altered, err = attack.Check(wlog, out.String(), wprobes, wclean)
			if err != nil {
				t.Fatal(err)
			}
			leaks = slices.DeleteFunc(leaks, func(l attack.Leak) bool {
				return ownTagForm(l.Probe.Form) || mode.opts.NoPieces && piecesForm(l.Probe.Form)
			})
			reportAttack(t, wprobes, leaks, altered, strings.SplitAfter(wlog, "\n"), strings.SplitAfter(out.String(), "\n"))
		})
	}
}

// ownTagForm: the form is one the scrubber knows as a variant of the
// whole value (attack.Form.OwnTag).
func ownTagForm(name string) bool {
	for _, f := range attack.Forms {
		if f.Name == name {
			return f.OwnTag
		}
	}
	return false
}

// piecesForm: only a value's pieces find it in the form
// (attack.Form.Pieces).
func piecesForm(name string) bool {
	for _, f := range attack.Forms {
		if f.Name == name {
			return f.Pieces
		}
	}
	return false
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

// TestMarkerTagsPerValue: with one marker key, a value gets one tag in
// every form it takes (escaped, encoded, a blob holding it, cut over two
// lines, caught whole by a built-in pattern), known as plaintext or
// through an index; other values get other tags; and the tag is keyed:
// another key gives another. (A word of a value, its cut-short start and
// the few bytes of it MariaDB quotes have tags of their own.)
func TestMarkerTagsPerValue(t *testing.T) {
	vals, ix := corpusSecrets("")
	tagRe := regexp.MustCompile(`\[scrubbed:([a-z-]+):([0-9a-f]{4})\]`)
	ownTag := map[string]bool{}
	for _, f := range attack.Forms {
		ownTag[f.Name] = f.OwnTag
	}
	tags := func(opts Options, v attack.Value) map[string]int {
		log, probes, _ := attack.Log([]attack.Value{v}, nil, nil)
		s, _ := New(opts)
		var out bytes.Buffer
		if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
			t.Fatal(err)
		}
		// (The forms found as variants of their own carry their own tag.)
		lines := strings.SplitAfter(out.String(), "\n")
		for _, p := range probes {
			if ownTag[p.Form] {
				for i := p.First; i < p.First+p.N && i < len(lines); i++ {
					lines[i] = ""
				}
			}
		}
		got := map[string]int{}
		for _, m := range tagRe.FindAllStringSubmatch(strings.Join(lines, ""), -1) {
			if m[1] == v.Kind || m[1] == "password" && !opts.NoBuiltin {
				got[m[2]]++
			}
		}
		// (A variant of the value is a value of its own, with its own
		// tag: a phone's national number, found on the second line of
		// a phone cut over two; a name's legacy charset as Latin-1.)
		for _, vt := range append(variants(v.Text), byteForms(v.Text)...) {
			var vo bytes.Buffer
			s.Scrub(&vo, strings.NewReader("x "+vt+" y\n"))
			for _, m := range tagRe.FindAllStringSubmatch(vo.String(), -1) {
				if m[1] == v.Kind && len(got) > 1 {
					delete(got, m[2])
				}
			}
		}
		return got
	}
	key := []byte("a marker key for the test, 32 bytes")
	seen := map[string]string{}
	for _, v := range attack.Corpus {
		byValues := tags(Options{Values: vals, MarkerKey: key, NoBuiltin: true}, v)
		byIndex := tags(Options{Index: ix, MarkerKey: key}, v)
		if len(byValues) != 1 || len(byIndex) != 1 {
			t.Errorf("%s %q: tags %v with values, %v with an index: want one", v.Kind, v.Text, byValues, byIndex)
			continue
		}
		var tv, ti string
		for k := range byValues {
			tv = k
		}
		for k := range byIndex {
			ti = k
		}
		if tv != ti {
			t.Errorf("%s %q: tag %s with values, %s with an index", v.Kind, v.Text, tv, ti)
		}
		if o, ok := seen[tv]; ok {
			t.Errorf("%q and %q share tag %s", v.Text, o, tv)
		}
		seen[tv] = v.Text
		if other := tags(Options{Values: vals, MarkerKey: []byte("another key"), NoBuiltin: true}, v); other[tv] > 0 {
			t.Errorf("%q: the same tag %s under another key", v.Text, tv)
		}
	}
}

// corpusSecrets: the attack corpus's values as a values list (source
// set when given) and as an index.
func corpusSecrets(source string) ([]Value, *Index) {
	var vals []Value
	ix := NewIndex()
	for _, v := range attack.Corpus {
		vals = append(vals, Value{Kind: v.Kind, Text: v.Text, Source: source})
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	return vals, ix
}
