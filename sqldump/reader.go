// Package sqldump reads and writes MySQL/MariaDB logical dumps (the output of
// mysqldump and mariadb-dump) one statement at a time, the way encoding/csv
// reads records: memory is bounded by the largest statement, every byte is
// accounted for, and a Writer mirrors the Reader so that a dump read and
// written back unchanged is byte-identical.
//
// INSERT and REPLACE statements are parsed into rows of literal values that
// can be rewritten in place; CREATE TABLE statements are parsed into a Table
// schema; everything else (comments, conditional comments, SET, LOCK, views,
// triggers, routines, events, DELIMITER blocks) passes through untouched.
package sqldump

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// Kind classifies a statement.
type Kind uint8

const (
	// KindTrivia is whitespace and comments only (a dump's tail, or the
	// whole of a comment-only input).
	KindTrivia Kind = iota
	// KindInsert is INSERT, INSERT IGNORE or REPLACE with literal rows.
	KindInsert
	// KindCreateTable is CREATE TABLE; Statement.Table holds its schema.
	KindCreateTable
	// KindCommand is a client command ended by a newline rather than the
	// delimiter: DELIMITER, and MariaDB's sandbox-mode line.
	KindCommand
	// KindUse is USE db.
	KindUse
	// KindOther is any other statement, passed through as is.
	KindOther
)

var kindNames = [...]string{"trivia", "insert", "create-table", "command", "use", "other"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Statement is one statement of a dump, with the comments and whitespace that
// precede it and the rest of the line that ends it. Raw and everything
// reached through the statement are valid until the next call to Next.
type Statement struct {
	Kind Kind
	// Raw is the statement's exact bytes.
	Raw []byte
	// Offset is the byte offset of Raw[0] in the (decompressed) input.
	Offset int64
	// Line is the 1-based line number of Raw[0].
	Line int
	// Keyword is the statement's first word, upper-cased ("INSERT",
	// "CREATE", "SET", ...), or "/*!" for a conditional comment.
	Keyword string
	// Database is the current database (from the last USE), if any.
	Database string

	insert *Insert // when Kind == KindInsert
	spare  *Insert // a clone's recycled insert buffers
	table  *Table  // when Kind == KindCreateTable
	code   int     // offset in Raw of the first byte that is not trivia
	delim  []byte  // the delimiter in force (never modified in place)
}

// Insert returns the parsed rows of an INSERT/REPLACE statement, else nil
// (also nil when the Reader skips values).
func (s *Statement) Insert() *Insert { return s.insert }

// Table returns the schema of a CREATE TABLE statement, else nil.
func (s *Statement) Table() *Table { return s.table }

// Code returns the statement without its leading comments and whitespace.
func (s *Statement) Code() []byte { return s.Raw[s.code:] }

// ErrXML is returned for dumps made with --xml, which are out of scope.
var ErrXML = errors.New("sqldump: XML dumps (mysqldump --xml) are not supported; dump as SQL")

// DefaultMaxStatement bounds the size of one statement (MySQL's own limit,
// max_allowed_packet, is at most 1 GiB).
const DefaultMaxStatement = 1 << 30

// MaxStatementLimit is the largest MaxStatement honoured (a value's
// offsets in its statement are 32-bit).
const MaxStatementLimit = 1 << 31

// Reader reads statements from a dump.
type Reader struct {
	// MaxStatement bounds one statement's size; 0 means DefaultMaxStatement.
	MaxStatement int
	// SkipValues makes INSERT statements pass without parsing their rows
	// (Statement.Insert is nil): a quick pass for the schema alone.
	SkipValues bool

	src   io.Reader
	gz    *gzip.Reader
	buf   []byte
	start int // first unconsumed byte in buf
	end   int // end of valid data in buf
	eof   bool
	rerr  error // read error other than io.EOF

	offset int64 // stream offset of buf[start]
	line   int   // line number at buf[start]
	col    int   // bytes between the last newline and buf[start]
	delim  []byte
	db     string
	err    error // sticky

	st       Statement
	ins      Insert
	schema   Schema
	warnings []Warning
}

// Warning is a problem the reader worked around, such as a CREATE TABLE that
// the SQL parser rejected and the tolerant scanner read instead.
type Warning struct {
	Line  int
	Table string
	Msg   string
}

func (w Warning) String() string {
	if w.Table != "" {
		return fmt.Sprintf("line %d: table %s: %s", w.Line, w.Table, w.Msg)
	}
	return fmt.Sprintf("line %d: %s", w.Line, w.Msg)
}

// NewReader returns a Reader for r, which may be plain SQL or gzip
// (detected by its magic bytes; inflated with klauspost/compress, a
// quarter faster than the standard library's).
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	var src io.Reader = br
	var gz *gzip.Reader
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		var err error
		gz, err = gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("sqldump: gzip header: %w", err)
		}
		src = gz
	}
	return &Reader{
		src:   src,
		gz:    gz,
		buf:   make([]byte, 256<<10),
		line:  1,
		delim: []byte{';'},
		schema: Schema{
			tables: map[string]*Table{},
		},
	}, nil
}

