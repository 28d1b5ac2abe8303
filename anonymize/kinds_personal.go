package anonymize

import (
	"bytes"
	mrand "math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Personal data kinds: fakes that keep the format an application checks
// (a card number still passes Luhn, an IBAN its mod-97, an SSN its
// ranges, a phone number a plausible format), so a migration that
// validates them still runs. A value that does not parse
// as its kind gets the fallback, like every kind.

// shapeDigits replaces every digit after the first keep digits.
func shapeDigits(r *mrand.Rand, in []byte, keep int) []byte {
	out := append([]byte(nil), in...)
	seen := 0
	for i, c := range out {
		if c >= '0' && c <= '9' {
			seen++
			if seen > keep {
				out[i] = byte('0' + r.IntN(10))
			}
		}
	}
	return out
}

// kindPhoneNumber: a number of a national format the key picks for the
// column (a column of one application is written one way). The
// original's separators, length, trunk 0 and country code say where its
// owner lives, so none of them is kept; a country code is written only
// when the rules give one (phone:country=44).
func kindPhoneNumber(w *worker, c *colInfo, in []byte, n int) result {
	if !isPhone(in) && !hasDigitsOnlyPhone(in) {
		return fallback(w, c, in, n)
	}
	format := w.phoneFormat(c)
	r := w.rng("phone", in, n)
	out := make([]byte, 0, len(format)+4)
	for i := 0; i < len(format); i++ {
		switch ch := format[i]; ch {
		case 'X':
			out = append(out, byte('2'+r.IntN(8)))
		case 'N':
			out = append(out, byte('0'+r.IntN(10)))
		case 'C':
			out = append(out, c.params["country"]...)
			for i+1 < len(format) && format[i+1] == 'C' {
				i++
			}
		default:
			out = append(out, ch)
		}
	}
	return result{out: out}
}

// phoneFormats: 'X' a digit 2-9 (an area code, an exchange), 'N' any
// digit, 'C' the rules' country code. Each passes isPhone and none is
// another kind's shape (an SSN's NNN-NN-NNNN).
var phoneFormats = []string{
	"(XNN) XNN-NNNN", "XNN-XNN-NNNN", "XNN.XNN.NNNN", "XNN XNN NNNN",
	"0XNN XNNNNNN", "0XN XNNN NNNN", "0X NN NN NN NN", "0XNNN XNNNNN",
}

var phoneIntlFormats = []string{"+C XNN XNN NNNN", "+C XNNNNNNNNN", "+C XN NNNN NNNN", "+CXNNNNNNNNN", "+C (XNN) XNN-NNNN"}

// phoneFormat: the column's format, drawn from the key and the column's
// name (its family root: related columns agree), one that fits the
// column.
func (w *worker) phoneFormat(c *colInfo) string {
	pf := &w.phoneFmt // the last column's, as values come column by column
	if pf.format == "" || pf.family != c.family || pf.maxLen != c.maxLen || pf.country != c.params["country"] {
		*pf = phoneFmtCache{c.family, c.params["country"], c.maxLen, w.drawPhoneFormat(c)}
	}
	return pf.format
}

type phoneFmtCache struct {
	family, country string
	maxLen          int
	format          string
}

func (w *worker) drawPhoneFormat(c *colInfo) string {
	formats := phoneFormats
	extra := 0
	if cc := c.params["country"]; cc != "" {
		formats, extra = phoneIntlFormats, len(cc)-1
	}
	r := w.rng("phone-format", []byte(c.family), 0)
	first := r.IntN(len(formats))
	for k := range formats {
		f := formats[(first+k)%len(formats)]
		if c.maxLen <= 0 || len(f)+extra <= c.maxLen {
			return f
		}
	}
	return "XNNXNNNNNN"[:min(10, max(c.maxLen, 7))] // a column too narrow for separators
}

// hasDigitsOnlyPhone: 7-15 bare digits (a phone stored without
// separators).
func hasDigitsOnlyPhone(in []byte) bool {
	t := bytes.TrimSpace(in)
	return len(t) >= 7 && len(t) <= 15 && allDigits(t)
}

// kindNationalID: an SSN becomes another valid SSN (area 001-665 or
// 667-899, group 01-99, serial 0001-9999), a Spanish DNI/NIE gets new
// digits and their check letter, other ids (NINO) new letters and digits
// in the same places.
func kindNationalID(w *worker, c *colInfo, in []byte, n int) result {
	r := w.rng("national_id", in, n)
	t := bytes.TrimSpace(in)
	switch {
	case ssnShape.Match(t):
		area := 1 + r.IntN(898)
		if area >= 666 {
			area++
		}
		return result{out: []byte(pad(area, 3) + "-" + pad(1+r.IntN(99), 2) + "-" + pad(1+r.IntN(9999), 4))}
	case dniShape.Match(bytes.ToUpper(t)):
		out := shapeDigits(r, t, 0)
		num := bytes.ReplaceAll(out[:len(out)-1], []byte("-"), nil)
		v := 0
		for _, ch := range num {
			switch ch {
			case 'X', 'Y', 'Z', 'x', 'y', 'z':
				v = v*10 + int(ch|0x20-'x')
			default:
				v = v*10 + int(ch-'0')
			}
		}
		out[len(out)-1] = "TRWAGMYFPDXBNJZSQVHLCKE"[v%23]
		return result{out: out}
	case ninoShape.Match(bytes.ToUpper(t)):
		return result{out: shapeDigits(r, t, 0)}
	}
	return fallback(w, c, in, n)
}

func pad(v, width int) string {
	s := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		s[i] = byte('0' + v%10)
		v /= 10
	}
	return string(s)
}

