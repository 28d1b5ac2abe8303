package scrub

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Two escape syntaxes that only make sense in their context, each read
// as a view of its own (a line without their trigger costs one search):
//   - PostgreSQL's Unicode strings, U&'Zo\00eb' and U&"..." identifiers:
//     \XXXX and \+XXXXXX are code points (a pair of \XXXX surrogates one),
//     \\ a backslash, '' a quote; UESCAPE '!' after the literal names
//     another escape character (pg_dump and pgloader write them);
//   - RTF's \'fc (a byte in the document's code page, \ansicpgNNNN,
//     Windows-1252 when it names none) and \u252? (a code point in
//     signed decimal, then \ucN replacement characters, 1 unless said),
//     \- (an optional hyphen: nothing), \~ (a space), \_ (a hyphen),
//     \tab (a tab).

// pgRTFSpans scans v's text with its PostgreSQL Unicode strings and its
// RTF escapes decoded, when it has either.
func (w *worker) pgRTFSpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	if bytes.IndexByte(t, '\\') < 0 && bytes.IndexByte(t, '&') < 0 {
		return spans
	}
	if hasPGUnicode(t) {
		u := &view{}
		if pgUnicodeView(t, u) {
			u.compose(v)
			spans = w.scanView(u, anywhere, spans)
		}
	}
	if hasRTFEscape(t) {
		u := &view{}
		if rtfView(t, u) {
			u.compose(v)
			spans = w.scanView(u, anywhere, spans)
		}
	}
	return spans
}

// pgUnicodeStart: t[i:] starts U&' or U&" (either case), not inside a
// word.
func pgUnicodeStart(t []byte, i int) bool {
	return i+2 < len(t) && (t[i] == 'U' || t[i] == 'u') && t[i+1] == '&' && (t[i+2] == '\'' || t[i+2] == '"') &&
		(i == 0 || t[i-1] >= 0x80 || asciiAlnum[t[i-1]] == 0 && t[i-1] != '_')
}

func hasPGUnicode(t []byte) bool {
	for i := 0; ; {
		k := bytes.IndexByte(t[i:], '&')
		if k < 0 {
			return false
		}
		if i+k > 0 && pgUnicodeStart(t, i+k-1) {
			return true
		}
		i += k + 1
	}
}

// pgLiteralEnd is the index of the quote q that ends the literal whose
// body starts at t[i] (a doubled quote inside is a quote), or -1.
func pgLiteralEnd(t []byte, i int, q byte) int {
	for j := i; j < len(t); j++ {
		if t[j] != q {
			continue
		}
		if j+1 < len(t) && t[j+1] == q {
			j++
			continue
		}
		return j
	}
	return -1
}

// pgUEscape is the escape character a UESCAPE clause after a literal's
// end (t[e] its closing quote) names, or '\\'.
func pgUEscape(t []byte, e int) byte {
	j := e + 1
	for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
		j++
	}
	const kw = "uescape"
	if j+len(kw) > len(t) || !bytes.EqualFold(t[j:j+len(kw)], []byte(kw)) {
		return '\\'
	}
	j += len(kw)
	for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
		j++
	}
	if j+2 < len(t) && t[j] == '\'' && t[j+2] == '\'' && t[j+1] < 0x80 && asciiAlnum[t[j+1]] == 0 && t[j+1] != '+' && t[j+1] != '\'' && t[j+1] != '"' && t[j+1] > ' ' {
		return t[j+1]
	}
	return '\\'
}

// pgUnicodeView decodes t's PostgreSQL Unicode literals into u (the rest
// copied as it is); it reports whether any escape was decoded.
func pgUnicodeView(t []byte, u *view) bool {
	changed := false
	for i := 0; i < len(t); {
		if !pgUnicodeStart(t, i) {
			u.push(t[i], i, i+1)
			i++
			continue
		}
		q := t[i+2]
		e := pgLiteralEnd(t, i+3, q)
		if e < 0 {
			u.copyRun(t, i, len(t))
			break
		}
		esc := pgUEscape(t, e)
		u.copyRun(t, i, i+3)
		for j := i + 3; j < e; {
			c := t[j]
			if c == q && j+1 < e+1 && t[j+1] == q {
				u.push(q, j, j+2)
				j += 2
				continue
			}
			if c != esc || j+1 >= e {
				u.push(c, j, j+1)
				j++
				continue
			}
			if t[j+1] == esc {
				u.push(esc, j, j+2)
				j += 2
				changed = true
				continue
			}
			x, n := -1, 0
			if t[j+1] == '+' {
				x, n = hexN(t[:e], j+2, 6), 8
			} else {
				x, n = hexN(t[:e], j+1, 4), 5
			}
			if x < 0 || x > utf8.MaxRune {
				u.push(c, j, j+1)
				j++
				continue
			}
			r := rune(x)
			if utf16.IsSurrogate(r) && n == 5 && j+10 <= e && t[j+5] == esc {
				if y := hexN(t[:e], j+6, 4); y >= 0 {
					r, n = utf16.DecodeRune(r, rune(y)), 10
				}
			}
			u.pushRune(r, j, j+n)
			j += n
			changed = true
		}
		i = e
	}
	return changed
}