// Schema returns the tables defined so far by CREATE TABLE statements.
func (r *Reader) Schema() *Schema { return &r.schema }

// Warnings returns the problems worked around so far.
func (r *Reader) Warnings() []Warning { return r.warnings }

// Offset returns the number of (decompressed) bytes consumed so far.
func (r *Reader) Offset() int64 { return r.offset }

func (r *Reader) warn(line int, table, msg string) {
	if len(r.warnings) < 1000 {
		r.warnings = append(r.warnings, Warning{Line: line, Table: table, Msg: msg})
	}
}

// more reads more input into buf, growing it if full. It reports false at
// end of input or on a read error (kept in r.rerr).
func (r *Reader) more() bool {
	if r.eof || r.rerr != nil {
		return false
	}
	if r.end == len(r.buf) {
		max := r.MaxStatement
		if max <= 0 {
			max = DefaultMaxStatement
		}
		max = min(max, MaxStatementLimit)
		if r.end-r.start >= max {
			r.rerr = fmt.Errorf("statement larger than %d bytes", max)
			return false
		}
		nb := make([]byte, 2*len(r.buf))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if err == io.EOF {
			r.eof = true
			return n > 0
		}
		if err != nil {
			r.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.rerr = io.ErrNoProgress
	return false
}

// has reports whether buf[i:i+n] is available, reading more if needed.
func (r *Reader) has(i, n int) bool {
	for i+n > r.end {
		if !r.more() {
			return false
		}
	}
	return true
}

// Next returns the next statement, or io.EOF at the end of the input. Any
// other error is a *ParseError or a read error, and is returned again by
// every later call.
func (r *Reader) Next() (*Statement, error) {
	if r.err != nil {
		return nil, r.err
	}
	st, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return st, nil
}

func (r *Reader) next() (*Statement, error) {
	// Compact: keep the unconsumed tail at the front once it has drifted
	// past half the buffer, so the buffer only grows for big statements.
	if r.start > 0 && r.start >= len(r.buf)/2 {
		n := copy(r.buf, r.buf[r.start:r.end])
		r.start, r.end = 0, n
	}
	if r.start == r.end && !r.more() {
		if r.rerr != nil {
			return nil, r.readErr(r.start)
		}
		return nil, io.EOF
	}
	if r.offset == 0 && r.has(0, 5) && (bytes.HasPrefix(r.buf[r.start:r.end], []byte("<?xml")) || bytes.HasPrefix(r.buf[r.start:r.end], []byte("\xef\xbb\xbf<?xml"))) {
		return nil, ErrXML
	}

	st := &r.st
	*st = Statement{Offset: r.offset, Line: r.line, Database: r.db, delim: r.delim}
	code, err := r.skipTrivia(r.start)
	if err != nil {
		return nil, err
	}
	var end int
	if code < 0 {
		// Only trivia up to the end of input.
		st.Kind = KindTrivia
		end = r.end
	} else {
		end, err = r.scanStatement(st, code)
		if err != nil {
			return nil, err
		}
		st.code = code - r.start
	}
	st.Raw = r.buf[r.start:end]
	r.offset += int64(end - r.start)
	if n := bytes.Count(st.Raw, []byte{'\n'}); n > 0 {
		r.line += n
		r.col = len(st.Raw) - bytes.LastIndexByte(st.Raw, '\n') - 1
	} else {
		r.col += len(st.Raw)
	}
	r.start = end
	if st.Kind == KindCreateTable {
		st.table = r.parseCreateTable(st)
	}
	return st, nil
}
