package attack

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Escape syntaxes of other languages, and text in a legacy 8-bit
// charset written raw.
var escapeForms = []Form{
	{Name: "ldap-dn", Render: func(v string) string {
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if c := v[i]; c >= 0x80 || strings.IndexByte(`,+"\<>;=#`, c) >= 0 {
				fmt.Fprintf(&b, `\%02x`, c)
			} else {
				b.WriteByte(c)
			}
		}
		return "bind dn CN=" + b.String() + ",OU=People,DC=example,DC=org"
	}},
	{Name: "css-escape", Render: func(v string) string {
		var b strings.Builder
		for _, r := range v {
			if r >= 0x80 {
				fmt.Fprintf(&b, `\%06x`, r)
			} else {
				b.WriteRune(r)
			}
		}
		return `.user::after { content: "` + b.String() + `"; }`
	}},
	{Name: "cp1251-raw", Applies: func(v string) bool {
		_, err := charmap.Windows1251.NewEncoder().String(v)
		return err == nil && hasHigh(v)
	}, Render: func(v string) string {
		s, _ := charmap.Windows1251.NewEncoder().String(v)
		return "fixing latin1 column: name=" + s
	}},
	{Name: "iso8859-7-raw", Applies: func(v string) bool {
		_, err := charmap.ISO8859_7.NewEncoder().String(v)
		return err == nil && hasHigh(v)
	}, Render: func(v string) string {
		s, _ := charmap.ISO8859_7.NewEncoder().String(v)
		return "fixing latin1 column: name=" + s
	}},
	// PostgreSQL's Unicode strings (pg_dump, pgloader): \XXXX, \+XXXXXX,
	// and another escape character named by UESCAPE.
	{Name: "pg-uescape", Render: func(v string) string {
		return "INSERT INTO users(name) VALUES (U&'" + pgEscape(v, '\\', false) + "');"
	}},
	{Name: "pg-uescape-plus", Render: func(v string) string {
		return `SELECT * FROM t WHERE n = U&'` + pgEscape(v, '\\', true) + `';`
	}},
	{Name: "pg-uescape-bang", Render: func(v string) string {
		return `UPDATE t SET n = U&'` + pgEscape(v, '!', false) + `' UESCAPE '!' WHERE id = 7;`
	}},
	// RTF: a byte in the code page (\'fc), a code point in signed decimal
	// and its replacement (\u252?).
	{Name: "rtf-hex", Render: func(v string) string { return `{\rtf1\ansi\deff0 {\b Name:} ` + rtfEscape(v, false) + ` \par}` }},
	{Name: "rtf-unicode", Render: func(v string) string { return `{\rtf1\ansi\uc1 ` + rtfEscape(v, true) + ` \par}` }},
}

// pgEscape writes v as the body of a PostgreSQL U&-string with escape character esc:
// every non-ASCII character (and esc, a quote) escaped, as \XXXX or with
// plus as \+XXXXXX.
func pgEscape(v string, esc rune, plus bool) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == esc:
			b.WriteRune(esc)
			b.WriteRune(esc)
		case r == '\'':
			b.WriteString("''")
		case r < 0x80:
			b.WriteRune(r)
		case plus:
			fmt.Fprintf(&b, "%c+%06x", esc, r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, "%c%04x%c%04x", esc, r1, esc, r2)
		default:
			fmt.Fprintf(&b, "%c%04x", esc, r)
		}
	}
	return b.String()
}

