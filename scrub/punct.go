package scrub

import (
	"strings"
	"unicode"
)

// Punctuated pieces: the skeleton's pieces (pieces.go) count letters and
// digits only, so the part of a password that is mostly punctuation
// ("or&3!#x" of "Tr0ub4dor&3!#x": 4 letters and digits) or its half
// after a tab was no piece. The rule: a value of a secret-like kind
// (not a name, text, address, host, URL or phone: their punctuation is
// every log's dots, dashes and "://") that holds rare punctuation
// (rarePunct) has every window of pieceRunes runes that holds at least
// one rare punctuation mark and two letters or digits as an exact key
// of the folded rep: found with its punctuation as it is, anywhere
// (6 runes or more: not only at word boundaries), so a window tells as
// much as the value's other pieces and no word of a log matches it.
const rarePunct = "!#$%&*@:;'\"\\^`~|?<>=\t"

// punctKinds: kinds whose values' punctuation is their shape (their
// pieces of letters say enough).
var punctKinds = map[string]bool{
	"text": true, "url": true, "email": true, "hostname": true, "ip_address": true, "phone": true,
}

// punctPieceKeys: the windows of text that are keys (none when text has
// no rare punctuation or its kind is one of punctKinds or nameKinds).
func punctPieceKeys(kind, text string) []key {
	t := strings.TrimSpace(text)
	if punctKinds[kind] || nameKinds[kind] || !strings.ContainsAny(t, rarePunct) || strings.Contains(t, "://") || len(t) > maxVariantText {
		return nil
	}
	r := []rune(t)
	var fo rep
	var out []key
	for i := 0; i+pieceRunes <= len(r); i++ {
		w := r[i : i+pieceRunes]
		rare, alnum := false, 0
		for _, c := range w {
			switch {
			case strings.ContainsRune(rarePunct, c):
				rare = true
			case unicode.IsLetter(c) || unicode.IsDigit(c):
				alnum++
			}
		}
		if !rare || alnum < 2 {
			continue
		}
		fo.folded([]byte(string(w)))
		out = append(out, key{dom: domExact, b: clone(fo.b), scan: clone(fo.b)})
	}
	return out
}
