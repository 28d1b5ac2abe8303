package sqldump

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
)

// ValueKind is the literal type of a value in an INSERT row.
type ValueKind uint8

const (
	KindNull   ValueKind = iota + 1 // NULL
	KindNumber                      // 42, -1.5, 1e-300
	KindString                      // 'text' or "text", maybe with an introducer
	KindHex                         // 0xCAFE or X'CAFE', maybe with an introducer
	KindBit                         // b'101' or 0b101, maybe with an introducer
)

func (k ValueKind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindNumber:
		return "number"
	case KindString:
		return "string"
	case KindHex:
		return "hex"
	case KindBit:
		return "bit"
	}
	return fmt.Sprintf("ValueKind(%d)", k)
}

// Value is one literal of an INSERT row. Raw is its exact SQL text.
type Value struct {
	Kind    ValueKind
	Raw     []byte
	escaped bool
}

// IsNull reports whether v is NULL.
func (v Value) IsNull() bool { return v.Kind == KindNull }

// Introducer returns the charset introducer (e.g. "_binary") or "".
func (v Value) Introducer() string { return string(bytes.TrimSpace(introducer(v.Raw))) }

// introducer returns the introducer prefix of raw including any spacing.
func introducer(raw []byte) []byte {
	if len(raw) == 0 || raw[0] != '_' {
		return nil
	}
	i := 1
	for i < len(raw) && isIdentByte(raw[i]) {
		i++
	}
	for i < len(raw) && isSpace(raw[i]) {
		i++
	}
	return raw[:i]
}

// Bytes returns the value's content: the unescaped bytes of a string, the
// decoded bytes of a hex or bit literal, the text of a number, nil for NULL.
// It appends to dst (which may be nil) to let callers reuse a buffer.
func (v Value) Bytes(dst []byte) []byte {
	lit := v.Raw[len(introducer(v.Raw)):]
	switch v.Kind {
	case KindString:
		body := lit[1 : len(lit)-1]
		if !v.escaped {
			return append(dst, body...)
		}
		return unescape(dst, body, lit[0])
	case KindNumber:
		return append(dst, lit...)
	case KindHex:
		var digits []byte
		if lit[0] == '0' {
			digits = lit[2:]
		} else {
			digits = lit[2 : len(lit)-1]
		}
		if len(digits)%2 == 1 { // 0xABC means 0x0ABC
			dst = append(dst, unhex(0, digits[0]))
			digits = digits[1:]
		}
		for i := 0; i+1 < len(digits); i += 2 {
			dst = append(dst, unhex(digits[i], digits[i+1]))
		}
		return dst
	case KindBit:
		var digits []byte
		if lit[0] == '0' {
			digits = lit[2:]
		} else {
			digits = lit[2 : len(lit)-1]
		}
		n := new(big.Int)
		n.SetString(string(digits), 2)
		b := n.Bytes()
		nbytes := (len(digits) + 7) / 8
		for i := len(b); i < nbytes; i++ {
			dst = append(dst, 0)
		}
		return append(dst, b...)
	}
	return dst
}

// String returns Bytes as a string.
func (v Value) String() string { return string(v.Bytes(nil)) }

func unhex(a, b byte) byte {
	return hexval(a)<<4 | hexval(b)
}

func hexval(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// unescape decodes a MySQL string body (between the quotes q): backslash
// escapes as the server reads them, and doubled quotes.
func unescape(dst, body []byte, q byte) []byte {
	dst = slices.Grow(dst, len(body))
	for len(body) > 0 {
		// Copy the plain run up to the next backslash or quote in one go.
		i := 0
		for i < len(body) && body[i] != '\\' && body[i] != q {
			i++
		}
		dst = append(dst, body[:i]...)
		if i == len(body) {
			break
		}
		body = body[i:]
		c := body[0]
		if c == q {
			dst = append(dst, q)
			if len(body) > 1 && body[1] == q {
				body = body[2:]
			} else {
				body = body[1:]
			}
			continue
		}
		if len(body) == 1 {
			dst = append(dst, c)
			break
		}
		e := body[1]
		body = body[2:]
		switch e {
		case '0':
			dst = append(dst, 0)
		case 'b':
			dst = append(dst, '\b')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'Z':
			dst = append(dst, 0x1a)
		case '%', '_':
			// The server keeps the backslash: \% and \_ are LIKE escapes.
			dst = append(dst, '\\', e)
		default:
			dst = append(dst, e)
		}
	}
	return dst
}

// quoteEscape maps a byte mysqldump escapes to the letter after its
// backslash; 0 for bytes written as they are.
var quoteEscape = [256]byte{0: '0', '\n': 'n', '\r': 'r', '\\': '\\', '\'': '\'', '"': '"', 0x1a: 'Z'}

// AppendQuoted appends s as a single-quoted SQL string literal, escaped the
// way mysqldump escapes (mysql_real_escape_string).
// Eight bytes at a time it first skips the words that hold no byte to
// escape (a fake rarely does), then goes byte by byte.
func AppendQuoted(dst, s []byte) []byte {
	dst = slices.Grow(dst, len(s)+2)
	dst = append(dst, '\'')
	i := 0
	for i+8 <= len(s) && !mayEscape(le64(s[i:])) {
		i += 8
	}
	last := 0
	for ; i < len(s); i++ {
		e := quoteEscape[s[i]]
		if e == 0 {
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, '\\', e)
		last = i + 1
	}
	dst = append(dst, s[last:]...)
	return append(dst, '\'')
}

// mayEscape says whether w, eight bytes, holds a byte quoteEscape
// escapes: one below 0x20 (NUL, newline, return, ^Z and the other
// controls, which then go byte by byte), a quote, a double quote or a
// backslash. "Any byte" is exact for each test (a borrow only runs
// upward from a byte that matched).
func mayEscape(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x, y, z := w^(lo*'\''), w^(lo*'"'), w^(lo*'\\')
	return ((w-lo*0x20)&^w|(x-lo)&^x|(y-lo)&^y|(z-lo)&^z)&hi != 0
}

// String builds a single-quoted string literal value.
func String(s []byte) Value {
	return Value{Kind: KindString, Raw: AppendQuoted(nil, s), escaped: true}
}

// Number builds a numeric literal value; s must be a valid number.
func Number(s string) Value { return Value{Kind: KindNumber, Raw: []byte(s)} }

// Null is the NULL value.
func Null() Value { return Value{Kind: KindNull, Raw: []byte("NULL")} }

// Hex builds a 0x... literal holding b; an empty b gives an empty string
// literal, as mysqldump --hex-blob does.
func Hex(b []byte) Value {
	if len(b) == 0 {
		return Value{Kind: KindString, Raw: []byte("''")}
	}
	raw := make([]byte, 2+2*len(b))
	hex.Encode(raw[2:], b)
	raw = bytes.ToUpper(raw) // mysqldump --hex-blob writes upper case
	raw[0], raw[1] = '0', 'x'
	return Value{Kind: KindHex, Raw: raw}
}
