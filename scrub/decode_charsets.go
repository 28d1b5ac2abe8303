package scrub

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Legacy 8-bit charsets: a migration that fixes a latin1 column holding
// cp1251 bytes logs them raw. Bytes that are not UTF-8 are read as
// Latin-1 already (fold.go); a line with such bytes is also read in the
// 8-bit charsets of the scripts Latin-1 cannot spell (Cyrillic, Greek,
// Arabic, Hebrew),
// each invalid byte as that charset's character. A valid UTF-8 line is
// never read so (ordinary logs cost nothing).
var legacyCharsets = []*charmap.Charmap{charmap.Windows1251, charmap.KOI8R, charmap.ISO8859_7, charmap.Windows1253, charmap.ISO8859_5, charmap.CodePage866,
	charmap.Windows1256, charmap.ISO8859_6, charmap.Windows1255, charmap.ISO8859_8}

// minLegacy: the invalid bytes a line needs before it is read in the
// legacy charsets (a value's word has more).
const minLegacy = 3

// legacySpans scans v's text read in each legacy charset.
func (w *worker) legacySpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	bad := 0
	for i := 0; i < len(t) && bad < minLegacy; {
		if t[i] < 0x80 {
			i++
			continue
		}
		r, n := utf8.DecodeRune(t[i:])
		if r == utf8.RuneError && n <= 1 {
			bad++
		}
		i += n
	}
	if bad < minLegacy {
		return spans
	}
	for _, cm := range legacyCharsets {
		u := &view{}
		for i := 0; i < len(t); {
			if t[i] < 0x80 {
				u.push(t[i], i, i+1)
				i++
				continue
			}
			r, n := utf8.DecodeRune(t[i:])
			if r == utf8.RuneError && n <= 1 {
				r = cm.DecodeByte(t[i])
			}
			u.pushRune(r, i, i+n)
			i += n
		}
		u.compose(v)
		spans = w.scanView(u, anywhere, spans)
	}
	dbcsViews(t, func(u *view) {
		u.compose(v)
		spans = w.scanWhole(u, anywhere, spans)
	})
	if u := (&view{}); ebcdicView(t, u) {
		u.compose(v)
		spans = w.scanWhole(u, anywhere, spans)
	}
	return spans
}

// EBCDIC (IBM's code page 037; 500 and 1047 have the same letters and
// digits): a mainframe's or an AS/400's export logs its bytes raw, or
// in hex (red team scrubatk19: a name in cp500 hex came through). A
// stretch of 6 bytes or more of a line that read in it as letters,
// digits, spaces and a name's or an address's marks, three in four of
// them ASCII's letters and digits (ebcdicText), is read so, and decoded
// bytes that are all such a stretch; for whole values and name tokens
// only: most bytes of 0x80 or more are EBCDIC's letters, so random bytes
// read as pieces' letters (a commit id's bytes did).

// minEBCDIC: the bytes a stretch needs.
const minEBCDIC = 6

// ebcdicWord: byte c in EBCDIC is a letter, a digit or a mark a value's
// text holds.
func ebcdicWord(c byte) bool { return ebcdicWords[c] }

var ebcdicWords = func() (t [256]bool) {
	for c := range t {
		r := charmap.CodePage037.DecodeByte(byte(c))
		t[c] = unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .-_@,:'/+&#!", r)
	}
	return t
}()

// ebcdicView writes t into u with its EBCDIC stretches read; it reports
// whether there was one.
func ebcdicView(t []byte, u *view) bool {
	read := false
	for i := 0; i < len(t); {
		j := i
		for j < len(t) && ebcdicWord(t[j]) {
			j++
		}
		if j-i >= minEBCDIC && ebcdicText(t[i:j]) {
			for k := i; k < j; k++ {
				u.pushRune(charmap.CodePage037.DecodeByte(t[k]), k, k+1)
			}
			read, i = true, j
			continue
		}
		if j == i {
			j++
		}
		u.copyRun(t, i, j)
		i = j
	}
	return read
}

// ebcdicText: b is one EBCDIC stretch (plausible's test): three bytes
// in four of it EBCDIC's ASCII letters and digits (all of 0x80 or more;
// its accented letters, most of the other high bytes, are a few of a
// name's, or random bytes would read as letters at every turn: a
// wrapped blob's did, as a name's "Zoë").
func ebcdicText(b []byte) bool {
	plain := 0
	for _, c := range b {
		if !ebcdicWord(c) {
			return false
		}
		if ebcdicAlnum[c] {
			plain++
		}
	}
	return len(b) >= minEBCDIC && 4*plain >= 3*len(b)
}

var ebcdicAlnum = func() (t [256]bool) {
	for c := range t {
		r := charmap.CodePage037.DecodeByte(byte(c))
		t[c] = r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
	}
	return t
}()
