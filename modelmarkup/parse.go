package modelmarkup

import (
	"fmt"
	"strings"
)

// A small Python parser: module-level classes and assignments, class-body
// assignments, and full expressions. Function bodies and other compound
// statements are skipped by indentation, which the tokenizer makes exact.

// node is a Python expression.
type node interface{ pos() Pos }

type nameNode struct { // a or a.b.c
	dotted string
	at     Pos
}

type strNode struct { // adjacent literals are concatenated
	value string
	at    Pos
}

type numNode struct {
	text string
	at   Pos
}

type callNode struct {
	fn     node
	args   []node
	kwargs []kwarg
	at     Pos
}

type kwarg struct {
	name  string // "" for **mapping
	value node
}

type seqNode struct { // tuple, list or set
	open  string
	items []node
	at    Pos
}

type dictNode struct {
	keys, values []node
	at           Pos
}

type subscriptNode struct {
	value node
	index []node
	at    Pos
}

type otherNode struct { // operators, lambdas, comprehensions: not needed
	at Pos
}

type starNode struct { // *value in a call's arguments
	value node
	at    Pos
}

func (n *nameNode) pos() Pos      { return n.at }
func (n *strNode) pos() Pos       { return n.at }
func (n *numNode) pos() Pos       { return n.at }
func (n *callNode) pos() Pos      { return n.at }
func (n *seqNode) pos() Pos       { return n.at }
func (n *dictNode) pos() Pos      { return n.at }
func (n *subscriptNode) pos() Pos { return n.at }
func (n *otherNode) pos() Pos     { return n.at }
func (n *starNode) pos() Pos      { return n.at }

// funcName is the dotted name of a call's function, or "".
func (c *callNode) funcName() string {
	if n, ok := c.fn.(*nameNode); ok {
		return n.dotted
	}
	return ""
}

func (c *callNode) kw(name string) node {
	for _, k := range c.kwargs {
		if k.name == name {
			return k.value
		}
	}
	return nil
}

// lastName is the last component of a dotted name: sa.Column → Column.
func lastName(dotted string) string {
	if i := strings.LastIndexByte(dotted, '.'); i >= 0 {
		return dotted[i+1:]
	}
	return dotted
}

type pyClass struct {
	name       string
	bases      []node
	decorators []node
	body       []*pyAssign
	funcs      []*pyFunc
	at         Pos
}

type pyAssign struct {
	targets    []string // dotted names; empty for a bare expression statement
	annotation node
	value      node // nil for a bare annotation
	ret        bool // a return statement (in a function body)
	at         Pos
}

// pyFunc is a def: its top-level simple statements are kept, so that a
// helper returning a Column (or a declared_attr building one in a local
// variable) can be read.
type pyFunc struct {
	name       string
	decorators []node
	params     []pyParam
	body       []*pyAssign // top-level simple statements, returns included
	// nested is set when a return or yield sits inside a compound
	// statement: the function's value then depends on control flow.
	nested bool
	at     Pos
}

// pyParam is one parameter of a def; stars is 1 for *args, 2 for **kw.
type pyParam struct {
	name  string
	stars int
}

// returned is the function's value when it is one top-level return.
func (f *pyFunc) returned() (node, bool) {
	if f.nested {
		return nil, false
	}
	var out node
	for _, a := range f.body {
		if a.ret {
			if out != nil || a.value == nil {
				return nil, false
			}
			out = a.value
		}
	}
	return out, out != nil
}

// pyImport is one name an import statement binds.
type pyImport struct {
	local  string // the bound name
	module string // dotted module, without the leading dots of a relative import
	name   string // the imported attribute (from M import name); "" for import M
	level  int    // leading dots of a relative import
	star   bool   // from M import *
	at     Pos
}

type pyModule struct {
	classes []*pyClass
	assigns []*pyAssign // includes bare expression statements (targets empty)
	funcs   []*pyFunc
	imports []*pyImport
	// hidden lists where a compound statement at module level (if, try,
	// with, for) declares a table: such a table cannot be read as text.
	hidden []Pos
}

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