// rtfEscape writes v as RTF text: what Windows-1252 holds as \'XX (unicode:
// every non-ASCII character as \uN? instead), the rest as \uN?.
func rtfEscape(v string, unicode bool) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == '\\' || r == '{' || r == '}':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\tab `)
		case r < 0x80:
			b.WriteRune(r)
		default:
			if c, ok := charmap.Windows1252.EncodeRune(r); ok && !unicode {
				fmt.Fprintf(&b, `\'%02x`, c)
				continue
			}
			n := int(r)
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%d?\u%d?`, int16(r1), int16(r2))
				continue
			}
			fmt.Fprintf(&b, `\u%d?`, int16(n))
		}
	}
	return b.String()
}

func init() { Forms = append(Forms, escapeForms...) }

func hasHigh(v string) bool { return strings.IndexFunc(v, func(r rune) bool { return r >= 0x80 }) >= 0 }

var (
	cssEsc  = regexp.MustCompile(`\\([0-9a-fA-F]{1,6}) ?`)
	ldapEsc = regexp.MustCompile(`\\([0-9a-fA-F]{2})`)
)

// escapeViews: CSS escapes as code points, LDAP's as bytes, and the text
// read in the legacy charsets.
func escapeViews(s string) []string {
	var out []string
	if strings.Contains(s, `\`) {
		out = append(out, cssEsc.ReplaceAllStringFunc(s, func(m string) string {
			x, _ := strconv.ParseUint(strings.TrimSpace(m[1:]), 16, 32)
			return string(rune(x))
		}), ldapEsc.ReplaceAllStringFunc(s, func(m string) string {
			x, _ := strconv.ParseUint(m[1:], 16, 8)
			return string([]byte{byte(x)})
		}))
	}
	if strings.Contains(s, "&'") {
		out = append(out, pgLiteral.ReplaceAllStringFunc(s, unPGLiteral))
	}
	if strings.Contains(s, `\'`) || strings.Contains(s, `\u`) {
		out = append(out, unRTF(s))
	}
	if utf8.ValidString(s) {
		return out
	}
	for _, cm := range []*charmap.Charmap{charmap.Windows1251, charmap.ISO8859_7} {
		if d, err := cm.NewDecoder().String(s); err == nil && d != s {
			out = append(out, d)
		}
	}
	return out
}

// pgLiteral: a PostgreSQL Unicode string and its UESCAPE clause.
var pgLiteral = regexp.MustCompile(`(?i)U&'((?:[^']|'')*)'(\s*UESCAPE\s*'([^'])')?`)

func unPGLiteral(m string) string {
	sm := pgLiteral.FindStringSubmatch(m)
	esc := `\`
	if sm[3] != "" {
		esc = sm[3]
	}
	body := strings.ReplaceAll(sm[1], "''", "'")
	re := regexp.MustCompile(regexp.QuoteMeta(esc) + `(?:\+([0-9a-fA-F]{6})|([0-9a-fA-F]{4})|` + regexp.QuoteMeta(esc) + `)`)
	var units []uint16
	flush := func(b *strings.Builder) {
		b.WriteString(string(utf16.Decode(units)))
		units = units[:0]
	}
	var b strings.Builder
	last := 0
	for _, ix := range re.FindAllStringSubmatchIndex(body, -1) {
		if ix[0] > last {
			flush(&b)
			b.WriteString(body[last:ix[0]])
		}
		last = ix[1]
		switch {
		case ix[2] >= 0:
			flush(&b)
			x, _ := strconv.ParseUint(body[ix[2]:ix[3]], 16, 32)
			b.WriteRune(rune(x))
		case ix[4] >= 0:
			x, _ := strconv.ParseUint(body[ix[4]:ix[5]], 16, 16)
			units = append(units, uint16(x))
		default:
			flush(&b)
			b.WriteString(esc)
		}
	}
	flush(&b)
	b.WriteString(body[last:])
	return b.String()
}

// rtfEsc: RTF's \'XX (Windows-1252) and \uN with its replacement '?'.
var rtfEsc = regexp.MustCompile(`\\'([0-9a-fA-F]{2})|\\u(-?[0-9]{1,5}) ?\??`)

func unRTF(s string) string {
	var units []uint16
	var b strings.Builder
	last := 0
	flush := func() {
		b.WriteString(string(utf16.Decode(units)))
		units = units[:0]
	}
	for _, ix := range rtfEsc.FindAllStringSubmatchIndex(s, -1) {
		if ix[0] > last {
			flush()
			b.WriteString(s[last:ix[0]])
		}
		last = ix[1]
		if ix[2] >= 0 {
			flush()
			x, _ := strconv.ParseUint(s[ix[2]:ix[3]], 16, 8)
			b.WriteRune(charmap.Windows1252.DecodeByte(byte(x)))
			continue
		}
		n, _ := strconv.Atoi(s[ix[4]:ix[5]])
		units = append(units, uint16(int16(n)))
	}
	flush()
	b.WriteString(s[last:])
	return b.String()
}
