package attack

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
)

// Forms that cut a value over lines or rows as tools print it: a
// formatter wrapping at a space, a Windows log's CRLF, xxd and
// hexdump -C rows (hex and the ASCII column), base64 -w N, a
// terminal's backspaces (nroff's overstrikes in man pages, a typo in a
// script(1) capture).
var wrappedForms = []Form{
	{Name: "wrap-at-word", Bare: true, Applies: wordCut, Render: func(v string) string {
		a, b := cutAtWord(v)
		return "owner=" + a + "\n" + b + " (wrapped)"
	}},
	{Name: "split-crlf", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "value=" + a + "\r\n" + b + " was rejected"
	}},
	// Two records whose headers differ (red team scrubatk6 finding 5):
	// another logger's, a console's own prefix.
	{Name: "split-records-prefix", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "card=" + a + "\n2026-12-01 10:00:00 INFO " + b + " (cont)"
	}},
	{Name: "split-records-logger", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "value=" + a + "\n2026-12-01T10:00:00.123Z 77 WARNING other.logger [req-9 x] " + b + " (cont)"
	}},
	{Name: "xxd", Bare: true, Render: func(v string) string { return "payload:\n" + Xxd([]byte("k="+v), false) }},
	{Name: "hexdump-C", Bare: true, Render: func(v string) string { return Xxd([]byte("user="+v+"\n"), true) }},
	{Name: "base64-w20", Bare: true, Render: func(v string) string {
		return "secret (base64 -w 20):\n" + wrapAt(base64.StdEncoding.EncodeToString([]byte(v+"\n")), 20)
	}},
	{Name: "typed-backspace", Bare: true, Render: func(v string) string {
		// A script(1) capture: a typo erased with a backspace.
		r := []rune(v)
		k := min(3, len(r))
		return "Script started on 2026-11-21\n$ echo '" + string(r[:k]) + "x\b" + string(r[k:]) + "' | pass insert -e db/prod"
	}},
	{Name: "nroff-bold", Bare: true, Render: func(v string) string { return "NAME\n       " + overstrike(v) + " - account" }},
}

func init() { Forms = append(Forms, wrappedForms...) }

// wordCut: v has a separator with letters or digits on both sides, and
// is no number cut into two numbers ("0" and "00127": each is digits
// that any log's ids and times hold, as the digit rules have it).
func wordCut(v string) bool {
	a, b := cutAtWord(v)
	return a != "" && b != "" && Skeleton(a) != "" && Skeleton(b) != "" && !(digitsOnly(Skeleton(a)) && digitsOnly(Skeleton(b)))
}

func digitsOnly(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// cutAtWord cuts v at its first space (a formatter's wrap point).
func cutAtWord(v string) (string, string) {
	i := strings.IndexFunc(v, unicode.IsSpace)
	if i < 0 {
		return v, ""
	}
	return v[:i], strings.TrimLeftFunc(v[i:], unicode.IsSpace)
}

// Xxd renders b as xxd does (hexdump -C with c: two groups of eight,
// the ASCII column between bars).
func Xxd(b []byte, c bool) string { return xxdRows(b, 16, c) }

// XxdC renders b as xxd -c n does: n bytes a row.
func XxdC(b []byte, n int) string { return xxdRows(b, n, false) }

func xxdRows(b []byte, n int, c bool) string {
	var out strings.Builder
	for off := 0; off < len(b); off += n {
		row := b[off:min(off+n, len(b))]
		var hx, as strings.Builder
		for i, x := range row {
			switch {
			case c && i == 8:
				hx.WriteString("  ")
			case c && i > 0:
				hx.WriteByte(' ')
			case !c && i > 0 && i%2 == 0:
				hx.WriteByte(' ')
			}
			fmt.Fprintf(&hx, "%02x", x)
			if x >= 0x20 && x < 0x7f {
				as.WriteByte(x)
			} else {
				as.WriteByte('.')
			}
		}
		if c {
			fmt.Fprintf(&out, "%08x  %-49s |%s|\n", off, hx.String(), as.String())
		} else {
			fmt.Fprintf(&out, "%08x: %-*s  %s\n", off, n/2*5-1, hx.String(), as.String())
		}
	}
	return strings.TrimSuffix(out.String(), "\n")
}

// wrapAt cuts s every n bytes (base64 -w n).
func wrapAt(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n])
		b.WriteByte('\n')
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

// overstrike is nroff's bold: each character, a backspace, itself.
func overstrike(v string) string {
	var b strings.Builder
	for _, r := range v {
		if unicode.IsSpace(r) {
			b.WriteRune(r)
			continue
		}
		b.WriteRune(r)
		b.WriteByte('\b')
		b.WriteRune(r)
	}
	return b.String()
}
