package scrub

import (
	"math/big"
	"net/netip"
	"unicode/utf16"
	"unicode/utf8"
)

// Wide forms: an IPv6 address as one decimal number (Python's
// int(ipaddress.ip_address(...)), IPAM logs), UTF-16 of CJK and Hangul
// text (no NULs between its letters: hex or base64 of it reads as
// neither text nor UTF-16 of Latin), and Lua's decimal byte escapes
// ("\195\188").

// minIPv6Digits: an IPv6 address outside ::/64 (every real one: a
// global, ULA or link-local prefix) is a number of 20 digits or more.
const (
	minIPv6Digits = 20
	maxIPv6Digits = 39
)

// ipv6IntSpans scans v with each decimal number of 20 to 39 digits
// that is an IPv6 address written as the address (compressed, then
// written out whole).
func (w *worker) ipv6IntSpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	var u *view
	last := 0
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) {
			continue
		}
		j := i
		for j < len(t) && isDigit(t[j]) {
			j++
		}
		if n := j - i; n >= minIPv6Digits && n <= maxIPv6Digits && (i == 0 || !alnumByte(t[i-1])) && (j == len(t) || !alnumByte(t[j])) {
			if a, ok := ipv6OfDecimal(t[i:j]); ok {
				if u == nil {
					u = &view{}
				}
				u.copyRun(t, last, i)
				for _, s := range [2]string{a.String(), " " + a.StringExpanded()} {
					for k := 0; k < len(s); k++ {
						u.push(s[k], i, j)
					}
				}
				last = j
			}
		}
		i = j
	}
	if u == nil {
		return spans
	}
	u.copyRun(t, last, len(t))
	u.compose(v)
	return w.scanView(u, anywhere, spans)
}

func alnumByte(c byte) bool { return c < 0x80 && asciiAlnum[c] != 0 }

// ipv6OfDecimal reads digits as a 128-bit number.
func ipv6OfDecimal(d []byte) (netip.Addr, bool) {
	var x big.Int
	if _, ok := x.SetString(string(d), 10); !ok || x.BitLen() > 128 {
		return netip.Addr{}, false
	}
	var b [16]byte
	x.FillBytes(b[:])
	return netip.AddrFrom16(b), true
}

// wideUnit: a UTF-16 unit of CJK, kana or Hangul letters (ideographs,
// syllables: not fullwidth forms or compatibility ideographs, which
// fold to others).
func wideUnit(u uint16) bool {
	return u >= 0x3041 && u <= 0x30ff || u >= 0x3400 && u <= 0x4dbf || u >= 0x4e00 && u <= 0x9fff || u >= 0xac00 && u <= 0xd7a3
}

// utf16Wide: b reads as UTF-16 of CJK or Hangul text in one byte order
// (big reports which; a byte order mark may say it): every unit after
// it wide or a space, two at least wide
// (random bytes seldom are: no letter of ASCII, read a byte off, gives
// a known value's piece).
func utf16Wide(b []byte) (big, ok bool) {
	if len(b) < 4 || len(b)%2 != 0 || printASCII(b) {
		return false, false // (ASCII's letters in pairs are CJK's units)
	}
	if _, latin := utf16Like(b); latin {
		return false, false // (UTF-16 of ASCII read a byte off is CJK's units too)
	}
	orders := [2]bool{false, true}
	from := 0
	switch {
	case b[0] == 0xff && b[1] == 0xfe: // (a byte order mark: that order only)
		orders, from = [2]bool{false, false}, 2
	case b[0] == 0xfe && b[1] == 0xff:
		orders, from = [2]bool{true, true}, 2
	}
	for _, be := range orders {
		wide, bad := 0, false
		for i := from; i+1 < len(b); i += 2 {
			u := uint16(b[i+1])<<8 | uint16(b[i])
			if be {
				u = uint16(b[i])<<8 | uint16(b[i+1])
			}
			switch {
			case wideUnit(u):
				wide++
			case u == ' ':
			default:
				bad = true
			}
			if bad {
				break
			}
		}
		if !bad && wide >= 2 {
			return be, true
		}
	}
	return false, false
}

// wideKey: key text holds a letter wideUnit reads (its UTF-8 starts
// with a byte from 0xe3 to 0xed).
func wideKey(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if c := b[i]; c >= 0xe3 && c <= 0xed {
			if r, _ := utf8.DecodeRune(b[i:]); r <= 0xffff && wideUnit(uint16(r)) {
				return true
			}
		}
	}
	return false
}

// wide3: three bytes that may start UTF-16 of CJK or Hangul, or a
// double-byte charset's text (a short base64 run's first quad,
// plausible3).
func wide3(q [3]byte) bool {
	return wideUnit(uint16(q[1])<<8|uint16(q[0])) || wideUnit(uint16(q[0])<<8|uint16(q[1])) ||
		q[0] == 0xff && q[1] == 0xfe || q[0] == 0xfe && q[1] == 0xff || // (a byte order mark)
		pairIf(q[:], 0x81, 0xfe, 0x40, 0xfe) == 2 // (a double-byte charset's character)
}

// wideText is b (UTF-16 of CJK or Hangul, utf16Wide) as UTF-8.
func wideText(b []byte, big bool) []byte {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if big {
			units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			units = append(units, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return []byte(string(utf16.Decode(units)))
}

// luaByte reads Lua's decimal escape at src[i] ('\\' and 1 to 3 digits,
// a byte), or returns -1 and 0.
func luaByte(src []byte, i int) (int, int) {
	x, k := 0, 0
	for k < 3 && i+1+k < len(src) && isDigit(src[i+1+k]) {
		x = x*10 + int(src[i+1+k]-'0')
		k++
	}
	if k == 0 || x > 255 {
		return -1, 0
	}
	return x, 1 + k
}

// hasLuaUTF8: src holds a UTF-8 sequence in Lua's decimal escapes: a
// lead byte (\194 to \244) then a continuation byte (\128 to \191),
// which no octal reading gives (8 and 9 are no octal digits, or the
// lead is above \377's).
func hasLuaUTF8(src []byte) bool {
	for i := 0; i+8 <= len(src); i++ {
		if src[i] != '\\' {
			continue
		}
		if x, n := luaByte(src, i); n == 4 && x >= 0xc2 && x <= 0xf4 && i+n < len(src) && src[i+n] == '\\' {
			if y, m := luaByte(src, i+n); m == 4 && y >= 0x80 && y <= 0xbf {
				return true
			}
		}
	}
	return false
}

// luaSpans scans v with Lua's decimal escapes as the bytes they are.
func (w *worker) luaSpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	if !hasLuaUTF8(t) {
		return spans
	}
	return w.scanNotation(v, anywhere, '\\', func(t []byte, i int) (byte, int) {
		x, n := luaByte(t, i)
		return byte(x), n
	}, spans)
}

// cut3: three bytes of UTF-8 text that begin inside a character (one or
// two continuation bytes first): a wrapped base64 line's first quad
// (MariaDB's TO_BASE64() wraps at 76 columns, a MIME header's encoded
// words end anywhere), read on as plausible3 reads text.
func cut3(q [3]byte) bool {
	i := 0
	for i < 2 && q[i] >= 0x80 && q[i] < 0xc0 {
		i++
	}
	if i == 0 {
		return false
	}
	for ; i < 3; i++ {
		switch c := q[i]; {
		case c >= 0x20 && c < 0x7f, c >= 0x80 && c < 0xc0:
		case c >= 0xc2 && c <= 0xf4:
			return true // (a lead byte: what follows is cut off)
		default:
			return false
		}
	}
	return true
}
