package attack

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// More forms, beyond the list: what else a real log carries.
var moreForms = []Form{
	{Name: "python-nested-repr", Render: func(v string) string {
		return "event=" + PyRepr("{'user': {'name': "+PyRepr(v)+"}}")
	}},
	{Name: "json-in-json", Render: func(v string) string {
		return `{"msg": ` + JSON(`{"payload": {"name": `+JSON(v, true)+`}}`, true) + `}`
	}},
	{Name: "sql-doubled", Render: func(v string) string {
		return "UPDATE users SET name = '" + strings.ReplaceAll(v, "'", "''") + "' WHERE id = 7"
	}},
	{Name: "sql-backslash", Render: func(v string) string {
		return "INSERT INTO `t` VALUES (7,'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, `"`, `\"`, "\t", `\t`, "\n", `\n`).Replace(v) + "')"
	}},
	{Name: "idna", Applies: idnaHost, Render: func(v string) string { return "getaddrinfo(" + ToASCII(v) + ") failed: Name or service not known" }},
	{Name: "turkish-upper", Render: func(v string) string { return "NAME " + strings.ToUpperSpecial(unicode.TurkishCase, v) }},
	{Name: "turkish-lower", Render: func(v string) string { return "name " + strings.ToLowerSpecial(unicode.TurkishCase, v) }},
	{Name: "nfd", Render: func(v string) string { return "display_name=" + norm.NFD.String(v) + " (macOS)" }},
	{Name: "zero-width", Render: func(v string) string { return "name: " + between(v, "\u200b") + " end" }},
	{Name: "soft-hyphen", Render: func(v string) string { return "<td>" + between(v, "&shy;") + "</td>" }},
	{Name: "ansi-color", Render: func(v string) string { return "\x1b[1;31mERROR\x1b[0m host \x1b[33m" + v + "\x1b[0m unreachable" }},
	{Name: "mime-b64-wrapped", Bare: true, Applies: splittable, Render: func(v string) string {
		// The value across the body's first line break (57 bytes a line).
		a, _ := half(v)
		pre := strings.Repeat("-", max(0, 57-len(a)))
		return "Content-Transfer-Encoding: base64\n\n" + wrap76(base64.StdEncoding.EncodeToString([]byte(pre+v+"\nRegards\n")))
	}},
	{Name: "qp-spaces", Bare: true, Applies: func(v string) bool { return strings.Contains(v, " ") }, Render: func(v string) string {
		// (a body whose only escapes are its spaces)
		return "Content-Transfer-Encoding: quoted-printable\n\nowner=" + strings.ReplaceAll(v, " ", "=20")
	}},
	{Name: "mime-b-folded", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "Subject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(a)) + "?=\n =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(b)) + "?="
	}},
	{Name: "mime-q-folded", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "Subject: =?utf-8?q?" + QuotedPrintable(a, true) + "?=\n =?utf-8?q?" + QuotedPrintable(b, true) + "?="
	}},
	{Name: "rfc2231-continued", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "Content-Disposition: attachment;\n filename*0*=UTF-8''" + pctAll(a) + ";\n filename*1*=" + pctAll(b)
	}},
	{Name: "mime-b64-gzip-wrapped", Bare: true, Render: func(v string) string {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		for i := 0; i < 40; i++ {
			fmt.Fprintf(zw, "#cloud-config line %d: nothing to see here %x\n", i, i*7919)
		}
		fmt.Fprintf(zw, "chpasswd:\n  list: |\n    ops:%s\n", v)
		zw.Close()
		return "user_data (base64, wrapped):\n" + wrap76(base64.StdEncoding.EncodeToString(b.Bytes()))
	}},
	{Name: "b64-log-wrapped", Applies: splittable, Render: func(v string) string {
		// A formatter wrapping a long token where the terminal ends.
		s := base64.StdEncoding.EncodeToString([]byte("x" + v + "!"))
		cut := len(s) / 2
		return "token=" + s[:cut] + "\n" + s[cut:] + " (continued)"
	}},
	{Name: "qp-soft-break", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "body: " + QuotedPrintable(a, false) + "=\n" + QuotedPrintable(b, false) + " --"
	}},
}

