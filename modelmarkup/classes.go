package modelmarkup

import (
	"fmt"
	"iter"
	"strings"
)

// How SQLAlchemy's declarative mapping decides a class's table, read
// from the class statements: the method resolution order (C3, as
// Python's), mixins and abstract classes whose columns are copied into
// each mapped subclass, mapped superclasses whose columns stay in their
// own table (joined inheritance) or that receive a subclass's columns
// (single-table inheritance), and declared_attr methods.

// class is a class of the project, a declarative base made by a call
// (declarative_base(cls=X)), or a library class known by name.
type class struct {
	name  string
	mod   *module
	py    *pyClass // nil for a made or library class
	ext   string   // a library class's dotted name
	known []Column // a library mixin's columns (oslo.db's)
	decl  bool     // a declarative base: its subclasses are mapped
	at    Pos
	// opaque says why a base could not be read (not found, not a class
	// fuzzy knows): an error only for a class that declares a table.
	opaque error

	sc    *scope             // the class body's scope
	attrs map[string]binding // own attributes, last binding wins
	order []string           // own attribute names, first binding order

	bases    []*class
	mro      []*class
	resolved bool // bases and mro are set
	busy     bool

	// model state
	kindDone   bool
	mapped     bool   // a mapped class (its own table, or single-table)
	owner      *class // the class whose table this class's rows live in
	tablename  string
	table      *callNode // __table__ = Table(...)
	tableSc    *scope
	colsDone   bool
	colsBusy   bool
	model      *Model
	tbl        *table
	stiColumns []Column // single-table subclass columns added to owner
}

// libraryColumns are the columns of library mixins models commonly use,
// known by name (oslo.db's).
var libraryColumns = map[string][]Column{
	"oslo_db.sqlalchemy.models.TimestampMixin":  {{Attr: "created_at", Name: "created_at", Type: "DateTime", Nullable: true}, {Attr: "updated_at", Name: "updated_at", Type: "DateTime", Nullable: true}},
	"oslo_db.sqlalchemy.models.SoftDeleteMixin": {{Attr: "deleted_at", Name: "deleted_at", Type: "DateTime", Nullable: true}, {Attr: "deleted", Name: "deleted", Type: "Integer", Nullable: true}},
	"oslo_db.sqlalchemy.models.ModelBase":       nil,
	"oslo_db.sqlalchemy.models.ModelIterator":   nil,
}

// libraryClass says what a base class from a library is, or false when
// fuzzy does not know it (it may add columns).
func (p *project) libraryClass(ext string) (*class, bool) {
	key := "lib:" + ext
	if c := p.made[key]; c != nil {
		return c, true
	}
	c := &class{name: lastName(ext), ext: ext, resolved: true, kindDone: true}
	c.mro = []*class{c}
	top, _, _ := strings.Cut(ext, ".")
	switch {
	case top == "builtins" || top == "typing" || top == "abc" || top == "collections" || top == "enum":
	case top == "sqlalchemy":
		// SQLAlchemy ships no column mixins; its declarative bases make
		// subclasses mapped.
		switch lastName(ext) {
		case "DeclarativeBase", "DeclarativeBaseNoMeta":
			c.decl = true
		}
	default:
		cols, ok := libraryColumns[ext]
		if !ok {
			return nil, false
		}
		c.known = cols
	}
	p.made[key] = c
	return c, true
}

