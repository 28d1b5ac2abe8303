package verify

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/scrub"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// locator says where a match is in one statement: the row and column of
// an INSERT value, or, in any other statement, the token and the DDL
// around it (the object defined, the column definition, the clause).
type locator struct {
	st     *sqldump.Statement
	buf    []byte
	toks   []sqldump.Token
	lexed  bool
	lexOK  bool
	object string // "view `v`", "trigger `t`", "table `t`"
	table  string
	kw     string // "CREATE VIEW", "SET", ...
	// defs: for CREATE TABLE, the column definitions' token ranges.
	defs []def
	// lines before counted (linesBefore): newlines in Raw[:counted],
	// the last at lastNL.
	counted, lines, lastNL int
}

type def struct {
	start, end int // token indexes
	column     string
}

func (l *locator) reset(st *sqldump.Statement) {
	l.st = st
	l.counted, l.lines, l.lastNL = 0, 0, -1
	l.toks = l.toks[:0]
	l.lexed, l.lexOK = false, false
	l.object, l.table, l.kw = "", "", ""
	l.defs = l.defs[:0]
}

// linesBefore counts the newlines before off in the statement and says
// where the last of them is (-1: none); matches come in order, so the
// count goes on from the one before.
func (l *locator) linesBefore(off int) (n, last int) {
	if off < l.counted {
		l.counted, l.lines, l.lastNL = 0, 0, -1
	}
	raw := l.st.Raw
	for {
		i := bytes.IndexByte(raw[l.counted:off], '\n')
		if i < 0 {
			break
		}
		l.lastNL = l.counted + i
		l.lines++
		l.counted = l.lastNL + 1
	}
	l.counted = off
	return l.lines, l.lastNL
}

func (l *locator) hit(j *job, m scrub.Match) Hit {
	h := Hit{Offset: j.offset + int64(m.Start), Length: m.End - m.Start, Kind: m.Kind, Source: m.Source, Statement: l.st.Keyword}
	if n, nl := l.linesBefore(m.Start); n > 0 {
		h.Line = j.line + n
		h.Col = m.Start - nl
	} else {
		h.Line = j.line
		h.Col = j.col + m.Start + 1
	}
	if l.st.Kind == sqldump.KindTrivia {
		h.Statement, h.Context = "the dump's end", "comment"
		return h
	}
	if in := l.st.Insert(); in != nil {
		h.Table = in.Table()
		if row, col, ok := in.ValueAt(m.Start); ok {
			h.Row, h.Context = row+1, "row"
			if names := in.ColumnNames(); col < len(names) {
				h.Column = names[col]
			} else {
				h.Column = fmt.Sprintf("#%d", col+1)
			}
			return h
		}
	}
	l.lex()
	if !l.lexOK {
		h.Context = "text"
		return h
	}
	h.Statement = l.kw
	if h.Table == "" {
		h.Table = l.table
	}
	i := l.tokenAt(m.Start)
	if i < 0 {
		h.Context = "text"
		return h
	}
	t := l.toks[i]
	what := tokenWhat(t.Kind)
	h.partOfName = partOfName(l.st.Raw, t, m.Start, m.End)
	if t.Kind == sqldump.TokComment || t.Kind == sqldump.TokSpace {
		h.Context = what
		return h
	}
	for _, d := range l.defs {
		if i >= d.start && i < d.end {
			h.Column = d.column
			if kw := l.clauseBefore(i, d.start); kw != "" {
				what = kw + " " + what
			}
			h.Context = what
			return h
		}
	}
	if l.st.Table() != nil {
		if kw := l.clauseBefore(i, 0); kw != "" {
			what = "table " + kw + " " + what
		}
	} else if l.object != "" {
		what += " in " + l.object
	}
	h.Context = what
	return h
}

func tokenWhat(k sqldump.TokenKind) string {
	switch k {
	case sqldump.TokComment:
		return "comment"
	case sqldump.TokSpace:
		return "space"
	case sqldump.TokString:
		return "string literal"
	case sqldump.TokIdent, sqldump.TokWord:
		return "name"
	case sqldump.TokHex, sqldump.TokBit:
		return "hex literal"
	case sqldump.TokNumber:
		return "number"
	case sqldump.TokVariable:
		return "variable"
	}
	return "code"
}

