package cliutil

import (
	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/scrub"
)

// WithParts returns vals and, after them, the parts of each that are to
// be known alone (a URL's password, host, path and query tokens; the
// data inside free text), by the rules fuzzy index follows, so a values
// file or the config knows a URL as an index of the same URL does.
func WithParts(vals []scrub.Value) []scrub.Value {
	pf := anonymize.NewPartFinder()
	out := vals
	for _, v := range vals {
		pf.Parts(v.Kind, []byte(v.Text), func(kind string, part []byte) {
			out = append(out, scrub.Value{Kind: kind, Text: string(part), Source: v.Source})
		})
	}
	return out
}
