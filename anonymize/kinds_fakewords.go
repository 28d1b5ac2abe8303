package anonymize

import (
	"bytes"
	"math/bits"
	mrand "math/rand/v2"
)

// Fake words and digits for text that is not a token (the string kind,
// the fallback): words of a length class, numbers of the same digit
// count, punctuation kept (see kinds_token.go).

// Word lengths are kept only as a class: a word of the original's
// length class is drawn, so a guessed phrase cannot be confirmed by the
// lengths of its words.
var wordClasses = [][2]int{{3, 4}, {3, 4}, {3, 4}, {3, 4}, {4, 6}, {4, 6}, {5, 8}, {5, 8}, {7, 11}, {7, 11}, {7, 11}}

func wordClass(l int) (lo, hi int) {
	if l < len(wordClasses) {
		return wordClasses[l][0], wordClasses[l][1]
	}
	return 9, 14
}

// nounsByLen indexes nounWords by length: nounsFrom[l] is the first noun
// of length l or more in nounsSorted.
var nounsSorted, nounsFrom = func() ([]string, [16]int) {
	s := append([]string(nil), nounWords...)
	// stable order: by length, then as nounWords sorted them
	byLen := make([][]string, 16)
	for _, w := range s {
		byLen[len(w)] = append(byLen[len(w)], w)
	}
	var out []string
	var from [16]int
	for l := range byLen {
		from[l] = len(out)
		out = append(out, byLen[l]...)
	}
	return out, from
}()

// pickNoun draws a noun of lo..hi letters (hi at most 14).
func pickNoun(r *mrand.Rand, lo, hi int) string {
	if hi > 14 {
		hi = 14
	}
	if lo < 1 {
		lo = 1
	}
	if lo > hi {
		lo = hi
	}
	a, b := nounsFrom[lo], len(nounsSorted)
	if hi+1 < len(nounsFrom) {
		b = nounsFrom[hi+1]
	}
	if a >= b {
		return nounsSorted[r.IntN(len(nounsSorted))]
	}
	return nounsSorted[a+r.IntN(b-a)]
}

// freeText fakes text that is neither a known kind nor a token as a
// whole: whitespace-separated words that are tokens become random
// tokens, the rest letter run by letter run (see the top of the file);
// punctuation and spacing stay. max > 0 bounds the result's length:
// fake words are shortened first, so numbers (which keep unique
// columns unique) survive the cut. The fake is appended to out (empty;
// its capacity, len(in)+8 or so, saves growing it).
func freeText(out []byte, r *mrand.Rand, in []byte, max int) []byte {
	var words wordSpans // of the fake words in out
	for i := 0; i < len(in); {
		c := in[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			out = append(out, c)
			i++
			continue
		}
		j := i
		for j < len(in) && in[j] != ' ' && in[j] != '\t' && in[j] != '\n' && in[j] != '\r' {
			j++
		}
		word := in[i:j]
		if tok, ok := secretShape(r, word); ok {
			out = append(out, tok...)
		} else {
			out = fakeRuns(out, r, word, &words)
		}
		i = j
	}
	if max > 0 && len(out) > max {
		out = shortenWords(out, words.all(), len(out)-max)
	}
	return fitLength(out, max)
}

// wordSpans are the spans of fake words in a fake, the first eight
// inline (on the caller's stack: a name or a phone number allocates
// nothing for them).
type wordSpans struct {
	n     int
	fixed [8][2]int
	more  [][2]int
}

func (ws *wordSpans) add(start, end int) {
	if ws.n < len(ws.fixed) {
		ws.fixed[ws.n] = [2]int{start, end}
	} else {
		ws.more = append(ws.more, [2]int{start, end})
	}
	ws.n++
}

func (ws *wordSpans) all() [][2]int {
	if ws.n <= len(ws.fixed) {
		return ws.fixed[:ws.n]
	}
	return append(ws.fixed[:len(ws.fixed):len(ws.fixed)], ws.more...)
}

