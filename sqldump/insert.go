package sqldump

import (
	"bytes"
	"fmt"
)

// Insert is a parsed INSERT/REPLACE statement: a table, an optional column
// list, and rows of literal values. Values can be replaced; a Writer then
// emits the statement with only those values changed, byte for byte
// otherwise.
type Insert struct {
	table   string
	db      string
	columns []string
	width   int
	spans   []span // rows*width values, row-major
	arena   []byte // encoded replacement values
	changed bool
	raw     []byte // the statement's bytes (set once scanned)
	rows    int
	rowAt   []int // per row: offsets in raw of its '(' and after its ')'
	schema  *Table
}

// span locates one value inside the statement (or, once replaced, in the
// arena).
//
// Offsets are 32-bit (a statement is at most MaxStatementLimit bytes):
// a span is 20 bytes where ints made it 40, and a 1 MB INSERT of short
// values has hundreds of thousands of them, copied once per statement.
type span struct {
	start, end uint32 // offsets in raw
	rstart     uint32 // offsets in arena when replaced
	rend       uint32
	kind       ValueKind
	flags      uint8
}

const (
	flagEscaped  uint8 = 1 << iota // string holds escapes or doubled quotes
	flagReplaced                   // value replaced: bytes live in arena
)

// Table is the name of the table inserted into.
func (in *Insert) Table() string { return in.table }

// Database is the database qualifier of the table name, if the statement
// had one.
func (in *Insert) Database() string { return in.db }

// Columns returns the statement's explicit column list, or nil when the
// statement has none (then values follow the table's column order).
func (in *Insert) Columns() []string { return in.columns }

// Schema returns the table's CREATE TABLE schema if the reader saw it.
func (in *Insert) Schema() *Table { return in.schema }

// ColumnNames returns the names of the value positions: the explicit column
// list, else the schema's columns, else nil.
func (in *Insert) ColumnNames() []string {
	if in.columns != nil {
		return in.columns
	}
	if in.schema != nil {
		return in.schema.ColumnNames()
	}
	return nil
}

// Rows is the number of rows (tuples).
func (in *Insert) Rows() int {
	return in.rows
}

// Width is the number of values in each row.
func (in *Insert) Width() int { return in.width }

// Changed reports whether any value was replaced.
func (in *Insert) Changed() bool { return in.changed }

// Value returns the value at row, col.
func (in *Insert) Value(row, col int) Value {
	sp := &in.spans[row*in.width+col]
	if sp.flags&flagReplaced != 0 {
		return Value{Kind: sp.kind, Raw: in.arena[sp.rstart:sp.rend], escaped: true}
	}
	return Value{Kind: sp.kind, Raw: in.raw[sp.start:sp.end], escaped: sp.flags&flagEscaped != 0}
}

// Head returns the statement's text before its first row ("INSERT INTO
// `t` (`a`) VALUES "), without the comments that precede the statement.
func (in *Insert) Head(st *Statement) []byte {
	if len(in.rowAt) == 0 {
		return nil
	}
	return in.raw[st.code:in.rowAt[0]]
}

// RowRaw returns row's exact text, parentheses included (as read: values
// replaced with Set are not reflected).
func (in *Insert) RowRaw(row int) []byte {
	return in.raw[in.rowAt[2*row]:in.rowAt[2*row+1]]
}

// Set replaces the value at row, col with v (built by String, Number,
// Null, Hex or Parse). v's bytes are copied.
func (in *Insert) Set(row, col int, v Value) {
	sp := &in.spans[row*in.width+col]
	sp.rstart = arenaOffset(len(in.arena))
	in.arena = append(in.arena, v.Raw...)
	sp.rend = arenaOffset(len(in.arena))
	sp.kind = v.Kind
	sp.flags |= flagReplaced
	in.changed = true
}

