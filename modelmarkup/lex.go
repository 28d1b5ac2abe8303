package modelmarkup

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Python tokenizer: enough of the language's lexical rules (strings with
// prefixes and triple quotes, comments, implicit and explicit line joining,
// INDENT/DEDENT) to read model files faithfully, never a guess.

type tokKind uint8

const (
	tEOF tokKind = iota
	tName
	tNumber
	tString
	tOp
	tNewline
	tIndent
	tDedent
)

type token struct {
	kind tokKind
	text string // names, numbers, operators; for strings, the decoded value
	raw  bool   // string had an r prefix
	pos  Pos
}

// Pos is a place in a source file (1-based line and column, in characters).
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// SyntaxError is a source file the reader cannot read.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

type lexer struct {
	src     string
	file    string
	i       int
	line    int
	lineOff int // byte offset of the current line's start
	depth   int // bracket nesting
	indents []int
	toks    []token
	atBOL   bool
}

func tokenize(file, src string) ([]token, error) {
	lx := &lexer{src: src, file: file, line: 1, indents: []int{0}, atBOL: true}
	if err := lx.run(); err != nil {
		return nil, err
	}
	return lx.toks, nil
}

func (lx *lexer) pos(i int) Pos {
	return Pos{File: lx.file, Line: lx.line, Col: utf8.RuneCountInString(lx.src[lx.lineOff:i]) + 1}
}

func (lx *lexer) errf(i int, format string, args ...any) error {
	return &SyntaxError{Pos: lx.pos(i), Msg: fmt.Sprintf(format, args...)}
}

func (lx *lexer) newline(i int) {
	lx.line++
	lx.lineOff = i
}

func (lx *lexer) emit(k tokKind, text string, i int) {
	lx.toks = append(lx.toks, token{kind: k, text: text, pos: lx.pos(i)})
}

func (lx *lexer) run() error {
	src := lx.src
	for lx.i < len(src) {
		if lx.atBOL && lx.depth == 0 {
			if err := lx.indentation(); err != nil {
				return err
			}
			if lx.i >= len(src) {
				break
			}
		}
		i := lx.i
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			lx.i++
		case c == '\r':
			lx.i++
		case c == '\n':
			lx.i++
			if lx.depth == 0 {
				lx.emit(tNewline, "", i)
				lx.atBOL = true
			}
			lx.newline(lx.i)
		case c == '#':
			for lx.i < len(src) && src[lx.i] != '\n' {
				lx.i++
			}
		case c == '\\':
			j := i + 1
			if j < len(src) && src[j] == '\r' {
				j++
			}
			if j >= len(src) || src[j] != '\n' {
				return lx.errf(i, "unexpected character after line continuation")
			}
			lx.i = j + 1
			lx.newline(lx.i)
		case isNameStart(c) || c >= 0x80:
			j := i
			for j < len(src) {
				r, n := utf8.DecodeRuneInString(src[j:])
				if !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
					break
				}
				j += n
			}
			if j == i {
				return lx.errf(i, "unexpected character %q", src[i:i+1])
			}
			word := src[i:j]
			if j < len(src) && (src[j] == '\'' || src[j] == '"') && isStringPrefix(word) {
				if err := lx.str(i, j, word); err != nil {
					return err
				}
				continue
			}
			lx.emit(tName, word, i)
			lx.i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			for j < len(src) && (isNameByte(src[j]) || src[j] == '.' ||
				(src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E') && !strings.HasPrefix(strings.ToLower(src[i:j]), "0x")) {
				j++
			}
			lx.emit(tNumber, src[i:j], i)
			lx.i = j
		case c == '\'' || c == '"':
			if err := lx.str(i, i, ""); err != nil {
				return err
			}
		default:
			op := lx.operator(i)
			if op == "" {
				return lx.errf(i, "unexpected character %q", src[i:i+1])
			}
			switch op {
			case "(", "[", "{":
				lx.depth++
			case ")", "]", "}":
				if lx.depth == 0 {
					return lx.errf(i, "unmatched %q", op)
				}
				lx.depth--
			}
			lx.emit(tOp, op, i)
			lx.i += len(op)
		}
	}
	if lx.depth > 0 {
		return lx.errf(len(src), "unexpected end of file: unclosed bracket")
	}
	end := len(src)
	if n := len(lx.toks); n > 0 && lx.toks[n-1].kind != tNewline && lx.toks[n-1].kind != tDedent {
		lx.emit(tNewline, "", end)
	}
	for len(lx.indents) > 1 {
		lx.indents = lx.indents[:len(lx.indents)-1]
		lx.emit(tDedent, "", end)
	}
	lx.emit(tEOF, "", end)
	return nil
}