// kindIBAN: the same country, length and spacing; new account characters
// of the same classes (letters stay letters: a bank code's shape) and the
// check digits recomputed.
func kindIBAN(w *worker, c *colInfo, in []byte, n int) result {
	if !isIBAN(in) {
		return fallback(w, c, in, n)
	}
	r := w.rng("iban", in, n)
	out := append([]byte(nil), bytes.TrimSpace(in)...)
	var pos []int // positions of the compacted characters
	for i, ch := range out {
		if ch != ' ' {
			pos = append(pos, i)
		}
	}
	for _, i := range pos[4:] {
		switch ch := out[i]; {
		case ch >= '0' && ch <= '9':
			out[i] = byte('0' + r.IntN(10))
		case ch >= 'A' && ch <= 'Z':
			out[i] = byte('A' + r.IntN(26))
		case ch >= 'a' && ch <= 'z':
			out[i] = byte('a' + r.IntN(26))
		}
	}
	out[pos[2]], out[pos[3]] = '0', '0'
	rem := 0
	for _, i := range append(append([]int{}, pos[4:]...), pos[:4]...) {
		ch := out[i]
		if ch >= 'a' {
			ch -= 32
		}
		if ch >= 'A' {
			rem = (rem*100 + int(ch-'A') + 10) % 97
		} else {
			rem = (rem*10 + int(ch-'0')) % 97
		}
	}
	check := 98 - rem
	out[pos[2]], out[pos[3]] = byte('0'+check/10), byte('0'+check%10)
	return result{out: out}
}

