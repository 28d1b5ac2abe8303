// Package runename finds a character by its Unicode name, as Python's
// "\N{LATIN SMALL LETTER E WITH DIAERESIS}" escape and its namereplace
// error handler write it.
package runename

import (
	"strconv"
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
			if n := tableName(r); n != "" {
				byName[n] = r
			}
		}
	})
	name = strings.ToUpper(name)
	if r, ok := algorithmic(name); ok {
		return r, true
	}
	r, ok := byName[name]
	return r, ok
}

// Name is r's Unicode name ("" for none), the names made by rule
// (CJK unified ideographs, Hangul syllables) too.
func Name(r rune) string {
	n := runenames.Name(r)
	switch {
	case strings.HasPrefix(n, "<CJK Ideograph"):
		return cjkPrefix + strings.ToUpper(strconv.FormatInt(int64(r), 16))
	case n == "<Hangul Syllable>":
		s := int(r - hangulBase)
		return hangulPrefix + jamoL[s/588] + jamoV[s%588/28] + jamoT[s%28]
	case n == "" || n[0] == '<':
		return ""
	}
	return n
}

// tableName is r's name from the table, not one made by rule.
func tableName(r rune) string {
	n := runenames.Name(r)
	if n == "" || n[0] == '<' {
		return ""
	}
	return n
}

// The names Unicode makes by rule (chapter 4.8): CJK UNIFIED
// IDEOGRAPH-6E21; HANGUL SYLLABLE and the short names of the syllable's
// jamo (GA, GAG, ..., HIH).
const (
	cjkPrefix    = "CJK UNIFIED IDEOGRAPH-"
	hangulPrefix = "HANGUL SYLLABLE "
	hangulBase   = 0xAC00
)

var (
	jamoL = []string{"G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S", "SS", "", "J", "JJ", "C", "K", "T", "P", "H"}
	jamoV = []string{"A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WEO", "WE", "WI", "YU", "EU", "YI", "I"}
	jamoT = []string{"", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG", "LM", "LB", "LS", "LT", "LP", "LH", "M", "B", "BS", "S", "SS", "NG", "J", "C", "K", "T", "P", "H"}
)

// algorithmic reads a name made by rule (name in upper case).
func algorithmic(name string) (rune, bool) {
	if h, ok := strings.CutPrefix(name, cjkPrefix); ok {
		x, err := strconv.ParseUint(h, 16, 32)
		if err != nil || len(h) < 4 || len(h) > 5 || !strings.HasPrefix(runenames.Name(rune(x)), "<CJK Ideograph") {
			return 0, false
		}
		return rune(x), true
	}
	if s, ok := strings.CutPrefix(name, hangulPrefix); ok && len(s) <= 8 {
		// (the longest jamo first: "GG" before "G"; an empty initial
		// is the syllable's vowel first)
		for l := range jamoL {
			rest, ok := strings.CutPrefix(s, jamoL[l])
			if !ok {
				continue
			}
			for v := range jamoV {
				tail, ok := strings.CutPrefix(rest, jamoV[v])
				if !ok {
					continue
				}
				for t := range jamoT {
					if tail == jamoT[t] {
						return rune(hangulBase + l*588 + v*28 + t), true
					}
				}
			}
		}
	}
	return 0, false
}
