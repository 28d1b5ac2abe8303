package scrub

import (
	"slices"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Folding: values and log text are compared as their letters and digits,
// case-folded (upper case of every script, ß as ss, final sigma),
// compatibility-decomposed with the accents dropped (so NFC, NFD and a
// full-width copy fold alike), and bytes that are not UTF-8 read as
// Latin-1 (a latin1 log, Python's '\xf6'). Values and text go through the
// same code, so whatever it does, it does to both.

// Flags of a rep byte.
const (
	flStart    = 1 << iota // the first byte of a folded rune
	flGap                  // skeleton: a separator (or the text's start) comes before; folded: the previous rune is not a letter or digit
	flCJK                  // a script without spaces (Han, kana, Hangul, Thai): no word boundary needed
	flAfterCJK             // the previous rune is such a one
	flAlnum                // folded rep: a letter or digit
	flCase                 // skeleton: a capital right after a small letter ("xyØyvind")
)

// rep is folded text: its bytes with, for each, the offset of the source
// rune in the text it was built from (where the rune ends is read from
// the text: runeEnd), and flags.
type rep struct {
	b     []byte
	src   []int32
	fl    []uint8
	class byte // classSkel or classFold
}

func (r *rep) reset(n int) {
	if cap(r.b) < n {
		n = max(n, 2*cap(r.b))
		r.b = make([]byte, 0, n)
		r.src = make([]int32, 0, n)
		r.fl = make([]uint8, 0, n)
	}
	r.b, r.src, r.fl = r.b[:0], r.src[:0], r.fl[:0]
}

func (r *rep) push(c byte, st int, f uint8) {
	r.b = append(r.b, c)
	r.src = append(r.src, int32(st))
	r.fl = append(r.fl, f)
}

// runeEnd is where the rune at text[i] ends, with the accents that
// follow it (they fold into it).
func runeEnd(text []byte, i int) int {
	_, n := decodeRune(text[i:])
	i += n
	for i < len(text) && text[i] >= 0x80 {
		r, n := decodeRune(text[i:])
		if f := foldRune(r); !f.alnum || f.b != "" {
			break
		}
		i += n
	}
	return i
}

// asciiAlnum and asciiLower: the ASCII fast path.
var asciiAlnum, asciiLower [128]byte

func init() {
	for c := 0; c < 128; c++ {
		asciiLower[c] = byte(c)
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			asciiAlnum[c] = 1
		case c >= 'A' && c <= 'Z':
			asciiAlnum[c] = 1
			asciiLower[c] = byte(c + 32)
		}
	}
}

// folded is one non-ASCII rune folded: its bytes (maybe none: an
// accent) and its class.
type folded struct {
	b            string
	alnum        bool
	cjk          bool
	upper, lower bool // the rune's case
}

// foldPages: the runes above the table, folded a page at a time when
// one of its runes is first met (a sync.Map lookup a rune was a tenth
// of the scan of dump-like text with names of every script).
var foldPages [(unicode.MaxRune + 1) >> foldPageBits]atomic.Pointer[[1 << foldPageBits]folded]

const foldPageBits = 8

// foldTable: the runes below foldTableLen (Latin, Greek, Cyrillic, Hebrew,
// Arabic; every byte of a Latin-1 log or a decoded blob) folded once.
var foldTable = sync.OnceValue(func() *[foldTableLen]folded {
	var t [foldTableLen]folded
	for r := range t {
		t[r] = computeFold(rune(r))
	}
	return &t
})

const foldTableLen = 0x800

func foldRune(r rune) folded {
	if r >= 0 && r < foldTableLen {
		return foldTable()[r]
	}
	if r < 0 || r > unicode.MaxRune {
		return computeFold(r)
	}
	pg := &foldPages[r>>foldPageBits]
	p := pg.Load()
	if p == nil {
		p = new([1 << foldPageBits]folded)
		base := r &^ (1<<foldPageBits - 1)
		for i := range p {
			p[i] = computeFold(base + rune(i))
		}
		if !pg.CompareAndSwap(nil, p) {
			p = pg.Load()
		}
	}
	return p[r&(1<<foldPageBits-1)]
}

