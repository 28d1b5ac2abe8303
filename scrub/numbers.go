package scrub

import (
	"encoding/base32"
	"unicode/utf8"
)

// More encodings a program can write a value in, each decoded like a
// blob (a known value inside scrubs the whole run):
//   - numbers lists: the value's characters or bytes as decimal numbers
//     (SQL's CHAR(74,252,114 USING utf8mb4), Python's [ord(c) for c in s]
//     and list(s.encode()), a JavaScript char code array);
//   - base32 (RFC 4648, either case, with or without padding).

// minNumList: fewer numbers are a tuple's or a version's, not text's.
const minNumList = 4

// numListSpans appends the spans of v's numbers lists that hold a known
// value: a run of minNumList or more decimal numbers, separated by a
// comma and spaces, read as the code points they are and, when all are
// bytes, as the UTF-8 they spell.
func (w *worker) numListSpans(v *view, depth int, spans []span) []span {
	t := v.text
	if depth >= maxDepth || !hasListComma(t) {
		return spans
	}
	var runes, bytes []byte
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) || i > 0 && (t[i-1] >= 0x80 || asciiAlnum[t[i-1]] != 0 || t[i-1] == '.') {
			continue
		}
		runes, bytes = runes[:0], bytes[:0]
		n, end, allBytes, signed := 0, i, true, false
		for j := i; ; {
			k, x := j, 0
			for k < len(t) && isDigit(t[k]) && k-j < 8 {
				x = x*10 + int(t[k]-'0')
				k++
			}
			if k == j || k < len(t) && (t[k] >= 0x80 || asciiAlnum[t[k]] != 0 || t[k] == '.') {
				break
			}
			if negative(t, j) {
				// Java's signed bytes (Arrays.toString of a byte[]).
				if x == 0 || x > 128 {
					break
				}
				x, signed = 256-x, true
			}
			if x > utf8.MaxRune || x >= 0xd800 && x < 0xe000 {
				break
			}
			runes = utf8.AppendRune(runes, rune(x))
			if x < 256 {
				bytes = append(bytes, byte(x))
			} else {
				allBytes = false
			}
			n, end = n+1, k
			// The next number: after a comma, and spaces.
			if k >= len(t) || t[k] != ',' {
				break
			}
			k++
			for k < len(t) && t[k] == ' ' {
				k++
			}
			if k+1 < len(t) && t[k] == '-' && isDigit(t[k+1]) {
				k++
			}
			j = k
		}
		if signed {
			runes = append(runes[:0], bytes...) // (no code points)
		}
		if n >= minNumList {
			if sp, ok := w.listHit(runes, bytes, allBytes, depth); ok {
				sp.start, sp.end = v.source(i, end)
				spans = append(spans, sp)
			}
		}
		i = end
	}
	return spans
}

// negative: the number at t[j] has a minus sign (not a range's dash).
func negative(t []byte, j int) bool {
	return j > 0 && t[j-1] == '-' && (j == 1 || t[j-2] < 0x80 && asciiAlnum[t[j-2]] == 0)
}

// hasListComma: t has a digit, a comma, maybe a space and a sign, and a
// digit (what a numbers list needs; most lines have none).
func hasListComma(t []byte) bool {
	for i := 1; i+1 < len(t); i++ {
		if t[i] != ',' || !isDigit(t[i-1]) {
			continue
		}
		j := i + 1
		if t[j] == ' ' && j+1 < len(t) {
			j++
		}
		if t[j] == '-' && j+1 < len(t) {
			j++
		}
		if isDigit(t[j]) {
			return true
		}
	}
	return false
}

// listHit scans a numbers list's decoded forms.
// Bytes that spell UTF-8 are read as that only (as code points they are
// mojibake, which the mojibake variants cover).
func (w *worker) listHit(runes, bytes []byte, allBytes bool, depth int) (span, bool) {
	b := runes
	if allBytes && utf8.Valid(bytes) {
		b = bytes
	}
	sp, ok, _ := w.scanBlob(b, depth+1)
	return sp, ok
}