// classOf returns the class for a symbol naming a project class.
func (p *project) classOf(sym symbol) *class {
	if c := p.classes[sym.cls]; c != nil {
		return c
	}
	c := &class{name: sym.cls.name, mod: sym.mod, py: sym.cls, at: sym.cls.at, attrs: map[string]binding{}}
	c.sc = &scope{mod: sym.mod, locals: map[string]binding{}, class: c, parent: &scope{mod: sym.mod}}
	set := func(name string, b binding) {
		if _, ok := c.attrs[name]; !ok {
			c.order = append(c.order, name)
		}
		c.attrs[name] = b
		if b.fn == nil {
			c.sc.locals[name] = b
		}
	}
	// Own attributes in source order: assignments and defs interleave.
	type item struct {
		at Pos
		a  *pyAssign
		f  *pyFunc
	}
	var items []item
	for _, a := range sym.cls.body {
		items = append(items, item{at: a.at, a: a})
	}
	for _, f := range sym.cls.funcs {
		items = append(items, item{at: f.at, f: f})
	}
	sortItems(items, func(i int) Pos { return items[i].at })
	for _, it := range items {
		if it.f != nil {
			set(it.f.name, binding{fn: it.f, sc: c.sc})
			continue
		}
		for _, t := range it.a.targets {
			if !strings.Contains(t, ".") {
				set(t, binding{val: it.a.value, sc: c.sc, as: it.a})
			}
		}
	}
	// Class.attr = value after the class statement.
	for _, a := range sym.mod.setattrs {
		for _, t := range a.targets {
			cls, attr, ok := strings.Cut(t, ".")
			if !ok || strings.Contains(attr, ".") {
				continue
			}
			if s := p.lookup(&scope{mod: sym.mod}, cls); s.kind == symClass && s.cls == sym.cls {
				set(attr, binding{val: a.value, sc: &scope{mod: sym.mod}, as: a})
			}
		}
	}
	p.classes[sym.cls] = c
	return c
}

func sortItems[T any](items []T, at func(int) Pos) {
	// insertion sort: class bodies are small and mostly sorted
	for i := 1; i < len(items); i++ {
		for j := i; j > 0; j-- {
			a, b := at(j-1), at(j)
			if a.Line < b.Line || a.Line == b.Line && a.Col <= b.Col {
				break
			}
			items[j-1], items[j] = items[j], items[j-1]
		}
	}
}

// attr returns a class's own attribute.
func (c *class) attr(name string) (binding, bool) {
	if c == nil || c.attrs == nil {
		return binding{}, false
	}
	b, ok := c.attrs[name]
	return b, ok
}

// lookupAttr finds an attribute along the MRO (Python's lookup).
func (c *class) lookupAttr(name string) (*class, binding, bool) {
	for _, k := range c.mro {
		if b, ok := k.attr(name); ok {
			return k, b, true
		}
	}
	return nil, binding{}, false
}

// unmapped yields the class, then its bases up to the first mapped one:
// where the class's own table settings (__tablename__, __table_args__,
// __confidential__) may be written. A base's mapped is read when the walk
// reaches it.
func (c *class) unmapped() iter.Seq[*class] {
	return func(yield func(*class) bool) {
		for _, k := range c.mro {
			if k != c && k.mapped || !yield(k) {
				return
			}
		}
	}
}

// resolveBases resolves a class's bases and computes its MRO.
func (p *project) resolveBases(c *class) bool {
	if c.resolved {
		return true
	}
	if c.busy {
		p.errf(c.at, "class %s inherits from itself", c.name)
		return false
	}
	c.busy = true
	defer func() { c.busy = false }()
	if c.py != nil {
		for _, d := range c.py.decorators {
			if n := decoratorName(d); n == "as_declarative" || n == "mapped" {
				c.decl = true
			}
		}
		for _, b := range c.py.bases {
			base := p.baseClass(c, &scope{mod: c.mod}, b)
			if base == nil {
				return false
			}
			if !p.resolveBases(base) {
				return false
			}
			c.bases = append(c.bases, base)
		}
	}
	mro, ok := c3(c)
	if !ok {
		p.errf(c.at, "class %s: its bases have no consistent method resolution order", c.name)
		return false
	}
	c.mro = mro
	c.resolved = true
	return true
}

func decoratorName(d node) string {
	switch v := d.(type) {
	case *nameNode:
		return lastName(v.dotted)
	case *callNode:
		return decoratorName(v.fn)
	}
	return ""
}

