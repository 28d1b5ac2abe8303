package anonymize

import (
	"bytes"
	mrand "math/rand/v2"
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

// kindString: fake words in the original's order and punctuation, each
// of its word's length class; numbers get random digits of the same
// count (user0042 -> lake7301: unique columns of numbered names stay
// unique), token-shaped values and runs random characters of their
// alphabet (kinds_token.go). Cut to the column's length, fake words
// first. A secret-named column (password, api_token) gets kindSecret.
func kindString(w *worker, c *colInfo, in []byte, n int) result {
	if c.secret {
		return kindSecret(w, c, in, n)
	}
	return result{out: withCounter(freeText(w.newOut(len(in)+8), w.rng("string", in, n), in, c.maxLen), n)}
}

// kindText: sentence-like words filling a length drawn for the value
// between the original's and a quarter more (textLength), so texts of
// nearby lengths cannot be told apart by it. In a column of perRow free
// text the draw follows the row too: a repeated text has no one fake to
// count.
func kindText(w *worker, c *colInfo, in []byte, n int) result {
	var r *mrand.Rand
	if c.perRow {
		// equal texts of two rows differ (rowctx.go): a salt, then the value
		s := w.row.salt
		w.saltBuf = append(w.saltBuf[:0], byte(s), byte(s>>8), byte(s>>16), byte(s>>24), byte(s>>32), byte(s>>40), byte(s>>48), byte(s>>56))
		w.saltBuf = append(append(append(w.saltBuf, c.family...), 0), in...)
		r = w.rng("text-row", w.saltBuf, n)
	} else {
		r = w.rng("text", in, n)
	}
	length := textLength(r, runeLen(in))
	if c.maxLen > 0 && length > c.maxLen {
		length = c.maxLen
	}
	out := w.words(length, true)
	if len(out) > 0 && bytes.ContainsAny(in[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		out[0] -= 'a' - 'A'
	}
	return result{out: withCounter(out, n)}
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

// textLength draws a length from l to about l*5/4: one value keeps its
// length (it is drawn from its own stream), but a published length fits
// originals over a quarter of their size.
func textLength(r *mrand.Rand, l int) int {
	return l + r.IntN(l/4+2)
}
