package scrub

import (
	"unicode"
	"unicode/utf8"
)

// hexEscape decodes the backslash escapes of hex digits alone at src[i]:
// CSS writes a character as \ and 1 to 6 hex digits (a space after
// ends it and is part of it: "\0000eb " or "\eb "), an LDAP DN a byte as
// \ and 2 hex digits ("\c3\ab", "\23" for '#'). Only what a C-style
// escape does not mean: six digits, a non-ASCII character of 3 to 5
// digits before a space, a byte of 0x80 or more or one LDAP escapes
// ("\b" and "\0" stay C's, three octal digits are a byte in octal; two
// hex digits before a space are LDAP's byte: a lone high byte reads as
// Latin-1 anyway; six digits that begin as three octal ones are CSS's
// only when they name a printable character: C's "\056213" is ".213",
// not U+56213). It returns the length or 0.
func hexEscape(src []byte, i int, v *view) int {
	x, k := 0, 0
	for k < 6 && i+1+k < len(src) {
		d := hexVal(src[i+1+k])
		if d < 0 {
			break
		}
		x = x*16 + d
		k++
	}
	end := i + 1 + k
	space := end < len(src) && (src[end] == ' ' || src[end] == '\t')
	octal := k >= 3 && src[i+1] <= '3' && isOctal(src[i+1]) && isOctal(src[i+2]) && isOctal(src[i+3])
	// right after an LDAP byte (\c3\9fe : the bytes c3 9f, then "e"), a
	// short run is LDAP's next byte, not a CSS character
	afterByte := i >= 3 && src[i-3] == '\\' && hexVal(src[i-2]) >= 0 && hexVal(src[i-1]) >= 0
	// Three octal digits that make a lone UTF-8 continuation byte (no
	// escape before them) are no C byte of text: LDAP's "\22" and a
	// value's digits after it ("cn=\220000127" is '"' and 0000127, a
	// FuzzScrubPlanted find), not 0x90 and 000127; and three to five hex
	// digits before a space that begin with a character LDAP escapes are
	// LDAP's ("\220 00127" is '"' and "0 00127", not CSS's U+0220).
	if octal {
		o := int(src[i+1]-'0')<<6 | int(src[i+2]-'0')<<3 | int(src[i+3]-'0')
		if o >= 0x80 && o < 0xc0 && !(i >= 4 && src[i-4] == '\\') && ldapSpecial[hexN(src, i+1, 2)] {
			octal = false
		}
	}
	switch {
	case k == 6 && x <= utf8.MaxRune && (!octal || unicode.IsPrint(rune(x))), k >= 3 && k < 6 && space && !octal && !afterByte && x >= 0x80 && !ldapSpecial[hexN(src, i+1, 2)]:
		if space {
			end++
		}
		v.pushRune(rune(x), i, end)
		return end - i
	case k >= 2 && !octal && (hexN(src, i+1, 2) >= 0x80 || ldapSpecial[hexN(src, i+1, 2)]):
		v.push(byte(hexN(src, i+1, 2)), i, i+3)
		return 3
	}
	return 0
}

// ldapSpecial: the ASCII characters RFC 4514 escapes in a DN.
var ldapSpecial = func() (t [256]bool) {
	for _, c := range []byte(`,+"\\<>;=# `) {
		t[c] = true
	}
	return t
}()
