package sqldump

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ParseError reports where a dump could not be read. Line and Column
// locate the problem (1-based; Column counts bytes, as encoding/csv does),
// Offset is its byte offset in the decompressed input, and StartLine the
// line where the statement holding it begins.
//
// It never holds the dump's data: a dump's cells are what fuzzy exists to
// hide, and error messages end up in CI logs. Statement keeps only the
// statement's leading keywords and names, and messages say what kind of
// token was found (a string, a number, a word), not its text.
type ParseError struct {
	StartLine int
	Line      int
	Column    int
	Offset    int64
	Table     string // the table the statement is about, if known
	Statement string // the statement's head: keywords and names up to the first literal
	Err       error
}

func (e *ParseError) Error() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "sqldump: line %d, column %d (byte %d)", e.Line, e.Column, e.Offset)
	if e.Table != "" {
		fmt.Fprintf(&b, ", table %s", e.Table)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.Statement != "" {
		fmt.Fprintf(&b, "\n  in statement starting at line %d: %s ...", e.StartLine, e.Statement)
	}
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// errAt builds a ParseError for position i of the statement being read
// (which starts at r.start).
func (r *Reader) errAt(i int, msg string) error {
	return r.errAtErr(i, errors.New(msg))
}

func (r *Reader) errAtErr(i int, err error) error {
	if i > r.end {
		i = r.end
	}
	if i < r.start {
		i = r.start
	}
	seg := r.buf[r.start:i]
	line := r.line + bytes.Count(seg, []byte{'\n'})
	col := r.col + i - r.start + 1
	if nl := bytes.LastIndexByte(seg, '\n'); nl >= 0 {
		col = len(seg) - nl
	}
	// Show the statement from its first code byte.
	code, startLine := r.start, r.line
	for code < r.end && isSpace(r.buf[code]) {
		if r.buf[code] == '\n' {
			startLine++
		}
		code++
	}
	return &ParseError{
		StartLine: startLine,
		Line:      line,
		Column:    col,
		Offset:    r.offset + int64(i-r.start),
		Table:     r.ins.table,
		Statement: statementHead(r.buf[code:r.end]),
		Err:       err,
	}
}

// readErr wraps an I/O error (including a corrupt gzip stream) with the
// position reached.
func (r *Reader) readErr(i int) error {
	return r.errAtErr(i, fmt.Errorf("reading input: %w", r.rerr))
}

// statementHead is the start of a statement that names it without
// showing data: bare words and `quoted` names (with '.' between them),
// up to the first literal, '(', '=', '@' (a DEFINER's host), or anything
// else. "INSERT INTO `users` VALUES (1,'a@b.c')" gives "INSERT INTO
// `users` VALUES".
func statementHead(stmt []byte) string {
	switch {
	case bytes.HasPrefix(stmt, []byte("/*")) && !bytes.HasPrefix(stmt, []byte("/*!")):
		return "/* (comment)"
	case bytes.HasPrefix(stmt, []byte("--")) || bytes.HasPrefix(stmt, []byte("#")):
		return "-- (comment)"
	}
	var b strings.Builder
	i, words := 0, 0
	// A conditional comment's opening: /*!50003 CREATE ...
	if bytes.HasPrefix(stmt, []byte("/*!")) {
		j := 3
		for j < len(stmt) && stmt[j] >= '0' && stmt[j] <= '9' {
			j++
		}
		b.Write(stmt[:j])
		i = j
	}
	for i < len(stmt) && words < 8 && b.Len() < 120 {
		c := stmt[i]
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '`':
			j := i + 1
			for j < len(stmt) && stmt[j] != '`' && stmt[j] != '\n' {
				j++
			}
			if j == len(stmt) || stmt[j] != '`' || j-i > 66 {
				i = len(stmt)
				continue
			}
			j++
			sep(&b, stmt, i)
			b.Write(stmt[i:j])
			i = j
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_':
			j := i
			for j < len(stmt) && (isIdentByte(stmt[j]) && stmt[j] < 0x80) {
				j++
			}
			if j-i > 64 {
				i = len(stmt)
				continue
			}
			sep(&b, stmt, i)
			b.Write(stmt[i:j])
			i = j
		case c == '.' && b.Len() > 0:
			b.WriteByte('.')
			i++
			continue
		default:
			i = len(stmt) // stop
			continue
		}
		words++
	}
	if b.Len() == 0 {
		return describe(stmt)
	}
	return b.String()
}

// sep writes a space before a word unless it follows a '.'.
func sep(b *strings.Builder, stmt []byte, i int) {
	if b.Len() > 0 && !strings.HasSuffix(b.String(), ".") && (i == 0 || stmt[i-1] != '.') {
		b.WriteByte(' ')
	}
}

// keywords may be quoted in a message: SQL words that say what a
// statement does, never data.
var keywords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`SELECT SET VALUES VALUE ON DUPLICATE KEY UPDATE INTO INSERT REPLACE
		IGNORE DEFAULT NULL TRUE FALSE FROM WHERE RETURNING PARTITION AS AND OR NOT
		LOW_PRIORITY DELAYED HIGH_PRIORITY CREATE TABLE ALTER DROP LOCK UNLOCK TABLES
		BEGIN END COMMIT ROW ROWS WITH TABLE DELIMITER NOW CURRENT_TIMESTAMP UNHEX
		CONCAT CHAR CAST CONVERT`) {
		keywords[w] = true
	}
}

// describe says what b starts with, for an error message, without
// showing data: punctuation as itself, SQL keywords by name, and
// otherwise the kind of token: a quoted string, a number, a word.
func describe(b []byte) string {
	if len(b) == 0 {
		return "end of input"
	}
	c := b[0]
	switch {
	case c == '\'' || c == '"':
		return "a quoted string"
	case c == '`':
		return "a quoted name"
	case c >= '0' && c <= '9':
		return "a number"
	case c == '\n':
		return "a line break"
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("control byte 0x%02x", c)
	case c >= 0x80:
		return "a non-ASCII character"
	case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_':
		j := 0
		for j < len(b) && isIdentByte(b[j]) && b[j] < 0x80 {
			j++
		}
		if w := strings.ToUpper(string(b[:j])); keywords[w] {
			return w
		}
		return "a word"
	}
	return fmt.Sprintf("%q", c)
}

// delimName names the statement delimiter: quoted when it is a little
// punctuation (";", ";;", "$$"), else only "the DELIMITER" (a delimiter
// made of words comes from the input and could be anything).
func (r *Reader) delimName() string {
	if len(r.delim) <= 4 {
		for _, c := range r.delim {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80 || c == '\'' || c == '"' {
				return "the DELIMITER"
			}
		}
		return fmt.Sprintf("%q", r.delim)
	}
	return "the DELIMITER"
}

// The SQL parser quotes the text near its error ("near \"'x@y.z'...\"");
// only its position is kept.
var parserNear = regexp.MustCompile(`(?s)\s*near\s*".*$`)

// errParserPanic replaces the panic of the SQL parser (whose value can
// hold a literal).
var errParserPanic = errors.New("SQL parser failed")

// parserMsg is the SQL parser's error without the text it quotes: its
// first line up to "near".
func parserMsg(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = parserNear.ReplaceAllString(s, "")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
