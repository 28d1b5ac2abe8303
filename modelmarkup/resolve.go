package modelmarkup

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Names resolve across the files read together, as Python's imports
// would: a base class, a mixin, a helper that returns a Column or a
// ForeignKey target may live in a sibling module. A module of the same
// package that was not given is read from its file beside the given ones
// when a name leads there (its tables are reported when they share a
// given model's declarative base: the same metadata); anything else outside the
// given files is a library, known by name (sqlalchemy, oslo.db's mixins)
// or an error naming what could not be found.

// project is the files read together.
type project struct {
	modules map[string]*module // by dotted name
	given   []*module
	roots   map[string]string // top-level package -> directory holding it
	missing map[string]bool   // module names looked for and not found
	classes map[*pyClass]*class
	made    map[string]*class // declarative bases made by calls, library classes
	err     error             // the first error met while resolving
	depth   int               // guards recursive resolution
}

// module is one Python file.
type module struct {
	name  string // dotted, from the package tree ("octavia.db.models")
	path  string
	pkg   bool // an __init__.py: relative imports start here
	given bool
	src   *pyModule
	syms  map[string]symbol
	stars []*pyImport
	// setattrs are module-level Class.attr = value statements: columns
	// added to a mapped class after its definition.
	setattrs []*pyAssign
}

func newProject() *project {
	return &project{modules: map[string]*module{}, roots: map[string]string{}, missing: map[string]bool{}, classes: map[*pyClass]*class{}, made: map[string]*class{}}
}

func (p *project) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

func (p *project) errf(at Pos, format string, args ...any) {
	p.fail(&SyntaxError{Pos: at, Msg: fmt.Sprintf(format, args...)})
}

// moduleName derives a file's dotted module name from the __init__.py
// files above it, and the directory its top-level package lives in.
func moduleName(path string) (name, root string, pkg bool) {
	dir, base := filepath.Split(filepath.Clean(path))
	dir = filepath.Clean(dir)
	stem := strings.TrimSuffix(base, ".py")
	pkg = stem == "__init__"
	var parts []string
	if !pkg {
		parts = []string{stem}
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "__init__.py")); err != nil {
			break
		}
		parts = append([]string{filepath.Base(dir)}, parts...)
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if len(parts) == 0 {
		parts = []string{stem}
	}
	return strings.Join(parts, "."), dir, pkg
}

// add registers a parsed file.
func (p *project) add(path string, src *pyModule, given bool) *module {
	name, root, pkg := moduleName(path)
	m := &module{name: name, path: path, pkg: pkg, given: given, src: src, syms: map[string]symbol{}}
	if old, ok := p.modules[name]; ok && old.path != path {
		// Two files with one module name (copies outside a package):
		// keep both, addressable by path.
		name = path
		m.name = path
	}
	p.modules[name] = m
	if given {
		p.given = append(p.given, m)
		top, _, _ := strings.Cut(name, ".")
		if _, ok := p.roots[top]; !ok && strings.Contains(name, ".") {
			p.roots[top] = root
		}
	}
	m.bind()
	return m
}

// bind fills a module's namespace in source order: the last binding of a
// name wins, as when Python runs the module.
func (m *module) bind() {
	type binding struct {
		at  Pos
		set func()
	}
	var bs []binding
	for _, imp := range m.src.imports {
		imp := imp
		if imp.star {
			m.stars = append(m.stars, imp)
			continue
		}
		bs = append(bs, binding{imp.at, func() { m.syms[imp.local] = symbol{kind: symImport, mod: m, imp: imp, at: imp.at} }})
	}
	for _, c := range m.src.classes {
		c := c
		bs = append(bs, binding{c.at, func() { m.syms[c.name] = symbol{kind: symClass, mod: m, cls: c, at: c.at} }})
	}
	for _, f := range m.src.funcs {
		f := f
		bs = append(bs, binding{f.at, func() { m.syms[f.name] = symbol{kind: symFunc, mod: m, fn: f, at: f.at} }})
	}
	for _, a := range m.src.assigns {
		a := a
		for _, t := range a.targets {
			t := t
			if strings.Contains(t, ".") {
				continue
			}
			bs = append(bs, binding{a.at, func() {
				m.syms[t] = symbol{kind: symValue, val: a.value, sc: &scope{mod: m}, at: a.at}
			}})
		}
		for _, t := range a.targets {
			if strings.Contains(t, ".") && a.value != nil {
				m.setattrs = append(m.setattrs, a)
				break
			}
		}
	}
	sort.SliceStable(bs, func(i, j int) bool {
		if bs[i].at.Line != bs[j].at.Line {
			return bs[i].at.Line < bs[j].at.Line
		}
		return bs[i].at.Col < bs[j].at.Col
	})
	for _, b := range bs {
		b.set()
	}
}

