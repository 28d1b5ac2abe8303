package rules

import (
	"bytes"
	"regexp"
	"testing"
)

var errAt = regexp.MustCompile(`^rules\.yaml:[1-9][0-9]*:[1-9][0-9]*: `)

// FuzzParseRules reads arbitrary YAML as a rules file: it never panics, every
// error names rules.yaml:line:column, what it accepts prints back as a
// rules file that reads the same, and validating it against a dump never
// panics.
func FuzzParseRules(f *testing.F) {
	f.Add(sampleYAML)
	f.Add(sectionsYAML)
	dump := &DumpSchema{Tables: []DumpTable{{Name: "instances", Columns: []string{"uuid", "hostname"}}, {Database: "nova_api", Name: "t", Columns: []string{"c"}}}}
	f.Fuzz(func(t *testing.T, doc string) {
		s, err := Parse("rules.yaml", []byte(doc))
		if err != nil {
			if !errAt.MatchString(err.Error()) {
				t.Fatalf("error without rules.yaml:line:column: %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := s.WriteYAML(&b); err != nil {
			t.Fatal(err)
		}
		back, err := Parse("printed.yaml", b.Bytes())
		if err != nil {
			t.Fatalf("the printout does not read back: %v\n%s", err, b.String())
		}
		if back.Len() != s.Len() || len(back.Relations) != len(s.Relations) {
			t.Fatalf("the printout reads back as %d rules, %d relations; want %d, %d\n%s", back.Len(), len(back.Relations), s.Len(), len(s.Relations), b.String())
		}
		for _, r := range s.All() {
			if got := back.RuleIn(r.Database, r.Table, r.Column); got == nil || !got.Kind.Equal(r.Kind) {
				t.Fatalf("%s %s.%s: %v, printed back as %v\n%s", r.Database, r.Table, r.Column, r.Kind, got, b.String())
			}
		}
		s.Tables["instances"] = []string{"uuid", "hostname", "host"}
		s.Validate(dump)
		s.Validate(nil)
		s.Propagate(nil)
	})
}
