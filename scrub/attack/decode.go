package attack

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/fuzzyduck/fuzzyduck/internal/runename"
)

// Views decodes text every way an attacker would try, a few rounds deep
// (a JSON string inside a Python repr inside a log line): backslash
// escapes (\xNN as bytes and as Latin-1), URL escapes, HTML entities,
// SQL's doubled quotes, base64 runs at every offset (and gzip or zlib
// inside), hex runs (bare, X'..', 0x..), UTF-16 in either byte order and
// alignment, the lines joined (with and without the next line's log
// header), and the hostile forms' decodings (hostile.go). Every view is
// case-folded.
func Views(text string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) bool {
		if s == "" || seen[s] {
			return false
		}
		seen[s] = true
		out = append(out, s)
		return true
	}
	add(text)
	for _, j := range joins(text) {
		add(j)
	}
	for round := 0; round < 3; round++ {
		n := len(out)
		for _, v := range out[:n] {
			for _, d := range decodeAll(v) {
				add(d)
			}
		}
		if len(out) == n || len(out) > 4000 {
			break
		}
	}
	// The lookalike and cipher readings of the text as it is (not of
	// every view: each round would multiply them).
	for _, v := range lookalikeViews(text) {
		add(v)
	}
	for i, v := range out {
		out[i] = Fold(v)
	}
	return out
}

// header is a log line's prefix (oslo.log, mariadb, the probes' own).
var header = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)? \d+ [A-Z]+ \S+ \[[^\]]*\] `)

// joins: the lines glued together as a reader would read a wrapped value.
func joins(text string) []string {
	if !strings.Contains(text, "\n") {
		return nil
	}
	noHeader := header.ReplaceAllString(text, "")
	var out []string
	for _, t := range []string{text, noHeader} {
		lines := strings.Split(strings.TrimSuffix(t, "\n"), "\n")
		var glued, spaced strings.Builder
		for i, l := range lines {
			if i > 0 {
				l = strings.TrimLeft(l, " \t")
				spaced.WriteByte(' ')
			}
			glued.WriteString(l)
			spaced.WriteString(l)
		}
		out = append(out, glued.String(), spaced.String())
	}
	out = append(out, recordJoins(text)...)
	out = append(out, paramJoins(text)...)
	return append(out, tableJoins(text)...)
}

var (
	dockerRec = regexp.MustCompile(`(?m)^\{"log": ?("(?:[^"\\]|\\.)*")`)
	criRec    = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT[0-9:.]+Z (?:stdout|stderr) [PF] `)
)

var paramSection = regexp.MustCompile(`(?m)\b[A-Za-z-]+\*(\d+)(\*?)=("[^"]*"|[^;\s]*)`)

// paramJoins: a MIME parameter's RFC 2231 sections joined (an extended
// section's %XX decoded, the first's charset'language' dropped).
func paramJoins(text string) []string {
	ms := paramSection.FindAllStringSubmatch(text, -1)
	if len(ms) < 2 {
		return nil
	}
	var b strings.Builder
	for _, m := range ms {
		v := strings.Trim(m[3], `"`)
		if m[2] == "*" {
			if m[1] == "0" {
				if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
					v = parts[2]
				}
			}
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
		}
		b.WriteString(v)
	}
	return []string{b.String()}
}

// recordJoins: container log records read as the lines they carry
// (json-file's log strings joined, CRI's prefixes dropped and its
// partial records joined).
func recordJoins(text string) []string {
	var out []string
	if ms := dockerRec.FindAllStringSubmatch(text, -1); len(ms) > 0 {
		var b strings.Builder
		for _, m := range ms {
			var s string
			if json.Unmarshal([]byte(m[1]), &s) == nil {
				b.WriteString(s)
			}
		}
		out = append(out, b.String())
	}
	if criRec.MatchString(text) {
		var b strings.Builder
		for _, l := range strings.Split(text, "\n") {
			p := criRec.FindString(l)
			b.WriteString(l[len(p):])
			if !strings.HasSuffix(p, "P ") {
				b.WriteByte('\n')
			}
		}
		out = append(out, b.String())
	}
	return out
}

