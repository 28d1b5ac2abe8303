package scrub

import (
	"bytes"
	"encoding/base64"
	"unicode/utf8"
)

// More views of a line, each read only when the line has its trigger
// (moreTriggers: one byte search each, so ordinary lines pay little):
//   - '<': the text with its HTML tags removed (a report that
//     highlights a search hit, <mark>Zo</mark>ë, or breaks a long token,
//     Kq8<wbr>#zP), its entities and other escapes then decoded;
//   - "U+": Unicode code point listings (U+005A U+006F U+00EB, as ICU's
//     errors and a string's debug dump print them) as the characters;
//   - '\\': Lua's decimal byte escapes, and a number of 20 digits or
//     more: an IPv6 address (decode_wide.go);
//   - "(0)": a DNS name as Windows' DNS debug log writes it, which ends
//     with the root's empty label;
//   - `",` or `', '`: adjacent quoted strings joined (fieldSeamSpans);
//   - "?= =?": adjacent MIME encoded words decoded and joined;
//   - "M-" and '#': cat -v's and rsyslog's notations of 8-bit bytes
//     (decode_meta.go).
// PostgreSQL's bytea hex (\x5061..., x5061...) is read where hex runs
// are (hexBody).

// moreSpans scans the views above of v.
func (w *worker) moreSpans(v *view, depth int, anywhere bool, spans []span) []span {
	t := v.text
	if bytes.IndexByte(t, '<') >= 0 {
		spans = w.markupSpans(v, depth, anywhere, spans)
	}
	if bytes.Contains(t, []byte("U+")) || bytes.Contains(t, []byte("u+")) {
		spans = w.codePointSpans(v, anywhere, spans)
	}
	if bytes.IndexByte(t, '\\') >= 0 {
		spans = w.luaSpans(v, anywhere, spans)
	}
	spans = w.printedBytesSpans(v, anywhere, spans)
	if bytes.Contains(t, []byte("(0)")) {
		spans = w.dnsLabelSpans(v, anywhere, spans)
	}
	if fieldsTrigger(t) {
		spans = w.fieldSeamSpans(v, anywhere, spans)
	}
	if bytes.Contains(t, []byte("?= =?")) || bytes.Contains(t, []byte("?==?")) {
		spans = w.mimeWordsSpans(v, anywhere, spans)
	}
	return w.ipv6IntSpans(v, anywhere, spans)
}

// dnsLabelSpans scans v with each run of DNS labels as Windows' DNS
// debug log writes a name ("(4)mail(5)relay(4)acme(0)": each label after
// its length) read as the name, a dot between the labels (red team
// scrubatk18). A run needs two labels whose lengths are right.
func (w *worker) dnsLabelSpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	u := &view{}
	runs := 0
	for i := 0; i < len(t); {
		n, k := dnsLabel(t, i)
		if k == 0 {
			u.push(t[i], i, i+1)
			i++
			continue
		}
		// a run of labels from i
		j, labels := i, 0
		for {
			n, k = dnsLabel(t, j)
			if k == 0 {
				break
			}
			j, labels = j+k+n, labels+1
		}
		if labels < 2 {
			u.copyRun(t, i, j)
			i = j
			continue
		}
		runs++
		for first := true; ; first = false {
			n, k = dnsLabel(t, i)
			if k == 0 {
				break
			}
			if !first {
				u.push('.', i, i+k)
			}
			u.copyRun(t, i+k, i+k+n)
			i += k + n
		}
		if i+3 <= len(t) && string(t[i:i+3]) == "(0)" {
			i += 3 // (the root's empty label: left out)
		}
	}
	if runs == 0 {
		return spans
	}
	u.compose(v)
	return w.scanView(u, anywhere, spans)
}

// dnsLabel reads "(N)" at t[i] and the N label bytes (letters, digits,
// '-' or '_') after it: it returns N and the length of "(N)", or 0, 0.
func dnsLabel(t []byte, i int) (n, k int) {
	if i+3 >= len(t) || t[i] != '(' || !isDigit(t[i+1]) {
		return 0, 0
	}
	j := i + 1
	for j < len(t) && j < i+3 && isDigit(t[j]) {
		n = n*10 + int(t[j]-'0')
		j++
	}
	if j >= len(t) || t[j] != ')' || n == 0 || n > 63 || j+1+n > len(t) {
		return 0, 0
	}
	for _, c := range t[j+1 : j+1+n] {
		if c >= 0x80 || asciiAlnum[c] == 0 && c != '-' && c != '_' {
			return 0, 0
		}
	}
	if e := j + 1 + n; e < len(t) && t[e] != '(' && t[e] < 0x80 && asciiAlnum[t[e]] != 0 {
		return 0, 0 // (the label goes on: its length is not this)
	}
	return n, j + 1 - i
}

// hexBody is a run's hex digits after its 0x, or after the x of
// PostgreSQL's bytea (\x5061, x'5061' glued: x5061), or the run.
func hexBody(run []byte) []byte {
	switch {
	case len(run) > 2 && run[0] == '0' && (run[1] == 'x' || run[1] == 'X'):
		return run[2:]
	case len(run) > 12 && (run[0] == 'x' || run[0] == 'X') && allHex(run[1:]):
		return run[1:]
	}
	return run
}

