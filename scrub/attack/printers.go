package attack

import (
	"encoding/hex"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
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
)

// printerViews: the text with its HTML tags removed, and its code
// point listings as the characters they name.
func printerViews(s string) []string {
	var out []string
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
