package anonymize

import (
	"unicode"
	"unicode/utf8"
)

// JSON strings that look like data. Software reading JSON (a migration
// reading Nova's network_info) needs the tokens software wrote: "ovs",
// "virtio", "br-int", "x86_64", "qcow2", "nova_object.name":
// "InstanceNUMATopology", "ACTIVE", "True". People's data is written
// otherwise. The boundary: a string stays only if it is one token of
// ASCII (no whitespace) with fewer than 6 digits that is lower case, ALL
// CAPS, CamelCase (an upper-case letter right after a lower-case one:
// a class name), or a spelling of a boolean or null. Anything else is
// data: text with whitespace ("free text here"), a capitalised word (a
// name: "Anna", "Smith-Jones"), any non-ASCII letter or mark (names in
// any script: "Aurélie Grünewald-Østergaard"), and 6 or more digits
// (phone and card numbers, accounts: "+49 30 1234567",
// "4111111111111111"). What stays: a lower-case single word that is a
// name ("anna") or a lower-case token with a few digits ("anna77").

// jsonDataKind says how a JSON string that no other rule replaced is
// data: "digits" (a number of its shape: digits and separators only),
// "text" (the text kind's fake)
// or "" (an identifier: it stays).
func jsonDataKind(s []byte) string {
	digits, letters := 0, false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf:
			letters = true
		}
	}
	switch {
	case digits >= 6 && !letters:
		return "digits"
	case digits >= 6:
		return "text" // "acct 12345678 Müller": the letters go too
	}
	if !utf8.Valid(s) {
		return "text"
	}
	upper, lower, camel := 0, 0, false
	prevLower := false
	for _, r := range string(s) {
		switch {
		case r >= utf8.RuneSelf || unicode.IsSpace(r):
			return "text"
		case r >= 'A' && r <= 'Z':
			upper++
			camel = camel || prevLower
			prevLower = false
		case r >= 'a' && r <= 'z':
			lower++
			prevLower = true
		default:
			prevLower = false
		}
	}
	switch {
	case upper == 0 || lower == 0 || camel:
		return ""
	case jsonWordsKept[string(s)]:
		return ""
	case s[0] >= 'A' && s[0] <= 'Z':
		return "text" // Anna, Smith-Jones
	}
	return "text" // rEd-Team: upper case inside, not after a lower-case letter
}

// jsonWordsKept are capitalised words software writes for booleans and
// null (Python's str(True) in Nova's system metadata).
var jsonWordsKept = map[string]bool{"True": true, "False": true, "None": true, "Null": true, "Yes": true, "No": true, "On": true, "Off": true}

// dataLeaf replaces a JSON string that looks like data (jsonDataKind).
func (j *jsonRewriter) dataLeaf(s []byte) ([]byte, bool) {
	if j.visit != nil {
		// not listed for fuzzy index/verify: a word such as "Intel" is
		// in unmarked columns too, where verify would count it
		return s, false
	}
	switch jsonDataKind(s) {
	case "text":
		return j.replace("text", s), true
	case "digits":
		j.count++
		return fakeDigits(j.w, s), true
	}
	return s, false
}
