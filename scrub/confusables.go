package scrub

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Confusables: letters of other scripts and styles that a reader takes
// for a Latin one (small capitals, Armenian and Cherokee lookalikes,
// turned letters, regional indicators, negative circled and squared
// letters), folded to it, and characters that show as nothing (Hangul
// fillers, tag characters) dropped as the zero-width ones are: a value
// written with them reads as the value. NFKD already takes circled,
// parenthesized, squared, full-width and mathematical letters to theirs
// once they count as letters (enclosedAlnum). Values and text fold alike,
// so an Armenian or Cherokee value is found as before.

// asRune: a rune that stands for another before any decomposition: a
// tag character for its ASCII one (an invisible copy of ASCII text),
// small capital Q (ǫ, which NFKD would take to o).
func asRune(r rune) rune {
	switch {
	case r >= 0xE0020 && r <= 0xE007E:
		return r - 0xE0000
	case r == 'ǫ' || r == 'Ǫ':
		return 'q'
	}
	return r
}

// ignorable: shows as nothing (U+3164 is a letter to Unicode, the tags
// are format characters of a block Go's Cf table covers only in part).
func ignorable(r rune) bool {
	switch r {
	case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x180E, 0x034F, 0x2800, 0x0640: // (0x0640: Arabic's tatweel, a stretch of the line between letters)
		return true
	}
	return r >= 0xE0000 && r <= 0xE001F || r == 0xE007F || r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF
}

// enclosedAlnum: a symbol that is a letter or digit in a circle, in
// parentheses or in a square (its NFKD holds the letter), or one with no
// decomposition that stands for a capital letter (negative circled and
// squared letters, regional indicators: enclosedLetter).
func enclosedAlnum(r rune) bool {
	if !(r >= 0x2460 && r <= 0x24FF || r >= 0x1F100 && r <= 0x1F1FF) {
		return false
	}
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.IsLetter(d) || unicode.IsDigit(d) {
			return true
		}
	}
	return false
}

// enclosedLetter is the Latin letter of a symbol NFKD leaves alone.
func enclosedLetter(r rune) (rune, bool) {
	for _, base := range [...]rune{0x1F150, 0x1F170, 0x1F1E6} { // negative circled, negative squared, regional indicators
		if r >= base && r < base+26 {
			return 'a' + r - base, true
		}
	}
	return 0, false
}

// lookalikePairs: each lookalike and the Latin letter it shows; keyed
// by its fold (confusable).
var lookalikePairs = [...][2]string{
	// small capitals (ꜱ, ꜰ; ǫ decomposes to o)
	{"ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz"},
	// turned (upside-down) letters; b, d, n, p, q, u turned are Latin
	// letters themselves (upsideDown makes that variant)
	{"ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ", "acefghijkmrtvwy"},
	// Armenian
	{"օհոսզցժՏՕՍ", "ohnuqgdsou"},
	// Cherokee (capitals; the fold takes them to their small letters)
	{"ᎪᏴᏟᎠᎬᏀᎻᎫᏦᏞᎷᏢᎡᏚᎢᏙᎳᏃ", "abcdeghjklmprstvwz"},
}

var confusable = func() map[rune]rune {
	m := map[rune]rune{}
	for _, p := range lookalikePairs {
		latin := []rune(p[1])
		for i, r := range []rune(p[0]) {
			m[unicode.ToLower(unicode.ToUpper(r))] = latin[i]
			m[r] = latin[i]
		}
	}
	return m
}()

// upsideDown is text as upside-down text shows it once its turned
// letters fold (confusable): reversed, with b, d, n, p, q, u for the
// letters they are turned ("ʇɹodǝɹ" is "report").
func upsideDown(text string) string {
	turned := map[rune]rune{'b': 'q', 'q': 'b', 'd': 'p', 'p': 'd', 'n': 'u', 'u': 'n'}
	r := []rune(text)
	out := make([]rune, 0, len(r))
	for i := len(r) - 1; i >= 0; i-- {
		c := unicode.ToLower(r[i])
		if t, ok := turned[c]; ok {
			c = t
		}
		out = append(out, c)
	}
	return string(out)
}

