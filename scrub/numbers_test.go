package scrub

import (
	"encoding/base32"
	"fmt"
	"strings"
	"testing"
)

// codes writes text's code points (bytes: its UTF-8 bytes) as a list.
func codes(text string, asBytes bool, sep string) string {
	var n []string
	if asBytes {
		for _, c := range []byte(text) {
			n = append(n, fmt.Sprint(c))
		}
	} else {
		for _, r := range text {
			n = append(n, fmt.Sprint(r))
		}
	}
	return strings.Join(n, sep)
}

// homoglyphs writes Latin letters as the Cyrillic ones they look like.
var homoglyphs = strings.NewReplacer("a", "а", "e", "е", "o", "о", "p", "р", "c", "с", "x", "х", "y", "у",
	"A", "А", "E", "Е", "O", "О", "P", "Р", "C", "С", "X", "Х", "B", "В", "H", "Н", "K", "К", "M", "М", "T", "Т")

// TestMoreEncodings: a known value as numbers lists (SQL CHAR(), a list
// of code points, of UTF-8 bytes), as base32 of either case, padded or
// not, at any alignment, written backwards, in ROT13 and with Cyrillic
// lookalikes for Latin letters: it goes, with
// --values and with an index; ordinary lines with numbers lists and
// capitals stay.
func TestMoreEncodings(t *testing.T) {
	vals := []string{"Jürgen Müller-Lüdenscheidt", "Дмитрий Шостаковичев", "S3cr3t!#&/@:pw", "correct horse battery staple", "山田 太郎", "zq9Wv3Lm"}
	vs, ix := secretsOf(vals)
	type tc = lineCase
	var cases []tc
	for _, v := range vals {
		b32 := base32.StdEncoding.EncodeToString([]byte(v))
		shifted := base32.StdEncoding.EncodeToString([]byte("key=" + v))
		cases = append(cases,
			tc{"SELECT CHAR(" + codes(v, false, ",") + " USING utf8mb4)", codes(v, false, ",")},
			tc{"codes [" + codes(v, false, ", ") + "]", codes(v, false, ", ")},
			tc{"bytes [" + codes(v, true, ", ") + "]", codes(v, true, ", ")},
			tc{"b32 " + b32 + " end", strings.TrimRight(b32, "=")},
			tc{"b32 " + strings.ToLower(strings.TrimRight(b32, "=")), strings.ToLower(strings.TrimRight(b32, "="))},
			tc{"b32 " + shifted, strings.TrimRight(shifted, "=")[8:]},
			tc{"rev " + reversed(v) + " done", reversed(v)},
		)
		if h := homoglyphs.Replace(v); h != v {
			cases = append(cases, tc{"user " + h + " in", h})
		}
		if r := rot13(v); r != v {
			cases = append(cases, tc{"rot " + r + " done", r})
		}
	}
	cases = append(cases,
		tc{"Running upgrade 216, 217, 218, 219, 220 -> 221", ""},
		tc{"rows [1, 2, 3, 4, 5, 6, 7, 8] read, shape (3, 4, 5, 6)", ""},
		tc{"SELECT CHAR(77,121,83,81,76) AS x", ""},
		tc{"INNODB STATUS ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 REPORT", ""},
		tc{"Раскрыть настройки сервера: кеш 512 МБ", ""},
		tc{"txid MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI end", ""},
	)
	checkGone(t, vs, ix, cases)
}
