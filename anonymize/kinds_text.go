package anonymize

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// username is a last name and digits, as people pick them.
func (w *worker) username() string {
	return w.pick(lastNames) + strconv.Itoa(w.prf.rng.IntN(10000))
}

func (w *worker) letters(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + w.prf.rng.IntN(26))
	}
	return string(b)
}

// kindUsername: a fake user name.
func kindUsername(w *worker, c *colInfo, in []byte, n int) result {
	w.rng("username", in, n)
	u := w.username()
	if n > 0 {
		u += strconv.Itoa(n)
	}
	return result{out: fitLength([]byte(u), c.maxLen)}
}

// words fills exactly length characters with fake words.
func (w *worker) words(length int, sentence bool) []byte {
	out := make([]byte, 0, length+16)
	for len(out) < length {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		if sentence {
			out = append(out, w.pick(allWords)...)
		} else {
			out = append(out, w.pick(nounWords)...)
		}
	}
	out = out[:length]
	if length > 0 && out[length-1] == ' ' {
		out[length-1] = 'x'
	}
	return out
}

func runeLen(b []byte) int { return utf8.RuneCount(b) }

// kindString: realistic words of the same length (in characters), cut to
// the column's length; capitalisation follows the original, and digits
// stay digits ("user0042" → "lake7301"), which also keeps enough entropy
// for unique columns of numbered names.
func kindString(w *worker, c *colInfo, in []byte, n int) result {
	r := w.rng("string", in, n)
	length := runeLen(in)
	if c.maxLen > 0 && length > c.maxLen {
		length = c.maxLen
	}
	out := w.words(length, false)
	if length == len(in) {
		for i, ch := range in {
			if ch >= '0' && ch <= '9' {
				out[i] = byte('0' + r.IntN(10))
			}
		}
	}
	switch {
	case len(in) > 1 && allUpper(in):
		out = bytes.ToUpper(out)
	case len(in) > 0 && in[0] >= 'A' && in[0] <= 'Z' && len(out) > 0:
		out[0] -= 'a' - 'A'
	}
	if n > 0 && len(out) > 0 {
		// Re-derivations need distinct values of the same length.
		s := strconv.Itoa(n)
		if len(s) < len(out) {
			copy(out[len(out)-len(s):], s)
		}
	}
	return result{out: out}
}

// allUpper: upper-casing leaves in as it is and lower-casing does not
// (a letter, none lower-case), checked without allocating for ASCII.
func allUpper(in []byte) bool {
	upper := false
	for _, c := range in {
		switch {
		case c >= 0x80:
			return bytes.Equal(in, bytes.ToUpper(in)) && !bytes.Equal(in, bytes.ToLower(in))
		case c >= 'a' && c <= 'z':
			return false
		case c >= 'A' && c <= 'Z':
			upper = true
		}
	}
	return upper
}

// kindText: like string, with sentence-like word choice.
func kindText(w *worker, c *colInfo, in []byte, n int) result {
	w.rng("text", in, n)
	length := runeLen(in)
	if c.maxLen > 0 && length > c.maxLen {
		length = c.maxLen
	}
	out := w.words(length, true)
	if len(out) > 0 && bytes.ContainsAny(in[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		out[0] -= 'a' - 'A'
	}
	if n > 0 && len(out) > 0 {
		s := strconv.Itoa(n)
		if len(s) < len(out) {
			copy(out[len(out)-len(s):], s)
		}
	}
	return result{out: out}
}

// kindKeyName: adjective-noun, like the names people give key pairs.
func kindKeyName(w *worker, c *colInfo, in []byte, n int) result {
	w.rng("key_name", in, n)
	out := w.pick(adjectives) + "-" + w.pick(nounWords)
	out = strings.ReplaceAll(out, " ", "-")
	if n > 0 {
		out += "-" + strconv.Itoa(n)
	}
	return result{out: fitLength([]byte(out), c.maxLen)}
}
