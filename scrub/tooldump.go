package scrub

import "bytes"

// Tool dumps over rows, beyond xxd's and hexdump -C's (hexdump.go): od
// -c (a byte a 4-column field: the character, a backslash escape or
// three octal digits), od -x and BSD hexdump (16-bit little-endian
// words: "6f5a" is "Zo"), od's default (the words in octal: "060556"), od -An -tx1 (bare spaced hex), xxd -p (bare
// hex lines), xxd -i (a C array, "0x5a, 0x6f,"), uuencode's lines and
// quoted-printable of UTF-16 over soft line breaks. Each shape's
// consecutive rows are decoded together into the bytes they show; a
// known value in those bytes scrubs the rows it is in (all of them when
// the bytes are no text: UTF-16, a compressed stream).
//
// Every check starts at the row's first bytes (an offset, an indent, a
// length character) so an ordinary log line is turned down in a few
// comparisons.

type rowShape uint8

const (
	shapeOdC      rowShape = iota // od -c
	shapeSpaced                   // od -An -tx1
	shapeHexLine                  // xxd -p
	shapeCArray                   // xxd -i
	shapeUU                       // uuencode
	shapeQP16                     // quoted-printable of UTF-16
	shapeRFC2231                  // a MIME parameter's continuations (filename*1*=...)
	shapeCharList                 // a list of characters over rows (Node's util.inspect of Array.from(s))
	// rows of numbers (numrows.go)
	shapeDec1 // od -t d1, -t u1
	shapeDec2 // od -d, -s, hexdump -d
	shapeDec4 // od -i, -t u4
	shapeDec8 // od -l
	shapeOctW // od's default, hexdump -o, od -t o4
	shapeHexW // od -x, -t x4, -t x8, hexdump -x
	shapeBits // xxd -b
	numRowShapes
)

// rowGroup is one shape's rows being gathered.
type rowGroup struct {
	rows []groupLine // n: the row's decoded bytes
	b    []byte
	// open: the next row goes on from the last whatever it looks like (a
	// uuencode "begin" line, a soft line break).
	open bool
}

// toolRows gathers the tool dump rows of a block's lines (hexDumpGroups
// shows it each line, in the same pass as its own rows) and the spans of
// the block's rows that hold a known value.
type toolRows struct {
	gs  [numRowShapes]rowGroup
	num numRow // (the line's fields, read once for every shape of numbers)
	out []lineSpan
}

func (r *toolRows) flush(w *worker, s rowShape) {
	g := &r.gs[s]
	// One row of bare hex (spaced or not, or a C array) is a line the
	// line's own scan decodes.
	if len(g.rows) > 1 || len(g.rows) == 1 && s != shapeHexLine && s != shapeSpaced && s != shapeCArray {
		r.out = w.rowSpans(g.rows, g.b, r.out)
	}
	g.rows, g.b, g.open = g.rows[:0], g.b[:0], false
}

// look reads text (the line at offset at of the block, -1: the line
// before or after it) as a row of each shape.
func (r *toolRows) look(w *worker, text []byte, at int) {
	for s := rowShape(0); s < numRowShapes; s++ {
		g := &r.gs[s]
		if len(g.rows) >= maxDumpGroup {
			r.flush(w, s)
		}
		cont := len(g.rows) > 0 || g.open
		before := len(g.b)
		var from int
		var b []byte
		var open, ok bool
		if s < shapeDec1 {
			from, b, open, ok = parseRow(s, text, cont, g.b)
		} else {
			if s == shapeDec1 {
				r.num.readNumRow(text)
			}
			from, b, ok = r.num.words(numShapes[s-shapeDec1], cont, g.b)
		}
		if !ok || len(b)-before > maxRowBytes {
			if cont {
				r.flush(w, s)
			}
			if s == shapeUU && isUUBegin(text) {
				g.open = true
			}
			continue
		}
		g.b = b
		g.rows = append(g.rows, groupLine{at, from, len(text), len(b) - before})
		g.open = open
		if s == shapeQP16 && !open {
			r.flush(w, s) // (no soft break: the text ends here)
		}
	}
}

