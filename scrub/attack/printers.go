package attack

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"math/big"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Forms database clients, report generators and debug logs print:
// PostgreSQL's bytea in hex (psql, psycopg, encode(..., 'hex') with
// the \x of the bytea_output setting, or the x of a glued literal),
// HTML that highlights a search hit or breaks a long token (a tag
// inside the value), and Unicode code point listings (ICU's errors,
// a debug dump of a string's characters).
var printerForms = []Form{
	{Name: "pg-bytea-hex", Render: func(v string) string { return " data | \\x" + hex.EncodeToString([]byte(v)) }},
	{Name: "pg-bytea-x", Render: func(v string) string { return "blob x" + hex.EncodeToString([]byte(v)) + " stored" }},
	{Name: "html-tag-wbr", Render: func(v string) string { return "<td>" + tagInside(v, "<wbr>") + "</td>" }},
	{Name: "html-tag-b", Render: func(v string) string { return "<td>" + tagInside(v, "<b></b>") + "</td>" }},
	{Name: "html-tag-mark", Render: func(v string) string {
		h := halfAt(v)
		return "<li>match: <mark>" + html.EscapeString(v[:h]) + "</mark>" + html.EscapeString(v[h:]) + "</li>"
	}},
	{Name: "html-tag-span", Render: func(v string) string {
		h := halfAt(v)
		return `<p>` + html.EscapeString(v[:h]) + `<span class="hl">` + html.EscapeString(v[h:]) + `</span></p>`
	}},
	{Name: "codepoints-u", Render: func(v string) string { return "ICU: cannot map " + codePoints(v, " ") }},
	{Name: "codepoints-u-comma", Render: func(v string) string { return "chars=[" + codePoints(v, ", ") + "]" }},
	// an IPv6 address as one number (int(ipaddress.ip_address(...)))
	{Name: "ipv6-int", Applies: isIPv6, Render: func(v string) string {
		n := v // (the filler, the form's context, is no address)
		if a, err := netip.ParseAddr(v); err == nil {
			b := a.As16()
			n = new(big.Int).SetBytes(b[:]).String()
		}
		return "ipam: allocated " + n + " to port 7"
	}},
	// UTF-16 of CJK and Hangul text (no NULs between its letters; of
	// other scripts: other forms) in hex and base64, and Lua's decimal
	// byte escapes
	{Name: "wide-hex-utf16le", Applies: hasWide, Render: func(v string) string { return "nvarchar=0x" + hex.EncodeToString(utf16LE(v)) }},
	{Name: "wide-base64-utf16le", Applies: hasWide, Render: func(v string) string { return "data=" + base64.StdEncoding.EncodeToString(utf16LE(v)) }},
	{Name: "wide-base64-utf16be", Applies: hasWide, Render: func(v string) string { return "data=" + base64.StdEncoding.EncodeToString(utf16BE(v)) }},
	{Name: "lua-decimal", Applies: hasHigh, Render: func(v string) string {
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] >= 0x80 {
				fmt.Fprintf(&b, "\\%d", v[i])
			} else {
				b.WriteByte(v[i])
			}
		}
		return `name = "` + b.String() + `"`
	}},
}

// CutBlobForms print a value's blob cut where a part alone decodes to
// a part of the value (found by its pieces, so with a tag of its own:
// not among Forms, whose markers TestMarkerTagsPerValue counts).
var CutBlobForms = []Form{
	// MariaDB's TO_BASE64() wraps at 76 columns: a column's text holding
	// the value twice, the second cut over two lines inside a character
	// (the second line alone decodes to the rest of the value, its first
	// bytes a character's continuation)
	{Name: "wide-to-base64-76", Bare: true, Pieces: true, Applies: hasHigh, Render: func(v string) string {
		// (the line's 57 bytes end on the lead byte of the value's first
		// non-ASCII character)
		k := strings.IndexFunc(v, func(r rune) bool { return r >= 0x80 })
		pre := strings.Repeat("-", max(0, 56-k))
		if len(v)+1+k <= 56 {
			pre = v + " " + pre[len(v)+1:] // (the first copy whole in the first line)
		}
		return "TO_BASE64(note):\n" + wrapAt(base64.StdEncoding.EncodeToString([]byte(pre+v+" (2 rows)")), 76)
	}},
}

// Wide: values of the classes the printer forms are about that the
// corpus lacks (IPv6 addresses, a Japanese and a Korean name).
var Wide = []Value{
	{"ip", "fd12:3456:789a:1::4b2e"},
	{"ip", "2001:db8:85a3::8a2e:370:7334"},
	{"name", "渡辺 健太郎"},
	{"name", "김민준 박서연"},
	{"name", "王小明"},
}