// minB32 is the shortest base32 run decoded: 5 bytes (a name's word
// alone, as for base64).
const minB32 = 8

var rawBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// isB32 reports whether run is base32 in one case: letters and the
// digits 2-7 only. A short lowercase run needs a digit too: words are
// lowercase runs (base32 of 5 to 19 bytes has one 4 to 8 times in 10).
func isB32(run []byte) bool {
	if len(run) < minB32 {
		return false
	}
	lower, upper, digit := false, false, false
	for _, c := range run {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '2' && c <= '7':
			digit = true
		default:
			return false
		}
	}
	return lower != upper && (upper || digit || len(run) >= 32)
}

// decodeBase32 tries a base32 run (without padding) from each of the 8
// start offsets (a run cut off before it; a short run from its start
// only), calling try until it reports a find.
func decodeBase32(run, buf []byte, try func([]byte) bool) bool {
	if !isB32(run) {
		return false
	}
	up := make([]byte, len(run))
	for i, c := range run {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	for off := 0; off < 8 && len(up)-off >= minB32; off++ {
		if len(up) < 32 && off > 0 {
			break // a short run is a whole encoding or none
		}
		r := up[off:]
		switch len(r) % 8 { // lengths no base32 text has: drop the tail
		case 1, 3, 6:
			r = r[:len(r)-1]
		}
		n, err := rawBase32.Decode(buf[:cap(buf)][:rawBase32.DecodedLen(len(r))], r)
		if err == nil && try(buf[:n]) {
			return true
		}
	}
	return false
}

// minBitBytes: the bytes a run of bits needs before it is read (a
// value's piece).
const minBitBytes = 4

// bitSpans appends the spans of bit strings holding a known value: bytes
// written in binary, 8 bits a group with one separator between groups
// ("01011010 01101111", as a bin() or a C++ bitset prints them, or with
// ':' or '-') or as one run of 8 bits a byte (red team scrubatk19). The
// whole run goes.
func (w *worker) bitSpans(v *view, depth int, spans []span) []span {
	t := v.text
	if depth >= maxDepth {
		return spans
	}
	isBit := func(c byte) bool { return c == '0' || c == '1' }
	var b []byte
	for i := 0; i+8 <= len(t); i++ {
		if !isBit(t[i]) || i > 0 && (t[i-1] >= 0x80 || asciiAlnum[t[i-1]] != 0) {
			continue
		}
		j := i
		for j < len(t) && isBit(t[j]) {
			j++
		}
		b = b[:0]
		end := i
		switch {
		case j-i == 8 && j < len(t) && (t[j] == ' ' || t[j] == ':' || t[j] == '-'):
			sep := t[j]
			for k := i; k+8 <= len(t); k += 9 {
				if !allBits(t[k:k+8]) || k+8 < len(t) && t[k+8] != sep && (t[k+8] >= 0x80 || asciiAlnum[t[k+8]] != 0) {
					break
				}
				b = append(b, bitsByte(t[k:k+8]))
				end = k + 8
				if k+8 >= len(t) || t[k+8] != sep {
					break
				}
			}
		case j-i >= 8*minBitBytes && (j-i)%8 == 0 && (j == len(t) || t[j] >= 0x80 || asciiAlnum[t[j]] == 0):
			for k := i; k < j; k += 8 {
				b = append(b, bitsByte(t[k:k+8]))
			}
			end = j
		}
		if len(b) >= minBitBytes {
			if sp, ok, _ := w.scanBlob(b, depth+1); ok {
				sp.start, sp.end = v.source(i, end)
				spans = append(spans, sp)
			}
			i = end - 1
			continue
		}
		i = j - 1
	}
	return spans
}

func allBits(b []byte) bool {
	for _, c := range b {
		if c != '0' && c != '1' {
			return false
		}
	}
	return true
}

// bitsByte reads 8 bits, the first the highest.
func bitsByte(b []byte) byte {
	var x byte
	for _, c := range b[:8] {
		x = x<<1 | (c - '0')
	}
	return x
}