// pending: a group may go on into the next line.
func (r *toolRows) pending() bool {
	for i := range r.gs {
		if len(r.gs[i].rows) > 0 || r.gs[i].open {
			return true
		}
	}
	return false
}

// finish flushes every group and returns the spans found.
func (r *toolRows) finish(w *worker) []lineSpan {
	for s := rowShape(0); s < numRowShapes; s++ {
		r.flush(w, s)
	}
	return r.out
}

// maxRowBytes bounds what one row decodes to (a row is a line of a
// tool's output; longer lines are no dump rows).
const maxRowBytes = 1 << 10

// rowSpans appends the spans of a group's rows (their decoded bytes
// joined in b) that hold a known value: the rows the value's bytes are
// in when b is text, all of them otherwise.
func (w *worker) rowSpans(rows []groupLine, b []byte, out []lineSpan) []lineSpan {
	if len(b) == 0 {
		return out
	}
	if _, u16 := utf16Like(b); !u16 {
		b = bytes.TrimRight(b, "\x00") // (od -x pads an odd byte count)
	}
	if _, u16 := utf16Like(b); u16 || isCompressed(b) || !textLike(b) {
		if sp, ok, _ := w.scanBlob(b, 1); ok {
			return allRows(rows, sp, out)
		}
		return out
	}
	spans, _ := w.viewsSpans(&view{text: append([]byte(nil), b...)}, 1, true, nil)
	return overlapRows(rows, spans, func(at int, g groupLine) int { return at + g.n }, out)
}

// allRows appends sp over each of the block's rows.
func allRows(rows []groupLine, sp span, out []lineSpan) []lineSpan {
	for _, g := range rows {
		if g.line >= 0 {
			out = append(out, lineSpan{g.line, span{g.from, g.to, sp.kind, sp.source, sp.tag}})
		}
	}
	return out
}

// overlapRows appends, over each of the block's rows whose decoded bytes
// (from at to end(at, row)) a span of spans overlaps, the first such.
func overlapRows(rows []groupLine, spans []span, end func(at int, g groupLine) int, out []lineSpan) []lineSpan {
	at := 0
	for _, g := range rows {
		e := end(at, g)
		for _, s := range spans {
			if s.start < e && s.end > at && g.line >= 0 {
				out = append(out, lineSpan{g.line, span{g.from, g.to, s.kind, s.source, s.tag}})
				break
			}
		}
		at = e
	}
	return out
}

// parseRow reads text as a row of shape s (cont: a group of s goes on
// from the line before, so a short last row is one) and appends the
// bytes it shows to dst. It returns where the row starts and whether the
// next line goes on from it whatever it looks like.
func parseRow(s rowShape, text []byte, cont bool, dst []byte) (from int, out []byte, open, ok bool) {
	if len(text) == 0 {
		return 0, dst, false, false
	}
	switch s {
	case shapeOdC:
		from, out, ok = parseOdC(text, cont, dst)
	case shapeSpaced:
		from, out, ok = parseSpaced(text, cont, dst)
	case shapeHexLine:
		from, out, ok = parseHexLine(text, cont, dst)
	case shapeCArray:
		from, out, ok = parseCArray(text, cont, dst)
	case shapeUU:
		from, out, ok = parseUU(text, cont, dst)
	case shapeRFC2231:
		from, out, ok = parseRFC2231(text, cont, dst)
	case shapeCharList:
		from, out, ok = parseCharList(text, cont, dst)
	case shapeQP16:
		return parseQP16(text, cont, dst)
	}
	return from, out, false, ok
}

