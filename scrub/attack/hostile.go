package attack

import (
	"encoding/base32"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Hostile forms: no log prints a value so unless a program chose to (a
// migration that stores a string reversed or as SQL CHAR() codes, a
// token in base32): each is an encoding a program can emit, and the
// scrubber decodes it.
var hostileForms = []Form{
	{Name: "sql-char", Render: func(v string) string {
		return "UPDATE users SET name = CHAR(" + numbers(v, false, ",") + " USING utf8mb4) WHERE id = 7"
	}},
	{Name: "code-points", Render: func(v string) string { return "name codes: [" + numbers(v, false, ", ") + "]" }},
	{Name: "utf8-bytes", Render: func(v string) string { return "payload=" + "[" + numbers(v, true, ", ") + "]" }},
	{Name: "base32", Render: func(v string) string { return "otp seed " + base32.StdEncoding.EncodeToString([]byte(v)) + " stored" }},
	{Name: "base32-lower-at-3", Render: func(v string) string {
		return "seed=" + strings.ToLower(strings.TrimRight(base32.StdEncoding.EncodeToString([]byte("k:x"+v)), "="))
	}},
	{Name: "reversed", OwnTag: true, Render: func(v string) string { return "stored " + Reverse(v) + " (reversed)" }},
	{Name: "rot13", OwnTag: true, Render: func(v string) string { return "obfuscated: " + ROT13(v) }},
	{Name: "homoglyph", Render: func(v string) string { return "user " + homoglyphs.Replace(v) + " logged in" }},
}

func init() { Forms = append(Forms, hostileForms...) }

// numbers writes v's code points (asBytes: its UTF-8 bytes) in decimal.
func numbers(v string, asBytes bool, sep string) string {
	var n []string
	if asBytes {
		for _, c := range []byte(v) {
			n = append(n, strconv.Itoa(int(c)))
		}
	} else {
		for _, r := range v {
			n = append(n, strconv.Itoa(int(r)))
		}
	}
	return strings.Join(n, sep)
}

// Reverse is s's runes in reverse order.
func Reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// ROT13 rotates s's ASCII letters by 13.
func ROT13(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return 'a' + (r-'a'+13)%26
		case r >= 'A' && r <= 'Z':
			return 'A' + (r-'A'+13)%26
		}
		return r
	}, s)
}

// homoglyphs writes Latin letters as the Cyrillic ones they look like;
// unHomoglyph reads Cyrillic and Greek lookalikes as Latin.
var (
	homoglyphs = strings.NewReplacer("a", "а", "e", "е", "o", "о", "p", "р", "c", "с", "x", "х", "y", "у",
		"A", "А", "E", "Е", "O", "О", "P", "Р", "C", "С", "X", "Х", "B", "В", "H", "Н", "K", "К", "M", "М", "T", "Т")
	unHomoglyph = strings.NewReplacer("а", "a", "е", "e", "о", "o", "р", "p", "с", "c", "х", "x", "у", "y",
		"А", "A", "Е", "E", "О", "O", "Р", "P", "С", "C", "Х", "X", "В", "B", "Н", "H", "К", "K", "М", "M", "Т", "T",
		"ο", "o", "α", "a", "ρ", "p", "Ο", "O", "Α", "A", "Ρ", "P")
)

// numList: four or more decimal numbers after commas.
var numList = regexp.MustCompile(`\d+(?:, ?\d+){3,}`)

// b32Run: a base32 run of one case.
var b32Run = regexp.MustCompile(`[A-Z2-7]{8,}|[a-z2-7]{8,}`)

// hostileViews: what the hostile forms' decoders read in text (the
// whole text reversed, in ROT13, lookalikes as Latin; its numbers lists
// as code points and as bytes; its base32 runs at each offset).
func hostileViews(s string) []string {
	out := []string{Reverse(s), ROT13(s), unHomoglyph.Replace(s)}
	for _, l := range numList.FindAllString(s, -1) {
		var runes strings.Builder
		var bytes []byte
		for _, f := range strings.Split(l, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n > utf8.MaxRune {
				break
			}
			runes.WriteRune(rune(n))
			bytes = append(bytes, byte(n))
		}
		out = append(out, runes.String(), string(bytes))
	}
	for _, run := range b32Run.FindAllString(s, -1) {
		up := strings.ToUpper(run)
		for off := 0; off < 8 && off < len(up); off++ {
			r := up[off:]
			switch len(r) % 8 {
			case 1, 3, 6:
				r = r[:len(r)-1]
			}
			if b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(r); err == nil {
				out = append(out, string(b))
			}
		}
	}
	return out
}
