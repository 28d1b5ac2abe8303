package sqldump

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
)

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
	// Most literals of a dump are short and plain: eight bytes at a time
	// (stopAt) find their end sooner than two IndexByte calls. This stops
	// at the first backslash or quote; what is not plainly the end is
	// left to the loop below, from there (buf[i+1:j] holds neither).
	if backslash {
		buf := r.buf[:r.end]
		for lim := min(len(buf)-9, j+shortLiteral); j <= lim; j += 8 {
			if m := stopAt(le64(buf[j:]), q); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				if buf[j] == q && buf[j+1] != q {
					return j + 1, false, nil
				}
				break
			}
		}
	}
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

// shortLiteral is how far skipQuoted looks eight bytes at a time.
const shortLiteral = 64

// stopAt flags (0x80) the bytes of w, eight bytes of a literal quoted
// with q, that are q or a backslash: the lowest flag is exact (a
// borrow only runs upward from a flagged byte), which is all skipQuoted
// uses.
func stopAt(w uint64, q byte) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x, y := w^(lo*uint64(q)), w^(lo*'\\')
	return ((x-lo)&^x | (y-lo)&^y) & hi
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

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
