package attack

import (
	"strings"
	"unicode"
)

// Forms that print a part of a value that is mostly punctuation, or the
// value glued to other text (red team scrubatk5, A.2): a hint with a
// password's last characters, a SQL prefix query, the fields of a value
// split at its tab printed apart, the value with letters on both sides.
var partForms = []Form{
	{Name: "tail7", Pieces: true, Applies: func(v string) bool { r := []rune(v); return len(r) >= 10 && punctuated(string(r[len(r)-7:])) }, Render: func(v string) string {
		r := []rune(v)
		return "hint: ends with " + string(r[len(r)-7:])
	}},
	{Name: "like-prefix9", Pieces: true, Applies: func(v string) bool { r := []rune(v); return len(r) >= 12 && punctuated(string(r[:9])) }, Render: func(v string) string {
		return "SELECT id FROM users WHERE pw LIKE '" + strings.ReplaceAll(string([]rune(v)[:9]), "'", "''") + "%'"
	}},
	{Name: "fields-reordered", Pieces: true, Applies: func(v string) bool {
		f := strings.Fields(v)
		return len(f) >= 2 && punctuated(f[len(f)-1])
	}, Render: func(v string) string {
		f := strings.Fields(v)
		for i, j := 0, len(f)-1; i < j; i, j = i+1, j-1 {
			f[i], f[j] = f[j], f[i]
		}
		return "customer: " + strings.Join(f, ", ")
	}},
	// (a value of common words only, "#ops-night-shift", glued to
	// letters is found by its windows around a rare mark alone)
	{Name: "glued-both", Pieces: true, Applies: func(v string) bool { return punctuated(v) && strings.ContainsAny(v, "0123456789") }, Render: func(v string) string { return "token=x" + v + "Q;" }},
}

func init() { Forms = append(Forms, partForms...) }

// punctuated: s holds two marks or more that are no letter, digit or
// space, one of them a password's (not a log's own dots, dashes,
// colons, slashes or quotes), and no space.
func punctuated(s string) bool {
	marks, rare := 0, false
	for _, r := range s {
		switch {
		case r == ' ':
			return false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) && r != '\t':
		default:
			marks++
			rare = rare || strings.ContainsRune("!#$%&*;?@\\^`|~<>+\t", r)
		}
	}
	return marks >= 2 && rare
}