func decodeAll(s string) []string {
	var out []string
	for _, f := range []func(string) string{
		func(s string) string { return unbackslash(s, false) },
		func(s string) string { return unbackslash(s, true) },
		unURL,
		func(s string) string { return unQP(s, false) },
		func(s string) string { return unQP(s, true) },
		html.UnescapeString,
		func(s string) string { return strings.ReplaceAll(s, "''", "'") },
		func(s string) string { return ansiSeq.ReplaceAllString(s, "") },
		unPuny,
		unUTF7,
	} {
		if d := f(s); d != s {
			out = append(out, d)
		}
	}
	out = append(out, blobs(s)...)
	out = append(out, printerViews(s)...)
	out = append(out, hostileViews(s)...)
	out = append(out, escapeViews(s)...)
	out = append(out, toolViews(s)...)
	if d := untag(s); d != s {
		out = append(out, d)
	}
	if strings.Count(s, "\x00") >= 2 {
		out = append(out, fromUTF16(s)...)
	}
	return out
}

// unbackslash undoes C/Python/JSON/SQL escapes; \xNN is a byte (Python
// bytes, MariaDB) or, with latin1, a code point (Python str).
func unbackslash(s string, latin1 bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		n := s[i+1]
		switch {
		case n == 'x' && i+4 <= len(s) && isHexStr(s[i+2:i+4]):
			v, _ := strconv.ParseUint(s[i+2:i+4], 16, 8)
			if latin1 {
				b = utf8.AppendRune(b, rune(v))
			} else {
				b = append(b, byte(v))
			}
			i += 3
		case n == 'u' && i+6 <= len(s) && isHexStr(s[i+2:i+6]):
			v, _ := strconv.ParseUint(s[i+2:i+6], 16, 16)
			r := rune(v)
			i += 5
			if utf16.IsSurrogate(r) && i+7 <= len(s) && s[i+1] == '\\' && s[i+2] == 'u' && isHexStr(s[i+3:i+7]) {
				v2, _ := strconv.ParseUint(s[i+3:i+7], 16, 16)
				r = utf16.DecodeRune(r, rune(v2))
				i += 6
			}
			b = utf8.AppendRune(b, r)
		case n == 'U' && i+10 <= len(s) && isHexStr(s[i+2:i+10]):
			v, _ := strconv.ParseUint(s[i+2:i+10], 16, 32)
			b = utf8.AppendRune(b, rune(v))
			i += 9
		case (n == 'u' || n == 'x') && i+3 < len(s) && s[i+2] == '{':
			// \u{d8}, \x{d8}: as many hex digits as there are
			j := strings.IndexByte(s[i+3:], '}')
			v, err := strconv.ParseUint(s[i+3:i+3+max(j, 0)], 16, 32)
			if j <= 0 || err != nil {
				b = append(b, n)
				i++
				break
			}
			b = utf8.AppendRune(b, rune(v))
			i += 3 + j
		case n >= '0' && n <= '3' && i+4 <= len(s) && isOctalStr(s[i+1:i+4]):
			v, _ := strconv.ParseUint(s[i+1:i+4], 8, 8)
			b = append(b, byte(v))
			i += 3
		case n == 'N' && i+3 < len(s) && s[i+2] == '{' && strings.IndexByte(s[i+3:], '}') > 0:
			j := strings.IndexByte(s[i+3:], '}')
			r, ok := runename.Lookup(s[i+3 : i+3+j])
			if !ok {
				b = append(b, n)
				i++
				break
			}
			b = utf8.AppendRune(b, r)
			i += 3 + j
		case n == 't':
			b = append(b, '\t')
			i++
		case n == 'n':
			b = append(b, '\n')
			i++
		case n == 'r':
			b = append(b, '\r')
			i++
		case n == '0':
			b = append(b, 0)
			i++
		default:
			b = append(b, n)
			i++
		}
	}
	return string(b)
}

func isOctalStr(s string) bool { return strings.Trim(s, "01234567") == "" }

