package modelmarkup

import "strings"

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