// odOffset is where the row's fields start after an od or hexdump
// offset (seven hex digits, od's octal among them, and a space) at
// text's start or, for the first row, after a log header; 0 if none.
func odOffset(text []byte) int {
	if len(text) >= 8 && text[7] == ' ' {
		ok := true
		for _, c := range text[:7] {
			ok = ok && anyHex[c]
		}
		if ok {
			return 7
		}
	}
	// (A row ends in an od -c field or a word, hex or octal: most lines
	// do not.)
	if n := len(text); n >= 13 && (text[n-4] == ' ' && odField(text[n-4:]) >= 0 || text[n-5] == ' ' && hexN(text, n-4, 4) >= 0 || text[n-7] == ' ' && octalN(text[n-6:])) {
		if i := bytes.Index(text, []byte(" 0000000 ")); i >= 0 {
			return i + 8
		}
	}
	return 0
}

// octalN: b is octal digits only.
func octalN(b []byte) bool {
	for _, c := range b {
		if !isOctal(c) {
			return false
		}
	}
	return len(b) > 0
}

// odEscapes: od -c's backslash escapes.
var odEscapes = [256]byte{'0': 0, 'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11}

// parseOdC reads an od -c row: an offset (or none, -An, then the row
// starts with a space), then 4-column fields.
func parseOdC(text []byte, cont bool, dst []byte) (int, []byte, bool) {
	h := odOffset(text)
	if h == 0 && text[0] != ' ' {
		// -An after a log header: the fields the line ends with.
		if cont {
			return 0, dst, false
		}
		k := len(text)
		for k >= 4 && odField(text[k-4:k]) >= 0 {
			k -= 4
		}
		if h = k; len(text)-k < 4*4 {
			return 0, dst, false
		}
	}
	body := bytes.TrimRight(text[h:], " ")
	n := (len(body) + 3) / 4 // (a last field of a space may be trimmed)
	if n == 0 || n > 32 || h == 0 && n < 4 && !cont {
		return 0, dst, false
	}
	out := dst
	for k := 0; k < n; k++ {
		var f [4]byte
		copy(f[:], "    ")
		copy(f[:], body[4*k:min(4*k+4, len(body))])
		c := odField(f[:])
		if c < 0 {
			return 0, dst, false
		}
		out = append(out, byte(c))
	}
	return h, out, true
}

// odField is the byte an od -c field shows, or -1.
func odField(f []byte) int {
	switch {
	case f[0] != ' ':
	case isOctal(f[1]) && isOctal(f[2]) && isOctal(f[3]) && f[1] <= '3':
		return int(f[1]-'0')<<6 | int(f[2]-'0')<<3 | int(f[3]-'0')
	case f[1] == ' ' && f[2] == '\\' && (odEscapes[f[3]] != 0 || f[3] == '0'):
		return int(odEscapes[f[3]])
	case f[1] == ' ' && f[2] == ' ' && f[3] >= 0x20 && f[3] < 0x7f:
		return int(f[3])
	}
	return -1
}

// parseSpaced reads a row of bare spaced hex bytes (od -An -tx1,
// hexdump -e '16/1 "%02x "'): two hex digits, one space apart; four at
// least unless a group goes on.
func parseSpaced(text []byte, cont bool, dst []byte) (int, []byte, bool) {
	h := 0
	for h < len(text) && (text[h] == ' ' || text[h] == '\t') && h < 8 {
		h++
	}
	if !cont {
		// The spaced hex the line ends with (after a log header, on a
		// group's first row).
		k := len(bytes.TrimRight(text, " "))
		for k >= 3 && text[k-3] == ' ' && anyHex[text[k-2]] && anyHex[text[k-1]] {
			k -= 3
		}
		switch {
		case k == 2 && anyHex[text[0]] && anyHex[text[1]]:
			h = 0
		case k < len(text) && text[k] == ' ':
			h = k + 1
		default:
			h = k
		}
	}
	body := bytes.TrimRight(text[h:], " ")
	if (len(body)+1)%3 != 0 || len(body) < 2 || len(body) > 3*32 || len(body) < 3*4 && !cont {
		return 0, dst, false
	}
	out := dst
	for k := 0; k < len(body); k += 3 {
		x := hexN(body, k, 2)
		if x < 0 || k+2 < len(body) && body[k+2] != ' ' {
			return 0, dst, false
		}
		out = append(out, byte(x))
	}
	return h, out, true
}

// parseHexLine reads a line of bare hex (xxd -p: 60 digits a line, or
// -c N), an even number of digits, 16 at least unless a group goes on.
func parseHexLine(text []byte, cont bool, dst []byte) (int, []byte, bool) {
	body := bytes.TrimRight(text, " ")
	h := 0
	if !cont {
		// The hex word the line ends with (after a log header, on a
		// group's first row).
		h = len(body)
		for h > 0 && anyHex[body[h-1]] {
			h--
		}
		if h > 0 && body[h-1] != ' ' {
			return 0, dst, false
		}
		body = body[h:]
	}
	if len(body)%2 != 0 || len(body) < 16 && !cont || len(body) > 2*maxRowBytes {
		return 0, dst, false
	}
	out := dst
	for k := 0; k < len(body); k += 2 {
		x := hexN(body, k, 2)
		if x < 0 {
			return 0, dst, false
		}
		out = append(out, byte(x))
	}
	return h, out, true
}

// parseCArray reads a row of a C array of bytes (xxd -i: an indent,
// then "0x5a, 0x6f," twelve a row), four at least unless a group goes
// on.
func parseCArray(text []byte, cont bool, dst []byte) (int, []byte, bool) {
	h := 0
	for h < len(text) && (text[h] == ' ' || text[h] == '\t') && h < 16 {
		h++
	}
	if !cont && h < len(text) && text[h] != '0' {
		// The first row after a log header (it ends in a byte).
		t := bytes.TrimRight(text, ", ")
		if n := len(t); n < 4 || t[n-4] != '0' || t[n-3] != 'x' && t[n-3] != 'X' {
			return 0, dst, false
		}
		if h = bytes.Index(text, []byte(" 0x")) + 1; h == 0 {
			return 0, dst, false
		}
	}
	if h+4 > len(text) || text[h] != '0' || text[h+1] != 'x' && text[h+1] != 'X' {
		return 0, dst, false
	}
	out, n, k := dst, 0, h
	for k+4 <= len(text) && text[k] == '0' && (text[k+1] == 'x' || text[k+1] == 'X') {
		x := hexN(text, k+2, 2)
		if x < 0 || k+4 < len(text) && anyHex[text[k+4]] {
			return 0, dst, false
		}
		out, n, k = append(out, byte(x)), n+1, k+4
		if k < len(text) && text[k] == ',' {
			k++
		}
		for k < len(text) && text[k] == ' ' {
			k++
		}
	}
	if rest := bytes.TrimRight(text[k:], " ,};"); len(rest) > 0 || n < 4 && !cont {
		return 0, dst, false
	}
	return h, out, true
}

// isUUBegin: text is uuencode's "begin 644 name" line.
// (From the line's end: "begin", a mode of three or four octal digits,
// the name; after a log header too.)
func isUUBegin(text []byte) bool {
	k := bytes.LastIndexByte(text, ' ') // before the name
	if k < 9 || k == len(text)-1 {
		return false
	}
	m := k - 1
	for m >= 0 && k-m <= 4 && isOctal(text[m]) {
		m--
	}
	if d := k - 1 - m; d < 3 || d > 4 || m < 5 || text[m] != ' ' || string(text[m-5:m]) != "begin" {
		return false
	}
	return m == 5 || text[m-6] == ' '
}

// parseUU reads a uuencoded line: a length character (' ' + n, 1 to 45
// bytes), then four characters from ' ' to '`' for each three bytes.
// Outside a group (after "begin") the line must be exactly as long as
// its length character says; inside one, the trailing spaces a log may
// have cut are allowed for.
func parseUU(text []byte, cont bool, dst []byte) (int, []byte, bool) {
	n := int(text[0]-' ') & 63
	if text[0] < ' ' || text[0] > '`' || n == 0 || n > 45 {
		return 0, dst, false
	}
	want := 1 + 4*((n+2)/3)
	if len(text) != want && !(cont && len(text) >= want-3 && len(text) <= want+1) {
		return 0, dst, false
	}
	if !cont && n < 4 {
		return 0, dst, false
	}
	var q [4]byte
	out := dst
	for k := 1; k < want; k += 4 {
		for j := range q {
			c := byte(' ')
			if k+j < len(text) {
				c = text[k+j]
			}
			if c < ' ' || c > '`' {
				return 0, dst, false
			}
			q[j] = (c - ' ') & 63
		}
		out = append(out, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2, q[2]<<6|q[3])
	}
	return 0, out[:len(dst)+n], true
}

// parseQP16 reads quoted-printable of UTF-16 (Python's quopri of
// UTF-16-LE: "Z=00o=00=EB=00"): a line with three escapes of control
// bytes or more (text's QP has none but =09, =0A, =0D), from the word
// the first is in; or, after a soft line break, the next line whole. A
// line ending in '=' breaks softly.
func parseQP16(text []byte, cont bool, dst []byte) (int, []byte, bool, bool) {
	from := 0
	if !cont {
		first, n := -1, 0
		for i := 0; ; {
			k := bytes.IndexByte(text[i:], '=')
			if k < 0 {
				break
			}
			i += k
			if x := hexN(text, i+1, 2); x >= 0 && x < 0x20 && x != '\t' && x != '\n' && x != '\r' {
				if n++; first < 0 {
					first = i
				}
			}
			i++
		}
		if n < 3 {
			return 0, dst, false, false
		}
		from = bytes.LastIndexByte(text[:first], ' ') + 1
	}
	out := dst
	body := text[from:]
	soft := len(body) > 0 && body[len(body)-1] == '='
	if soft {
		body = body[:len(body)-1]
	}
	for k := 0; k < len(body); k++ {
		if body[k] == '=' {
			if x := hexN(body, k+1, 2); x >= 0 {
				out = append(out, byte(x))
				k += 2
				continue
			}
		}
		out = append(out, body[k])
	}
	return from, out, soft, true
}

// parseRFC2231 reads a MIME header's parameter continuation (RFC 2231:
// `filename*0*=UTF-8”Proj%20Ni;`, then ` filename*1*=ghtingale;`):
// the value of its section N (0 on a group's first row), its %XX
// decoded when the section is extended ('*' before '='), the first's
// charset and language dropped, quotes taken off.
func parseRFC2231(text []byte, cont bool, dst []byte) (int, []byte, bool) {
	i := bytes.IndexByte(text, '*')
	for ; i >= 0; i = nextStar(text, i) {
		j := i + 1
		for j < len(text) && isDigit(text[j]) && j < i+4 {
			j++
		}
		if j == i+1 || j >= len(text) || i == 0 || text[i-1] >= 0x80 || asciiAlnum[text[i-1]] == 0 || !cont && (j != i+2 || text[i+1] != '0') {
			continue
		}
		ext := text[j] == '*'
		if ext {
			j++
		}
		if j >= len(text) || text[j] != '=' {
			continue
		}
		from := j + 1
		end := from
		for end < len(text) && text[end] != ';' {
			end++
		}
		val := bytes.TrimSpace(text[from:end])
		if ext && text[i+1] == '0' && j == i+3 {
			if k := bytes.IndexByte(val, '\''); k >= 0 {
				if k2 := bytes.IndexByte(val[k+1:], '\''); k2 >= 0 {
					val = val[k+1+k2+1:] // (charset'language')
				}
			}
		}
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		out := dst
		for k := 0; k < len(val); k++ {
			if c := val[k]; ext && c == '%' && hexN(val, k+1, 2) >= 0 {
				out = append(out, byte(hexN(val, k+1, 2)))
				k += 2
			} else {
				out = append(out, c)
			}
		}
		return from, out, true
	}
	return 0, dst, false
}

// nextStar is the next '*' in text after i, or -1.
func nextStar(text []byte, i int) int {
	if k := bytes.IndexByte(text[i+1:], '*'); k >= 0 {
		return i + 1 + k
	}
	return -1
}
