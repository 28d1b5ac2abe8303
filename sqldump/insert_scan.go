package sqldump

import (
	"bytes"
	"fmt"
)

// skipSpace skips whitespace and comments inside a statement. Between
// the values of a dump's rows there is mostly nothing to skip: that is
// decided inline, without a call.
func (r *Reader) skipSpace(i int) (int, error) {
	if i < r.end && !mayBeSpace[r.buf[i]] {
		return i, nil
	}
	return r.skipSpaceSlow(i)
}

// mayBeSpace: the bytes that can begin whitespace or a comment.
var mayBeSpace = func() (t [256]bool) {
	for _, c := range []byte(" \n\t\r\f\v#-/") {
		t[c] = true
	}
	return t
}()

func (r *Reader) skipSpaceSlow(i int) (int, error) {
	for {
		if !r.has(i, 1) {
			return i, nil
		}
		c := r.buf[i]
		switch {
		case isSpace(c):
			i++
		case c == '#' || (c == '-' && r.isDashComment(i)):
			i = r.skipLine(i)
		case c == '/' && r.has(i, 2) && r.buf[i+1] == '*' && !r.isConditional(i):
			j, err := r.skipBlockComment(i)
			if err != nil {
				return 0, err
			}
			i = j
		default:
			return i, nil
		}
	}
}

// ident reads an identifier (`quoted` or bare) at i.
func (r *Reader) ident(i int) (string, int, error) {
	if !r.has(i, 1) {
		return "", 0, r.eofErr(i)
	}
	if r.buf[i] == '`' {
		j, esc, err := r.skipQuoted(i, '`')
		if err != nil {
			return "", 0, err
		}
		name := r.buf[i+1 : j-1]
		if esc {
			return string(bytes.ReplaceAll(name, []byte("``"), []byte("`"))), j, nil
		}
		return string(name), j, nil
	}
	j := i
	for r.has(j, 1) && isIdentByte(r.buf[j]) {
		j++
	}
	if j == i {
		return "", 0, r.errAt(i, "expected a name, found "+r.show(i))
	}
	return string(r.buf[i:j]), j, nil
}

func (r *Reader) eofErr(i int) error {
	if r.rerr != nil {
		return r.readErr(i)
	}
	return r.errAt(i, "unexpected end of input inside INSERT (truncated dump?)")
}

// expect checks that the byte at i is c.
func (r *Reader) expect(i int, c byte, what string) error {
	if !r.has(i, 1) {
		return r.eofErr(i)
	}
	if r.buf[i] != c {
		return r.errAt(i, fmt.Sprintf("expected %s, found %s", what, r.show(i)))
	}
	return nil
}

// show says what is at i for an error message, never the data itself
// (see describe).
func (r *Reader) show(i int) string {
	r.has(i, 32)
	return describe(r.buf[i:min(i+32, r.end)])
}

