package modelmarkup

import (
	"fmt"
	"strings"
)

// A small Python parser: module-level classes and assignments, class-body
// assignments, and full expressions. Function bodies and other compound
// statements are skipped by indentation, which the tokenizer makes exact.

type parser struct {
	toks         []token
	i            int
	lastHadComma bool   // items() saw a trailing comma: (x,) is a tuple
	decorators   []node // read, waiting for their def or class
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == op
}

func (p *parser) isName(name string) bool {
	t := p.peek()
	return t.kind == tName && t.text == name
}

func (p *parser) errf(t token, format string, args ...any) error {
	return &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expectOp(op string) error {
	t := p.next()
	if t.kind != tOp || t.text != op {
		return p.errf(t, "expected %q, found %s", op, describe(t))
	}
	return nil
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNewline:
		return "end of line"
	case tIndent:
		return "indent"
	case tDedent:
		return "dedent"
	case tString:
		return "a string"
	}
	return fmt.Sprintf("%q", t.text)
}

func parseModule(file, src string) (*pyModule, error) {
	toks, err := tokenize(file, src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	m := &pyModule{}
	for p.peek().kind != tEOF {
		if err := p.statement(m, nil); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// statement parses one statement into the module (cls == nil) or a class.
func (p *parser) statement(m *pyModule, cls *pyClass) error {
	t := p.peek()
	switch t.kind {
	case tNewline:
		p.next()
		return nil
	case tIndent:
		return p.errf(t, "unexpected indent")
	case tDedent:
		return p.errf(t, "unexpected dedent")
	}
	if t.kind == tOp && t.text == "@" { // decorator
		p.next()
		d, err := p.expr()
		if err != nil {
			return err
		}
		p.decorators = append(p.decorators, d)
		return p.endOfLine()
	}
	decorators := p.decorators
	p.decorators = nil
	if t.kind == tName && !(t.text == "match" && !p.headerLine()) {
		switch t.text {
		case "class":
			c, err := p.classDef()
			if err != nil {
				return err
			}
			c.decorators = decorators
			if cls == nil && m != nil {
				m.classes = append(m.classes, c)
			} // nested classes (Meta etc.) are not models
			return nil
		case "def", "async":
			f, err := p.funcDef()
			if err != nil {
				return err
			}
			if f == nil {
				return nil
			}
			f.decorators = decorators
			switch {
			case cls != nil:
				cls.funcs = append(cls.funcs, f)
			case m != nil:
				m.funcs = append(m.funcs, f)
			}
			return nil
		case "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "match":
			start := p.i
			if err := p.skipCompound(); err != nil {
				return err
			}
			if m != nil {
				if at, ok := p.declaresTable(start, p.i); ok {
					m.hidden = append(m.hidden, at)
				}
			}
			return nil
		case "import", "from":
			if m == nil {
				return p.skipLine()
			}
			imps, err := p.importStatement()
			if err != nil {
				return err
			}
			m.imports = append(m.imports, imps...)
			return nil
		case "pass", "del", "global", "nonlocal", "assert", "raise", "break", "continue", "yield", "print":
			return p.skipLine()
		}
	}
	a, err := p.simpleStatement()
	if err != nil {
		return err
	}
	if cls != nil {
		cls.body = append(cls.body, a)
	} else if m != nil {
		m.assigns = append(m.assigns, a)
	}
	return nil
}

// headerLine reports whether the logical line from here ends with ':'
// (a compound statement's header): match is a keyword only then.
func (p *parser) headerLine() bool {
	for j := p.i; j < len(p.toks); j++ {
		switch p.toks[j].kind {
		case tNewline, tEOF:
			return j > p.i && p.toks[j-1].kind == tOp && p.toks[j-1].text == ":"
		}
	}
	return false
}

// declaresTable reports whether the tokens in [from, to) hold a table
// declaration (__tablename__, __table__ or a Table(...) call).
func (p *parser) declaresTable(from, to int) (Pos, bool) {
	for j := from; j < to && j+1 < len(p.toks); j++ {
		t := p.toks[j]
		if t.kind != tName {
			continue
		}
		if t.text == "__tablename__" || t.text == "__table__" || t.text == "Table" && p.toks[j+1].kind == tOp && p.toks[j+1].text == "(" {
			return t.pos, true
		}
	}
	return Pos{}, false
}

// block reads an indented block's statements, up to its dedent.
func (p *parser) block(what string, statement func() error) error {
	if t := p.next(); t.kind != tIndent {
		return p.errf(t, "expected an indented %s body", what)
	}
	for {
		switch p.peek().kind {
		case tDedent:
			p.next()
			return nil
		case tEOF:
			return nil
		}
		if err := statement(); err != nil {
			return err
		}
	}
}

func (p *parser) endOfLine() error {
	t := p.next()
	if t.kind == tOp && t.text == ";" {
		for p.peek().kind != tNewline && p.peek().kind != tEOF {
			p.next()
		}
		t = p.next()
	}
	if t.kind != tNewline && t.kind != tEOF {
		return p.errf(t, "expected end of line, found %s", describe(t))
	}
	return nil
}

func (p *parser) skipLine() error {
	for {
		t := p.next()
		if t.kind == tNewline || t.kind == tEOF {
			return nil
		}
	}
}

// skipCompound skips a compound statement: its header up to ':' and its
// suite (an indented block or the rest of the line).
func (p *parser) skipCompound() error {
	for {
		t := p.next()
		if t.kind == tEOF || t.kind == tNewline {
			return p.errf(t, "expected ':' to end the statement header")
		}
		if t.kind == tOp && t.text == ":" && p.peek().kind == tNewline {
			break
		}
		if t.kind == tOp && t.text == ":" && p.headerDone() {
			return p.skipLine() // one-line suite
		}
	}
	return p.skipSuite()
}

// headerDone reports whether a ':' just read ends a header (rather than
// being a lambda's or slice's): the tokenizer leaves top-level ':' only
// for headers, lambdas and annotations, so look back for lambda.
func (p *parser) headerDone() bool {
	depthLambda := 0
	for j := p.i - 2; j >= 0; j-- {
		t := p.toks[j]
		if t.kind == tNewline || t.kind == tIndent || t.kind == tDedent {
			break
		}
		if t.kind == tName && t.text == "lambda" {
			depthLambda++
		}
		if t.kind == tOp && t.text == ":" {
			depthLambda--
		}
	}
	return depthLambda <= 0
}

func (p *parser) skipSuite() error {
	if p.peek().kind != tNewline {
		return p.skipLine()
	}
	p.next()
	for p.peek().kind == tNewline {
		p.next()
	}
	if t := p.next(); t.kind != tIndent {
		return p.errf(t, "expected an indented block")
	}
	depth := 1
	for depth > 0 {
		t := p.next()
		switch t.kind {
		case tIndent:
			depth++
		case tDedent:
			depth--
		case tEOF:
			return nil
		}
	}
	return nil
}

func (p *parser) classDef() (*pyClass, error) {
	kw := p.next() // class
	name := p.next()
	if name.kind != tName {
		return nil, p.errf(name, "expected a class name")
	}
	c := &pyClass{name: name.text, at: kw.pos}
	if p.isOp("(") {
		p.next()
		args, _, err := p.arguments(")") // keywords (metaclass=...) don't matter here
		if err != nil {
			return nil, err
		}
		c.bases = args
	}
	if err := p.expectOp(":"); err != nil {
		return nil, err
	}
	if p.peek().kind != tNewline { // class X: pass
		return c, p.skipLine()
	}
	p.next()
	if err := p.block("class", func() error { return p.statement(nil, c) }); err != nil {
		return nil, err
	}
	return c, nil
}

// simpleStatement parses assignments, annotated assignments and
// expression statements.
func (p *parser) simpleStatement() (*pyAssign, error) {
	start := p.peek()
	a := &pyAssign{at: start.pos}
	first, err := p.exprList()
	if err != nil {
		return nil, err
	}
	if p.isOp(":") { // annotation
		p.next()
		if a.annotation, err = p.expr(); err != nil {
			return nil, err
		}
		if n, ok := first.(*nameNode); ok {
			a.targets = []string{n.dotted}
		}
		if p.isOp("=") {
			p.next()
			if a.value, err = p.exprList(); err != nil {
				return nil, err
			}
		}
		return a, p.endOfLine()
	}
	value := first
	for p.isOp("=") {
		p.next()
		if n, ok := value.(*nameNode); ok {
			a.targets = append(a.targets, n.dotted)
		}
		if value, err = p.exprList(); err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.kind == tOp && strings.HasSuffix(t.text, "=") && len(t.text) >= 2 && t.text != "==" && t.text != "<=" && t.text != ">=" && t.text != "!=" {
		p.next() // augmented assignment
		if _, err := p.exprList(); err != nil {
			return nil, err
		}
		return &pyAssign{at: start.pos}, p.endOfLine()
	}
	a.value = value
	return a, p.endOfLine()
}