// c3 is Python's C3 linearization.
func c3(c *class) ([]*class, bool) {
	var seqs [][]*class
	for _, b := range c.bases {
		seqs = append(seqs, append([]*class(nil), b.mro...))
	}
	seqs = append(seqs, append([]*class(nil), c.bases...))
	out := []*class{c}
	for {
		empty := true
		for _, s := range seqs {
			if len(s) > 0 {
				empty = false
			}
		}
		if empty {
			return out, true
		}
		var next *class
		for _, s := range seqs {
			if len(s) == 0 {
				continue
			}
			cand := s[0]
			inTail := false
			for _, t := range seqs {
				for _, x := range t[min(1, len(t)):] {
					if x == cand {
						inTail = true
					}
				}
			}
			if !inTail {
				next = cand
				break
			}
		}
		if next == nil {
			return nil, false
		}
		out = append(out, next)
		for i, s := range seqs {
			if len(s) > 0 && s[0] == next {
				seqs[i] = s[1:]
			}
		}
	}
}

// baseClass resolves one base expression of class c.
func (p *project) baseClass(c *class, sc *scope, n node) *class {
	switch v := n.(type) {
	case *subscriptNode: // Generic[T]
		return p.baseClass(c, sc, v.value)
	case *callNode:
		return p.madeBase(c, sc, v, v.at)
	case *nameNode:
		sym, rest := p.resolve(sc, v.dotted)
		if len(rest) > 0 {
			return p.opaqueBase(v.at, "class %s: base %s cannot be read as text (an attribute of %s); give the table's rules in a rules file", c.name, v.dotted, strings.TrimSuffix(v.dotted, "."+strings.Join(rest, ".")))
		}
		switch sym.kind {
		case symClass:
			return p.classOf(sym)
		case symValue:
			if call, ok := sym.val.(*callNode); ok {
				return p.madeBase(c, sym.sc, call, v.at)
			}
			return p.opaqueBase(v.at, "class %s: base %s is bound to an expression fuzzy cannot read as text", c.name, v.dotted)
		case symModule:
			return p.opaqueBase(v.at, "class %s: base %s is a module, not a class", c.name, v.dotted)
		case symExternal:
			if lib, ok := p.libraryClass(sym.ext); ok {
				return lib
			}
			return p.opaqueBase(v.at, "class %s: base %s (%s) could not be found: it is not in the files read and not a library class fuzzy knows; pass the file that defines it with the models", c.name, v.dotted, sym.ext)
		default:
			where := ""
			if sym.ext != "" && sym.ext != v.dotted {
				where = " (" + sym.ext + ")"
				if mod, _, ok := cutLastDot(sym.ext); ok {
					if f := p.fileFor(mod); f != "" {
						where += "; look in " + f
					}
				}
			}
			return p.opaqueBase(v.at, "class %s: base %s%s could not be found: it is not defined or imported in the files read; pass the file that defines it with the models", c.name, v.dotted, where)
		}
	}
	return p.opaqueBase(n.pos(), "class %s: a base that fuzzy cannot read as text; give the table's rules in a rules file", c.name)
}

// opaqueBase stands for a base fuzzy cannot read.
func (p *project) opaqueBase(at Pos, format string, args ...any) *class {
	o := &class{name: "?", at: at, resolved: true, kindDone: true, opaque: &SyntaxError{Pos: at, Msg: fmt.Sprintf(format, args...)}}
	o.mro = []*class{o}
	return o
}

func cutLastDot(s string) (string, string, bool) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return "", s, false
	}
	return s[:i], s[i+1:], true
}