// scanInsert parses INSERT/REPLACE ... VALUES (...),...; at i.
func (r *Reader) scanInsert(st *Statement, i int) (int, error) {
	in := &r.ins
	in.reset()
	i += len(st.Keyword)
	// Modifiers and INTO, then the table name.
	for {
		var err error
		if i, err = r.skipSpace(i); err != nil {
			return 0, err
		}
		if !r.has(i, 1) {
			return 0, r.eofErr(i)
		}
		if r.buf[i] == '`' {
			break
		}
		w := r.keyword(i)
		switch w {
		case "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE":
			i += len(w)
			continue
		case "INTO":
			i += len(w)
			if i, err = r.skipSpace(i); err != nil {
				return 0, err
			}
		}
		break
	}
	name, j, err := r.ident(i)
	if err != nil {
		return 0, err
	}
	if r.has(j, 1) && r.buf[j] == '.' {
		in.db = name
		if name, j, err = r.ident(j + 1); err != nil {
			return 0, err
		}
	}
	in.table = name
	if i, err = r.skipSpace(j); err != nil {
		return 0, err
	}
	// Optional column list.
	if r.has(i, 1) && r.buf[i] == '(' {
		i++
		for {
			if i, err = r.skipSpace(i); err != nil {
				return 0, err
			}
			col, j, err := r.ident(i)
			if err != nil {
				return 0, err
			}
			in.columns = append(in.columns, col)
			if i, err = r.skipSpace(j); err != nil {
				return 0, err
			}
			if !r.has(i, 1) {
				return 0, r.eofErr(i)
			}
			if r.buf[i] == ',' {
				i++
				continue
			}
			if err := r.expect(i, ')', "',' or ')' in the column list"); err != nil {
				return 0, err
			}
			i++
			break
		}
		if i, err = r.skipSpace(i); err != nil {
			return 0, err
		}
	} else {
		in.columns = nil
	}
	if !r.has(i, 1) {
		return 0, r.eofErr(i)
	}
	w := r.keyword(i)
	if w != "VALUES" && w != "VALUE" {
		return 0, r.errAt(i, fmt.Sprintf("only INSERT ... VALUES with literal rows can be read; found %s (INSERT ... SELECT/SET is not supported)", r.show(i)))
	}
	i += len(w)
	// Rows.
	for row := 0; ; row++ {
		if i, err = r.skipSpace(i); err != nil {
			return 0, err
		}
		if err := r.expect(i, '(', "'(' to start a row"); err != nil {
			return 0, err
		}
		in.rowAt = append(in.rowAt, i-r.start)
		i++
		n := 0
		for {
			if i, err = r.skipSpace(i); err != nil {
				return 0, err
			}
			if n == 0 && r.has(i, 1) && r.buf[i] == ')' {
				break // VALUES () — a row of defaults
			}
			if i, err = r.scanValue(i); err != nil {
				return 0, err
			}
			n++
			if i, err = r.skipSpace(i); err != nil {
				return 0, err
			}
			if !r.has(i, 1) {
				return 0, r.eofErr(i)
			}
			if r.buf[i] == ',' {
				i++
				continue
			}
			if r.buf[i] != ')' {
				return 0, r.errAt(i, fmt.Sprintf("expected ',' or ')' after a value, found %s (only literal values can be read)", r.show(i)))
			}
			break
		}
		if row == 0 {
			in.width = n
		} else if n != in.width {
			return 0, r.errAt(i, fmt.Sprintf("row %d has %d values, the first row has %d", row+1, n, in.width))
		}
		in.rows++
		i++ // ')'
		in.rowAt = append(in.rowAt, i-r.start)
		if i, err = r.skipSpace(i); err != nil {
			return 0, err
		}
		if !r.has(i, 1) {
			return 0, r.eofErr(i)
		}
		if r.buf[i] == ',' {
			i++
			continue
		}
		if r.has(i, len(r.delim)) && bytes.Equal(r.buf[i:i+len(r.delim)], r.delim) {
			end := i + len(r.delim)
			if t := r.schema.lookup(in.db, r.db, in.table); t != nil {
				in.schema = t
			}
			return end, nil
		}
		if r.keyword(i) == "ON" {
			return 0, r.errAt(i, "INSERT ... ON DUPLICATE KEY UPDATE is not supported (its expressions could carry data)")
		}
		return 0, r.errAt(i, "expected ',' or "+r.delimName()+" after a row, found "+r.show(i))
	}
}

// scanValue reads one literal at i and appends its span.
func (r *Reader) scanValue(i int) (int, error) {
	if !r.has(i, 1) {
		return 0, r.eofErr(i)
	}
	start := i
	c := r.buf[i]
	switch {
	case c == '\'' || c == '"':
		j, esc, err := r.skipQuoted(i, c)
		if err != nil {
			return 0, err
		}
		r.addSpan(start, j, KindString, esc)
		return j, nil
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		if c == '0' && r.has(i, 2) && (r.buf[i+1] == 'x' || r.buf[i+1] == 'b') {
			return r.scanPrefixedNumber(i)
		}
		return r.scanNumber(i)
	case c == 'N' || c == 'n':
		if r.has(i, 4) && (r.buf[i+1]|0x20) == 'u' && (r.buf[i+2]|0x20) == 'l' && (r.buf[i+3]|0x20) == 'l' &&
			(!r.has(i, 5) || !isIdentByte(r.buf[i+4])) {
			r.addSpan(i, i+4, KindNull, false)
			return i + 4, nil
		}
	case c == 'x' || c == 'X' || c == 'b' || c == 'B':
		if r.has(i, 2) && r.buf[i+1] == '\'' {
			return r.scanQuotedBits(i)
		}
	case c == '_':
		return r.scanIntroduced(i)
	}
	return 0, r.errAt(i, fmt.Sprintf("value %s is not a literal (NULL, number, string, hex or bit); expressions cannot be anonymized safely", r.show(i)))
}

func (r *Reader) addSpan(start, end int, k ValueKind, esc bool) {
	var f uint8
	if esc {
		f = flagEscaped
	}
	// Offsets are kept relative to the statement: the buffer may move.
	r.ins.spans = append(r.ins.spans, span{start: uint32(start - r.start), end: uint32(end - r.start), kind: k, flags: f, okind: k})
}