// load finds a module by dotted name: one read already, or a file of a
// given file's package found beside it. nil for a library.
func (p *project) load(name string) *module {
	if m := p.modules[name]; m != nil {
		return m
	}
	if p.missing[name] || p.err != nil {
		return nil
	}
	top, _, _ := strings.Cut(name, ".")
	root, ok := p.roots[top]
	if !ok {
		p.missing[name] = true
		return nil
	}
	rel := filepath.Join(strings.Split(name, ".")...)
	for _, path := range []string{filepath.Join(root, rel+".py"), filepath.Join(root, rel, "__init__.py")} {
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		mod, err := parseModule(path, string(src))
		if err != nil {
			p.fail(fmt.Errorf("reading %s (module %s, imported by the models): %w", path, name, err))
			return nil
		}
		return p.add(path, mod, false)
	}
	p.missing[name] = true
	return nil
}

// fileFor says where a module of the project would be, for messages.
func (p *project) fileFor(name string) string {
	top, _, _ := strings.Cut(name, ".")
	root, ok := p.roots[top]
	if !ok {
		return ""
	}
	return filepath.Join(root, filepath.Join(strings.Split(name, ".")...)+".py")
}

// absolute turns an import's module into a dotted name.
func (m *module) absolute(imp *pyImport) string {
	if imp.level == 0 {
		return imp.module
	}
	parts := strings.Split(m.name, ".")
	if !m.pkg {
		parts = parts[:len(parts)-1]
	}
	up := imp.level - 1
	if up > len(parts) {
		up = len(parts)
	}
	parts = parts[:len(parts)-up]
	if imp.module != "" {
		parts = append(parts, imp.module)
	}
	return strings.Join(parts, ".")
}

type symKind uint8

const (
	symNone     symKind = iota // not defined anywhere we can see
	symModule                  // a module of the project
	symClass                   // a class of the project
	symFunc                    // a def of the project
	symValue                   // a name bound to an expression
	symImport                  // an import, not yet followed
	symExternal                // a name from a library: ext is its dotted name
)

// symbol is what a name means.
type symbol struct {
	kind symKind
	mod  *module // the module it belongs to (the module itself for symModule)
	cls  *pyClass
	fn   *pyFunc
	imp  *pyImport
	val  node
	sc   *scope // where val's names resolve
	ext  string
	at   Pos
}

// scope is where names are looked up: a function's locals, a class body,
// then the module.
type scope struct {
	mod    *module
	locals map[string]binding
	class  *class // set for a class body
	parent *scope
}

// binding is a name bound to an expression in a scope (a local variable,
// a class attribute, or a parameter bound to a caller's argument).
type binding struct {
	val  node
	sc   *scope
	many []binding // *args / **kwargs bound to several arguments
	kw   []string  // names of the **kwargs bindings
	fn   *pyFunc   // a method (class bodies)
	as   *pyAssign // the class-body statement (annotations)
}

var builtins = map[string]bool{"object": true, "Exception": true, "True": true, "False": true, "None": true,
	"str": true, "int": true, "dict": true, "list": true, "tuple": true, "set": true, "bool": true, "float": true,
	"bytes": true, "type": true, "property": true, "staticmethod": true, "classmethod": true, "super": true}

// lookup resolves a bare name.
func (p *project) lookup(sc *scope, name string) symbol {
	for s := sc; s != nil; s = s.parent {
		if b, ok := s.locals[name]; ok {
			if b.fn != nil {
				return symbol{kind: symFunc, mod: s.mod, fn: b.fn, at: b.fn.at}
			}
			return symbol{kind: symValue, val: b.val, sc: b.sc, at: posOf(b.val)}
		}
		if s.parent == nil && s.mod != nil {
			if sym, ok := s.mod.syms[name]; ok {
				return p.follow(sym)
			}
			for _, star := range s.mod.stars {
				if m := p.load(s.mod.absolute(star)); m != nil {
					if sym, ok := m.syms[name]; ok {
						return p.follow(sym)
					}
				}
			}
		}
	}
	if builtins[name] {
		return symbol{kind: symExternal, ext: "builtins." + name}
	}
	return symbol{kind: symNone, ext: name}
}