// SetString replaces the value at row, col with the string literal s,
// keeping the original value's charset introducer (e.g. _binary) if any.
// It does not allocate beyond the statement's arena.
func (in *Insert) SetString(row, col int, s []byte) {
	sp := &in.spans[row*in.width+col]
	var intro []byte
	if sp.flags&flagReplaced == 0 && (sp.kind == KindString) {
		intro = introducer(in.raw[sp.start:sp.end])
	}
	sp.rstart = arenaOffset(len(in.arena))
	in.arena = append(in.arena, intro...)
	in.arena = AppendQuoted(in.arena, s)
	sp.rend = arenaOffset(len(in.arena))
	sp.kind = KindString
	sp.flags |= flagReplaced
	in.changed = true
}

// arenaOffset checks that the replaced values of one statement stay
// within what a span can address (4 GiB, four times the largest
// statement): past it the rewrite would be wrong, so it stops.
func arenaOffset(n int) uint32 {
	if n > 1<<32-1 {
		panic("sqldump: the replaced values of one statement passed 4 GiB")
	}
	return uint32(n)
}

func (in *Insert) reset() {
	in.table, in.db = "", ""
	in.columns = in.columns[:0]
	in.width = 0
	in.rows = 0
	in.rowAt = in.rowAt[:0]
	in.spans = in.spans[:0]
	in.arena = in.arena[:0]
	in.changed = false
	in.raw = nil
	in.schema = nil
}

// skipSpace skips whitespace and comments inside a statement.
func (r *Reader) skipSpace(i int) (int, error) {
	for {
		if !r.has(i, 1) {
			return i, nil
		}
		c := r.buf[i]
		switch {
		case isSpace(c):
			i++
		case c == '#' || (c == '-' && r.isDashComment(i)):
			i = r.skipLine(i)
		case c == '/' && r.has(i, 2) && r.buf[i+1] == '*' && !r.isConditional(i):
			j, err := r.skipBlockComment(i)
			if err != nil {
				return 0, err
			}
			i = j
		default:
			return i, nil
		}
	}
}

// ident reads an identifier (`quoted` or bare) at i.
func (r *Reader) ident(i int) (string, int, error) {
	if !r.has(i, 1) {
		return "", 0, r.eofErr(i)
	}
	if r.buf[i] == '`' {
		j, esc, err := r.skipQuoted(i, '`')
		if err != nil {
			return "", 0, err
		}
		name := r.buf[i+1 : j-1]
		if esc {
			return string(bytes.ReplaceAll(name, []byte("``"), []byte("`"))), j, nil
		}
		return string(name), j, nil
	}
	j := i
	for r.has(j, 1) && isIdentByte(r.buf[j]) {
		j++
	}
	if j == i {
		return "", 0, r.errAt(i, "expected a name, found "+r.show(i))
	}
	return string(r.buf[i:j]), j, nil
}

func (r *Reader) eofErr(i int) error {
	if r.rerr != nil {
		return r.readErr(i)
	}
	return r.errAt(i, "unexpected end of input inside INSERT (truncated dump?)")
}

// expect checks that the byte at i is c.
func (r *Reader) expect(i int, c byte, what string) error {
	if !r.has(i, 1) {
		return r.eofErr(i)
	}
	if r.buf[i] != c {
		return r.errAt(i, fmt.Sprintf("expected %s, found %s", what, r.show(i)))
	}
	return nil
}

// show says what is at i for an error message, never the data itself
// (see describe).
func (r *Reader) show(i int) string {
	r.has(i, 32)
	return describe(r.buf[i:min(i+32, r.end)])
}