// scanNumber reads [+-]digits[.digits][e[+-]digits].
func (r *Reader) scanNumber(i int) (int, error) {
	start := i
	if r.buf[i] == '-' || r.buf[i] == '+' {
		i++
	}
	digits := 0
	for r.has(i, 1) && r.buf[i] >= '0' && r.buf[i] <= '9' {
		i++
		digits++
	}
	if r.has(i, 1) && r.buf[i] == '.' {
		i++
		for r.has(i, 1) && r.buf[i] >= '0' && r.buf[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, r.errAt(start, "malformed number")
	}
	if r.has(i, 1) && (r.buf[i] == 'e' || r.buf[i] == 'E') {
		i++
		if r.has(i, 1) && (r.buf[i] == '-' || r.buf[i] == '+') {
			i++
		}
		exp := 0
		for r.has(i, 1) && r.buf[i] >= '0' && r.buf[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return 0, r.errAt(start, "malformed exponent in a number")
		}
	}
	if r.has(i, 1) && (isIdentByte(r.buf[i]) || r.buf[i] == '.') {
		return 0, r.errAt(start, "malformed number")
	}
	r.addSpan(start, i, KindNumber, false)
	return i, nil
}

// scanPrefixedNumber reads 0x... hex and 0b... bit literals.
func (r *Reader) scanPrefixedNumber(i int) (int, error) {
	start := i
	hex := r.buf[i+1] == 'x'
	i += 2
	n := 0
	for r.has(i, 1) {
		c := r.buf[i]
		if hex && isHex(c) || !hex && (c == '0' || c == '1') {
			i++
			n++
			continue
		}
		break
	}
	if n == 0 || r.has(i, 1) && isIdentByte(r.buf[i]) {
		if !hex && n == 0 {
			return r.scanNumber(start) // "0" followed by 'b'? not a number either
		}
		return 0, r.errAt(start, "malformed 0x/0b literal")
	}
	k := KindHex
	if !hex {
		k = KindBit
	}
	r.addSpan(start, i, k, false)
	return i, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// scanQuotedBits reads X'..' and B'..' literals.
func (r *Reader) scanQuotedBits(i int) (int, error) {
	start := i
	hex := r.buf[i]|0x20 == 'x'
	i += 2
	n := 0
	for r.has(i, 1) && r.buf[i] != '\'' {
		c := r.buf[i]
		if hex && !isHex(c) || !hex && c != '0' && c != '1' {
			return 0, r.errAt(i, fmt.Sprintf("invalid digit in %c'...' literal", r.buf[start]|0x20))
		}
		i++
		n++
	}
	if !r.has(i, 1) {
		return 0, r.eofErr(i)
	}
	if hex && n%2 != 0 {
		return 0, r.errAt(start, "X'...' literal needs an even number of hex digits")
	}
	k := KindHex
	if !hex {
		k = KindBit
	}
	r.addSpan(start, i+1, k, false)
	return i + 1, nil
}

// scanIntroduced reads a charset introducer (_binary, _utf8mb4, ...) and
// the string, hex or bit literal it qualifies.
func (r *Reader) scanIntroduced(i int) (int, error) {
	start := i
	i++
	for r.has(i, 1) && isIdentByte(r.buf[i]) {
		i++
	}
	if i == start+1 {
		return 0, r.errAt(start, "charset introducer without a name")
	}
	i, err := r.skipSpace(i)
	if err != nil {
		return 0, err
	}
	n := len(r.ins.spans)
	if !r.has(i, 1) {
		return 0, r.eofErr(i)
	}
	c := r.buf[i]
	switch {
	case c == '\'' || c == '"':
		i, err = r.scanValue(i)
	case c == '0' && r.has(i, 2) && (r.buf[i+1] == 'x' || r.buf[i+1] == 'b'):
		i, err = r.scanPrefixedNumber(i)
	case (c|0x20 == 'x' || c|0x20 == 'b') && r.has(i, 2) && r.buf[i+1] == '\'':
		i, err = r.scanQuotedBits(i)
	default:
		return 0, r.errAt(i, "a charset introducer must be followed by a string, hex or bit literal, found "+r.show(i))
	}
	if err != nil {
		return 0, err
	}
	r.ins.spans[n].start = uint32(start - r.start)
	r.ins.spans[n].flags |= flagIntroduced
	return i, nil
}
