package scale

import (
	"bytes"
	"encoding/json"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// appendFreshJSON writes a new version of a JSON document: structure,
// spacing, keys, booleans and short numbers stay; a string leaf changes
// when it looks like an id (a hex run, a UUID, an address, a MAC), holds
// free text, is an element of a list (tags, names), or sits under one of
// keys (the kind's keys= parameter); long numbers (counters, sizes) get
// new digits. ok is false when v is not JSON (the caller then reshapes it
// as text).
//
// v is the SQL literal's body as the dump has it (escaped: mariadb-dump
// writes a JSON quote as \"), and so is the output: only letters and
// digits that stand for themselves are replaced, every escape is copied,
// so nothing needs unescaping or escaping again.
func appendFreshJSON(dst, v []byte, keys map[string]bool, r *stream) ([]byte, bool) {
	start := len(dst)
	var inObject []bool // per open bracket: an object (else an array)
	var lastKey []byte
	afterColon := false
	for i := 0; i < len(v); {
		c, w := logical(v, i)
		if w == 2 && c != '"' && c != '\n' && c != '\r' && c != '\t' {
			return dst[:start], false // outside strings only quotes and spacing come escaped
		}
		switch {
		case c == '{' || c == '[':
			inObject = append(inObject, c == '{')
			afterColon = false
		case c == '}' || c == ']':
			if len(inObject) == 0 {
				return dst[:start], false
			}
			inObject = inObject[:len(inObject)-1]
		case c == ':':
			afterColon = true
		case c == ',':
			afterColon = false
		case c == '"':
			// the string's raw extent, up to its closing quote
			j, cw := closingQuote(v, i+w)
			if j < 0 {
				return dst[:start], false
			}
			s := v[i+w : j]
			dst = append(dst, v[i:i+w]...)
			isKey := len(inObject) > 0 && inObject[len(inObject)-1] && !afterColon
			if !isKey && len(s) > 0 && (s[0] == '{' || s[0] == '[') {
				if out, ok := appendNestedJSON(dst, s, r); ok {
					dst = append(out, v[j:j+cw]...)
					i = j + cw
					continue
				}
			}
			switch {
			case isKey:
				lastKey = s
				dst = append(dst, s...)
			case len(inObject) > 0 && !inObject[len(inObject)-1]:
				dst = appendShaped(dst, s, r) // a list of words: free-form
			default:
				dst = appendJSONLeaf(dst, s, keys != nil && keys[string(lastKey)], r)
			}
			dst = append(dst, v[j:j+cw]...)
			i = j + cw
			continue
		case c == '-' || isDigit(c):
			j, digits := i, 0
			for j < len(v) && (isDigit(v[j]) || v[j] == '-' || v[j] == '+' || v[j] == '.' || v[j] == 'e' || v[j] == 'E') {
				if isDigit(v[j]) {
					digits++
				}
				j++
			}
			if digits >= 5 {
				dst = appendDigitsIn(dst, v[i:j], r)
			} else {
				dst = append(dst, v[i:j]...)
			}
			i = j
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			// true, false, null
			j := i
			for j < len(v) && isLetter(v[j]) {
				j++
			}
			word := v[i:j]
			if !bytes.Equal(word, []byte("true")) && !bytes.Equal(word, []byte("false")) && !bytes.Equal(word, []byte("null")) {
				return dst[:start], false
			}
			dst = append(dst, word...)
			i = j
			continue
		}
		dst = append(dst, v[i:i+w]...)
		i += w
	}
	if len(inObject) != 0 {
		return dst[:start], false
	}
	return dst, true
}

// closingQuote finds the end of a JSON string whose text starts at i: the
// first quote that is neither a JSON escape (\" in JSON, \\\" in the
// SQL literal) nor inside one. It returns the quote's raw offset and
// width (1, or 2 for \"), or -1.
func closingQuote(v []byte, i int) (int, int) {
	for i < len(v) {
		k := bytes.IndexByte(v[i:], '"')
		if k < 0 {
			return -1, 0
		}
		q := i + k
		b := 0
		for q-b-1 >= i && v[q-b-1] == '\\' {
			b++
		}
		// b backslashes: b/2 are backslashes of the JSON text, an odd
		// one makes the quote an SQL escape (\")
		if (b/2)%2 == 0 {
			if b%2 == 1 {
				return q - 1, 2
			}
			return q, 1
		}
		i = q + 1
	}
	return -1, 0
}

// logical reads one character of an SQL string body: an escape (\" \n
// \\ ...) stands for one character.
func logical(v []byte, i int) (byte, int) {
	c := v[i]
	if c != '\\' || i+1 >= len(v) {
		return c, 1
	}
	switch e := v[i+1]; e {
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case '0':
		return 0, 2
	case 'Z':
		return 26, 2
	case 'b':
		return 8, 2
	default:
		return e, 2
	}
}

// appendDigitsIn renews the digits of a number, keeping its form.
func appendDigitsIn(dst, num []byte, r *stream) []byte {
	first := true
	for _, d := range num {
		if !isDigit(d) {
			dst = append(dst, d)
			continue
		}
		x := '0' + r.digit()
		for first && d != '0' && x == '0' {
			x = '0' + r.digit()
		}
		first = false
		dst = append(dst, x)
	}
	return dst
}

// appendJSONLeaf: a string leaf's new text (escapes kept as they are).
func appendJSONLeaf(dst, s []byte, marked bool, r *stream) []byte {
	if isUUIDText(s) {
		return appendFreshUUID(dst, s, r)
	}
	if marked {
		return appendShaped(dst, s, r)
	}
	if out, ok := appendFreshMAC(dst, s, r); ok {
		return out
	}
	if len(s) >= 7 && len(s) <= 43 && isHexDigit(s[0]) {
		if out, ok := appendFreshIP(dst, s, r); ok {
			return out
		}
	}
	if hasIDRun(s) || bytes.IndexByte(s, '@') > 0 || bytes.Contains(s, []byte("://")) || len(s) >= 24 && bytes.IndexByte(s, ' ') >= 0 {
		return appendShaped(dst, s, r)
	}
	return append(dst, s...)
}

// hasIDRun: a run of 8 or more hex digits with a digit in it (uuids,
// request ids, port ids, hashes).
func hasIDRun(s []byte) bool {
	run, digit := 0, false
	for _, c := range s {
		if isHexDigit(c) {
			run++
			digit = digit || isDigit(c)
			if run >= 8 && digit {
				return true
			}
		} else {
			run, digit = 0, false
		}
	}
	return false
}

// appendNestedJSON: a string leaf that holds a JSON document of its own
// (settings kept as a JSON string inside a profile) is renewed as a
// document, so that it stays JSON: shaped as text, its `true` became a
// word. s is the leaf as the dump has it (SQL escapes over JSON string
// escapes); ok is false when the leaf is no JSON document.
func appendNestedJSON(dst, s []byte, r *stream) ([]byte, bool) {
	var inner string
	quoted := append(append([]byte{'"'}, sqlBody(s)...), '"')
	if json.Unmarshal(quoted, &inner) != nil || !json.Valid([]byte(inner)) {
		return dst, false
	}
	fresh, ok := appendFreshJSON(nil, sqlEscapeBody([]byte(inner)), nil, r)
	if !ok {
		return dst, false
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(string(sqlBody(fresh))) != nil {
		return dst, false
	}
	str := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	str = bytes.TrimSpace(str)
	return append(dst, sqlEscapeBody(str[1:len(str)-1])...), true
}

// sqlBody unescapes the body of an SQL string literal (backslash
// escapes, as mariadb-dump writes them).
func sqlBody(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c, w := logical(raw, i)
		out = append(out, c)
		i += w
	}
	return out
}

// sqlEscapeBody escapes text as the body of an SQL string literal, as
// mariadb-dump does.
func sqlEscapeBody(text []byte) []byte {
	q := sqldump.AppendQuoted(nil, text)
	return q[1 : len(q)-1]
}
