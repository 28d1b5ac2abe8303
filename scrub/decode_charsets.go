package scrub

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Legacy 8-bit charsets: a migration that fixes a latin1 column holding
// cp1251 bytes logs them raw. Bytes that are not UTF-8 are read as
// Latin-1 already (fold.go); a line with such bytes is also read in the
// 8-bit charsets of the scripts Latin-1 cannot spell (Cyrillic, Greek),
// each invalid byte as that charset's character. A valid UTF-8 line is
// never read so (ordinary logs cost nothing).
var legacyCharsets = []*charmap.Charmap{charmap.Windows1251, charmap.KOI8R, charmap.ISO8859_7, charmap.Windows1253, charmap.ISO8859_5, charmap.CodePage866}

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
	return spans
}
