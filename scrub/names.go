package scrub

import (
	"unicode/utf8"
)

// Names: a person's name is printed by its parts as often as whole (a
// greeting's "Dear Zoë,", a surname column, "Kowalczyk, Zoë"), so every
// word of a person-name value of nameTokenRunes letters or more is a
// word of it (domToken, found as a whole word), not only the long ones
// every value's words get (keysOf): but not a common word ("Rose",
// "Will", "May" are SCOWL's; commonParts), which a log says of its own;
// a word with letters beyond ASCII is no English word ("Zoë" is not
// "zoe").
const nameTokenRunes = 3

// nameKinds: the kinds whose values are people's names.
var nameKinds = map[string]bool{
	"name":        true, // (a values file's: the kind a user writes for a person, red team scrubatk20)
	"person_name": true, "first_name": true, "last_name": true, "full_name": true,
	"given_name": true, "family_name": true, "surname": true, "display_name": true,
}

// keysOfKind is the keys of a value of a kind and of its variants.
func keysOfKind(kind, text string) []key {
	keys := keysOfForms(text)
	if len(keys) == 0 {
		return nil
	}
	keys = append(keys, punctKeysOf(text)...) // (punct.go)
	if numberKeysOn {
		keys = append(keys, digitKeysOf(text)...) // (digits.go)
	}
	if !nameKinds[kind] {
		return keys
	}
	keys = append(keys, nameTokenKeys(text, keys[0].scan)...)
	// (and the short words of its Latin spellings: Ольга is Olga)
	for _, v := range []string{transliterate(text, true), transliterate(text, false)} {
		if v != "" {
			keys = append(keys, nameTokenKeys(v, nil)...)
		}
	}
	return keys
}

// nameTokenKeys: the short words of a name that keysOf leaves out.
func nameTokenKeys(text string, whole []byte) []key {
	toks := Tokens(text)
	if len(toks) < 2 || len(toks) > maxTokens {
		return nil
	}
	c := commonParts()
	var sk rep
	var out []key
	for _, w := range withParts(toks) {
		sk.skeleton([]byte(w))
		n := utf8.RuneCount(sk.b)
		if n < nameTokenRunes || n >= pieceRunes || len(w) >= minToken && len(sk.b) >= 4 || string(sk.b) == string(whole) {
			continue // (too short, or keysOf's already)
		}
		if c.whole.has(gramHash(sk.b, 0)) && isASCII(w) || commonWord(w) || allDigits(sk.b) {
			continue
		}
		if len(sk.b) < 4 {
			// (the skeleton's keys are 4 bytes or more: a 3-letter word
			// is found as an exact folded value is)
			for _, k := range keysOf(w) {
				if k.dom == domExact {
					out = append(out, k)
				}
			}
			continue
		}
		out = append(out, scanKey(domToken, sk.b))
	}
	return out
}