func computeFold(r rune) folded {
	r = asRune(r) // (confusables.go)
	var f folded
	f.cjk = unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r) || ignorable(r) {
		// An accent, or an invisible (a zero-width space or joiner, a
		// soft hyphen, a BOM): part of the letter before, folds away.
		f.alnum = true
		return f
	}
	if l, ok := enclosedLetter(r); ok { // (confusables.go)
		f.alnum, f.upper, f.b = true, true, string(l)
		return f
	}
	f.alnum = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || enclosedAlnum(r)
	f.upper, f.lower = unicode.IsUpper(r) || unicode.IsTitle(r), unicode.IsLower(r)
	var out []byte
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		switch d {
		case 'ß', 'ẞ':
			out = append(out, "ss"...)
			continue
		}
		d = unicode.ToLower(unicode.ToUpper(d))
		if d == 'ς' {
			d = 'σ'
		}
		if l, ok := latinLookalike[d]; ok {
			d = l
		} else if l, ok := confusable[d]; ok {
			d = l
		} else if d >= 0x80 && unicode.Is(unicode.Nd, d) {
			d = '0' + digitValue(d) // (٤٥٣٩ is a card's 4539: red team scrubatk19)
		}
		out = utf8.AppendRune(out, d)
	}
	f.b = string(out)
	if f.alnum {
		// a compatibility form may hold separators ("½" is 1⁄2): keep
		// only letters and digits.
		keep := out[:0]
		for _, d := range string(out) {
			if unicode.IsLetter(d) || unicode.IsDigit(d) {
				keep = utf8.AppendRune(keep, d)
			}
		}
		f.b = string(keep)
	}
	return f
}

// latinLookalike: Cyrillic and Greek letters that look like a Latin one
// (in either case: the fold forgets case), folded to it, so a value
// written with lookalikes (Cyrillic а for Latin a, a homoglyph attack
// or a keyboard-layout slip) is still the value. Values and text fold
// alike: a Cyrillic or Greek value is found as before.
var latinLookalike = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ѕ': 's', 'і': 'i', 'ј': 'j', 'к': 'k', 'м': 'm',
	'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'һ': 'h',
	'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ү': 'y', 'ӏ': 'l',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'ζ': 'z', 'η': 'h', 'ι': 'i', 'κ': 'k', 'μ': 'm',
	'ν': 'n', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'y', 'χ': 'x',
}

// decodeRune reads one rune; a byte that does not start valid UTF-8 is
// a Latin-1 character.
func decodeRune(b []byte) (rune, int) {
	r, n := utf8.DecodeRune(b)
	if r == utf8.RuneError && n <= 1 {
		return rune(b[0]), 1
	}
	return r, n
}

// skeleton builds the skeleton rep of text: letters and digits only,
// folded; flGap marks where separators were.
func (r *rep) skeleton(text []byte) {
	r.reset(len(text))
	r.class = classSkel
	b, src, fl := r.b, r.src, r.fl
	var pending uint8 = flGap // flags for the next letter or digit
	small := false            // the last letter was a small one
	for i := 0; i < len(text); {
		if text[i] < 0x80 {
			// ASCII: written in place (an ASCII byte gives at most one;
			// reset made room for the text).
			n := len(b)
			// (room for the rest: after runes that folded to more bytes
			// the three may have grown apart)
			need := n + len(text) - i
			b, src, fl = slices.Grow(b, need-n)[:need], slices.Grow(src, need-n)[:need], slices.Grow(fl, need-n)[:need]
			for ; i < len(text) && text[i] < 0x80; i++ {
				c := text[i]
				switch asciiClass[c] {
				case acSmall, acDigit:
					b[n], src[n], fl[n] = c, int32(i), flStart|pending
					n++
					pending, small = 0, c >= 'a'
				case acCapital:
					f := flStart | pending
					if small {
						f |= flCase
					}
					b[n], src[n], fl[n] = c+32, int32(i), f
					n++
					pending, small = 0, false
				case acSep:
					pending, small = flGap, false
				} // (NUL: UTF-16 read byte by byte; neither letter nor gap)
			}
			b, src, fl = b[:n], src[:n], fl[:n]
			continue
		}
		rn, n := decodeRune(text[i:])
		fr := foldRune(rn)
		switch {
		case !fr.alnum:
			pending, small = flGap, false
		case fr.b == "": // an accent: part of the letter before (runeEnd)
		default:
			f := flStart | pending
			if fr.cjk {
				f |= flCJK
			}
			if small && fr.upper {
				f |= flCase
			}
			small = fr.lower
			for k := 0; k < len(fr.b); k++ {
				b = append(b, fr.b[k])
				src = append(src, int32(i))
				fl = append(fl, f)
				f &^= flStart | flGap | flAfterCJK | flCase
			}
			pending = 0
			if fr.cjk {
				pending = flAfterCJK
			}
		}
		i += n
	}
	r.b, r.src, r.fl = b, src, fl
}