// indentation measures a logical line's indent and emits INDENT/DEDENT.
// Blank and comment-only lines do not count.
func (lx *lexer) indentation() error {
	src := lx.src
	for {
		i, col := lx.i, 0
		for i < len(src) {
			switch src[i] {
			case ' ':
				col++
			case '\t':
				col = (col/8 + 1) * 8
			case '\f':
				col = 0
			default:
				goto measured
			}
			i++
		}
	measured:
		if i >= len(src) {
			lx.i = i
			return nil
		}
		if src[i] == '\n' || src[i] == '\r' || src[i] == '#' {
			for i < len(src) && src[i] != '\n' {
				i++
			}
			if i < len(src) {
				i++
				lx.newline(i)
			}
			lx.i = i
			continue
		}
		lx.i = i
		lx.atBOL = false
		top := lx.indents[len(lx.indents)-1]
		switch {
		case col > top:
			lx.indents = append(lx.indents, col)
			lx.emit(tIndent, "", i)
		case col < top:
			for col < lx.indents[len(lx.indents)-1] {
				lx.indents = lx.indents[:len(lx.indents)-1]
				lx.emit(tDedent, "", i)
			}
			if col != lx.indents[len(lx.indents)-1] {
				return lx.errf(i, "unindent does not match any outer indentation level")
			}
		}
		return nil
	}
}

var operators = []string{
	"**=", "//=", ">>=", "<<=", "...", "->", ":=",
	"**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"+", "-", "*", "/", "%", "@", "<", ">", "&", "|", "^", "~", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=", "!",
}

func (lx *lexer) operator(i int) string {
	for _, op := range operators {
		if strings.HasPrefix(lx.src[i:], op) {
			return op
		}
	}
	return ""
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameByte(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

func isStringPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// str reads a string literal whose prefix starts at start and quote at q.
func (lx *lexer) str(start, q int, prefix string) error {
	src := lx.src
	quote := src[q]
	triple := strings.HasPrefix(src[q:], strings.Repeat(string(quote), 3))
	raw := strings.ContainsAny(prefix, "rR")
	startLine, startOff := lx.line, lx.lineOff
	i := q + 1
	if triple {
		i = q + 3
	}
	var b strings.Builder
	for {
		if i >= len(src) {
			lx.line, lx.lineOff = startLine, startOff
			return lx.errf(start, "unterminated string literal")
		}
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			n := src[i+1]
			if n == '\n' {
				lx.newline(i + 2)
				if raw {
					b.WriteString("\\\n")
				}
				i += 2
				continue
			}
			if raw {
				b.WriteByte('\\')
				b.WriteByte(n)
			} else {
				b.WriteString(pyEscape(n))
			}
			i += 2
		case c == quote && (!triple || strings.HasPrefix(src[i:], strings.Repeat(string(quote), 3))):
			end := i + 1
			if triple {
				end = i + 3
			}
			lx.toks = append(lx.toks, token{kind: tString, text: b.String(), raw: raw, pos: Pos{File: lx.file, Line: startLine, Col: utf8.RuneCountInString(src[startOff:start]) + 1}})
			lx.i = end
			return nil
		case c == '\n':
			if !triple {
				lx.line, lx.lineOff = startLine, startOff
				return lx.errf(start, "unterminated string literal (newline inside a single-quoted string)")
			}
			b.WriteByte(c)
			i++
			lx.newline(i)
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// pyEscape decodes the common escapes; others keep their backslash, as
// Python does for unknown escapes.
func pyEscape(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 't':
		return "\t"
	case 'r':
		return "\r"
	case '\\', '\'', '"':
		return string(c)
	case '0':
		return "\x00"
	}
	return "\\" + string(c)
}
