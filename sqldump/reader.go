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

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'
}

// skipTrivia skips whitespace and plain comments from i. It returns the
// position of the first code byte, or -1 if the input ends first.
func (r *Reader) skipTrivia(i int) (int, error) {
	j, err := r.skipSpace(i)
	if err != nil {
		return 0, err
	}
	if !r.has(j, 1) {
		if r.rerr != nil {
			return 0, r.readErr(j)
		}
		return -1, nil
	}
	return j, nil
}

// isDashComment reports whether "--" at i starts a comment: MySQL needs a
// space or control character (or the end of input) after the dashes.
func (r *Reader) isDashComment(i int) bool {
	if !r.has(i, 2) || r.buf[i+1] != '-' {
		return false
	}
	if !r.has(i, 3) {
		return true
	}
	c := r.buf[i+2]
	return c <= ' '
}

// isConditional reports whether "/*" at i opens an executable comment
// (/*!NNNNN ... */ or MariaDB's /*M!NNNNN ... */).
func (r *Reader) isConditional(i int) bool {
	if r.has(i, 3) && r.buf[i+2] == '!' {
		return true
	}
	return r.has(i, 4) && r.buf[i+2] == 'M' && r.buf[i+3] == '!'
}

// skipLine returns the position after the next newline (or end of input).
func (r *Reader) skipLine(i int) int {
	for {
		if k := bytes.IndexByte(r.buf[i:r.end], '\n'); k >= 0 {
			return i + k + 1
		}
		i = r.end
		if !r.more() {
			return i
		}
	}
}

// skipBlockComment skips /* ... */ starting at i.
func (r *Reader) skipBlockComment(i int) (int, error) {
	j := i + 2
	for {
		if k := bytes.Index(r.buf[j:r.end], []byte("*/")); k >= 0 {
			return j + k + 2, nil
		}
		if r.end-1 > j {
			j = r.end - 1 // the '*' may be the last byte read
		}
		if !r.more() {
			return 0, r.errAt(i, "unterminated /* comment")
		}
	}
}

// skipQuoted skips a quoted string or identifier whose opening quote is at
// i. Backslash escapes apply to strings, not to `identifiers`. It returns
// the position after the closing quote and whether the literal contains an
// escape or a doubled quote.
func (r *Reader) skipQuoted(i int, q byte) (int, bool, error) {
	backslash := q != '`'
	esc := false
	j, k := i+1, -1 // k: next quote at or after j, once found
	for {
		if k < j {
			idx := bytes.IndexByte(r.buf[j:r.end], q)
			if idx < 0 {
				if backslash {
					for j < r.end {
						b := bytes.IndexByte(r.buf[j:r.end], '\\')
						if b < 0 {
							j = r.end
							break
						}
						esc = true
						j += b + 2
					}
				} else {
					j = r.end
				}
				if !r.more() {
					if r.rerr != nil {
						return 0, false, r.readErr(i)
					}
					return 0, false, r.errAt(i, fmt.Sprintf("unterminated %c...%c literal", q, q))
				}
				continue
			}
			k = j + idx
		}
		if backslash {
			if b := bytes.IndexByte(r.buf[j:k], '\\'); b >= 0 {
				esc = true
				j += b + 2
				continue
			}
		}
		if !r.has(k, 2) {
			if r.rerr != nil {
				return 0, false, r.readErr(k)
			}
			return k + 1, esc, nil
		}
		if r.buf[k+1] == q {
			esc = true
			j = k + 2
			continue
		}
		return k + 1, esc, nil
	}
}

// keyword reads the identifier-like word at i (letters, digits, '_') and
// returns it upper-cased.
func (r *Reader) keyword(i int) string {
	j := i
	for r.has(j, 1) && j-i < 32 && isIdentByte(r.buf[j]) {
		j++
	}
	return string(bytes.ToUpper(r.buf[i:j]))
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}

var sandboxPrefix = []byte("/*M!999999\\-")

