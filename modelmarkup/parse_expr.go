package modelmarkup

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