// byteaHex: the \x at src[i] starts PostgreSQL's bytea hex (\x5061...:
// a printable byte then more hex digits), not a byte's escape: Python,
// MariaDB and C write \xNN for bytes they do not print as they are, and
// a byte's escape followed by ten hex digits is not text either.
func byteaHex(src []byte, i int) bool {
	x := hexN(src, i+2, 2)
	if x < 0x20 || x >= 0x7f {
		return false
	}
	j := i + 4
	for j < len(src) && j < i+14 && hexVal(src[j]) >= 0 {
		j++
	}
	return j == i+14
}

// maxTag bounds an HTML tag's length (its attributes included).
const maxTag = 256

// tagLen is the length of an HTML tag at t[i] ('<'): <name>, </name>,
// <name/>, <name attributes...>; 0 when there is none.
func tagLen(t []byte, i int) int {
	j := i + 1
	if j < len(t) && t[j] == '/' {
		j++
	}
	if j >= len(t) || !(t[j] >= 'a' && t[j] <= 'z' || t[j] >= 'A' && t[j] <= 'Z') {
		return 0
	}
	for j < len(t) && t[j] < 0x80 && asciiAlnum[t[j]] != 0 {
		j++
	}
	if j < len(t) && (t[j] == ' ' || t[j] == '\t') {
		for j < len(t) && j-i < maxTag && t[j] != '>' && t[j] != '<' && t[j] != '\n' {
			j++
		}
	}
	if j < len(t) && t[j] == '/' {
		j++
	}
	if j < len(t) && t[j] == '>' {
		return j + 1 - i
	}
	return 0
}

// stripTags writes t without its HTML tags into u; it reports whether
// there was one.
func stripTags(t []byte, u *view) bool {
	changed := false
	for i := 0; i < len(t); {
		if t[i] == '<' {
			if n := tagLen(t, i); n > 0 {
				i += n
				changed = true
				continue
			}
		}
		j := i + 1
		for j < len(t) && t[j] != '<' {
			j++
		}
		u.copyRun(t, i, j)
		i = j
	}
	return changed
}

// markupSpans scans v without its HTML tags, and that decoded as a
// line's views are (entities, other escapes, blobs).
func (w *worker) markupSpans(v *view, depth int, anywhere bool, spans []span) []span {
	u := &view{}
	if !stripTags(v.text, u) {
		return spans
	}
	u.compose(v)
	spans = w.scanView(u, anywhere, spans)
	spans = w.blobSpans(u, depth, spans)
	cur := u
	for round := 0; round < 2; round++ {
		next := &view{}
		if !unescape(cur.text, next) {
			break
		}
		next.compose(cur)
		spans = w.scanView(next, anywhere, spans)
		if next.touched&touchB64 != 0 {
			spans = w.blobSpans(next, depth, spans)
		}
		cur = next
	}
	return spans
}

// codePointLen reads a code point written U+XXXX (4 to 6 hex digits)
// at t[i], or returns 0.
func codePointLen(t []byte, i int) (rune, int) {
	if i+6 > len(t) || t[i] != 'U' && t[i] != 'u' || t[i+1] != '+' {
		return 0, 0
	}
	x, k := 0, 0
	for k < 6 && i+2+k < len(t) && hexVal(t[i+2+k]) >= 0 {
		x = x<<4 | hexVal(t[i+2+k])
		k++
	}
	if k < 4 || x > utf8.MaxRune || i+2+k < len(t) && t[i+2+k] < 0x80 && asciiAlnum[t[i+2+k]] != 0 {
		return 0, 0
	}
	return rune(x), 2 + k
}

// codePointSpans scans v with its U+XXXX code points as the characters
// (the spaces or commas between two of a listing dropped: a space of
// the value is listed as U+0020).
func (w *worker) codePointSpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	u := &view{}
	changed := false
	for i := 0; i < len(t); {
		r, n := codePointLen(t, i)
		if n == 0 {
			u.push(t[i], i, i+1)
			i++
			continue
		}
		u.pushRune(r, i, i+n)
		changed = true
		i += n
		j := i
		for j < len(t) && j-i < 3 && (t[j] == ' ' || t[j] == ',' || t[j] == ';') {
			j++
		}
		if _, m := codePointLen(t, j); m > 0 {
			i = j
		}
	}
	if !changed {
		return spans
	}
	u.compose(v)
	return w.scanView(u, anywhere, spans)
}