// kindCardNumber: the network's leading digits (two: Visa, Mastercard,
// Amex stay what they were), the length and grouping kept, the rest new,
// and a check digit that passes Luhn.
func kindCardNumber(w *worker, c *colInfo, in []byte, n int) result {
	if !isCardNumber(in) {
		return fallback(w, c, in, n)
	}
	r := w.rng("card_number", in, n)
	out := shapeDigits(r, bytes.TrimSpace(in), 2)
	var digits []int
	for i, ch := range out {
		if ch >= '0' && ch <= '9' {
			digits = append(digits, i)
		}
	}
	// Two digits kept name the issuer, but for 6011 and Mastercard's
	// 2221-2720: their next two are drawn inside the range (2745... is
	// no card number).
	set := func(v int) { out[digits[2]], out[digits[3]] = byte('0'+v/10), byte('0'+v%10) }
	switch p2 := int(out[digits[0]]-'0')*10 + int(out[digits[1]]-'0'); {
	case p2 == 60:
		set(11)
	case p2 == 22:
		set(21 + r.IntN(79))
	case p2 == 27:
		set(r.IntN(21))
	}
	sum := 0
	for k := len(digits) - 2; k >= 0; k-- {
		d := int(out[digits[k]] - '0')
		if (len(digits)-1-k)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	out[digits[len(digits)-1]] = byte('0' + (10-sum%10)%10)
	return result{out: out}
}

// kindPersonName: as many words, a first name then last names from
// gofakeit's lists, each capitalised like the original's word (particles
// such as "van der" are kept).
func kindPersonName(w *worker, c *colInfo, in []byte, n int) result {
	words := strings.Fields(string(in))
	if len(words) == 0 || !utf8.Valid(in) {
		return fallback(w, c, in, n)
	}
	w.rng("person_name", in, n)
	out := make([]string, len(words))
	for i, word := range words {
		switch lw := strings.ToLower(word); {
		case i > 0 && i < len(words)-1 && (lw == "van" || lw == "der" || lw == "de" || lw == "la" || lw == "von" || lw == "da" || lw == "del"):
			out[i] = word
			continue
		case i == 0:
			out[i] = w.pick(firstNames)
		default:
			out[i] = w.pick(lastNames)
		}
		r, _ := utf8.DecodeRuneInString(word)
		switch {
		case strings.ToUpper(word) == word && len(word) > 1:
			out[i] = strings.ToUpper(out[i])
		case unicode.IsUpper(r):
			out[i] = strings.ToUpper(out[i][:1]) + out[i][1:]
		}
	}
	s := strings.Join(out, " ")
	if n > 0 {
		s += " " + pad(n, 2)
	}
	return result{out: fitLength([]byte(s), c.maxLen)}
}

// kindStreetAddress: numbers get new digits, street words (Street, Rue,
// -straße, Apt) stay, every other word becomes a fake word capitalised
// like it.
func kindStreetAddress(w *worker, c *colInfo, in []byte, n int) result {
	if !utf8.Valid(in) {
		return fallback(w, c, in, n)
	}
	r := w.rng("street_address", in, n)
	var b strings.Builder
	s := string(in)
	for i := 0; i < len(s); {
		ch, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case ch >= '0' && ch <= '9':
			b.WriteByte(byte('0' + r.IntN(10)))
			i++
		case unicode.IsLetter(ch):
			j := i
			for j < len(s) {
				c2, sz := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(c2) {
					break
				}
				j += sz
			}
			word := s[i:j]
			lw := strings.ToLower(word)
			if suffix := streetSuffix(lw); suffix != "" && len(suffix) < len(lw) {
				// Hauptstraße: a fake stem, the street word kept
				fake := w.pick(nounWords)
				if unicode.IsUpper(ch) {
					fake = strings.ToUpper(fake[:1]) + fake[1:]
				}
				b.WriteString(fake + word[len(word)-len(suffix):])
			} else if streetWords[lw] || len(word) == 1 {
				b.WriteString(word)
			} else {
				fake := w.pick(nounWords)
				if unicode.IsUpper(ch) {
					fake = strings.ToUpper(fake[:1]) + fake[1:]
				}
				b.WriteString(fake)
			}
			i = j
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return result{out: fitLength([]byte(b.String()), c.maxLen)}
}

// kindShape: every letter a letter, every digit a digit, case and the
// rest kept (codes, postcodes, ids of no known format). It keeps each
// character's class, so it is for values whose shape is all an
// application checks, never for secrets: the mask is a fingerprint an
// attacker can test guesses against (audit warns when a secret-looking
// column has it).
func kindShape(w *worker, c *colInfo, in []byte, n int) result {
	r := w.rng("fallback", in, n)
	out := make([]byte, 0, len(in))
	for _, c := range in {
		switch {
		case c >= 'a' && c <= 'z':
			out = append(out, byte('a'+r.IntN(26)))
		case c >= 'A' && c <= 'Z':
			out = append(out, byte('A'+r.IntN(26)))
		case c >= '0' && c <= '9':
			out = append(out, byte('0'+r.IntN(10)))
		case c >= 0x80:
			out = append(out, byte('a'+r.IntN(26))) // bytes of non-ASCII runes
		default:
			out = append(out, c)
		}
	}
	return result{out: out}
}

// streetSuffix is the street word a compound ends with (Hauptstraße,
// Lindenweg), or "".
func streetSuffix(lw string) string {
	for _, suf := range []string{"straße", "strasse", "weg", "gasse", "platz", "allee", "straat", "laan", "plein"} {
		if strings.HasSuffix(lw, suf) {
			return suf
		}
	}
	return ""
}
