package sqldump

import (
	"bytes"
	"fmt"
)

// ParseError reports where a dump could not be read. Line and Column
// locate the problem (1-based; Column counts bytes, as encoding/csv does),
// Offset is its byte offset in the decompressed input, and StartLine the
// line where the statement holding it begins.
type ParseError struct {
	StartLine int
	Line      int
	Column    int
	Offset    int64
	Table     string // the table the statement is about, if known
	Statement string // the statement's first line, shortened
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
		fmt.Fprintf(&b, "\n  in statement starting at line %d: %s", e.StartLine, e.Statement)
	}
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// errAt builds a ParseError for position i of the statement being read
// (which starts at r.start).
func (r *Reader) errAt(i int, msg string) error {
	return r.errAtErr(i, fmt.Errorf("%s", msg))
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
	stmt := r.buf[code:r.end]
	if nl := bytes.IndexByte(stmt, '\n'); nl >= 0 {
		stmt = stmt[:nl]
	}
	if len(stmt) > 100 {
		stmt = append(append([]byte(nil), stmt[:100]...), "..."...)
	}
	return &ParseError{
		StartLine: startLine,
		Line:      line,
		Column:    col,
		Offset:    r.offset + int64(i-r.start),
		Table:     r.ins.table,
		Statement: string(stmt),
		Err:       err,
	}
}

// readErr wraps an I/O error (including a corrupt gzip stream) with the
// position reached.
func (r *Reader) readErr(i int) error {
	return r.errAtErr(i, fmt.Errorf("reading input: %w", r.rerr))
}
