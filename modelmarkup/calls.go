package modelmarkup

import "strings"

// call is a call with every argument in the scope its names resolve in:
// a helper's parameters are bound to its caller's arguments.
type call struct {
	kind   string // what is called: Column, Table, ForeignKey, ... ("" unknown)
	ext    string // its dotted name when it comes from a library
	at     Pos
	args   []arg
	kwargs []karg
	sc     *scope // where the call itself is written
}

type arg struct {
	n  node
	sc *scope
}

type karg struct {
	name string
	n    node
	sc   *scope
}

func (c *call) kw(name string) (arg, bool) {
	for _, k := range c.kwargs {
		if k.name == name {
			return arg{k.n, k.sc}, true
		}
	}
	return arg{}, false
}

// expand resolves what a call expression calls; a call to a helper
// function of the project is replaced by what the helper returns, with
// its parameters bound to the arguments (def Table(*a, **k): return
// sa.Table(*a, **k) is sa.Table; def id_column(): return Column(...) is
// that Column).
func (p *project) expand(sc *scope, c *callNode) *call {
	args, kwargs := bindArgs(sc, c)
	return p.expandArgs(sc, c, args, kwargs)
}

func bindArgs(sc *scope, c *callNode) ([]arg, []karg) {
	var args []arg
	var kwargs []karg
	for _, a := range c.args {
		args = append(args, arg{a, sc})
	}
	for _, k := range c.kwargs {
		kwargs = append(kwargs, karg{k.name, k.value, sc})
	}
	return args, kwargs
}

func (p *project) expandArgs(sc *scope, c *callNode, args []arg, kwargs []karg) *call {
	out := &call{at: c.at, sc: sc}
	// Splice *args and **kwargs bound to a helper's variadic parameters.
	for _, a := range args {
		if st, ok := a.n.(*starNode); ok {
			if n, ok := st.value.(*nameNode); ok {
				if b, ok := a.sc.bound(n.dotted); ok && b.many != nil && b.kw == nil {
					for _, m := range b.many {
						out.args = append(out.args, arg{m.val, m.sc})
					}
					continue
				}
			}
		}
		out.args = append(out.args, a)
	}
	for _, k := range kwargs {
		if k.name == "" {
			if n, ok := k.n.(*nameNode); ok {
				if b, ok := k.sc.bound(n.dotted); ok && b.kw != nil {
					for i, m := range b.many {
						out.kwargs = append(out.kwargs, karg{b.kw[i], m.val, m.sc})
					}
					continue
				}
			}
		}
		out.kwargs = append(out.kwargs, k)
	}
	fn, ok := c.fn.(*nameNode)
	if !ok {
		return out
	}
	sym, rest := p.resolve(sc, fn.dotted)
	if len(rest) > 0 {
		out.kind = lastName(fn.dotted)
		return out
	}
	switch sym.kind {
	case symExternal:
		out.ext = sym.ext
		out.kind = lastName(sym.ext)
	case symNone:
		// Not imported (a snippet): known by its name, as SQLAlchemy's.
		out.kind = lastName(fn.dotted)
	case symClass:
		out.kind = "class " + sym.cls.name
	case symFunc:
		ret, ok := sym.fn.returned()
		if !ok || p.depth > 50 {
			out.kind = "def " + sym.fn.name
			return out
		}
		p.depth++
		defer func() { p.depth-- }()
		fsc := p.funcScope(sym, out.args, out.kwargs)
		rc, rsc := p.callValue(fsc, ret)
		if rc == nil {
			out.kind = "def " + sym.fn.name
			return out
		}
		args, kwargs := bindArgs(rsc, rc)
		return p.expandArgs(rsc, rc, args, kwargs)
	}
	return out
}

// callValue is the call an expression is, following names bound to one
// (return base, where base = declarative_base()).
func (p *project) callValue(sc *scope, n node) (*callNode, *scope) {
	for i := 0; i < 20; i++ {
		switch v := n.(type) {
		case *callNode:
			return v, sc
		case *nameNode:
			sym, rest := p.resolve(sc, v.dotted)
			if len(rest) > 0 || sym.kind != symValue {
				return nil, nil
			}
			n, sc = sym.val, sym.sc
		default:
			return nil, nil
		}
	}
	return nil, nil
}

// funcScope binds a function's parameters to a call's arguments and
// adds its top-level local assignments.
func (p *project) funcScope(sym symbol, args []arg, kwargs []karg) *scope {
	f := sym.fn
	parent := &scope{mod: sym.mod}
	sc := &scope{mod: sym.mod, locals: map[string]binding{}, parent: parent}
	i := 0
	named := map[string]bool{}
	for _, prm := range f.params {
		named[prm.name] = true
	}
	for _, prm := range f.params {
		switch prm.stars {
		case 0:
			if i < len(args) {
				sc.locals[prm.name] = binding{val: args[i].n, sc: args[i].sc}
				i++
			}
			for _, k := range kwargs {
				if k.name == prm.name {
					sc.locals[prm.name] = binding{val: k.n, sc: k.sc}
				}
			}
		case 1:
			var many []binding
			for ; i < len(args); i++ {
				many = append(many, binding{val: args[i].n, sc: args[i].sc})
			}
			sc.locals[prm.name] = binding{many: many, val: &otherNode{at: f.at}, sc: sc}
		case 2:
			var many []binding
			var kw []string
			for _, k := range kwargs {
				if k.name != "" && !named[k.name] {
					many = append(many, binding{val: k.n, sc: k.sc})
					kw = append(kw, k.name)
				}
			}
			if kw == nil {
				kw = []string{}
			}
			sc.locals[prm.name] = binding{many: many, kw: kw, val: &otherNode{at: f.at}, sc: sc}
		}
	}
	for _, a := range f.body {
		if a.ret || a.value == nil {
			continue
		}
		for _, t := range a.targets {
			if !strings.Contains(t, ".") {
				sc.locals[t] = binding{val: a.value, sc: sc}
			}
		}
	}
	return sc
}

// str evaluates an expression to a string constant, when it is one.
func (p *project) str(a arg) (string, bool) {
	switch v := a.n.(type) {
	case *strNode:
		return v.value, true
	case *nameNode:
		if a.sc == nil {
			return "", false
		}
		sym := p.deref(p.lookup(a.sc, v.dotted))
		if sym.kind == symValue && !strings.Contains(v.dotted, ".") {
			if s, ok := sym.val.(*strNode); ok {
				return s.value, true
			}
		}
	}
	return "", false
}