// ASCII classes for the skeleton.
const (
	acSep = iota
	acSmall
	acCapital
	acDigit
	acNUL
)

var asciiClass = func() (t [128]uint8) {
	for c := range t {
		switch {
		case c == 0:
			t[c] = acNUL
		case c >= 'a' && c <= 'z':
			t[c] = acSmall
		case c >= 'A' && c <= 'Z':
			t[c] = acCapital
		case c >= '0' && c <= '9':
			t[c] = acDigit
		}
	}
	return t
}()

// folded builds the folded rep of text: every rune kept, folded; flGap
// marks runes after one that is not a letter or digit.
func (r *rep) folded(text []byte) {
	r.reset(len(text))
	r.class = classFold
	prevAlnum := false
	afterCJK := false
	for i := 0; i < len(text); {
		if text[i] < 0x80 {
			n := len(r.b)
			need := n + len(text) - i
			b, src, fl := slices.Grow(r.b, need-n)[:need], slices.Grow(r.src, need-n)[:need], slices.Grow(r.fl, need-n)[:need]
			for ; i < len(text) && text[i] < 0x80; i++ {
				c := text[i]
				if c == 0 {
					continue
				}
				f := foldFlags(prevAlnum, afterCJK)
				alnum := asciiAlnum[c] != 0
				if alnum {
					f |= flAlnum
				}
				b[n], src[n], fl[n] = asciiLower[c], int32(i), f
				n++
				prevAlnum, afterCJK = alnum, false
			}
			r.b, r.src, r.fl = b[:n], src[:n], fl[:n]
			continue
		}
		f := foldFlags(prevAlnum, afterCJK)
		rn, n := decodeRune(text[i:])
		fr := foldRune(rn)
		if fr.b == "" { // an accent (or an invisible): part of the rune before
			i += n
			continue
		}
		b := fr.b
		if fr.alnum {
			f |= flAlnum
		}
		if fr.cjk {
			f |= flCJK
		}
		for k := 0; k < len(b); k++ {
			r.push(b[k], i, f)
			f &^= flStart | flGap | flAfterCJK
		}
		prevAlnum, afterCJK = fr.alnum, fr.cjk
		i += n
	}
}

// foldFlags: a folded rune's first byte's flags, after a letter or digit
// or not, after a script without spaces or not.
func foldFlags(prevAlnum, afterCJK bool) uint8 {
	var f uint8 = flStart
	if !prevAlnum {
		f |= flGap
	}
	if afterCJK {
		f |= flAfterCJK
	}
	return f
}

// startOK: a match may begin at byte i of a skeleton rep (boundary mode).
func (r *rep) skelStart(i int) bool {
	return r.fl[i]&flStart != 0 && r.fl[i]&(flGap|flCJK|flAfterCJK) != 0
}

// skelEnd: a match may end before byte e of a skeleton rep.
func (r *rep) skelEnd(e int) bool {
	return e == len(r.b) || r.fl[e]&flStart != 0 && r.fl[e]&(flGap|flCJK|flAfterCJK) != 0 || r.fl[e-1]&flCJK != 0 && r.fl[e]&flStart != 0
}

// foldedStart: a match may begin at byte i of a folded rep: a rune
// start where a word does not go on from the left.
func (r *rep) foldedStart(i int) bool {
	f := r.fl[i]
	return f&flStart != 0 && (f&(flGap|flCJK|flAfterCJK) != 0 || f&flAlnum == 0)
}

// foldedEnd: a match may end before byte e of a folded rep.
func (r *rep) foldedEnd(e int) bool {
	if e == len(r.b) {
		return true
	}
	f := r.fl[e]
	if f&flStart == 0 {
		return false
	}
	return f&(flGap|flCJK|flAfterCJK) != 0 || f&flAlnum == 0
}

func lowerASCII(b []byte) {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
}

// digitValue is a decimal digit's value: its place in its script's run
// of ten (every script's digits are ten in a row, zero first).
func digitValue(d rune) rune {
	z := d
	for d-z < 9 && unicode.Is(unicode.Nd, z-1) {
		z--
	}
	return d - z
}