// importStatement reads import a.b [as c], ... and from [.]a import b
// [as c], ... | (...) | *.
func (p *parser) importStatement() ([]*pyImport, error) {
	kw := p.next()
	dotted := func() (string, error) {
		var parts []string
		for {
			t := p.next()
			if t.kind != tName {
				return "", p.errf(t, "expected a module name, found %s", describe(t))
			}
			parts = append(parts, t.text)
			if !p.isOp(".") {
				return strings.Join(parts, "."), nil
			}
			p.next()
		}
	}
	alias := func() (string, error) {
		if !p.isName("as") {
			return "", nil
		}
		p.next()
		t := p.next()
		if t.kind != tName {
			return "", p.errf(t, "expected a name after 'as', found %s", describe(t))
		}
		return t.text, nil
	}
	var out []*pyImport
	if kw.text == "import" {
		for {
			at := p.peek().pos
			mod, err := dotted()
			if err != nil {
				return nil, err
			}
			as, err := alias()
			if err != nil {
				return nil, err
			}
			if as != "" {
				out = append(out, &pyImport{local: as, module: mod, at: at})
			} else {
				// import a.b binds a; a.b.X resolves through it.
				first, _, _ := strings.Cut(mod, ".")
				out = append(out, &pyImport{local: first, module: first, at: at})
			}
			if !p.isOp(",") {
				break
			}
			p.next()
		}
		return out, p.endOfLine()
	}
	level := 0
	for p.isOp(".") || p.isOp("...") {
		level += len(p.next().text)
	}
	mod := ""
	if !p.isName("import") {
		var err error
		if mod, err = dotted(); err != nil {
			return nil, err
		}
	}
	if t := p.next(); t.kind != tName || t.text != "import" {
		return nil, p.errf(t, "expected 'import', found %s", describe(t))
	}
	if p.isOp("*") {
		t := p.next()
		out = append(out, &pyImport{module: mod, level: level, star: true, at: t.pos})
		return out, p.endOfLine()
	}
	paren := p.isOp("(")
	if paren {
		p.next()
	}
	for {
		if paren && p.isOp(")") {
			break
		}
		t := p.next()
		if t.kind != tName {
			return nil, p.errf(t, "expected a name to import, found %s", describe(t))
		}
		as, err := alias()
		if err != nil {
			return nil, err
		}
		local := t.text
		if as != "" {
			local = as
		}
		out = append(out, &pyImport{local: local, module: mod, name: t.text, level: level, at: t.pos})
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	if paren {
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
	}
	return out, p.endOfLine()
}

// funcDef reads a def: its header is skipped, its body's top-level
// simple statements kept (compound ones skipped, noting any return in
// them).
func (p *parser) funcDef() (*pyFunc, error) {
	kw := p.next()
	if kw.text == "async" {
		if !p.isName("def") {
			// async for / async with at statement level
			return nil, p.skipCompound()
		}
		p.next()
	}
	name := p.next()
	if name.kind != tName {
		return nil, p.errf(name, "expected a function name")
	}
	f := &pyFunc{name: name.text, at: kw.pos}
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	// Parameters: names at the top level of the list, after '(' or ','
	// and any '*' or '**'; annotations and defaults are skipped.
	expectName, stars := true, 0
	for depth := 1; depth > 0; {
		t := p.next()
		switch {
		case t.kind == tEOF || t.kind == tNewline:
			return nil, p.errf(t, "unexpected %s in the parameters of %s", describe(t), f.name)
		case t.kind == tOp && (t.text == "(" || t.text == "[" || t.text == "{"):
			depth++
		case t.kind == tOp && (t.text == ")" || t.text == "]" || t.text == "}"):
			depth--
		case depth == 1 && t.kind == tOp && t.text == ",":
			expectName, stars = true, 0
		case depth == 1 && expectName && t.kind == tOp && (t.text == "*" || t.text == "**"):
			stars = len(t.text)
		case depth == 1 && expectName && t.kind == tName:
			f.params = append(f.params, pyParam{name: t.text, stars: stars})
			expectName = false
		case depth == 1 && t.kind == tOp && t.text == "/":
		default:
			if depth == 1 {
				expectName = false
			}
		}
	}
	if p.isOp("->") {
		p.next()
		if _, err := p.expr(); err != nil {
			return nil, err
		}
	}
	if err := p.expectOp(":"); err != nil {
		return nil, err
	}
	if p.peek().kind != tNewline { // def f(): return x
		return f, p.funcStatement(f)
	}
	p.next()
	for p.peek().kind == tNewline {
		p.next()
	}
	return f, p.block("function", func() error { return p.funcStatement(f) })
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

// funcStatement reads one statement of a function body.
func (p *parser) funcStatement(f *pyFunc) error {
	t := p.peek()
	switch t.kind {
	case tNewline:
		p.next()
		return nil
	case tIndent:
		return p.errf(t, "unexpected indent")
	}
	if t.kind == tOp && t.text == "@" {
		p.next()
		if _, err := p.expr(); err != nil {
			return err
		}
		return p.endOfLine()
	}
	if t.kind == tName {
		switch t.text {
		case "return":
			p.next()
			a := &pyAssign{ret: true, at: t.pos}
			if p.peek().kind != tNewline && p.peek().kind != tEOF && !p.isOp(";") {
				v, err := p.exprList()
				if err != nil {
					return err
				}
				a.value = v
			}
			f.body = append(f.body, a)
			return p.endOfLine()
		case "yield":
			f.nested = true
			return p.skipLine()
		case "match":
			if !p.headerLine() {
				break
			}
			fallthrough
		case "class", "def", "async", "if", "elif", "else", "for", "while", "try", "except", "finally", "with":
			start := p.i
			var err error
			switch t.text {
			case "class":
				_, err = p.classDef()
				start = p.i // its methods' returns are their own
			case "def", "async":
				_, err = p.funcDef()
				start = p.i // a nested def's returns are its own
			default:
				err = p.skipCompound()
			}
			if err != nil {
				return err
			}
			for j := start; j < p.i; j++ {
				if tk := p.toks[j]; tk.kind == tName && (tk.text == "return" || tk.text == "yield") {
					f.nested = true
				}
			}
			return nil
		case "import", "from", "pass", "del", "global", "nonlocal", "assert", "raise", "break", "continue", "print":
			return p.skipLine()
		}
	}
	a, err := p.simpleStatement()
	if err != nil {
		return err
	}
	f.body = append(f.body, a)
	return nil
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

// exprList parses expr (',' expr)* as a tuple when there are commas.
func (p *parser) exprList() (node, error) {
	start := p.peek()
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if !p.isOp(",") {
		return e, nil
	}
	items := []node{e}
	for p.isOp(",") {
		p.next()
		if p.endsList() {
			break
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		items = append(items, e)
	}
	return &seqNode{open: "(", items: items, at: start.pos}, nil
}

func (p *parser) endsList() bool {
	t := p.peek()
	if t.kind == tNewline || t.kind == tEOF {
		return true
	}
	return t.kind == tOp && (t.text == "=" || t.text == ")" || t.text == "]" || t.text == "}" || t.text == ":" || t.text == ";")
}

var binaryOps = map[string]bool{
	"+": true, "-": true, "*": true, "/": true, "//": true, "%": true, "**": true, "@": true,
	"|": true, "&": true, "^": true, "<<": true, ">>": true,
	"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true, ":=": true,
}

// expr parses a full expression: lambda, conditional, binary operators.
func (p *parser) expr() (node, error) {
	start := p.peek()
	if p.isName("lambda") {
		p.next()
		for !p.isOp(":") {
			t := p.next()
			if t.kind == tEOF || t.kind == tNewline {
				return nil, p.errf(t, "expected ':' in lambda")
			}
		}
		p.next()
		if _, err := p.expr(); err != nil {
			return nil, err
		}
		return &otherNode{at: start.pos}, nil
	}
	e, err := p.unary()
	if err != nil {
		return nil, err
	}
	composite := false
	for {
		t := p.peek()
		if t.kind == tOp && binaryOps[t.text] {
			p.next()
		} else if t.kind == tName && (t.text == "and" || t.text == "or" || t.text == "in" || t.text == "is") {
			p.next()
			if p.isName("not") {
				p.next()
			}
		} else if t.kind == tName && t.text == "not" && p.toks[p.i+1].kind == tName && p.toks[p.i+1].text == "in" {
			p.next()
			p.next()
		} else if t.kind == tName && t.text == "if" {
			// x if cond else y
			p.next()
			if _, err := p.orExpr(); err != nil {
				return nil, err
			}
			if !p.isName("else") {
				return nil, p.errf(p.peek(), "expected 'else' in conditional expression")
			}
			p.next()
			if _, err := p.expr(); err != nil {
				return nil, err
			}
			return &otherNode{at: start.pos}, nil
		} else {
			break
		}
		composite = true
		if _, err := p.unary(); err != nil {
			return nil, err
		}
	}
	if composite {
		return &otherNode{at: start.pos}, nil
	}
	return e, nil
}

func (p *parser) unary() (node, error) {
	t := p.peek()
	if t.kind == tOp && (t.text == "-" || t.text == "+" || t.text == "~" || t.text == "*" || t.text == "**") ||
		t.kind == tName && (t.text == "not" || t.text == "await") {
		p.next()
		if _, err := p.unary(); err != nil {
			return nil, err
		}
		return &otherNode{at: t.pos}, nil
	}
	return p.primary()
}

func (p *parser) primary() (node, error) {
	e, err := p.atom()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tOp {
			return e, nil
		}
		switch t.text {
		case ".":
			p.next()
			n := p.next()
			if n.kind != tName {
				return nil, p.errf(n, "expected a name after '.'")
			}
			if nn, ok := e.(*nameNode); ok {
				e = &nameNode{dotted: nn.dotted + "." + n.text, at: nn.at}
			} else {
				e = &otherNode{at: e.pos()}
			}
		case "(":
			p.next()
			args, kwargs, err := p.arguments(")")
			if err != nil {
				return nil, err
			}
			e = &callNode{fn: e, args: args, kwargs: kwargs, at: e.pos()}
		case "[":
			p.next()
			items, err := p.items("]", true)
			if err != nil {
				return nil, err
			}
			e = &subscriptNode{value: e, index: items, at: e.pos()}
		default:
			return e, nil
		}
	}
}

func (p *parser) atom() (node, error) {
	t := p.next()
	switch t.kind {
	case tName:
		switch t.text {
		case "yield", "await":
			// yield [from] expr, await expr: their value is not needed
			if t.text == "yield" && p.isName("from") {
				p.next()
			}
			if !p.endsList() && !p.isOp(",") {
				if _, err := p.exprList(); err != nil {
					return nil, err
				}
			}
			return &otherNode{at: t.pos}, nil
		}
		return &nameNode{dotted: t.text, at: t.pos}, nil
	case tNumber:
		return &numNode{text: t.text, at: t.pos}, nil
	case tString:
		s := t.text
		for p.peek().kind == tString {
			s += p.next().text
		}
		return &strNode{value: s, at: t.pos}, nil
	case tOp:
		switch t.text {
		case "(":
			items, err := p.items(")", false)
			if err != nil {
				return nil, err
			}
			if len(items) == 1 && !p.lastHadComma {
				return items[0], nil
			}
			return &seqNode{open: "(", items: items, at: t.pos}, nil
		case "[":
			items, err := p.items("]", false)
			if err != nil {
				return nil, err
			}
			return &seqNode{open: "[", items: items, at: t.pos}, nil
		case "{":
			return p.dict(t)
		case "...":
			return &otherNode{at: t.pos}, nil
		}
	}
	return nil, p.errf(t, "unexpected %s in expression", describe(t))
}

// items parses a comma-separated list up to close; slices and
// comprehensions are accepted (subscripts allow ':').
func (p *parser) items(close string, subscript bool) ([]node, error) {
	var items []node
	p.lastHadComma = false
	for !p.isOp(close) {
		var e node
		var err error
		if subscript && p.isOp(":") {
			e = &otherNode{at: p.peek().pos}
		} else if e, err = p.expr(); err != nil {
			return nil, err
		}
		if subscript {
			for p.isOp(":") {
				p.next()
				if !p.isOp(",") && !p.isOp(close) && !p.isOp(":") {
					if _, err := p.expr(); err != nil {
						return nil, err
					}
				}
				e = &otherNode{at: e.pos()}
			}
		}
		if p.isName("for") || p.isName("async") {
			if err := p.comprehension(close); err != nil {
				return nil, err
			}
			e = &otherNode{at: e.pos()}
		}
		items = append(items, e)
		p.lastHadComma = false
		if p.isOp(",") {
			p.next()
			p.lastHadComma = true
			continue
		}
		if !p.isOp(close) {
			return nil, p.errf(p.peek(), "expected ',' or %q, found %s", close, describe(p.peek()))
		}
	}
	p.next()
	return items, nil
}

// comprehension skips "for targets in iter [if cond]..." up to close.
func (p *parser) comprehension(close string) error {
	for p.isName("for") || p.isName("async") || p.isName("if") {
		kw := p.next()
		if kw.text == "async" {
			p.next()
		}
		if kw.text == "if" {
			if _, err := p.orExpr(); err != nil {
				return err
			}
			continue
		}
		for !p.isName("in") {
			t := p.next()
			if t.kind == tEOF || t.kind == tOp && t.text == close {
				return p.errf(t, "expected 'in' in comprehension")
			}
		}
		p.next()
		if _, err := p.orExpr(); err != nil {
			return err
		}
	}
	return nil
}

// orExpr is an expression without a conditional 'if' (comprehension
// iterables and filters).
func (p *parser) orExpr() (node, error) {
	start := p.peek()
	if _, err := p.unary(); err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind == tOp && binaryOps[t.text] || t.kind == tName && (t.text == "and" || t.text == "or" || t.text == "is" || t.text == "in" || t.text == "not") {
			p.next()
			if t.text == "is" && p.isName("not") || t.text == "not" && p.isName("in") {
				p.next()
			}
			if _, err := p.unary(); err != nil {
				return nil, err
			}
			continue
		}
		return &otherNode{at: start.pos}, nil
	}
}

func (p *parser) dict(open token) (node, error) {
	d := &dictNode{at: open.pos}
	isSet := false
	for !p.isOp("}") {
		if p.isOp("**") {
			p.next()
			if _, err := p.expr(); err != nil {
				return nil, err
			}
		} else {
			k, err := p.expr()
			if err != nil {
				return nil, err
			}
			if p.isOp(":") {
				p.next()
				v, err := p.expr()
				if err != nil {
					return nil, err
				}
				d.keys = append(d.keys, k)
				d.values = append(d.values, v)
			} else {
				isSet = true
				d.keys = append(d.keys, k)
			}
			if p.isName("for") || p.isName("async") {
				if err := p.comprehension("}"); err != nil {
					return nil, err
				}
			}
		}
		if p.isOp(",") {
			p.next()
			continue
		}
		if !p.isOp("}") {
			return nil, p.errf(p.peek(), "expected ',' or '}', found %s", describe(p.peek()))
		}
	}
	p.next()
	if isSet {
		return &seqNode{open: "{", items: d.keys, at: open.pos}, nil
	}
	return d, nil
}

// arguments parses call arguments up to close.
func (p *parser) arguments(close string) ([]node, []kwarg, error) {
	var args []node
	var kwargs []kwarg
	for !p.isOp(close) {
		switch {
		case p.isOp("**"):
			p.next()
			v, err := p.expr()
			if err != nil {
				return nil, nil, err
			}
			kwargs = append(kwargs, kwarg{value: v})
		case p.isOp("*"):
			star := p.next()
			v, err := p.expr()
			if err != nil {
				return nil, nil, err
			}
			args = append(args, &starNode{value: v, at: star.pos})
		case p.peek().kind == tName && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "=":
			name := p.next().text
			p.next()
			v, err := p.expr()
			if err != nil {
				return nil, nil, err
			}
			kwargs = append(kwargs, kwarg{name: name, value: v})
		default:
			v, err := p.expr()
			if err != nil {
				return nil, nil, err
			}
			if p.isName("for") || p.isName("async") {
				if err := p.comprehension(close); err != nil {
					return nil, nil, err
				}
				v = &otherNode{at: v.pos()}
			}
			args = append(args, v)
		}
		if p.isOp(",") {
			p.next()
			continue
		}
		if !p.isOp(close) {
			return nil, nil, p.errf(p.peek(), "expected ',' or %q in arguments, found %s", close, describe(p.peek()))
		}
	}
	p.next()
	return args, kwargs, nil
}
