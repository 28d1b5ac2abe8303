package anonymize

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// A statement around the rows as tokens: lookups by position, the
// statement's name and object, its trivia, and the replacements made.

// stmt is one statement being decided: its tokens and the replacements.
type stmt struct {
	e     *Engine
	w     *worker
	st    *sqldump.Statement
	stats *Stats
	src   []byte
	toks  []sqldump.Token
	code  []int          // indices into toks of the code tokens
	repl  map[int][]byte // token index -> replacement bytes
	done  map[int]bool   // literal tokens already decided
	// what the literals of a body refer to (bodies.go)
	trigger string            // the trigger's table
	rows    *worker           // the rows' worker when w is a body's unlinked one (bodies.go)
	warned  map[string]bool   // columns whose unlinked literals were warned of
	tainted map[string]column // variables compared with or assigned to a marked column (bodies_around.go)
	tables  map[string]string // lower-case table name or alias -> table name
	vars    map[string]bool   // lower-case names of parameters and variables
	self    string            // the table a CREATE TABLE defines
	strict  bool              // literals that rows must match (CHECK, partitions)
	check   int               // strict inside a CHECK: its '(' plus one (0: none; ddl_polarity.go)
	unl     *worker           // CREATE TABLE: the body key's worker for literals no row must match (ddl.go)
	head    []string          // the statement's leading words, upper-cased
	triv    struct {
		out           []byte
		done, changed bool
	}
}

func (e *Engine) lex(wk *worker, st *sqldump.Statement, stats *Stats) (*stmt, error) {
	return e.lexSrc(wk, st, stats, st.Raw)
}

// lexTrivia lexes only the comments and whitespace before st's code.
func (e *Engine) lexTrivia(wk *worker, st *sqldump.Statement, stats *Stats) (*stmt, error) {
	return e.lexSrc(wk, st, stats, st.Trivia())
}

func (e *Engine) lexSrc(wk *worker, st *sqldump.Statement, stats *Stats, src []byte) (*stmt, error) {
	x := &stmt{e: e, w: wk, st: st, stats: stats, src: src, repl: map[int][]byte{}, done: map[int]bool{}}
	var err error
	x.toks, err = sqldump.Lex(src, st.Delimiter())
	if err != nil {
		return nil, fmt.Errorf("line %d: statement fuzzy cannot read (%v): it refuses to pass it through", st.Line, err)
	}
	for i, t := range x.toks {
		if t.IsCode() {
			x.code = append(x.code, i)
		}
	}
	return x, nil
}

// tok returns the code token at position p (a zero Token past the end).
func (x *stmt) tok(p int) sqldump.Token {
	if p < 0 || p >= len(x.code) {
		return sqldump.Token{Kind: sqldump.TokSpace}
	}
	return x.toks[x.code[p]]
}

// is reports whether code token p is the word or punctuation s.
func (x *stmt) is(p int, s string) bool {
	return p >= 0 && p < len(x.code) && x.tok(p).Is(x.src, s)
}

func (x *stmt) upper(p int) string {
	t := x.tok(p)
	if t.Kind != sqldump.TokWord {
		return ""
	}
	return strings.ToUpper(string(t.Text(x.src)))
}

// nameAt returns the identifier at p (quoted or not), or "".
func (x *stmt) nameAt(p int) string {
	switch t := x.tok(p); t.Kind {
	case sqldump.TokIdent:
		return string(sqldump.TokenValue(nil, x.src, t))
	case sqldump.TokWord:
		return string(t.Text(x.src))
	}
	return ""
}

// qualified reads name[.name[.name]] from p: the parts and the position
// after them.
func (x *stmt) qualified(p int) ([]string, int) {
	var parts []string
	for {
		n := x.nameAt(p)
		if n == "" {
			return parts, p
		}
		parts = append(parts, n)
		if !x.is(p+1, ".") || x.nameAt(p+2) == "" {
			return parts, p + 1
		}
		p += 2
	}
}

// value decodes the literal at code position p.
func (x *stmt) value(p int) []byte { return sqldump.TokenValue(nil, x.src, x.tok(p)) }

// set replaces the code token at p.
func (x *stmt) set(p int, b []byte) {
	x.repl[x.code[p]] = b
	x.done[x.code[p]] = true
}

