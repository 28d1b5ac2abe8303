// Package runename finds a character by its Unicode name, as Python's
// "\N{LATIN SMALL LETTER E WITH DIAERESIS}" escape and its namereplace
// error handler write it.
package runename

import (
	"strings"
	"sync"

	"golang.org/x/text/unicode/runenames"
)

var (
	once   sync.Once
	byName map[string]rune
)

// Lookup returns the character named name (any case, as Python reads
// it). The table is built on the first call (about 0.1 s: every code
// point's name is looked up once).
func Lookup(name string) (rune, bool) {
	once.Do(func() {
		byName = make(map[string]rune, 1<<16)
		for r := rune(0x20); r <= 0x10ffff; r++ {
			if r >= 0xd800 && r <= 0xdfff {
				continue
			}
			if n := Name(r); n != "" {
				byName[n] = r
			}
		}
	})
	r, ok := byName[strings.ToUpper(name)]
	return r, ok
}

// Name is r's Unicode name ("" for none).
func Name(r rune) string {
	n := runenames.Name(r)
	if n == "" || n[0] == '<' {
		return ""
	}
	return n
}