func hasWide(v string) bool {
	return strings.IndexFunc(v, func(r rune) bool { return r >= 0x3041 && r <= 0x9fff || r >= 0xac00 && r <= 0xd7a3 }) >= 0
}

func isIPv6(v string) bool { a, err := netip.ParseAddr(v); return err == nil && a.Is6() }

// utf16LE is v in UTF-16, little endian.
func utf16LE(v string) []byte {
	var le []byte
	for _, u := range utf16.Encode([]rune(v)) {
		le = append(le, byte(u), byte(u>>8))
	}
	return le
}

func init() { Forms = append(Forms, printerForms...) }

// halfAt is the byte offset of v's middle character.
func halfAt(v string) int {
	n := utf8.RuneCountInString(v) / 2
	for i := range v {
		if n == 0 {
			return i
		}
		n--
	}
	return len(v)
}

// tagInside is v HTML-escaped with tag in its middle.
func tagInside(v, tag string) string {
	h := halfAt(v)
	return html.EscapeString(v[:h]) + tag + html.EscapeString(v[h:])
}

// codePoints lists v's characters as U+XXXX.
func codePoints(v, sep string) string {
	var parts []string
	for _, r := range v {
		parts = append(parts, fmt.Sprintf("U+%04X", r))
	}
	return strings.Join(parts, sep)
}

var (
	htmlTag   = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>`)
	codePoint = regexp.MustCompile(`(?i)U\+([0-9a-f]{4,6})(?:[ ,;]+|$)`)
	bigNumber = regexp.MustCompile(`\d{20,39}`)
	mimeWord  = regexp.MustCompile(`=\?[^?\s]+\?[bB]\?([A-Za-z0-9+/=]*)\?=`)
	mimeWords = regexp.MustCompile(`(?:=\?[^?\s]+\?[bB]\?[A-Za-z0-9+/=]*\?=\s*)+`)
	luaEscape = regexp.MustCompile(`\\(\d{1,3})`)
)

// printerViews: the text with its HTML tags removed, its code point
// listings as the characters they name, its big numbers as IPv6
// addresses, Lua's decimal escapes as bytes, adjacent MIME encoded words
// decoded together (RFC 2047).
func printerViews(s string) []string {
	var out []string
	for _, n := range bigNumber.FindAllString(s, -1) {
		var b [16]byte
		if x, ok := new(big.Int).SetString(n, 10); ok && x.BitLen() <= 128 {
			a := netip.AddrFrom16([16]byte(x.FillBytes(b[:])))
			out = append(out, a.String(), a.StringExpanded())
		}
	}
	if strings.Contains(s, "?=") {
		out = append(out, mimeWords.ReplaceAllStringFunc(s, func(m string) string {
			var b []byte
			for _, w := range mimeWord.FindAllStringSubmatch(m, -1) {
				d, _ := base64.StdEncoding.DecodeString(w[1])
				b = append(b, d...)
			}
			return string(b)
		}))
	}
	if strings.Contains(s, `\`) {
		out = append(out, luaEscape.ReplaceAllStringFunc(s, func(m string) string {
			x, _ := strconv.Atoi(m[1:])
			if x > 255 {
				return m
			}
			return string([]byte{byte(x)})
		}))
	}
	if d := htmlTag.ReplaceAllString(s, ""); d != s {
		out = append(out, d)
	}
	if strings.Contains(strings.ToUpper(s), "U+") {
		out = append(out, codePoint.ReplaceAllStringFunc(s, func(m string) string {
			x, err := strconv.ParseUint(codePoint.FindStringSubmatch(m)[1], 16, 32)
			if err != nil || x > utf8.MaxRune {
				return m
			}
			return string(rune(x))
		}))
	}
	return out
}

// wideViews reads bytes as UTF-16 in both byte orders when that gives
// CJK or Hangul text (a blob's decoding).
func wideViews(b []byte) []string {
	var out []string
	for _, be := range []bool{false, true} {
		var units []uint16
		for i := 0; i+1 < len(b); i += 2 {
			if be {
				units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
			} else {
				units = append(units, uint16(b[i+1])<<8|uint16(b[i]))
			}
		}
		s := string(utf16.Decode(units))
		wide := 0
		for _, r := range s {
			if r >= 0x3000 && r <= 0x9fff || r >= 0xac00 && r <= 0xd7a3 {
				wide++
			}
		}
		if wide*2 >= len(units) && wide > 0 {
			out = append(out, s)
		}
	}
	return out
}