// madeBase is a base made by a call: declarative_base(cls=X, ...).
func (p *project) madeBase(c *class, sc *scope, n *callNode, at Pos) *class {
	key := "call:" + n.at.String()
	if b := p.made[key]; b != nil {
		return b
	}
	ec := p.expand(sc, n)
	switch ec.kind {
	case "declarative_base", "generate_base":
	default:
		return p.opaqueBase(at, "class %s: base %s(...) is not a declarative_base(...) call; fuzzy cannot read it as text", c.name, render(n.fn))
	}
	b := &class{name: "declarative_base", mod: sc.mod, at: n.at, decl: true, attrs: map[string]binding{}}
	p.made[key] = b
	if a, ok := ec.kw("cls"); ok {
		base := p.baseClass(c, a.sc, a.n)
		if !p.resolveBases(base) {
			return nil
		}
		b.bases = []*class{base}
	}
	b.mro, _ = c3(b)
	b.resolved = true
	return b
}

// declarative reports whether a class derives from a declarative base.
func (c *class) declarative() bool {
	for _, k := range c.mro {
		if k.decl {
			return true
		}
	}
	return false
}

// classify decides whether a class is mapped and where its table is.
func (p *project) classify(c *class) {
	if c.kindDone || !p.resolveBases(c) {
		return
	}
	c.kindDone = true
	if c.py == nil {
		return
	}
	if b, ok := c.attr("__abstract__"); ok && b.fn == nil && isTrue(b.val) {
		return
	}
	for _, k := range c.mro {
		if k.opaque == nil {
			continue
		}
		// A base that cannot be read may add columns or make the class
		// mapped: fatal for a class that declares a table.
		if _, ok := c.attr("__tablename__"); ok {
			p.fail(k.opaque)
		} else if _, ok := c.attr("__table__"); ok {
			p.fail(k.opaque)
		}
		return
	}
	if !c.declarative() {
		return
	}
	var parent *class // the first mapped class among the bases
	for _, k := range c.mro[1:] {
		p.classify(k)
		if k.mapped {
			parent = k
			break
		}
	}
	if b, ok := c.attr("__table__"); ok && b.fn == nil {
		if n, ok := b.val.(*nameNode); ok && n.dotted == "None" {
			return
		}
		call, ok := b.val.(*callNode)
		if !ok || p.expand(b.sc, call).kind != "Table" {
			p.errf(b.pos(c.at), "class %s: __table__ must be a Table(...) call", c.name)
			return
		}
		c.mapped, c.owner, c.table, c.tableSc = true, c, call, b.sc
		return
	}
	// __tablename__ from the class or a base that is not mapped.
	for k := range c.unmapped() {
		b, ok := k.attr("__tablename__")
		if !ok {
			continue
		}
		name, ok := p.tablename(c, k, b)
		if !ok {
			return
		}
		if name != "" {
			c.mapped, c.owner, c.tablename = true, c, name
			return
		}
		break
	}
	if parent != nil {
		// Single-table inheritance: the rows live in the parent's table.
		c.mapped, c.owner = true, parent.owner
	}
}

// tablename reads a __tablename__ binding; "" for None.
func (p *project) tablename(c, k *class, b binding) (string, bool) {
	val, sc := b.val, b.sc
	if b.fn != nil {
		ret, ok := b.fn.returned()
		if !ok {
			p.errf(b.fn.at, "class %s: __tablename__ is computed by %s.%s(); fuzzy reads models as text and cannot run it: give the table's rules in a rules file (tables: {TABLE: {COLUMN: KIND}})", c.name, k.name, b.fn.name)
			return "", false
		}
		val, sc = ret, p.funcScope(symbol{kind: symFunc, mod: k.mod, fn: b.fn}, nil, nil)
	}
	if n, ok := val.(*nameNode); ok && n.dotted == "None" {
		return "", true
	}
	if s, ok := p.str(arg{val, sc}); ok {
		return s, true
	}
	at := b.pos(c.at)
	if val != nil {
		at = val.pos()
	}
	p.errf(at, "class %s: __tablename__ must be a string literal; fuzzy reads models as text and cannot compute it: give the table's rules in a rules file (tables: {TABLE: {COLUMN: KIND}})", c.name)
	return "", false
}