// scanInsert parses INSERT/REPLACE ... VALUES (...),...; at i.
func (r *Reader) scanInsert(st *Statement, i int) (int, error) {
	in := &r.ins
	in.reset()
	i += len(st.Keyword)
	// Modifiers and INTO, then the table name.
	for {
		var err error
		if i, err = r.skipSpace(i); err != nil {
			return 0, err
		}
		if !r.has(i, 1) {
			return 0, r.eofErr(i)
		}
		if r.buf[i] == '`' {
			break
		}
		w := r.keyword(i)
		switch w {
		case "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE":
			i += len(w)
			continue
		case "INTO":
			i += len(w)
			if i, err = r.skipSpace(i); err != nil {
				return 0, err
			}
		}
		break
	}
	name, j, err := r.ident(i)
	if err != nil {
		return 0, err
	}
	if r.has(j, 1) && r.buf[j] == '.' {
		in.db = name
		if name, j, err = r.ident(j + 1); err != nil {
			return 0, err
		}
	}
	in.table = name
	if i, err = r.skipSpace(j); err != nil {
		return 0, err
	}
	// Optional column list.
	if r.has(i, 1) && r.buf[i] == '(' {
		i++
		for {
			if i, err = r.skipSpace(i); err != nil {
				return 0, err
			}
			col, j, err := r.ident(i)
			if err != nil {
				return 0, err
			}
			in.columns = append(in.columns, col)
			if i, err = r.skipSpace(j); err != nil {
				return 0, err
			}
			if !r.has(i, 1) {
				return 0, r.eofErr(i)
			}
			if r.buf[i] == ',' {
				i++
				continue
			}
			if err := r.expect(i, ')', "',' or ')' in the column list"); err != nil {
				return 0, err
			}
			i++
			break
		}
		if i, err = r.skipSpace(i); err != nil {
			return 0, err
		}
	} else {
		in.columns = nil
	}
	if !r.has(i, 1) {
		return 0, r.eofErr(i)
	}
	w := r.keyword(i)
	if w != "VALUES" && w != "VALUE" {
		return 0, r.errAt(i, fmt.Sprintf("only INSERT ... VALUES with literal rows can be read; found %s (INSERT ... SELECT/SET is not supported)", r.show(i)))
	}
	i += len(w)
	// Rows.
	for row := 0; ; row++ {
		if i, err = r.skipSpace(i); err != nil {
			return 0, err
		}
		if err := r.expect(i, '(', "'(' to start a row"); err != nil {
			return 0, err
		}
		in.rowAt = append(in.rowAt, i-r.start)
		i++
		n := 0
		for {
			if i, err = r.skipSpace(i); err != nil {
				return 0, err
			}
			if n == 0 && r.has(i, 1) && r.buf[i] == ')' {
				break // VALUES () — a row of defaults
			}
			if i, err = r.scanValue(i); err != nil {
				return 0, err
			}
			n++
			if i, err = r.skipSpace(i); err != nil {
				return 0, err
			}
			if !r.has(i, 1) {
				return 0, r.eofErr(i)
			}
			if r.buf[i] == ',' {
				i++
				continue
			}
			if r.buf[i] != ')' {
				return 0, r.errAt(i, fmt.Sprintf("expected ',' or ')' after a value, found %s (only literal values can be read)", r.show(i)))
			}
			break
		}
		if row == 0 {
			in.width = n
		} else if n != in.width {
			return 0, r.errAt(i, fmt.Sprintf("row %d has %d values, the first row has %d", row+1, n, in.width))
		}
		in.rows++
		i++ // ')'
		in.rowAt = append(in.rowAt, i-r.start)
		if i, err = r.skipSpace(i); err != nil {
			return 0, err
		}
		if !r.has(i, 1) {
			return 0, r.eofErr(i)
		}
		if r.buf[i] == ',' {
			i++
			continue
		}
		if r.has(i, len(r.delim)) && bytes.Equal(r.buf[i:i+len(r.delim)], r.delim) {
			end := i + len(r.delim)
			if t := r.schema.lookup(in.db, r.db, in.table); t != nil {
				in.schema = t
			}
			return end, nil
		}
		if r.keyword(i) == "ON" {
			return 0, r.errAt(i, "INSERT ... ON DUPLICATE KEY UPDATE is not supported (its expressions could carry data)")
		}
		return 0, r.errAt(i, "expected ',' or "+r.delimName()+" after a row, found "+r.show(i))
	}
}