// fieldSeamSpans finds the values cut between two adjacent quoted
// strings, as a JSON object's or a Python dict's fields or a list's
// items write them ({"a": "mail-relay.acme", "b": "-north.internal"}:
// red team scrubatk18): a line's seam within itself. What separates
// the two strings (the quotes, the comma, the next one's key) is read as
// one space; only values across such a join are new.
func (w *worker) fieldSeamSpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	u := &view{}
	var joins []int // where each join is in t
	for i := 0; i < len(t); {
		if t[i] == '"' || t[i] == '\'' {
			if e := fieldJoin(t, i); e > 0 {
				u.push(' ', i, e)
				joins = append(joins, i)
				i = e
				continue
			}
		}
		u.push(t[i], i, i+1)
		i++
	}
	if len(joins) == 0 {
		return spans
	}
	u.compose(v)
	n := len(spans)
	spans = w.scanView(u, anywhere, spans)
	// (keep those across a join, the line's own scan has the others;
	// and whole values or name tokens only: a piece across a join is
	// any two fields' ends, 'address': '1.2.3.4', 'type': 'dns')
	kept := spans[:n]
	for _, sp := range spans[n:] {
		if sp.kind == KindPiece || sp.kind == KindPrefix {
			continue
		}
		for _, j := range joins {
			if a, _ := v.source(j, j+1); sp.start < a && a < sp.end {
				kept = append(kept, sp)
				break
			}
		}
	}
	return kept
}

// fieldsTrigger: t may have two adjacent quoted strings.
func fieldsTrigger(t []byte) bool {
	return bytes.Contains(t, []byte(`",`)) || bytes.Contains(t, []byte(`', '`))
}

// fieldJoin: the quote at t[i] ends a string that another follows, in
// the same quotes: `", "`, `","`, `", "key": "`, `', 'key': '`. It
// returns where the next string's text starts (0: no join). Single
// quotes need the space Python's repr writes (a dump's rows are
// 'a','b': each cell is a value of its own).
func fieldJoin(t []byte, i int) int {
	q := t[i]
	j := i + 1
	sp := func() {
		for j < len(t) && t[j] == ' ' {
			j++
		}
	}
	sp()
	if j >= len(t) || t[j] != ',' {
		return 0
	}
	j++
	if q == '\'' && (j >= len(t) || t[j] != ' ') {
		return 0
	}
	sp()
	if j >= len(t) || t[j] != q {
		return 0
	}
	j++
	// a key, then ':' and the value's quote
	k := j
	for k < len(t) && k-j <= 32 && t[k] != q && (t[k] >= 0x80 || asciiAlnum[t[k]] != 0 || t[k] == '_' || t[k] == '-' || t[k] == '.') {
		k++
	}
	if k > j && k < len(t) && t[k] == q {
		m := k + 1
		for m < len(t) && t[m] == ' ' {
			m++
		}
		if m < len(t) && t[m] == ':' {
			m++
			for m < len(t) && t[m] == ' ' {
				m++
			}
			if m < len(t) && t[m] == q {
				return m + 1
			}
			return 0 // (a key whose value is no string)
		}
	}
	return j
}

// mimeWordsSpans scans v with each run of adjacent MIME encoded words
// ("=?UTF-8?B?Wm/DqyA=?= =?UTF-8?B?S293YWw=?=", RFC 2047: the space
// between two is no text) decoded and joined: a value cut into words
// of a few bytes each, none distinctive alone (red team scrubatk19).
func (w *worker) mimeWordsSpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	u := &view{}
	runs := 0
	var buf []byte
	for i := 0; i < len(t); {
		e, ok := mimeWord(t, i, &buf)
		if !ok {
			u.push(t[i], i, i+1)
			i++
			continue
		}
		words := 0
		for ok {
			for _, c := range buf {
				u.push(c, i, e) // (each decoded byte stands for its whole word)
			}
			words++
			j := e
			for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
				j++
			}
			var next int
			if next, ok = mimeWord(t, j, &buf); ok {
				i, e = j, next
			} else {
				i = e
			}
		}
		if words > 1 {
			runs++
		}
	}
	if runs == 0 {
		return spans
	}
	u.compose(v)
	return w.scanView(u, anywhere, spans)
}

// mimeWord decodes the encoded word at t[i] ("=?charset?B?...?=" or
// "?Q?") into *out: it returns where the word ends.
func mimeWord(t []byte, i int, out *[]byte) (int, bool) {
	if i+8 > len(t) || t[i] != '=' || t[i+1] != '?' {
		return 0, false
	}
	j := i + 2
	for j < len(t) && j < i+48 && t[j] != '?' {
		j++
	}
	if j+3 >= len(t) || t[j] != '?' || t[j+2] != '?' {
		return 0, false
	}
	enc := t[j+1] | 0x20
	k := bytes.Index(t[j+3:], []byte("?="))
	if k < 0 || (enc != 'b' && enc != 'q') {
		return 0, false
	}
	body, end := t[j+3:j+3+k], j+3+k+2
	*out = (*out)[:0]
	if enc == 'b' {
		d, err := base64.StdEncoding.AppendDecode(*out, body)
		if err != nil {
			return 0, false
		}
		*out = d
		return end, true
	}
	for q := 0; q < len(body); q++ {
		switch c := body[q]; {
		case c == '_':
			*out = append(*out, ' ')
		case c == '=' && q+2 < len(body) && hexVal(body[q+1]) >= 0 && hexVal(body[q+2]) >= 0:
			*out = append(*out, byte(hexVal(body[q+1])<<4|hexVal(body[q+2])))
			q += 2
		default:
			*out = append(*out, c)
		}
	}
	return end, true
}
