package modelmarkup

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
