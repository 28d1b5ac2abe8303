package attack

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
