package scrub

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Double-byte legacy charsets: a CJK or Hangul name stored by an old
// application in GBK, Big5, Shift_JIS, EUC-JP or EUC-KR, and logged as
// raw bytes, a bytes repr ("b'\xcd\xf5\xd0\xa1'"), hex or base64 (red
// team scrubatk18: 王小明 in GBK and Big5 came through). Bytes that are
// not UTF-8 and read in such a charset as letters of its script are
// scanned so read.

// dbcsCharset is one such charset and how its characters are cut.
type dbcsCharset struct {
	enc encoding.Encoding
	// unit is the length of the character at b[0] (b[0] >= 0x80), 0 when
	// no character of the charset starts so.
	unit func(b []byte) int
}

var dbcsCharsets = []dbcsCharset{
	{simplifiedchinese.GBK, func(b []byte) int { return pairIf(b, 0x81, 0xfe, 0x40, 0xfe) }},
	{traditionalchinese.Big5, func(b []byte) int { return pairIf(b, 0x81, 0xfe, 0x40, 0xfe) }},
	{japanese.ShiftJIS, func(b []byte) int {
		if b[0] >= 0xa1 && b[0] <= 0xdf {
			return 1 // (half-width katakana)
		}
		if b[0] <= 0x9f || b[0] >= 0xe0 && b[0] <= 0xfc {
			return pairIf(b, 0x81, 0xfc, 0x40, 0xfc)
		}
		return 0
	}},
	{japanese.EUCJP, func(b []byte) int {
		if b[0] == 0x8e {
			return pairIf(b, 0x8e, 0x8e, 0xa1, 0xdf)
		}
		if b[0] == 0x8f {
			if len(b) >= 3 && pairIf(b[1:], 0xa1, 0xfe, 0xa1, 0xfe) == 2 {
				return 3
			}
			return 0
		}
		return pairIf(b, 0xa1, 0xfe, 0xa1, 0xfe)
	}},
	{korean.EUCKR, func(b []byte) int { return pairIf(b, 0x81, 0xfe, 0x41, 0xfe) }},
}

// pairIf is 2 when b starts with a lead byte in [l0,l1] and a trail
// byte in [t0,t1], else 0.
func pairIf(b []byte, l0, l1, t0, t1 byte) int {
	if len(b) >= 2 && b[0] >= l0 && b[0] <= l1 && b[1] >= t0 && b[1] <= t1 {
		return 2
	}
	return 0
}

// minDBCS: the characters of two bytes or more that bytes need before
// they are read in a double-byte charset (a name has two at least).
const minDBCS = 2

// dbcsViews calls fn with t read in each double-byte charset in which
// t's bytes of 0x80 or more all make characters, minDBCS of them or
// more, each a letter (CJK, kana, Hangul, Cyrillic, Greek, Latin) or a
// CJK punctuation mark: random bytes seldom read so. Each view's bytes
// map to t's (fn's view is only valid during the call).
func dbcsViews(t []byte, fn func(u *view)) {
	high := 0
	for _, c := range t {
		if c >= 0x80 {
			high++
		}
	}
	if high < 2*minDBCS || utf8.Valid(t) {
		return
	}
	u := &view{}
	for _, cs := range dbcsCharsets {
		u.text, u.start, u.end = u.text[:0], u.start[:0], u.end[:0]
		d := cs.enc.NewDecoder()
		n, ok := 0, true
		for i := 0; i < len(t) && ok; {
			if t[i] < 0x80 {
				u.push(t[i], i, i+1)
				i++
				continue
			}
			k := cs.unit(t[i:])
			if k == 0 {
				ok = false
				break
			}
			out, err := d.Bytes(t[i : i+k])
			r, size := utf8.DecodeRune(out)
			if err != nil || size != len(out) || r == utf8.RuneError || !dbcsLetter(r) {
				ok = false
				break
			}
			u.pushRune(r, i, i+k)
			if k > 1 {
				n++
			}
			i += k
		}
		if ok && n >= minDBCS {
			fn(u)
		}
	}
}

// dbcsLetter: r is a letter a name may hold in a double-byte charset
// (or CJK punctuation: an ideographic space, a middle dot).
func dbcsLetter(r rune) bool {
	return unicode.IsLetter(r) || r == '　' || r == '・' || r == '·'
}

// dbcsLike: b may be text in a double-byte charset: no UTF-8, and its
// bytes of 0x80 or more are each a pair's lead (with any charset's
// trail byte after it), minDBCS pairs or more.
func dbcsLike(b []byte) bool {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		if pairIf(b[i:], 0x81, 0xfe, 0x40, 0xfe) == 0 {
			return false
		}
		n++
		i++
	}
	return n >= minDBCS && !utf8.Valid(b)
}

// scanWhole is scanView for a double-byte charset's view (or EBCDIC's):
// whole values and name tokens only. Random bytes read as ideographs in one charset
// or another at every alignment, and a piece of a CJK name is two of
// them (the attack corpus's clean "2026-11-21", read as base64 and GBK).
func (w *worker) scanWhole(u *view, anywhere bool, spans []span) []span {
	for _, sp := range w.scanView(u, anywhere, nil) {
		if sp.kind != KindPiece && sp.kind != KindPrefix {
			spans = append(spans, sp)
		}
	}
	return spans
}
