package sqldump

import (
	"bytes"
	"fmt"
)

// The lexer splits the statements the Reader does not parse into rows
// (views, triggers, routines, events, CREATE TABLE, SET, comments) into
// tokens, so that a caller can find every literal and identifier in them
// and rewrite exactly those bytes. It knows MySQL's lexical rules, not what
// a statement means.

// TokenKind classifies a token.
type TokenKind uint8

const (
	// TokSpace is a run of whitespace.
	TokSpace TokenKind = iota
	// TokComment is a comment that is not code: "-- ...", "# ..." (both
	// without their newline), "/* ... */" and optimizer hints "/*+ ... */".
	TokComment
	// TokCondOpen opens an executable comment: "/*!", "/*!50013",
	// "/*M!100005". What follows, up to its TokCondClose, is code.
	TokCondOpen
	// TokCondClose is the "*/" that closes an executable comment.
	TokCondClose
	// TokWord is an unquoted identifier or keyword (also a charset
	// introducer such as _utf8mb4).
	TokWord
	// TokIdent is a `backquoted` identifier.
	TokIdent
	// TokString is a '...' or "..." literal, N'...' included.
	TokString
	// TokHex is X'...' or 0x....
	TokHex
	// TokBit is B'...' or 0b....
	TokBit
	// TokNumber is an integer, decimal or float literal (without sign).
	TokNumber
	// TokVariable is @name, @@name or @@global.name.
	TokVariable
	// TokPunct is an operator or punctuation: ( ) , . = <> <=> := ...
	TokPunct
	// TokDelimiter is the statement's delimiter (";" or what DELIMITER set).
	TokDelimiter
)

var tokenNames = [...]string{"space", "comment", "cond-open", "cond-close", "word", "ident", "string", "hex", "bit", "number", "variable", "punct", "delimiter"}

func (k TokenKind) String() string {
	if int(k) < len(tokenNames) {
		return tokenNames[k]
	}
	return fmt.Sprintf("TokenKind(%d)", k)
}

// Token is one token: its kind and its byte range in the lexed text.
type Token struct {
	Kind       TokenKind
	Start, End int
}

// Text returns the token's bytes in src (the text that was lexed).
func (t Token) Text(src []byte) []byte { return src[t.Start:t.End] }

// Is reports whether t is the unquoted word (case-insensitive) or the
// punctuation s.
func (t Token) Is(src []byte, s string) bool {
	return (t.Kind == TokWord || t.Kind == TokPunct) && t.End-t.Start == len(s) && bytes.EqualFold(src[t.Start:t.End], []byte(s))
}

// IsCode reports whether the token is code (not space, a comment or an
// executable comment's markers).
func (t Token) IsCode() bool { return t.Kind > TokCondClose }

// LexError is a lexical error at a byte offset of the lexed text.
type LexError struct {
	Offset int
	Msg    string
}

func (e *LexError) Error() string { return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg) }

// Lex splits src into tokens. delim is the delimiter in force (";" when
// empty); src is usually a Statement's Raw, trivia and trailing newline
// included. Every byte of src belongs to exactly one token.
func Lex(src, delim []byte) ([]Token, error) {
	return AppendTokens(nil, src, delim)
}

// AppendTokens is Lex appending to toks.
func AppendTokens(toks []Token, src, delim []byte) ([]Token, error) {
	if len(delim) == 0 {
		delim = []byte{';'}
	}
	depth := 0 // executable comments open
	for i := 0; i < len(src); {
		start := i
		c := src[i]
		kind := TokPunct
		switch {
		case bytes.HasPrefix(src[i:], delim):
			kind, i = TokDelimiter, i+len(delim)
		case isSpace(c):
			kind = TokSpace
			for i < len(src) && isSpace(src[i]) {
				i++
			}
		case c == '#' || c == '-' && i+1 < len(src) && src[i+1] == '-' && (i+2 == len(src) || src[i+2] <= ' '):
			kind = TokComment
			if k := bytes.IndexByte(src[i:], '\n'); k >= 0 {
				i += k
			} else {
				i = len(src)
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			if n := condOpen(src[i:]); n > 0 {
				kind, i = TokCondOpen, i+n
				depth++
				break
			}
			k := bytes.Index(src[i+2:], []byte("*/"))
			if k < 0 {
				return toks, &LexError{start, "unterminated /* comment"}
			}
			kind, i = TokComment, i+2+k+2
		case c == '*' && depth > 0 && i+1 < len(src) && src[i+1] == '/':
			kind, i = TokCondClose, i+2
			depth--
		case c == '\'' || c == '"':
			kind = TokString
			j, err := endQuoted(src, i)
			if err != nil {
				return toks, err
			}
			i = j
		case c == '`':
			kind = TokIdent
			j, err := endQuoted(src, i)
			if err != nil {
				return toks, err
			}
			i = j
		case (c == 'x' || c == 'X' || c == 'b' || c == 'B' || c == 'n' || c == 'N') && i+1 < len(src) && src[i+1] == '\'':
			j, err := endQuoted(src, i+1)
			if err != nil {
				return toks, err
			}
			kind, i = TokString, j
			switch c {
			case 'x', 'X':
				kind = TokHex
			case 'b', 'B':
				kind = TokBit
			}
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			kind, i = lexNumber(src, i)
		case c == '@':
			j := i + 1
			if j < len(src) && src[j] == '@' {
				j++
			}
			for j < len(src) && (isIdentByte(src[j]) || src[j] == '.') {
				j++
			}
			if j > i+1 && src[j-1] != '@' {
				kind = TokVariable
			} else {
				j = i + 1 // "@" before a quoted name: user@'host'
			}
			i = j
		case isIdentByte(c):
			kind = TokWord
			for i < len(src) && isIdentByte(src[i]) {
				i++
			}
		default:
			i += punctLen(src[i:])
		}
		toks = append(toks, Token{Kind: kind, Start: start, End: i})
	}
	if depth > 0 {
		return toks, &LexError{len(src), "unterminated /*! executable comment"}
	}
	return toks, nil
}

// condOpen returns the length of an executable comment's opening at the
// start of b ("/*!50013", "/*M!100005"), or 0.
func condOpen(b []byte) int {
	var n int
	switch {
	case bytes.HasPrefix(b, []byte("/*!")):
		n = 3
	case bytes.HasPrefix(b, []byte("/*M!")):
		n = 4
	default:
		return 0
	}
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	return n
}

// endQuoted returns the position after the literal or identifier whose
// opening quote is at i.
func endQuoted(src []byte, i int) (int, error) {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if q != '`' {
				j++
			}
		case q:
			if j+1 < len(src) && src[j+1] == q {
				j++
				continue
			}
			return j + 1, nil
		}
	}
	return 0, &LexError{i, fmt.Sprintf("unterminated %c...%c literal", q, q)}
}

