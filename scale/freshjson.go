package scale

import (
	"bytes"
	"encoding/json"
	"strconv"

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
	return appendFreshJSONNums(dst, v, keys, nil, r)
}

// jsonNums: the numbers of a JSON column's documents, per place (the
// path of keys to a leaf, ids in keys read as one name), summed up from
// the column's templates like a numeric column's values. A copy's number
// (a JSON number, or an integer written as a JSON string: Nova's stats
// hold {"num_instances": "3"}) is drawn from its place's summary: kept,
// a template's counts would be repeated in every copy, and counts (of
// instances per host, per project) sum to the original's rows (red team
// duckatk4).
type jsonNums struct {
	at      map[string]*numbers
	collect map[string][]float64 // while summing up: the numbers seen
	ints    map[string]bool      // while summing up: only integers seen
}

// maxJSONPlaces bounds the places followed per column.
const maxJSONPlaces = 256

// newJSONNums sums up the numbers of a column's templates (nil when they
// hold none, or are no JSON).
func newJSONNums(templates [][]byte) *jsonNums {
	jn := &jsonNums{collect: map[string][]float64{}, ints: map[string]bool{}}
	var r stream
	for _, v := range templates {
		if t := bytes.TrimSpace(v); len(t) < 2 || t[0] != '{' && t[0] != '[' {
			continue
		}
		appendFreshJSONNums(nil, v, nil, jn, &r)
	}
	jn.at = map[string]*numbers{}
	for place, xs := range jn.collect {
		if len(xs) >= 2 {
			jn.at[place] = newNumbers(xs, jn.ints[place], -1)
		}
	}
	jn.collect, jn.ints = nil, nil
	if len(jn.at) == 0 {
		return nil
	}
	return jn
}

// number writes the copy's number at place for raw (nil: no summary
// there, the caller decides).
func (jn *jsonNums) number(dst []byte, place, raw []byte, r *stream) ([]byte, bool) {
	if jn == nil {
		return dst, false
	}
	if jn.collect != nil {
		x, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return dst, false
		}
		xs, ok := jn.collect[string(place)]
		if !ok {
			if len(jn.collect) >= maxJSONPlaces {
				return dst, false
			}
			jn.ints[string(place)] = true
		}
		jn.collect[string(place)] = append(xs, x)
		if bytes.ContainsAny(raw, ".eE") {
			jn.ints[string(place)] = false
		}
		return dst, false
	}
	nb := jn.at[string(place)]
	if nb == nil {
		return dst, false
	}
	return nb.appendNew(dst, raw, unit(r.next())), true
}

// isIntText: an integer of up to 18 digits (a count written as a string).
func isIntText(s []byte) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return false
	}
	for _, c := range s {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// appendPlaceKey appends a key to a place: its id runs (num_proj_<project
// id>) read as one name.
func appendPlaceKey(place, key []byte) []byte {
	place = append(place, '/')
	if !hasIDRun(key) {
		return append(place, key...)
	}
	return appendIDRuns(place, key, nil)
}

// appendIDRuns writes s with its runs of 8 or more hex digits (with a
// digit among them) replaced: by new hex digits from r (the case kept),
// or by * when r is nil.
func appendIDRuns(dst, s []byte, r *stream) []byte {
	for i := 0; i < len(s); {
		if !isHexDigit(s[i]) {
			dst = append(dst, s[i])
			i++
			continue
		}
		j, digit := i, false
		for j < len(s) && isHexDigit(s[j]) {
			digit = digit || isDigit(s[j])
			j++
		}
		switch {
		case j-i < 8 || !digit:
			dst = append(dst, s[i:j]...)
		case r == nil:
			dst = append(dst, '*')
		default:
			for _, c := range s[i:j] {
				dst = append(dst, randHex(r, c >= 'A' && c <= 'F'))
			}
		}
		i = j
	}
	return dst
}

// appendFreshJSONNums is appendFreshJSON with the column's numbers (jn,
// or nil: short numbers are kept).
func appendFreshJSONNums(dst, v []byte, keys map[string]bool, jn *jsonNums, r *stream) ([]byte, bool) {
	start := len(dst)
	var inObject []bool // per open bracket: an object (else an array)
	var lastKey []byte
	afterColon := false
	// the place of the current leaf: the keys (or [] for a list) down to
	// it, and where each open bracket's place ends
	var place []byte
	var placeEnd []int
	// ids in keys map the same way throughout the document
	idSeed := r.s ^ 0x6a736f6e2d6b6579
	leafPlace := func() []byte {
		if len(inObject) > 0 && inObject[len(inObject)-1] {
			return appendPlaceKey(place, lastKey)
		}
		return append(place, "/[]"...)
	}
	for i := 0; i < len(v); {
		c, w := logical(v, i)
		if w == 2 && c != '"' && c != '\n' && c != '\r' && c != '\t' {
			return dst[:start], false // outside strings only quotes and spacing come escaped
		}
		switch {
		case c == '{' || c == '[':
			placeEnd = append(placeEnd, len(place))
			if len(inObject) > 0 {
				place = leafPlace()
			}
			inObject = append(inObject, c == '{')
			afterColon = false
		case c == '}' || c == ']':
			if len(inObject) == 0 {
				return dst[:start], false
			}
			inObject = inObject[:len(inObject)-1]
			place = place[:placeEnd[len(placeEnd)-1]]
			placeEnd = placeEnd[:len(placeEnd)-1]
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
			if !isKey && isIntText(s) {
				if out, ok := jn.number(dst, leafPlace(), s, r); ok {
					dst = append(out, v[j:j+cw]...)
					i = j + cw
					continue
				}
			}
			switch {
			case isKey:
				lastKey = s
				if hasIDRun(s) {
					// an id in a key (Nova's num_proj_<project id>):
					// copied, it would repeat in every copy
					ks := stream{s: mix64(idSeed ^ nameHash(string(s)))}
					dst = appendIDRuns(dst, s, &ks)
				} else {
					dst = append(dst, s...)
				}
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
			if out, ok := jn.number(dst, leafPlace(), v[i:j], r); ok {
				dst = out
			} else if digits >= 5 {
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
