package sqldump

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
	okind      ValueKind // kind as read (kind follows a replacement)
}

const (
	flagEscaped    uint8 = 1 << iota // string holds escapes or doubled quotes
	flagReplaced                     // value replaced: bytes live in arena
	flagIntroduced                   // value read with a charset introducer (_binary)
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

// Original returns the value at row, col as it was read, whatever Set
// replaced it with (the statement's text is never changed).
func (in *Insert) Original(row, col int) Value {
	sp := &in.spans[row*in.width+col]
	return Value{Kind: sp.okind, Raw: in.raw[sp.start:sp.end], escaped: sp.flags&flagEscaped != 0}
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
	// (the flag, not the text: the text was read on the reader's core,
	// and its first byte's load here was a miss)
	if sp.flags&(flagReplaced|flagIntroduced) == flagIntroduced && sp.kind == KindString {
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

// Clone returns a deep copy of the statement that stays valid after the
// Reader moves on (for handing statements to other goroutines).
func (s *Statement) Clone() *Statement { return s.CloneInto(nil) }

// CloneInto is Clone reusing dst's buffers (dst may be nil): a pipeline
// that recycles its statements allocates nothing per statement.
func (s *Statement) CloneInto(dst *Statement) *Statement { return s.cloneInto(dst, false) }

// MoveInto is CloneInto for the statement the Reader's Next just
// returned, when the caller reads only the copy: the values' spans and
// row bounds (about as many bytes as the statement's text) are handed
// over instead of copied, and the Reader takes dst's old ones for its
// next statement. s's Insert must not be read after it.
func (s *Statement) MoveInto(dst *Statement) *Statement { return s.cloneInto(dst, true) }

func (s *Statement) cloneInto(dst *Statement, move bool) *Statement {
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
	if move {
		ins.spans, s.insert.spans = s.insert.spans, spans[:0]
		ins.rowAt, s.insert.rowAt = s.insert.rowAt, rowAt[:0]
	} else {
		ins.spans = append(spans[:0], s.insert.spans...)
		ins.rowAt = append(rowAt[:0], s.insert.rowAt...)
	}
	if cap(arena) < len(dst.Raw)/2 {
		// Room for rewritten values: about as long as the originals.
		arena = make([]byte, 0, len(dst.Raw)/2+len(s.insert.arena))
	}
	ins.arena = append(arena[:0], s.insert.arena...)
	dst.insert = ins
	return dst
}