// scanValue reads one literal at i and appends its span.
func (r *Reader) scanValue(i int) (int, error) {
	if !r.has(i, 1) {
		return 0, r.eofErr(i)
	}
	start := i
	c := r.buf[i]
	switch {
	case c == '\'' || c == '"':
		j, esc, err := r.skipQuoted(i, c)
		if err != nil {
			return 0, err
		}
		r.addSpan(start, j, KindString, esc)
		return j, nil
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		if c == '0' && r.has(i, 2) && (r.buf[i+1] == 'x' || r.buf[i+1] == 'b') {
			return r.scanPrefixedNumber(i)
		}
		return r.scanNumber(i)
	case c == 'N' || c == 'n':
		if r.has(i, 4) && (r.buf[i+1]|0x20) == 'u' && (r.buf[i+2]|0x20) == 'l' && (r.buf[i+3]|0x20) == 'l' &&
			(!r.has(i, 5) || !isIdentByte(r.buf[i+4])) {
			r.addSpan(i, i+4, KindNull, false)
			return i + 4, nil
		}
	case c == 'x' || c == 'X' || c == 'b' || c == 'B':
		if r.has(i, 2) && r.buf[i+1] == '\'' {
			return r.scanQuotedBits(i)
		}
	case c == '_':
		return r.scanIntroduced(i)
	}
	return 0, r.errAt(i, fmt.Sprintf("value %s is not a literal (NULL, number, string, hex or bit); expressions cannot be anonymized safely", r.show(i)))
}

func (r *Reader) addSpan(start, end int, k ValueKind, esc bool) {
	var f uint8
	if esc {
		f = flagEscaped
	}
	// Offsets are kept relative to the statement: the buffer may move.
	r.ins.spans = append(r.ins.spans, span{start: uint32(start - r.start), end: uint32(end - r.start), kind: k, flags: f})
}