// literal renders a replacement for the literal at p in its own form: a
// hex literal stays hex, a number stays a number when the fake is one.
func (x *stmt) literal(p int, v []byte) []byte {
	switch x.tok(p).Kind {
	case sqldump.TokHex, sqldump.TokBit:
		if len(v) == 0 {
			return []byte("''")
		}
		return sqldump.AppendHex(nil, v)
	case sqldump.TokNumber:
		if isNumber(v) {
			return v
		}
	}
	return sqldump.AppendQuoted(nil, v)
}

// out assembles the statement with its replacements.
func (x *stmt) out() []byte {
	var b bytes.Buffer
	b.Grow(len(x.src))
	for i, t := range x.toks {
		if r, ok := x.repl[i]; ok {
			b.Write(r)
			continue
		}
		b.Write(t.Text(x.src))
	}
	return b.Bytes()
}

// line is the line of the statement's code.
func (x *stmt) line() int {
	if len(x.code) == 0 {
		return x.st.Line
	}
	return x.st.Line + bytes.Count(x.src[:x.tok(0).Start], []byte{'\n'})
}

// statementWords may name a statement in a message; any other word of
// its head might be a value (an unquoted user or host).
var statementWords = map[string]bool{"GLOBAL": true, "SESSION": true, "INTO": true, "IMMEDIATE": true, "TEMPORARY": true,
	"MASTER": true, "REPLICATION": true, "SLAVE": true, "REPLICA": true, "PRIVILEGES": true, "PASSWORD": true, "DEFAULT": true}

// name describes the statement without a value: its first word and the
// object it creates, drops or alters.
func (x *stmt) name() string {
	if len(x.head) == 0 {
		return "statement"
	}
	n := x.head[0]
	if obj := x.object(); obj != "" {
		return n + " " + obj
	}
	if len(x.head) > 1 && (statementWords[x.head[1]] || objectWords[x.head[1]]) {
		n += " " + x.head[1]
	}
	return n
}

// trivia returns the leading trivia with the comment policy applied, and
// whether it changed.
func (x *stmt) trivia() ([]byte, bool) {
	if x.triv.done {
		return x.triv.out, x.triv.changed
	}
	x.triv.done = true
	// Trivia ends at the first token that is not space or a comment (an
	// executable comment's opening is code).
	end, at := len(x.toks), len(x.src)
	for i, t := range x.toks {
		if t.Kind != sqldump.TokSpace && t.Kind != sqldump.TokComment {
			end, at = i, t.Start
			break
		}
	}
	x.triv.out = x.src[:at]
	changed := false
	for i := 0; i < end; i++ {
		if x.toks[i].Kind == sqldump.TokComment && x.comment(i) {
			changed = true
		}
	}
	if !changed {
		return x.triv.out, false
	}
	b := []byte{}
	for i := 0; i < end; i++ {
		if r, ok := x.repl[i]; ok {
			b = append(b, r...)
			continue
		}
		b = append(b, x.toks[i].Text(x.src)...)
	}
	x.triv.out, x.triv.changed = b, true
	return b, true
}

// headWords collects the statement's leading words (skipping a DEFINER
// clause and what executable comments wrap).
func (x *stmt) headWords() {
	for p := 0; p < len(x.code) && len(x.head) < 12; p++ {
		if x.is(p, "DEFINER") && x.is(p+1, "=") {
			p = x.userEnd(p+2) - 1
			continue
		}
		if w := x.upper(p); w != "" {
			x.head = append(x.head, w)
		}
	}
}

func (x *stmt) headHas(words ...string) bool {
	for _, w := range words {
		for _, h := range x.head {
			if h == w {
				return true
			}
		}
	}
	return false
}

// objects a CREATE/DROP/ALTER names, in the order they can appear.
var objectWords = map[string]bool{"TABLE": true, "VIEW": true, "TRIGGER": true, "PROCEDURE": true, "FUNCTION": true, "EVENT": true,
	"SEQUENCE": true, "DATABASE": true, "SCHEMA": true, "USER": true, "ROLE": true, "SERVER": true, "INDEX": true, "TABLESPACE": true,
	"PACKAGE": true, "SYNONYM": true, "LOGFILE": true, "KEYS": true}

func (x *stmt) object() string {
	for _, h := range x.head[1:] {
		if objectWords[h] {
			return h
		}
	}
	return ""
}
