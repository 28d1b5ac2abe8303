package modelmarkup

import (
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// pendingFK is a ForeignKey(...) whose target is resolved once every
// table's columns are known (a target may be Other.id or Other.__table__.c.id).
type pendingFK struct {
	cols   []string
	target []arg // one per column: ForeignKey(target) or a constraint's refcolumns
	at     Pos
	self   *class // the class whose body the target is written in, if any
}

// table is a model being built.
type table struct {
	model *Model
	fks   []pendingFK
	class *class
}

// tableArgs reads __table_args__: constraints, in a tuple possibly
// ending with a dict of options, or a dict alone; from the class or a
// base that is not mapped; a declared_attr method's value too.
func (p *project) tableArgs(c *class, t *table) {
	for k := range c.unmapped() {
		b, ok := k.attr("__table_args__")
		if !ok {
			continue
		}
		if b.fn != nil {
			ret, ok := b.fn.returned()
			if !ok {
				p.errf(b.fn.at, "class %s: __table_args__ is computed by %s.%s(); fuzzy cannot read it as text: declare its foreign keys under relations: in a rules file", c.name, k.name, b.fn.name)
				return
			}
			p.constraints(arg{ret, p.funcScope(symbol{kind: symFunc, mod: k.mod, fn: b.fn}, nil, nil)}, t, c, 0)
			return
		}
		p.constraints(arg{b.val, b.sc}, t, c, 0)
		return
	}
}

func (p *project) constraints(a arg, t *table, self *class, depth int) {
	if depth > 20 || a.n == nil {
		return
	}
	switch v := a.n.(type) {
	case *dictNode:
	case *seqNode:
		for _, it := range v.items {
			p.constraints(arg{it, a.sc}, t, self, depth+1)
		}
	case *callNode:
		p.constraint(p.expand(a.sc, v), t, self)
	case *nameNode:
		sym, rest := p.resolve(a.sc, v.dotted)
		switch {
		case len(rest) == 0 && sym.kind == symValue:
			p.constraints(arg{sym.val, sym.sc}, t, self, depth+1)
		case len(rest) == 1 && sym.kind == symClass:
			k := p.classOf(sym)
			if p.resolveBases(k) {
				if _, b, ok := k.lookupAttr(rest[0]); ok && b.fn == nil {
					p.constraints(arg{b.val, b.sc}, t, self, depth+1)
					return
				}
			}
			p.errf(v.at, "table %s: %s cannot be read as text", t.model.Table, v.dotted)
		case sym.kind == symExternal && len(rest) == 0:
			// a library's constant (table options)
		default:
			p.errf(v.at, "table %s: %s in __table_args__ cannot be read as text; declare its foreign keys under relations: in a rules file", t.model.Table, v.dotted)
		}
	case *strNode, *numNode:
	default:
		p.errf(a.n.pos(), "table %s: an expression in __table_args__ that fuzzy cannot read as text; declare its foreign keys under relations: in a rules file", t.model.Table)
	}
}

// names reads a constraint's column list: strings or column objects.
func (p *project) names(items []arg, t *table, self *class) []string {
	var out []string
	for _, it := range items {
		if s, ok := p.str(it); ok {
			out = append(out, s)
			continue
		}
		if _, col, ok := p.columnRef(it, t, self); ok {
			out = append(out, col)
			continue
		}
		p.errf(it.n.pos(), "table %s: a constraint column fuzzy cannot read as text", t.model.Table)
	}
	return out
}

func listArgs(a arg) []arg {
	if s, ok := a.n.(*seqNode); ok {
		out := make([]arg, len(s.items))
		for i, it := range s.items {
			out[i] = arg{it, a.sc}
		}
		return out
	}
	return []arg{a}
}

func (p *project) constraint(ec *call, t *table, self *class) {
	m := t.model
	switch ec.kind {
	case "UniqueConstraint":
		m.UniqueKeys = append(m.UniqueKeys, p.names(ec.args, t, self))
	case "PrimaryKeyConstraint":
		m.PrimaryKey = p.names(ec.args, t, self)
	case "Index":
		if a, ok := ec.kw("unique"); ok && isTrue(a.n) && len(ec.args) > 1 {
			m.UniqueKeys = append(m.UniqueKeys, p.names(ec.args[1:], t, self))
		}
	case "ForeignKeyConstraint":
		var cols, refs []arg
		if len(ec.args) > 0 {
			cols = listArgs(ec.args[0])
		} else if a, ok := ec.kw("columns"); ok {
			cols = listArgs(a)
		}
		if len(ec.args) > 1 {
			refs = listArgs(ec.args[1])
		} else if a, ok := ec.kw("refcolumns"); ok {
			refs = listArgs(a)
		}
		if len(cols) == 0 || len(cols) != len(refs) {
			p.errf(ec.at, "table %s: ForeignKeyConstraint needs as many columns as targets", m.Table)
			return
		}
		t.fks = append(t.fks, pendingFK{cols: p.names(cols, t, self), target: refs, at: ec.at, self: self})
	}
}

// coreTable reads Table('name', metadata, Column(...), ..., constraints).
func (p *project) coreTable(sc *scope, ec *call, self *class) *table {
	if len(ec.args) == 0 {
		p.errf(ec.at, "Table(...) without a name")
		return nil
	}
	name, ok := p.str(ec.args[0])
	if !ok {
		p.errf(ec.args[0].n.pos(), "Table(...): the name must be a string; fuzzy cannot compute it: give the table's rules in a rules file")
		return nil
	}
	t := &table{model: &Model{Table: name, Pos: ec.at}, class: self}
	m := t.model
	for i, a := range ec.args[1:] {
		if st, ok := a.n.(*starNode); ok {
			p.errf(st.at, "table %s: arguments passed with * cannot be read as text; give the table's rules in a rules file", name)
			return nil
		}
		inner := p.argCall(a)
		if inner == nil {
			if i == 0 {
				continue // the MetaData
			}
			if _, ok := a.n.(*nameNode); ok {
				sym, _ := p.resolve(a.sc, a.n.(*nameNode).dotted)
				if sym.kind == symValue || sym.kind == symExternal {
					continue // a MetaData kept elsewhere, a schema constant
				}
			}
			p.errf(a.n.pos(), "table %s: an argument fuzzy cannot read as text; give the table's rules in a rules file", name)
			return nil
		}
		switch {
		case isColumnKind(inner.kind):
			if len(inner.args) == 0 {
				p.errf(inner.at, "table %s: Column(...) in Table(...) needs a name", name)
				return nil
			}
			if _, ok := p.str(inner.args[0]); !ok {
				p.errf(inner.at, "table %s: Column(...) in Table(...) needs a string name first", name)
				return nil
			}
			col, fks := p.column(inner, "", inner.at)
			col.Attr = col.Name
			m.Columns = append(m.Columns, col)
			if col.PrimaryKey {
				m.PrimaryKey = append(m.PrimaryKey, col.Name)
			}
			if col.Unique {
				m.UniqueKeys = append(m.UniqueKeys, []string{col.Name})
			}
			for _, f := range fks {
				t.fks = append(t.fks, pendingFK{cols: []string{col.Name}, target: []arg{f}, at: posOf(f.n)})
			}
		case inner.kind == "MetaData":
		default:
			p.constraint(inner, t, self)
		}
	}
	return t
}

// columnRef resolves a reference to a column written as an object:
// id (an attribute of the class being read), Other.id,
// Other.__table__.c.id or table.c.id.
func (p *project) columnRef(a arg, t *table, self *class) (string, string, bool) {
	n, ok := a.n.(*nameNode)
	if !ok || a.sc == nil {
		return "", "", false
	}
	if !strings.Contains(n.dotted, ".") && a.sc.class != nil {
		if _, ok := a.sc.locals[n.dotted]; ok && a.sc.class.owner != nil {
			owner := a.sc.class.owner
			if col := p.columnByKey(a.sc.class, n.dotted); col != "" {
				return p.tableName(owner), col, true
			}
		}
	}
	sym, rest := p.resolve(a.sc, n.dotted)
	switch sym.kind {
	case symClass:
		k := p.classOf(sym)
		p.classify(k)
		if !k.mapped {
			return "", "", false
		}
		var key string
		switch {
		case len(rest) == 1:
			key = rest[0]
		case len(rest) == 3 && rest[0] == "__table__" && (rest[1] == "c" || rest[1] == "columns"):
			key = rest[2]
		default:
			return "", "", false
		}
		if col := p.columnByKey(k, key); col != "" {
			return p.tableName(k.owner), col, true
		}
	case symValue:
		if len(rest) == 2 && (rest[0] == "c" || rest[0] == "columns") {
			if c, ok := sym.val.(*callNode); ok {
				if ec := p.expand(sym.sc, c); ec.kind == "Table" && len(ec.args) > 0 {
					if name, ok := p.str(ec.args[0]); ok {
						return name, rest[1], true
					}
				}
			}
		}
		if len(rest) == 0 && t != nil {
			if p.columnCall(sym.sc, sym.val, 0) != nil && sym.sc != nil && sym.sc.class != nil {
				if col := p.columnByKey(sym.sc.class, n.dotted); col != "" {
					return p.tableName(sym.sc.class.owner), col, true
				}
			}
		}
	}
	return "", "", false
}

// columnByKey finds the column of class k's table mapped to attribute
// key (or named key).
func (p *project) columnByKey(k *class, key string) string {
	p.classify(k)
	if !k.mapped || k.owner == nil {
		return ""
	}
	t := p.tableColumns(k.owner)
	if t == nil {
		return ""
	}
	cols := append(append([]Column(nil), t.model.Columns...), k.owner.stiColumns...)
	for _, c := range cols {
		if c.Attr == key {
			return c.Name
		}
	}
	for _, c := range cols {
		if c.Name == key {
			return c.Name
		}
	}
	return ""
}

func (p *project) tableName(owner *class) string {
	if owner == nil {
		return ""
	}
	if owner.tablename != "" {
		return owner.tablename
	}
	if t := p.tableColumns(owner); t != nil {
		return t.model.Table
	}
	return ""
}

// resolveFKs turns the pending foreign keys into relations.
func (p *project) resolveFKs(t *table) {
	for _, fk := range t.fks {
		rel := rules.Relation{Table: t.model.Table, Columns: fk.cols, Source: fk.at.String()}
		for _, target := range fk.target {
			var refTable, refCol string
			if s, ok := p.str(target); ok {
				tt, c, ok := cutLast(s)
				if !ok {
					p.errf(posOf(target.n), "ForeignKey(%q): want 'table.column'", s)
					return
				}
				refTable, refCol = tt, c
			} else if tt, c, ok := p.columnRef(target, t, fk.self); ok {
				refTable, refCol = tt, c
			} else {
				p.errf(posOf(target.n), "table %s: the target of this ForeignKey (%s) cannot be read as text; declare the reference in a rules file instead (relations: [\"%s.%s -> TABLE.COLUMN\"])", t.model.Table, render(target.n), t.model.Table, strings.Join(fk.cols, ","))
				return
			}
			if rel.RefTable != "" && rel.RefTable != refTable {
				p.errf(fk.at, "table %s: a ForeignKeyConstraint whose targets are in several tables", t.model.Table)
				return
			}
			rel.RefTable = refTable
			rel.RefColumns = append(rel.RefColumns, refCol)
		}
		t.model.ForeignKeys = append(t.model.ForeignKeys, rel)
	}
}
