package scrub

import "unicode/utf8"

// Punycode (RFC 3492): a host name's label of non-ASCII letters as DNS
// carries it, "xn--" and ASCII ("bücher" is "xn--bcher-kva"); resolvers,
// TLS and HTTP libraries log that form.

// punyLabel is the length of a punycode label at src[i] ("xn--" and
// letters, digits and hyphens, where a label starts), or 0.
func punyLabel(src []byte, i int) int {
	if i > 0 && isLabelByte(src[i-1]) || i+5 > len(src) || src[i+1]|0x20 != 'n' || src[i+2] != '-' || src[i+3] != '-' {
		return 0
	}
	j := i + 4
	for j < len(src) && j < i+63 && isLabelByte(src[j]) {
		j++
	}
	if j == i+4 {
		return 0
	}
	return j - i
}

func isLabelByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

// decodePuny decodes the punycode label at src[i] into v; 0 when there is
// none or it does not decode.
func decodePuny(src []byte, i int, v *view) int {
	n := punyLabel(src, i)
	if n == 0 {
		return 0
	}
	runes, ok := punyDecode(src[i+4 : i+n])
	if !ok {
		return 0
	}
	for _, r := range runes {
		v.pushRune(r, i, i+n)
	}
	return n
}

// punyDecode is RFC 3492's decoder (section 6.2), case-insensitive.
func punyDecode(in []byte) ([]rune, bool) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	var out []rune
	b := 0
	for j := len(in) - 1; j >= 0; j-- {
		if in[j] == '-' {
			b = j
			break
		}
	}
	for _, c := range in[:b] {
		if c >= 0x80 {
			return nil, false
		}
		out = append(out, rune(c|0x20*boolByte(c >= 'A' && c <= 'Z')))
	}
	if b > 0 {
		b++
	}
	n, bias, idx := initialN, initialBias, 0
	for p := b; p < len(in); {
		oldi, w := idx, 1
		for k := base; ; k += base {
			if p >= len(in) {
				return nil, false
			}
			d := punyDigit(in[p])
			p++
			if d < 0 || d > (1<<30-idx)/w {
				return nil, false
			}
			idx += d * w
			t := k - bias
			if t < tmin {
				t = tmin
			} else if t > tmax {
				t = tmax
			}
			if d < t {
				break
			}
			w *= base - t
		}
		// adapt
		delta := idx - oldi
		if oldi == 0 {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / (len(out) + 1)
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		bias = k + (base-tmin+1)*delta/(delta+skew)
		n += idx / (len(out) + 1)
		idx %= len(out) + 1
		if n > utf8.MaxRune || n < 0x80 {
			return nil, false
		}
		out = append(out[:idx], append([]rune{rune(n)}, out[idx:]...)...)
		idx++
	}
	return out, len(out) > 0
}

func punyDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c-'0') + 26
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	}
	return -1
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
