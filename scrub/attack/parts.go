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
	// (a value with no digit may be common words only, "#ops-night-shift",
	// "Holdings"; a host's or a path's labels are words too, "internal":
	// glued to letters on both sides, such a value is found by its
	// distinctive pieces only, the tables find it whole only where words
	// begin and end)
	{Name: "glued-both", Pieces: true, Applies: glueable, Render: func(v string) string { return "token=x" + v + "Q;" }},
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

// glueable: v is one word (no space, no label: '.' or '/') of 6 letters
// and digits or more, with both.
func glueable(v string) bool {
	return !strings.ContainsAny(v, " ./") && len([]rune(Skeleton(v))) >= 6 && strings.IndexFunc(v, unicode.IsLetter) >= 0 && strings.IndexFunc(v, unicode.IsDigit) >= 0
}