// pos is where a binding is written, for messages: its value, else its
// statement (a bare annotation has no value), else or.
func (b binding) pos(or Pos) Pos {
	switch {
	case b.val != nil:
		return b.val.pos()
	case b.as != nil:
		return b.as.at
	}
	return or
}

func posOf(n node) Pos {
	if n == nil {
		return Pos{}
	}
	return n.pos()
}

// follow resolves an import to the module or name it binds.
func (p *project) follow(sym symbol) symbol {
	if sym.kind != symImport {
		return sym
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 100 {
		return symbol{kind: symNone, ext: sym.imp.local}
	}
	imp, m := sym.imp, sym.mod
	mod := m.absolute(imp)
	if imp.name == "" {
		if t := p.load(mod); t != nil {
			return symbol{kind: symModule, mod: t}
		}
		return symbol{kind: symExternal, ext: mod}
	}
	full := imp.name
	if mod != "" {
		full = mod + "." + imp.name
	}
	if t := p.load(full); t != nil {
		return symbol{kind: symModule, mod: t}
	}
	if t := p.load(mod); t != nil {
		if s := p.attr(symbol{kind: symModule, mod: t}, imp.name); s.kind != symNone {
			return s
		}
		return symbol{kind: symNone, ext: full, at: imp.at}
	}
	return symbol{kind: symExternal, ext: full}
}

// attr resolves sym.name.
func (p *project) attr(sym symbol, name string) symbol {
	switch sym.kind {
	case symModule:
		if s, ok := sym.mod.syms[name]; ok {
			return p.follow(s)
		}
		if t := p.load(sym.mod.name + "." + name); t != nil {
			return symbol{kind: symModule, mod: t}
		}
		for _, star := range sym.mod.stars {
			if m := p.load(sym.mod.absolute(star)); m != nil && m != sym.mod {
				if s, ok := m.syms[name]; ok {
					return p.follow(s)
				}
			}
		}
		return symbol{kind: symNone, ext: sym.mod.name + "." + name}
	case symExternal:
		return symbol{kind: symExternal, ext: sym.ext + "." + name}
	case symValue:
		if d := p.deref(sym); d.kind != symValue {
			return p.attr(d, name)
		}
	}
	return symbol{kind: symNone, ext: name}
}

// resolve looks up a dotted name as far as modules and imports go and
// returns the symbol reached and the attribute names left after it (a
// class or a value stops the walk: Class.attr, table.c.col).
func (p *project) resolve(sc *scope, dotted string) (symbol, []string) {
	parts := strings.Split(dotted, ".")
	sym := p.deref(p.lookup(sc, parts[0]))
	for i := 1; i < len(parts); i++ {
		switch sym.kind {
		case symModule, symExternal:
			sym = p.deref(p.attr(sym, parts[i]))
		default:
			return sym, parts[i:]
		}
	}
	return sym, nil
}

// deref follows a name bound to another name (Col = sa.Column).
func (p *project) deref(sym symbol) symbol {
	for i := 0; i < 20 && sym.kind == symValue; i++ {
		n, ok := sym.val.(*nameNode)
		if !ok {
			return sym
		}
		next, rest := p.resolve(sym.sc, n.dotted)
		if len(rest) > 0 {
			if next.kind == symClass {
				if b, ok := p.classOf(next).attr(rest[0]); ok && len(rest) == 1 && b.fn == nil {
					sym = symbol{kind: symValue, val: b.val, sc: b.sc, at: posOf(b.val)}
					continue
				}
			}
			return sym
		}
		sym = next
	}
	return sym
}

// bound finds a name bound in this scope chain's locals.
func (sc *scope) bound(name string) (binding, bool) {
	for s := sc; s != nil; s = s.parent {
		if b, ok := s.locals[name]; ok {
			return b, true
		}
	}
	return binding{}, false
}
