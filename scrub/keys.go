package scrub

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// The keys a value is known by. Each is looked up in one domain:
//
//	L  loose: the value's skeleton (letters and digits, folded), for
//	   values that are mostly letters: separators may change or go
//	   ("O\'Brien", "Project+Zeus", a value cut over two lines);
//	D  digits: the skeleton of values of digits (an IP, a phone number)
//	   or mostly punctuation; where it is found, S must hold too:
//	S  strict: the skeleton with a 0 byte where each separator run was:
//	   separators may change and more may come (a value cut over two
//	   lines), but none of the value's may go ("10.4.27.19" is not
//	   "10.42.7.19", "1042719" is no IP); S keys are not scanned for;
//	E  exact: the folded value, separators and all, for values with
//	   fewer than 4 letters and digits ("#&!", "db1", "7": the short
//	   ones only ever as whole words);
//	T  token: the skeleton of a longer word of a multi-word value
//	   ("Østergaard" of a full name);
//	P  prefix: the first PrefixLen skeleton bytes of a long value
//	   (messages cut long values short);
//	G  piece: each run of pieceRunes runes of the skeleton (pieces.go),
//	   found anywhere by a filter of its own, not by the tables;
//	C  window: each run of windowRunes runes of the skeleton where the
//	   value has no distinctive piece (windows.go), found as G is.
const (
	domLoose  = 'L'
	domDigits = 'D'
	domStrict = 'S'
	domExact  = 'E'
	domToken  = 'T'
	domPrefix = 'P'
)

// PrefixLen is how many skeleton bytes of a long value its prefix key has.
const PrefixLen = 16

// prefixMin: values with at least this many skeleton bytes get a prefix
// key.
const prefixMin = 24

type key struct {
	dom   byte
	b     []byte      // what is looked up
	scan  []byte      // what is scanned for (nil: nothing, S is only looked up)
	grams [2][2]uint8 // a piece's two first-level grams (pieces.go): [from, to) of b
}

// keysOf derives the keys of a value (trimmed); the first is the main
// key, nil when the value is too short to tell from noise.
func keysOf(text string) []key { return keysOfParts(text, true) }

// wholeKeysOf is keysOf without the keys of parts (pieces, words,
// prefix): a reversed or ROT13 form is found whole only (keysOfForms),
// and its pieces cost most of a value's keys' time.
func wholeKeysOf(text string) []key { return keysOfParts(text, false) }

func keysOfParts(text string, parts bool) []key {
	t := strings.TrimSpace(text)
	if t == "" {
		return nil
	}
	sc := keyScratch.Get().(*[3]rep)
	defer keyScratch.Put(sc)
	sk, fo := &sc[0], &sc[1]
	sk.skeleton([]byte(t))
	fo.folded([]byte(t))
	runes, seps, letters := 0, 0, 0
	for _, r := range t {
		runes++
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r):
		default:
			seps++
		}
	}
	var keys []key
	switch {
	case len(sk.b) >= 4 && letters > 0 && 3*seps <= runes:
		keys = append(keys, scanKey(domLoose, sk.b))
	case len(sk.b) >= 4:
		keys = append(keys, scanKey(domDigits, sk.b), key{dom: domStrict, b: squeeze(sk, 0, len(sk.b), nil), scan: nil})
	case len(fo.b) > 0:
		keys = append(keys, scanKey(domExact, fo.b))
	default:
		return nil
	}
	if !parts {
		return keys
	}
	// A URL's scheme is every URL's ("mysql+pymysql://" of a DSN made
	// pymysql a piece and a word, and its prefix every connection line):
	// its pieces, prefix and words begin after it.
	rest, restText, toks := sk, t, Tokens(t)
	if m := urlScheme.FindStringIndex(t); m != nil && m[1] < len(t) {
		rest, restText = &sc[2], t[m[1]:]
		rest.skeleton([]byte(restText))
		toks = Tokens(restText)
	}
	if d := keys[0].dom; d == domLoose || d == domDigits {
		n := len(keys)
		keys = piecesOf(restText, rest, keys)
		keys = dropProviderPieces(t, keys, n)
	}
	if len(rest.b) >= prefixMin {
		keys = append(keys, scanKey(domPrefix, rest.b[:PrefixLen]))
	}
	// Words of short multi-word values: a long text (a traceback) is
	// found whole or by its first bytes; its words are every log's.
	if len(toks) > 1 && len(toks) <= maxTokens {
		tk := &sc[2]
		for _, w := range withParts(toks) {
			if len(w) < minToken || commonWord(w) || mailProvider(w) {
				continue
			}
			tk.skeleton([]byte(w))
			if allDigits(tk.b) && len(tk.b) < digitRun {
				continue // (a word of digits alone is any log's number: "19213" of "84512093 19213")
			}
			if len(tk.b) >= 4 && string(tk.b) != string(keys[0].scan) {
				keys = append(keys, scanKey(domToken, tk.b))
			}
		}
	}
	return keys
}

