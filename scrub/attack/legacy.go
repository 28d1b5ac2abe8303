package attack

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Forms of red team scrubatk18's residue: a CJK or Hangul value in a
// double-byte legacy charset (GBK, Big5, Shift_JIS, EUC-KR) in hex, a
// bytes repr or base64; UTF-16 in a bytes repr (its printable bytes as
// they are); UTF-8 hex in xxd -p's groups of four digits; a value cut
// between two fields of a JSON object; a host name as Windows' DNS
// debug log writes it; a value's hex after a request id's word.
var legacyForms = []Form{
	{Name: "gbk-hex", Applies: encodes(simplifiedchinese.GBK), Render: func(v string) string {
		return "bytes " + hex.EncodeToString(legacyBytes(simplifiedchinese.GBK, v)) + " rejected"
	}},
	{Name: "big5-repr", Applies: encodes(traditionalchinese.Big5), Render: func(v string) string {
		return "got " + PyBytes(legacyBytes(traditionalchinese.Big5, v))
	}},
	{Name: "sjis-base64", Applies: encodes(japanese.ShiftJIS), Render: func(v string) string {
		return "name=" + base64.StdEncoding.EncodeToString(legacyBytes(japanese.ShiftJIS, v)) + " ok"
	}},
	{Name: "euckr-hex", Applies: encodes(korean.EUCKR), Render: func(v string) string {
		return "raw " + strings.ToUpper(hex.EncodeToString(legacyBytes(korean.EUCKR, v)))
	}},
	{Name: "utf16le-repr", Render: func(v string) string { return "got " + PyBytes([]byte(UTF16(v, false))) }},
	{Name: "xxd-p-groups", Render: func(v string) string { return "x=" + hexGroups([]byte(v)) }},
	{Name: "split-json-fields", Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return `{"first": ` + JSON(a, false) + `, "last": ` + JSON(b, false) + `}`
	}},
	{Name: "dns-debug", Applies: dnsName, Render: func(v string) string {
		var b strings.Builder
		for _, l := range strings.Split(strings.TrimSuffix(v, "."), ".") {
			fmt.Fprintf(&b, "(%d)%s", len(l), l)
		}
		return "query " + b.String() + "(0) NOERROR"
	}},
	{Name: "hex-after-word", Render: func(v string) string { return "id req-" + hex.EncodeToString([]byte(v)) + " done" }},
}

func init() { Forms = append(Forms, legacyForms...) }

// encodes: v has CJK or Hangul letters and the charset has all of v.
func encodes(e encoding.Encoding) func(string) bool {
	return func(v string) bool {
		wide := false
		for _, r := range v {
			wide = wide || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
		}
		return wide && legacyBytes(e, v) != nil
	}
}

func legacyBytes(e encoding.Encoding, v string) []byte {
	b, err := e.NewEncoder().Bytes([]byte(v))
	if err != nil {
		return nil
	}
	return b
}

// hexGroups is b in hex in groups of four digits, as xxd -p's rows
// with a space every two bytes print it (the last group may be two).
func hexGroups(b []byte) string {
	h := hex.EncodeToString(b)
	var out []string
	for i := 0; i < len(h); i += 4 {
		out = append(out, h[i:min(i+4, len(h))])
	}
	return strings.Join(out, " ")
}

// dnsName: v is a host name of two labels or more, each of letters,
// digits and '-' (what a DNS query carries).
func dnsName(v string) bool {
	labels := strings.Split(strings.TrimSuffix(v, "."), ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return false
		}
		for _, c := range l {
			if c >= utf8.RuneSelf || !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

// legacyViews reads bytes that are no UTF-8 in each double-byte charset
// (the attacker tries them all).
func legacyViews(b []byte) []string {
	if utf8.Valid(b) {
		return nil
	}
	var out []string
	for _, e := range []encoding.Encoding{simplifiedchinese.GBK, traditionalchinese.Big5, japanese.ShiftJIS, japanese.EUCJP, korean.EUCKR} {
		if d, err := e.NewDecoder().Bytes(b); err == nil {
			out = append(out, string(d))
		}
	}
	return out
}