// tokenAt is the token holding byte off.
func (l *locator) tokenAt(off int) int {
	lo, hi := 0, len(l.toks)
	for lo < hi {
		m := (lo + hi) / 2
		if l.toks[m].End <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(l.toks) && l.toks[lo].Start <= off {
		return lo
	}
	return -1
}

// clauseBefore is the keyword that introduces token i's clause (DEFAULT,
// COMMENT, CHECK, ...), looking back no further than token from.
func (l *locator) clauseBefore(i, from int) string {
	raw := l.st.Raw
	for k := i - 1; k >= from && k >= i-8; k-- {
		t := l.toks[k]
		if t.Kind != sqldump.TokWord {
			continue
		}
		w := strings.ToUpper(string(t.Text(raw)))
		switch w {
		case "DEFAULT", "COMMENT", "CHECK", "IN", "THAN", "ON", "AS", "VALUES", "CONNECTION", "PASSWORD":
			return w
		}
	}
	return ""
}

// objects a statement can define, and how a hit's context names them.
var objectWords = map[string]string{"TABLE": "table", "VIEW": "view", "TRIGGER": "trigger", "PROCEDURE": "procedure",
	"FUNCTION": "function", "EVENT": "event", "SEQUENCE": "sequence", "DATABASE": "database", "SCHEMA": "database",
	"USER": "user", "SERVER": "server", "TABLES": "table"}

// lex tokenizes the statement once and finds what it defines.
func (l *locator) lex() {
	if l.lexed {
		return
	}
	l.lexed = true
	raw := l.st.Raw
	toks, err := sqldump.AppendTokens(l.toks[:0], raw, l.st.Delimiter())
	l.toks = toks
	if err != nil {
		return
	}
	l.lexOK = true
	var words []string
	for i, t := range toks {
		if !t.IsCode() {
			continue
		}
		if t.Kind == sqldump.TokWord && len(words) < 12 {
			w := strings.ToUpper(string(t.Text(raw)))
			words = append(words, w)
			if obj, ok := objectWords[w]; ok && l.object == "" {
				if name := nextName(toks, i+1, raw); name != "" {
					l.object = obj + " " + name
					if obj == "table" || obj == "view" {
						l.table = name
					}
					l.kw = strings.Join(words, " ")
				}
			}
		}
		if l.object != "" {
			break
		}
	}
	if l.kw == "" {
		l.kw = l.st.Keyword
		if len(words) > 0 {
			l.kw = words[0]
		}
	}
	if t := l.st.Table(); t != nil {
		l.table = t.Name
		l.columnDefs()
	}
}

// nextName is the first name at or after token i (a.b gives b).
func nextName(toks []sqldump.Token, i int, raw []byte) string {
	name := ""
	for ; i < len(toks); i++ {
		t := toks[i]
		switch {
		case !t.IsCode():
			continue
		case t.Kind == sqldump.TokIdent || t.Kind == sqldump.TokWord:
			w := strings.ToUpper(string(t.Text(raw)))
			if t.Kind == sqldump.TokWord && (w == "IF" || w == "NOT" || w == "EXISTS") {
				continue
			}
			name = string(sqldump.TokenValue(nil, raw, t))
		case t.Is(raw, ".") && name != "":
			name = ""
			continue
		default:
			return name
		}
		// a.b: keep going for the part after the dot
		if k := nextCode(toks, i+1); k < len(toks) && toks[k].Is(raw, ".") {
			i = k
			continue
		}
		return name
	}
	return name
}

func nextCode(toks []sqldump.Token, i int) int {
	for i < len(toks) && !toks[i].IsCode() {
		i++
	}
	return i
}

// columnDefs splits a CREATE TABLE's parenthesised body at top-level
// commas and names the definitions that are columns.
func (l *locator) columnDefs() {
	raw := l.st.Raw
	depth, start := 0, -1
	closeDef := func(end int) {
		if start < 0 {
			return
		}
		k := nextCode(l.toks, start)
		if k < end {
			t := l.toks[k]
			w := strings.ToUpper(string(t.Text(raw)))
			if t.Kind == sqldump.TokIdent || t.Kind == sqldump.TokWord && !defKeywords[w] {
				l.defs = append(l.defs, def{start: start, end: end, column: string(sqldump.TokenValue(nil, raw, t))})
			}
		}
	}
	for i, t := range l.toks {
		if t.Kind != sqldump.TokPunct {
			continue
		}
		switch {
		case t.Is(raw, "("):
			depth++
			if depth == 1 && start < 0 {
				start = i + 1
			}
		case t.Is(raw, ")"):
			if depth == 1 {
				closeDef(i)
				return
			}
			depth--
		case t.Is(raw, ",") && depth == 1:
			closeDef(i)
			start = i + 1
		}
	}
}

// defKeywords start definitions that are not columns.
var defKeywords = map[string]bool{"PRIMARY": true, "KEY": true, "INDEX": true, "UNIQUE": true, "CONSTRAINT": true,
	"FOREIGN": true, "CHECK": true, "FULLTEXT": true, "SPATIAL": true, "PERIOD": true, "VECTOR": true}

// partOfName: the match lies inside a name (an identifier of the DDL, or
// a `quoted` name in a comment: "-- Dumping data for table `t`") without
// being all of it. A value found there is a piece of the schema's name,
// chance; a value that is a whole name (a DEFINER's user or host) is not.
func partOfName(raw []byte, t sqldump.Token, start, end int) bool {
	var ns, ne int // the name's content
	switch t.Kind {
	case sqldump.TokIdent:
		ns, ne = t.Start+1, t.End-1
	case sqldump.TokWord:
		ns, ne = t.Start, t.End
	case sqldump.TokComment:
		open := bytes.LastIndexByte(raw[t.Start:start], '`')
		if open < 0 || bytes.Count(raw[t.Start:t.Start+open], []byte("`"))%2 != 0 {
			return false // not inside a quoted name
		}
		ns = t.Start + open + 1
		cl := bytes.IndexByte(raw[ns:t.End], '`')
		if cl < 0 || ns+cl < end {
			return false
		}
		ne = ns + cl
	default:
		return false
	}
	return start > ns || end < ne
}