// lexNumber reads a number at i; a run such as 1abc is an identifier, as
// MySQL reads it, and 0x1F/0b101 are hex and bit literals.
func lexNumber(src []byte, i int) (TokenKind, int) {
	j := i
	for j < len(src) && isIdentByte(src[j]) {
		j++
	}
	word := src[i:j]
	if len(word) > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'b') {
		ok := true
		for _, c := range word[2:] {
			if word[1] == 'x' && hexDigitOK(c) || word[1] == 'b' && (c == '0' || c == '1') {
				continue
			}
			ok = false
		}
		if ok {
			if word[1] == 'x' {
				return TokHex, j
			}
			return TokBit, j
		}
	}
	// digits [. digits] [e [+-] digits]
	k := i
	for k < len(src) && src[k] >= '0' && src[k] <= '9' {
		k++
	}
	if k < len(src) && src[k] == '.' {
		k++
		for k < len(src) && src[k] >= '0' && src[k] <= '9' {
			k++
		}
	}
	if k < len(src) && (src[k] == 'e' || src[k] == 'E') {
		e := k + 1
		if e < len(src) && (src[e] == '+' || src[e] == '-') {
			e++
		}
		if e < len(src) && src[e] >= '0' && src[e] <= '9' {
			for e < len(src) && src[e] >= '0' && src[e] <= '9' {
				e++
			}
			k = e
		}
	}
	if k < len(src) && isIdentByte(src[k]) && src[i] != '.' {
		return TokWord, j // 1abc, 2e: identifiers
	}
	return TokNumber, k
}

func hexDigitOK(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

var puncts3 = []string{"<=>", "->>"}
var puncts2 = []string{"<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "->"}

func punctLen(b []byte) int {
	for _, p := range puncts3 {
		if bytes.HasPrefix(b, []byte(p)) {
			return 3
		}
	}
	for _, p := range puncts2 {
		if bytes.HasPrefix(b, []byte(p)) {
			return 2
		}
	}
	return 1
}

// TokenValue appends the value of a TokString, TokHex, TokIdent or
// TokBit token of src to dst: the unescaped string, the decoded bytes, the
// unquoted name. Other tokens append their text.
func TokenValue(dst, src []byte, t Token) []byte {
	lit := src[t.Start:t.End]
	switch t.Kind {
	case TokString:
		if lit[0] == 'n' || lit[0] == 'N' {
			lit = lit[1:]
		}
		return unescape(dst, lit[1:len(lit)-1], lit[0])
	case TokIdent:
		return append(dst, bytes.ReplaceAll(lit[1:len(lit)-1], []byte("``"), []byte("`"))...)
	case TokHex:
		return Value{Kind: KindHex, Raw: lit}.Bytes(dst)
	case TokBit:
		return Value{Kind: KindBit, Raw: lit}.Bytes(dst)
	}
	return append(dst, lit...)
}

// QuoteIdent appends name as a `backquoted` identifier.
func QuoteIdent(dst []byte, name string) []byte {
	dst = append(dst, '`')
	dst = append(dst, bytes.ReplaceAll([]byte(name), []byte("`"), []byte("``"))...)
	return append(dst, '`')
}

// AppendHex appends b as an X'...' literal (upper-case digits).
func AppendHex(dst, b []byte) []byte {
	const digits = "0123456789ABCDEF"
	dst = append(dst, 'X', '\'')
	for _, c := range b {
		dst = append(dst, digits[c>>4], digits[c&15])
	}
	return append(dst, '\'')
}

// Delimiter returns the delimiter in force for the statement (";" unless
// a DELIMITER command changed it).
func (s *Statement) Delimiter() []byte {
	if len(s.delim) == 0 {
		return []byte{';'}
	}
	return s.delim
}

// Trivia returns the comments and whitespace before the statement's code
// (all of Raw for a KindTrivia statement).
func (s *Statement) Trivia() []byte {
	if s.Kind == KindTrivia {
		return s.Raw
	}
	return s.Raw[:s.code]
}