func init() { Forms = append(Forms, moreForms...) }

// between puts sep between the runes of v.
func between(v, sep string) string {
	var b strings.Builder
	for i, r := range []rune(v) {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pctAll is RFC 2231's extended value: every byte but letters and
// digits as %XX.
func pctAll(v string) string {
	var b strings.Builder
	for _, c := range []byte(v) {
		if c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// wrap76 cuts s into MIME's lines of 76 characters.
func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteByte('\n')
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// idnaHost: v is a host name with non-ASCII letters.
func idnaHost(v string) bool {
	return strings.Contains(v, ".") && !strings.ContainsAny(v, " @/") && strings.IndexFunc(v, func(r rune) bool { return r >= 0x80 }) >= 0
}

// ToASCII writes each label of a host name with non-ASCII letters in
// punycode (RFC 3492's encoder), lower-cased as IDNA does.
func ToASCII(host string) string {
	labels := strings.Split(strings.ToLower(host), ".")
	for i, l := range labels {
		if strings.IndexFunc(l, func(r rune) bool { return r >= 0x80 }) >= 0 {
			labels[i] = "xn--" + punyEncode([]rune(l))
		}
	}
	return strings.Join(labels, ".")
}

const (
	pBase, pTmin, pTmax, pSkew, pDamp = 36, 1, 26, 38, 700
)

func pAdapt(delta, points int, first bool) int {
	if first {
		delta /= pDamp
	} else {
		delta /= 2
	}
	delta += delta / points
	k := 0
	for delta > (pBase-pTmin)*pTmax/2 {
		delta /= pBase - pTmin
		k += pBase
	}
	return k + (pBase-pTmin+1)*delta/(delta+pSkew)
}

func pDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func pThreshold(k, bias int) int {
	switch t := k - bias; {
	case t < pTmin:
		return pTmin
	case t > pTmax:
		return pTmax
	default:
		return t
	}
}

// punyEncode is RFC 3492 section 6.3.
func punyEncode(in []rune) string {
	var out []byte
	for _, r := range in {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := 128, 0, 72
	for h < len(in) {
		m := int(utf8.MaxRune) + 1
		for _, r := range in {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range in {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := pBase; ; k += pBase {
					t := pThreshold(k, bias)
					if q < t {
						break
					}
					out = append(out, pDigit(t+(q-t)%(pBase-t)))
					q = (q - t) / (pBase - t)
				}
				out = append(out, pDigit(q))
				bias = pAdapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out)
}

// fromPuny is RFC 3492 section 6.2, for the attacker's views.
func fromPuny(s string) (string, bool) {
	var out []rune
	b := strings.LastIndexByte(s, '-')
	if b > 0 {
		out = []rune(s[:b])
		s = s[b+1:]
	} else if b == 0 {
		s = s[1:]
	}
	n, i, bias := 128, 0, 72
	for p := 0; p < len(s); {
		oldi, w := i, 1
		for k := pBase; ; k += pBase {
			if p >= len(s) {
				return "", false
			}
			c := s[p]
			p++
			var d int
			switch {
			case c >= 'a' && c <= 'z':
				d = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				d = int(c - 'A')
			case c >= '0' && c <= '9':
				d = int(c-'0') + 26
			default:
				return "", false
			}
			i += d * w
			t := pThreshold(k, bias)
			if d < t {
				break
			}
			w *= pBase - t
			if w > 1<<24 {
				return "", false
			}
		}
		bias = pAdapt(i-oldi, len(out)+1, oldi == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > utf8.MaxRune {
			return "", false
		}
		out = append(out[:i], append([]rune{rune(n)}, out[i:]...)...)
		i++
	}
	return string(out), true
}