// fakeRuns fakes one whitespace-free word run by run: punctuation stays,
// letters (and bytes of non-ASCII letters) become fake words, digits
// random digits, and a run mixing letters and digits more than once
// random characters of its alphabet.
func fakeRuns(out []byte, r *mrand.Rand, s []byte, words *wordSpans) []byte {
	for i := 0; i < len(s); {
		if charClass(s[i]) == 0 && s[i] < 0x80 {
			out = append(out, s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && (charClass(s[j]) != 0 || s[j] >= 0x80) {
			j++
		}
		out = fakeRun(out, r, s[i:j], words)
		i = j
	}
	return out
}

// fakeRun fakes a run of letters and digits.
func fakeRun(out []byte, r *mrand.Rand, run []byte, words *wordSpans) []byte {
	changes := 0
	for k := 1; k < len(run); k++ {
		if (charClass(run[k]) == 3) != (charClass(run[k-1]) == 3) {
			changes++
		}
	}
	if changes == 0 && charClass(run[0]) == 3 {
		return appendRunNumber(out, r, run) // digits alone: no token (isTokenBody wants a letter or a class change)
	}
	if changes >= 2 || isTokenBody(run) {
		return randomToken(out, r, asciiOnly(run))
	}
	for i := 0; i < len(run); {
		j := i
		if charClass(run[i]) == 3 {
			for j < len(run) && charClass(run[j]) == 3 {
				j++
			}
			out = appendRunNumber(out, r, run[i:j])
			i = j
			continue
		}
		// letters: split camelCase into its words
		for j < len(run) && charClass(run[j]) != 3 {
			j++
			if j < len(run) && charClass(run[j]) == 2 && charClass(run[j-1]) == 1 {
				break
			}
		}
		out = fakeWord(out, r, run[i:j], words)
		i = j
	}
	return out
}

// runNumberDigits bounds the drawn digit count of a number in a word.
const runNumberDigits = 6

// appendRunNumber fakes a digit run of a word (node12, compute-17, a
// number in text): a zero-padded run (0042) keeps its width, a format;
// any other gets a drawn count of digits, as its own count told the size
// of the id inside and, in row order, the largest one.
func appendRunNumber(out []byte, r *mrand.Rand, run []byte) []byte {
	if len(run) > 1 && run[0] == '0' {
		return appendDigits(out, r, len(run))
	}
	return appendKeyedNumber(out, r, runNumberDigits)
}

// appendKeyedNumber appends a number of 1 to max digits (the count drawn
// from r) without a leading zero. The count, the first digit and the
// others come from one 64-bit output read as a fraction, as appendDigits
// reads it (multiply by the range: the high word is the draw, the low
// word the rest), while max and the digits fit in digitsPerDraw draws:
// a draw a digit (r.IntN) cost a phone number's digit runs a twentieth
// of the run.
func appendKeyedNumber(out []byte, r *mrand.Rand, max int) []byte {
	if max+1 > digitsPerDraw {
		n := 1 + r.IntN(max)
		out = append(out, byte('1'+r.IntN(9)))
		return appendDigits(out, r, n-1)
	}
	x := r.Uint64()
	n, x := bits.Mul64(x, uint64(max))
	d, x := bits.Mul64(x, 9)
	out = append(out, byte('1'+d))
	for ; n > 0; n-- {
		d, x = bits.Mul64(x, 10)
		out = append(out, byte('0'+d))
	}
	return out
}

// asciiOnly drops non-ASCII bytes (a token's alphabet is ASCII).
func asciiOnly(b []byte) []byte {
	for _, c := range b {
		if c >= 0x80 {
			return bytes.Map(func(r rune) rune {
				if r >= 0x80 {
					return -1
				}
				return r
			}, b)
		}
	}
	return b
}

// fakeWord appends a noun of w's length class, in w's case style
// (lower, Capitalised, UPPER).
func fakeWord(out []byte, r *mrand.Rand, w []byte, words *wordSpans) []byte {
	lo, hi := wordClass(runeLen(w))
	noun := pickNoun(r, lo, hi)
	start := len(out)
	out = append(out, noun...)
	switch {
	case len(w) > 1 && charClass(w[0]) == 2 && charClass(w[1]) == 2:
		for k := start; k < len(out); k++ {
			out[k] -= 'a' - 'A'
		}
	case charClass(w[0]) == 2:
		out[start] -= 'a' - 'A'
	}
	if words != nil {
		words.add(start, len(out))
	}
	return out
}

// shortenWords cuts excess bytes off the longest fake words (down to
// three letters each), so that what else the text holds fits.
func shortenWords(out []byte, words [][2]int, excess int) []byte {
	cut := make([]int, len(words))
	for excess > 0 {
		best := -1
		for k, w := range words {
			if l := w[1] - w[0] - cut[k]; l > 3 && (best < 0 || l > words[best][1]-words[best][0]-cut[best]) {
				best = k
			}
		}
		if best < 0 {
			break
		}
		cut[best]++
		excess--
	}
	res := make([]byte, 0, len(out))
	prev := 0
	for k, w := range words {
		res = append(res, out[prev:w[1]-cut[k]]...)
		prev = w[1]
	}
	return append(res, out[prev:]...)
}
