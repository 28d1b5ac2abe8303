package attack

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fuzzyduck/fuzzyduck/internal/runename"
)

// Forms C's and Python's escapes and codecs write: the namereplace error handler
// ("Zo\N{LATIN SMALL LETTER E WITH DIAERESIS}"), UTF-7 and IMAP's
// modified UTF-7 (a mail migration's folder names).
var pyForms = []Form{
	{Name: "py-namereplace", Applies: nonASCII, Render: func(v string) string { return "name=" + nameReplace(v) + " (ascii)" }},
	{Name: "utf7", Applies: nonASCII, Render: func(v string) string { return "folder=" + utf7(v, '+', base64.RawStdEncoding) }},
	// C's and Python's escaping of punctuation as three octal digits
	// (a C string literal, a printf %o): digits follow the escape.
	{Name: "c-octal-punct", Render: func(v string) string { return "str: " + octalPunct(v) }},
	// a byte buffer's debug print, and UCS-2 as hex (big endian: a
	// column's HEX() of a ucs2 or utf16 value)
	{Name: "hex-0x-spaced", Render: func(v string) string { return "buf: " + cHex([]byte(v), " ") }},
	{Name: "hex-utf16be", Applies: func(v string) bool { return len(v) >= 4 }, Render: func(v string) string { return "ucs2=" + hex.EncodeToString(utf16BE(v)) }},
	{Name: "imap-utf7", Applies: nonASCII, Render: func(v string) string {
		return "SELECT \"INBOX." + utf7(v, '&', base64.RawStdEncoding) + "\""
	}},
}

func init() { Forms = append(Forms, pyForms...) }

func nonASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return true
		}
	}
	return false
}

// octalPunct writes v's ASCII punctuation and spaces as \ooo.
func octalPunct(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r < 0x80 && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			fmt.Fprintf(&b, "\\%03o", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// utf16BE is v in UTF-16, big endian.
func utf16BE(v string) []byte {
	var be []byte
	for _, u := range utf16.Encode([]rune(v)) {
		be = append(be, byte(u>>8), byte(u))
	}
	return be
}

// nameReplace writes v's non-ASCII characters as \N{NAME}.
func nameReplace(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r < 0x80 {
			b.WriteRune(r)
		} else if n := runename.Name(r); n != "" {
			b.WriteString(`\N{` + n + `}`)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// utf7 writes v's runs of non-ASCII characters as shift, the base64 of
// their UTF-16 and '-' (IMAP's alphabet has ',' for '/').
func utf7(v string, shift byte, enc *base64.Encoding) string {
	var b strings.Builder
	r := []rune(v)
	for i := 0; i < len(r); {
		if r[i] < 0x80 {
			b.WriteRune(r[i])
			i++
			continue
		}
		j := i
		for j < len(r) && r[j] >= 0x80 {
			j++
		}
		var be []byte
		for _, u := range utf16.Encode(r[i:j]) {
			be = append(be, byte(u>>8), byte(u))
		}
		s := enc.EncodeToString(be)
		if shift == '&' {
			s = strings.ReplaceAll(s, "/", ",")
		}
		b.WriteByte(shift)
		b.WriteString(s)
		b.WriteByte('-')
		i = j
	}
	return b.String()
}

var utf7Run = regexp.MustCompile(`([+&])([A-Za-z0-9+/,]+)-?`)

// unUTF7 is the attacker's reading of UTF-7 runs (either shift).
func unUTF7(s string) string {
	return utf7Run.ReplaceAllStringFunc(s, func(m string) string {
		sub := utf7Run.FindStringSubmatch(m)
		be, err := base64.RawStdEncoding.DecodeString(strings.ReplaceAll(sub[2], ",", "/"))
		if err != nil || len(be) < 2 {
			return m
		}
		units := make([]uint16, len(be)/2)
		for k := range units {
			units[k] = uint16(be[2*k])<<8 | uint16(be[2*k+1])
		}
		var out []byte
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
		return string(out)
	})
}
