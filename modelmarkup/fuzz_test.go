package modelmarkup

import (
	"errors"
	"regexp"
	"testing"
)

var errAt = regexp.MustCompile(`^models\.py:[1-9][0-9]*:[1-9][0-9]*: `)

// FuzzParseModels reads arbitrary Python source: it never panics, and every
// error is a *SyntaxError naming models.py:line:column.
func FuzzParseModels(f *testing.F) {
	f.Add(sample)
	for _, src := range projectFiles {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Parse("models.py", src)
		if err == nil {
			return
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("error is not a *SyntaxError: %v", err)
		}
		if !errAt.MatchString(err.Error()) {
			t.Fatalf("error without models.py:line:column: %v", err)
		}
	})
}