// scanNumber reads [+-]digits[.digits][e[+-]digits].
func (r *Reader) scanNumber(i int) (int, error) {
	start := i
	if r.buf[i] == '-' || r.buf[i] == '+' {
		i++
	}
	digits := 0
	for r.has(i, 1) && r.buf[i] >= '0' && r.buf[i] <= '9' {
		i++
		digits++
	}
	if r.has(i, 1) && r.buf[i] == '.' {
		i++
		for r.has(i, 1) && r.buf[i] >= '0' && r.buf[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, r.errAt(start, "malformed number")
	}
	if r.has(i, 1) && (r.buf[i] == 'e' || r.buf[i] == 'E') {
		i++
		if r.has(i, 1) && (r.buf[i] == '-' || r.buf[i] == '+') {
			i++
		}
		exp := 0
		for r.has(i, 1) && r.buf[i] >= '0' && r.buf[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return 0, r.errAt(start, "malformed exponent in a number")
		}
	}
	if r.has(i, 1) && (isIdentByte(r.buf[i]) || r.buf[i] == '.') {
		return 0, r.errAt(start, "malformed number")
	}
	r.addSpan(start, i, KindNumber, false)
	return i, nil
}

// scanPrefixedNumber reads 0x... hex and 0b... bit literals.
func (r *Reader) scanPrefixedNumber(i int) (int, error) {
	start := i
	hex := r.buf[i+1] == 'x'
	i += 2
	n := 0
	for r.has(i, 1) {
		c := r.buf[i]
		if hex && isHex(c) || !hex && (c == '0' || c == '1') {
			i++
			n++
			continue
		}
		break
	}
	if n == 0 || r.has(i, 1) && isIdentByte(r.buf[i]) {
		if !hex && n == 0 {
			return r.scanNumber(start) // "0" followed by 'b'? not a number either
		}
		return 0, r.errAt(start, "malformed 0x/0b literal")
	}
	k := KindHex
	if !hex {
		k = KindBit
	}
	r.addSpan(start, i, k, false)
	return i, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// scanQuotedBits reads X'..' and B'..' literals.
func (r *Reader) scanQuotedBits(i int) (int, error) {
	start := i
	hex := r.buf[i]|0x20 == 'x'
	i += 2
	n := 0
	for r.has(i, 1) && r.buf[i] != '\'' {
		c := r.buf[i]
		if hex && !isHex(c) || !hex && c != '0' && c != '1' {
			return 0, r.errAt(i, fmt.Sprintf("invalid digit in %c'...' literal", r.buf[start]|0x20))
		}
		i++
		n++
	}
	if !r.has(i, 1) {
		return 0, r.eofErr(i)
	}
	if hex && n%2 != 0 {
		return 0, r.errAt(start, "X'...' literal needs an even number of hex digits")
	}
	k := KindHex
	if !hex {
		k = KindBit
	}
	r.addSpan(start, i+1, k, false)
	return i + 1, nil
}

// scanIntroduced reads a charset introducer (_binary, _utf8mb4, ...) and
// the string, hex or bit literal it qualifies.
func (r *Reader) scanIntroduced(i int) (int, error) {
	start := i
	i++
	for r.has(i, 1) && isIdentByte(r.buf[i]) {
		i++
	}
	if i == start+1 {
		return 0, r.errAt(start, "charset introducer without a name")
	}
	i, err := r.skipSpace(i)
	if err != nil {
		return 0, err
	}
	n := len(r.ins.spans)
	if !r.has(i, 1) {
		return 0, r.eofErr(i)
	}
	c := r.buf[i]
	switch {
	case c == '\'' || c == '"':
		i, err = r.scanValue(i)
	case c == '0' && r.has(i, 2) && (r.buf[i+1] == 'x' || r.buf[i+1] == 'b'):
		i, err = r.scanPrefixedNumber(i)
	case (c|0x20 == 'x' || c|0x20 == 'b') && r.has(i, 2) && r.buf[i+1] == '\'':
		i, err = r.scanQuotedBits(i)
	default:
		return 0, r.errAt(i, "a charset introducer must be followed by a string, hex or bit literal, found "+r.show(i))
	}
	if err != nil {
		return 0, err
	}
	r.ins.spans[n].start = uint32(start - r.start)
	return i, nil
}

// Clone returns a deep copy of the statement that stays valid after the
// Reader moves on (for handing statements to other goroutines).
func (s *Statement) Clone() *Statement { return s.CloneInto(nil) }

// CloneInto is Clone reusing dst's buffers (dst may be nil): a pipeline
// that recycles its statements allocates nothing per statement.
func (s *Statement) CloneInto(dst *Statement) *Statement {
	if dst == nil {
		dst = &Statement{}
	}
	raw, ins := dst.Raw, dst.insert
	if ins == nil {
		ins = dst.spare
	}
	*dst = *s
	dst.Raw = append(raw[:0], s.Raw...)
	dst.spare = ins // kept for the next reuse
	if s.insert == nil {
		return dst
	}
	if ins == nil {
		ins = &Insert{}
	}
	cols, spans, arena, rowAt := ins.columns, ins.spans, ins.arena, ins.rowAt
	*ins = *s.insert
	ins.raw = dst.Raw
	ins.columns = nil
	if s.insert.columns != nil {
		ins.columns = append(cols[:0], s.insert.columns...)
	}
	ins.spans = append(spans[:0], s.insert.spans...)
	ins.rowAt = append(rowAt[:0], s.insert.rowAt...)
	if cap(arena) < len(dst.Raw)/2 {
		// Room for rewritten values: about as long as the originals.
		arena = make([]byte, 0, len(dst.Raw)/2+len(s.insert.arena))
	}
	ins.arena = append(arena[:0], s.insert.arena...)
	dst.insert = ins
	return dst
}