// withParts adds the parts of hyphenated words of letters ("Östlund" of
// "Östlund-Berg": a name's halves stand alone in logs); words with
// digits or dots (hosts, addresses) are not cut.
func withParts(toks []string) []string {
	out := toks
	for _, w := range toks {
		if !strings.Contains(w, "-") || strings.ContainsAny(w, ".0123456789_") {
			continue
		}
		parts := strings.Split(w, "-")
		if len(parts) > maxTokens {
			continue
		}
		for _, p := range parts {
			if p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// Token rules: words of at least minToken bytes, of values of at most
// maxTokens words.
const (
	minToken  = 5
	maxTokens = 8
)

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// scanKey is a key whose scanned bytes are what is looked up: one copy
// of b for both (a value's keys are millions of small copies; no key's
// bytes are written after), no room after it to append into.
func scanKey(dom byte, b []byte) key {
	c := clone(b)
	c = c[:len(c):len(c)]
	return key{dom: dom, b: c, scan: c}
}

// keyScratch: reps for keysOf (an index adds millions of values).
var keyScratch = sync.Pool{New: func() any { return new([3]rep) }}

// squeeze writes skeleton bytes [i,e) of r with a 0 byte before each byte
// that follows a separator (not before the first).
func squeeze(r *rep, i, e int, dst []byte) []byte {
	dst = dst[:0]
	for k := i; k < e; k++ {
		if k > i && r.fl[k]&flGap != 0 {
			dst = append(dst, 0)
		}
		dst = append(dst, r.b[k])
	}
	return dst
}

// Tokens splits a value into word tokens: runs of letters, digits, '.',
// '-', '_' and non-ASCII bytes (a sentence's final dots dropped).
func Tokens(s string) []string {
	var out []string
	b := []byte(s)
	for i := 0; i < len(b); {
		if !isWordByte(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isWordByte(b[j]) {
			j++
		}
		e := j
		for e > i && b[e-1] == '.' {
			e--
		}
		if e > i {
			out = append(out, s[i:e])
		}
		i = j
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c >= 0x80
}

// dropProviderPieces drops, from keys[from:], the pieces of an e-mail
// address at a public mail service that are its domain's ("gmailc" of
// ...@gmail.com) or hold fewer than 4 runes of its local part before
// it ("vicgma": every other ...vic@gmail.com): they tell nothing of whose
// address it is.
func dropProviderPieces(t string, keys []key, from int) []key {
	at := strings.LastIndexByte(t, '@')
	if at <= 0 || !mailProvider(t[at+1:]) {
		return keys
	}
	var l, d rep
	l.skeleton([]byte(t[:at]))
	d.skeleton([]byte(t[at+1:]))
	common := func(p []byte) bool {
		if bytes.Contains(d.b, p) {
			return true
		}
		for j := 1; j < 4 && j <= len(l.b) && j < len(p); j++ {
			if bytes.HasSuffix(l.b, p[:j]) && bytes.HasPrefix(d.b, p[j:]) {
				return true
			}
		}
		return false
	}
	return append(keys[:from], slices.DeleteFunc(keys[from:], func(k key) bool { return k.dom == domPiece && common(k.b) })...)
}