// hasRTFEscape: t has \'XX, \uN followed by no hex digit (a JSON
// \u00fc is not RTF's) or \tab.
func hasRTFEscape(t []byte) bool {
	for i := 0; ; {
		k := bytes.IndexByte(t[i:], '\\')
		if k < 0 {
			return false
		}
		i += k
		if rtfByteAt(t, i) >= 0 {
			return true
		}
		if _, n := rtfUnicodeAt(t, i); n > 0 || rtfWord(t, i, "tab") > 0 {
			return true
		}
		i++
	}
}

// rtfByteAt is the byte of an RTF \'XX escape at t[i], or -1.
func rtfByteAt(t []byte, i int) int {
	if i+3 < len(t) && t[i] == '\\' && t[i+1] == '\'' {
		return hexN(t, i+2, 2)
	}
	return -1
}

// rtfUnicodeAt reads RTF's \uN at t[i] (N signed decimal, a space after
// it its delimiter): the code point and the length, or 0.
func rtfUnicodeAt(t []byte, i int) (rune, int) {
	if i+2 >= len(t) || t[i] != '\\' || t[i+1] != 'u' {
		return 0, 0
	}
	j := i + 2
	if t[j] == '-' {
		j++
	}
	k := j
	for k < len(t) && k-j < 6 && isDigit(t[k]) {
		k++
	}
	if k == j || k < len(t) && (hexVal(t[k]) >= 0 || t[k] >= 0x80 || asciiAlnum[t[k]] != 0) {
		return 0, 0 // (JSON's \u00fc, or a word: \uc1 is a control word)
	}
	n, err := strconv.Atoi(string(t[j:k]))
	if err != nil || n > 65535 {
		return 0, 0
	}
	if t[j-1] == '-' {
		n = 65536 - n
	}
	if n <= 0 || n > 65535 {
		return 0, 0
	}
	if k < len(t) && t[k] == ' ' {
		k++
	}
	return rune(n), k - i
}

// rtfCodePages: the \ansicpgNNNN code pages read (the single-byte ones).
var rtfCodePages = map[string]*charmap.Charmap{
	"1250": charmap.Windows1250, "1251": charmap.Windows1251, "1252": charmap.Windows1252, "1253": charmap.Windows1253,
	"1254": charmap.Windows1254, "1255": charmap.Windows1255, "1256": charmap.Windows1256, "1257": charmap.Windows1257,
	"1258": charmap.Windows1258, "437": charmap.CodePage437, "850": charmap.CodePage850, "866": charmap.CodePage866,
}

// rtfCodePage is the code page a line's \ansicpgN names (Windows-1252
// when none or one that is not single-byte).
func rtfCodePage(t []byte) *charmap.Charmap {
	const kw = `\ansicpg`
	if k := bytes.Index(t, []byte(kw)); k >= 0 {
		j := k + len(kw)
		e := j
		for e < len(t) && isDigit(t[e]) {
			e++
		}
		if cm, ok := rtfCodePages[string(t[j:e])]; ok {
			return cm
		}
	}
	return charmap.Windows1252
}

// rtfView decodes t's RTF escapes into u; it reports whether any was.
func rtfView(t []byte, u *view) bool {
	cm := rtfCodePage(t)
	uc := 1 // replacement characters after \uN (\ucN)
	changed := false
	for i := 0; i < len(t); {
		if t[i] != '\\' || i+1 >= len(t) {
			u.push(t[i], i, i+1)
			i++
			continue
		}
		if x := rtfByteAt(t, i); x >= 0 {
			u.pushRune(cm.DecodeByte(byte(x)), i, i+4)
			i += 4
			changed = true
			continue
		}
		if r, n := rtfUnicodeAt(t, i); n > 0 {
			e := i + n
			for k := 0; k < uc && e < len(t); k++ { // (the replacement: '?' or \'XX)
				switch {
				case rtfByteAt(t, e) >= 0:
					e += 4
				case t[e] != '\\' && t[e] != '{' && t[e] != '}':
					e++
				}
			}
			u.pushRune(r, i, e)
			i = e
			changed = true
			continue
		}
		switch t[i+1] {
		case '-':
			i += 2 // an optional hyphen: nothing shows
			changed = true
			continue
		case '~':
			u.push(' ', i, i+2)
			i += 2
			continue
		case '_':
			u.push('-', i, i+2)
			i += 2
			continue
		case 't':
			if n := rtfWord(t, i, "tab"); n > 0 {
				u.push('\t', i, i+n)
				i += n
				changed = true
				continue
			}
		case 'u':
			if i+3 < len(t) && t[i+2] == 'c' && isDigit(t[i+3]) {
				uc = int(t[i+3] - '0')
			}
		}
		u.push(t[i], i, i+1)
		i++
	}
	return changed
}

// rtfWord is the length of the control word \word at t[i] with its
// delimiter (a space, or none before what is no letter), or 0.
func rtfWord(t []byte, i int, word string) int {
	e := i + 1 + len(word)
	if e > len(t) || string(t[i+1:e]) != word || e < len(t) && (t[e] >= 'a' && t[e] <= 'z' || t[e] >= 'A' && t[e] <= 'Z') {
		return 0
	}
	if e < len(t) && t[e] == ' ' {
		e++
	}
	return e - i
}