// caesar is text with its ASCII letters shifted by n (1..25).
func caesar(text string, n byte) string {
	b := []byte(text)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+n)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+n)%26
		}
	}
	return string(b)
}

// atbash is text with its ASCII letters mirrored (a for z).
func atbash(text string) string {
	b := []byte(text)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'z' - (c - 'a')
		case c >= 'A' && c <= 'Z':
			b[i] = 'Z' - (c - 'A')
		}
	}
	return string(b)
}

// tagSpans scans v's text with each run of tag characters (U+E0000 to
// U+E007F: invisible, an ASCII copy of what they spell) read as the
// ASCII it spells, a word of its own: glued to visible words ("ok" +
// tags + "done", a language tag before and a cancel tag after) the run
// is no part of them, and its punctuation is ASCII's for the
// punctuated pieces (which look for ASCII marks).
func (w *worker) tagSpans(v *view, anywhere bool, spans []span) []span {
	if !bytes.Contains(v.text, []byte{0xf3, 0xa0}) && !bytes.Contains(v.text, []byte{0xef, 0xb8}) { // (the UTF-8 of U+E0000 to U+E0FFF, of U+FE00 to U+FE3F)
		return spans
	}
	u := &view{}
	if tagView(v.text, u) {
		u.compose(v)
		spans = w.scanView(u, anywhere, spans)
	}
	u = &view{}
	if selectorView(v.text, u) {
		u.compose(v)
		spans = w.scanView(u, anywhere, spans)
	}
	return spans
}

// minSelectors: a run of variation selectors shorter than this is an
// emoji's presentation (U+FE0F), not bytes.
const minSelectors = 4

// selectorView writes t into u with each run of variation selectors read
// as the bytes it smuggles: U+FE00 to U+FE0F are bytes 0 to 15, U+E0100
// to U+E01EF bytes 16 to 255, each selector one byte, as the trick that
// hides text after an emoji writes them (red team scrubatk19). It
// reports whether a run was read.
func selectorView(t []byte, u *view) bool {
	sel := func(i int) (int, int) { // the byte selector t[i:] smuggles, its length; -1 when none
		r, n := utf8.DecodeRune(t[i:])
		switch {
		case r >= 0xFE00 && r <= 0xFE0F:
			return int(r - 0xFE00), n
		case r >= 0xE0100 && r <= 0xE01EF:
			return int(r-0xE0100) + 16, n
		}
		return -1, n
	}
	read := false
	for i := 0; i < len(t); {
		j, count := i, 0
		for j < len(t) {
			b, n := sel(j)
			if b < 0 {
				break
			}
			j, count = j+n, count+1
		}
		if count < minSelectors {
			_, n := utf8.DecodeRune(t[i:])
			if j > i {
				n = j - i
			}
			u.copyRun(t, i, i+n)
			i += n
			continue
		}
		// (a word of its own: a space before and after, mapped to the
		// first and the last selector)
		last := i
		for k := i; k < j; {
			b, n := sel(k)
			if k == i {
				u.push(' ', k, k+n)
			}
			u.push(byte(b), k, k+n)
			last = k
			k += n
		}
		u.push(' ', last, j)
		read, i = true, j
	}
	return read
}

// tagView writes t into u with its tag runs read (tagSpans); it reports
// whether any tag spelled a character.
func tagView(t []byte, u *view) bool {
	changed, inRun := false, false
	last := 0 // the last tag's start (a boundary maps to a tag)
	for i := 0; i < len(t); {
		r, n := utf8.DecodeRune(t[i:])
		if r < 0xE0000 || r > 0xE007F {
			if inRun {
				u.push(' ', last, i)
				inRun = false
			}
			u.copyRun(t, i, i+n)
			i += n
			continue
		}
		if !inRun {
			u.push(' ', i, i+n)
			inRun = true
		}
		last = i
		if r >= 0xE0020 && r <= 0xE007E {
			u.push(byte(r-0xE0000), i, i+n)
			changed = true
		}
		i += n
	}
	return changed
}