// unQP undoes quoted-printable =XX escapes and soft line breaks; header:
// a MIME word's '_' is a space too.
func unQP(s string, header bool) string {
	if !strings.Contains(s, "=") && !(header && strings.Contains(s, "_")) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '=' && i+3 <= len(s) && isHexStr(s[i+1:i+3]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
		case s[i] == '=' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case header && s[i] == '_':
			b = append(b, ' ')
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}

func isHexStr(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}

// unURL undoes %XX escapes and '+' (tolerantly: a stray '%' stays).
func unURL(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '%' && i+3 <= len(s) && isHexStr(s[i+1:i+3]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
		case s[i] == '+':
			b = append(b, ' ')
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}

var (
	b64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{8,}={0,2}`)
	hexRun = regexp.MustCompile(`[0-9A-Fa-f]{8,}`)
)

// blobs decodes every base64 run (each start offset, both alphabets) and
// every hex run (each parity), and what gzip or zlib holds inside.
func blobs(s string) []string {
	var out []string
	emit := func(b []byte) {
		if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
			if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
				if d, _ := io.ReadAll(io.LimitReader(zr, 64<<20)); len(d) > 0 {
					out = append(out, string(d))
				}
			}
		}
		if len(b) >= 2 && b[0] == 0x78 {
			if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
				if d, _ := io.ReadAll(io.LimitReader(zr, 64<<20)); len(d) > 0 {
					out = append(out, string(d))
				}
			}
		}
		for _, d := range uncompressed(b) {
			out = append(out, string(d))
		}
		out = append(out, wideViews(b)...)
		out = append(out, legacyViews(b)...)
		out = append(out, string(b))
	}
	for _, run := range b64Run.FindAllString(s, -1) {
		body := strings.TrimRight(run, "=")
		for off := 0; off < 4 && off < len(body); off++ {
			r := body[off:]
			if len(r)%4 == 1 { // not a whole number of bytes
				r = r[:len(r)-1]
			}
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				if b, err := enc.DecodeString(r); err == nil {
					emit(b)
				}
			}
		}
	}
	for _, run := range hexRun.FindAllString(s, -1) {
		for off := 0; off < 2; off++ {
			r := run[off:]
			r = r[:len(r)/2*2]
			if b, err := hex.DecodeString(r); err == nil {
				emit(b)
			}
		}
	}
	return out
}

// untag reads tag characters (U+E0020-U+E007E) as the ASCII they
// spell, in any view (a JSON string's surrogate pairs decoded).
func untag(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xE0020 && r <= 0xE007E {
			return r - 0xE0000
		}
		return r
	}, s)
}

// fromUTF16 reads s as UTF-16 in both byte orders and alignments.
func fromUTF16(s string) []string {
	var out []string
	for off := 0; off < 2; off++ {
		for _, big := range []bool{false, true} {
			var units []uint16
			for i := off; i+1 < len(s); i += 2 {
				if big {
					units = append(units, uint16(s[i])<<8|uint16(s[i+1]))
				} else {
					units = append(units, uint16(s[i+1])<<8|uint16(s[i]))
				}
			}
			out = append(out, string(utf16.Decode(units)))
		}
	}
	return out
}

// Fold is case folding as an attacker compares: lower case, with ß as
// ss and final sigma as sigma, compatibility-decomposed without accents
// and invisibles (NFD's, a zero-width space's, a soft hyphen's, Turkish
// İ's dot).
func Fold(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, norm.NFKD.String(s))
	s = strings.ToLower(s)
	return foldSpecial.Replace(s)
}

var foldSpecial = strings.NewReplacer("ß", "ss", "ς", "σ", "ẞ", "ss", "ı", "i")

// ansiSeq: a terminal's control sequences (colours).
var ansiSeq = regexp.MustCompile("\x1b\\[[0-?]*[ -/]*[@-~]")

// unPuny decodes every punycode label (xn--) of host names.
var punyLabel = regexp.MustCompile(`(?i)\bxn--[a-z0-9-]+`)

func unPuny(s string) string {
	return punyLabel.ReplaceAllStringFunc(s, func(l string) string {
		if d, ok := fromPuny(strings.ToLower(l[4:])); ok {
			return d
		}
		return l
	})
}

// Skeleton keeps the letters and digits of folded text: what is left
// when separators, quotes and escapes' punctuation are ignored.
func Skeleton(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}