// scanStatement classifies the statement whose code starts at i and returns
// the position after it (after the delimiter and the rest of its line).
func (r *Reader) scanStatement(st *Statement, i int) (int, error) {
	c := r.buf[i]
	if c == '/' {
		st.Keyword = "/*!"
		if r.has(i, len(sandboxPrefix)) && bytes.Equal(r.buf[i:i+len(sandboxPrefix)], sandboxPrefix) {
			st.Kind = KindCommand
			st.Keyword = "SANDBOX"
			return r.skipLine(i), nil
		}
	} else {
		st.Keyword = r.keyword(i)
	}
	switch st.Keyword {
	case "DELIMITER":
		return r.scanDelimiter(st, i)
	case "INSERT", "REPLACE":
		st.Kind = KindInsert
		if r.SkipValues {
			end, err := r.scanGeneric(i)
			if err != nil {
				return 0, err
			}
			return r.lineEnd(end), nil
		}
		end, err := r.scanInsert(st, i)
		if err != nil {
			return 0, err
		}
		end = r.lineEnd(end)
		r.ins.raw = r.buf[r.start:end]
		st.insert = &r.ins
		return end, nil
	}
	st.Kind = KindOther
	end, err := r.scanGeneric(i)
	if err != nil {
		return 0, err
	}
	switch st.Keyword {
	case "CREATE":
		if r.isCreateTable(i, end) {
			st.Kind = KindCreateTable
		}
	case "USE":
		st.Kind = KindUse
		name := bytes.TrimSpace(r.buf[i+3 : end-len(r.delim)])
		r.db = unquoteIdent(string(name))
		st.Database = r.db
	}
	return r.lineEnd(end), nil
}

// lineEnd extends a statement ending at i over trailing blanks and one
// newline, so that the next statement starts on its own line.
func (r *Reader) lineEnd(i int) int {
	j := i
	for r.has(j, 1) {
		switch r.buf[j] {
		case ' ', '\t', '\r':
			j++
			continue
		case '\n':
			return j + 1
		}
		return i
	}
	return j
}

func (r *Reader) scanDelimiter(st *Statement, i int) (int, error) {
	st.Kind = KindCommand
	end := r.skipLine(i)
	line := r.buf[i+len("DELIMITER") : end]
	fields := bytes.Fields(line)
	if len(fields) == 0 {
		return 0, r.errAt(i, "DELIMITER without a delimiter")
	}
	r.delim = append([]byte(nil), fields[0]...)
	return end, nil
}

// genericStop marks the bytes scanGeneric must look at: quotes and comment
// starts (the delimiter's first byte is checked apart, it can change).
var genericStop = [256]bool{'\'': true, '"': true, '`': true, '#': true, '-': true, '/': true}

// scanGeneric finds the end of a statement it does not parse: the delimiter
// outside strings, identifiers and plain comments. Executable comments
// (/*! ... */) are code: their contents are scanned like the rest.
func (r *Reader) scanGeneric(i int) (int, error) {
	start := i
	d0 := r.delim[0]
	for {
		if !r.has(i, 1) {
			if r.rerr != nil {
				return 0, r.readErr(i)
			}
			return 0, r.errAt(start, "unexpected end of input: statement not terminated by "+r.delimName()+" (truncated dump?)")
		}
		c := r.buf[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j, _, err := r.skipQuoted(i, c)
			if err != nil {
				return 0, err
			}
			i = j
		case c == '#' || (c == '-' && r.isDashComment(i)):
			i = r.skipLine(i)
		case c == '/' && r.has(i, 2) && r.buf[i+1] == '*':
			if r.isConditional(i) {
				i += 3
				continue
			}
			j, err := r.skipBlockComment(i)
			if err != nil {
				return 0, err
			}
			i = j
		case c == d0 && r.has(i, len(r.delim)) && bytes.Equal(r.buf[i:i+len(r.delim)], r.delim):
			return i + len(r.delim), nil
		default:
			// Skip the run of bytes that can't start anything above.
			i++
			for i < r.end && !genericStop[r.buf[i]] && r.buf[i] != d0 {
				i++
			}
		}
	}
}

// isCreateTable reports whether the CREATE statement in buf[i:end] creates
// a table (CREATE [OR REPLACE] [TEMPORARY] TABLE).
func (r *Reader) isCreateTable(i, end int) bool {
	words := bytes.Fields(r.buf[i:min(end, i+64)])
	for k, w := range words {
		if k == 0 {
			continue
		}
		switch string(bytes.ToUpper(w)) {
		case "OR", "REPLACE", "TEMPORARY":
			continue
		case "TABLE":
			return true
		}
		return false
	}
	return false
}

// unquoteIdent strips backquotes from a possibly quoted identifier.
func unquoteIdent(s string) string {
	if len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		return string(bytes.ReplaceAll([]byte(s[1:len(s)-1]), []byte("``"), []byte("`")))
	}
	return s
}
