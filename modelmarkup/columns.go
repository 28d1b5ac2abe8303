package modelmarkup

import (
	"sort"
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

// isColumnKind: calls that make a column.
func isColumnKind(k string) bool { return k == "Column" || k == "mapped_column" }

// columnCall finds the Column(...) call an attribute's value makes:
// Column(...), a helper returning one, orm.deferred(Column(...)), or a
// name bound to one.
func (p *project) columnCall(sc *scope, n node, depth int) *call {
	if depth > 20 || n == nil {
		return nil
	}
	switch v := n.(type) {
	case *callNode:
		ec := p.expand(sc, v)
		switch {
		case isColumnKind(ec.kind):
			return ec
		case ec.kind == "deferred" || ec.kind == "column_property" || ec.kind == "query_expression":
			if len(ec.args) > 0 {
				return p.columnCall(ec.args[0].sc, ec.args[0].n, depth+1)
			}
		}
	case *nameNode:
		sym, rest := p.resolve(sc, v.dotted)
		if len(rest) == 0 && sym.kind == symValue {
			return p.columnCall(sym.sc, sym.val, depth+1)
		}
	}
	return nil
}

// column reads a Column(...)/mapped_column(...) call.
func (p *project) column(ec *call, attr string, at Pos) (Column, []arg) {
	col := Column{Attr: attr, Name: attr, Nullable: true, Pos: at}
	var fks []arg
	for i, a := range ec.args {
		if s, ok := a.n.(*strNode); ok {
			if i == 0 {
				col.Name = s.value
			}
			continue
		}
		switch v := a.n.(type) {
		case *starNode:
			p.errf(v.at, "column %s: arguments passed with * cannot be read as text; give the column's rules in a rules file", col.Name)
		case *callNode, *nameNode:
			inner := p.argCall(a)
			switch {
			case inner != nil && inner.kind == "ForeignKey":
				if t, ok := fkTargetArg(inner); ok {
					fks = append(fks, t)
				} else {
					p.errf(inner.at, "ForeignKey without a target")
				}
			case inner != nil && (inner.kind == "Sequence" || inner.kind == "Computed" || inner.kind == "Identity" ||
				inner.kind == "DefaultClause" || inner.kind == "FetchedValue" || inner.kind == "CheckConstraint"):
			default:
				if n, ok := v.(*nameNode); ok && i == 0 {
					if s, ok := p.str(a); ok {
						col.Name = s
						_ = n
						continue
					}
				}
				col.Type = render(v)
			}
		}
	}
	if a, ok := ec.kw("name"); ok {
		if s, ok := p.str(a); ok {
			col.Name = s
		}
	}
	if a, ok := ec.kw("type_"); ok {
		col.Type = render(a.n)
	}
	if a, ok := ec.kw("primary_key"); ok {
		col.PrimaryKey = isTrue(a.n)
	}
	if a, ok := ec.kw("unique"); ok {
		col.Unique = isTrue(a.n)
	}
	if col.PrimaryKey {
		col.Nullable = false
	}
	if a, ok := ec.kw("nullable"); ok {
		col.Nullable = isTrue(a.n)
	}
	if a, ok := ec.kw("info"); ok {
		if info, ok := a.n.(*dictNode); ok {
			for i, k := range info.keys {
				if ks, ok := k.(*strNode); ok && ks.value == "confidential" {
					vs, ok := info.values[i].(*strNode)
					if !ok {
						p.errf(info.values[i].pos(), "column %s: info['confidential'] must be a string naming a kind", col.Name)
						continue
					}
					kind, err := rules.ParseKind(vs.value)
					if err != nil {
						p.errf(vs.at, "column %s: %v", col.Name, err)
						continue
					}
					col.Kind = &kind
				}
			}
		}
	}
	return col, fks
}

// argCall is the call an argument is or names (a ForeignKey kept in a
// variable).
func (p *project) argCall(a arg) *call {
	switch v := a.n.(type) {
	case *callNode:
		return p.expand(a.sc, v)
	case *nameNode:
		sym, rest := p.resolve(a.sc, v.dotted)
		if len(rest) == 0 && sym.kind == symValue {
			if c, ok := sym.val.(*callNode); ok {
				return p.expand(sym.sc, c)
			}
		}
	}
	return nil
}

func fkTargetArg(fk *call) (arg, bool) {
	if len(fk.args) > 0 {
		return fk.args[0], true
	}
	return fk.kw("column")
}

// attrColumn reads the column an attribute of class k makes in target's
// table, if it makes one.
func (p *project) attrColumn(target, k *class, name string, b binding) (Column, []arg, bool) {
	if b.fn != nil {
		declared := false
		for _, d := range b.fn.decorators {
			if strings.Contains(render(d), "declared_attr") {
				declared = true
			}
		}
		if !declared {
			return Column{}, nil, false
		}
		ret, ok := b.fn.returned()
		if !ok {
			return Column{}, nil, false
		}
		fsc := p.funcScope(symbol{kind: symFunc, mod: k.mod, fn: b.fn}, nil, nil)
		ec := p.columnCall(fsc, ret, 0)
		if ec == nil {
			return Column{}, nil, false
		}
		col, fks := p.column(ec, name, b.fn.at)
		return col, fks, true
	}
	if b.as == nil {
		return Column{}, nil, false
	}
	if len(b.as.targets) > 0 && b.as.targets[0] != name && !strings.Contains(b.as.targets[0], ".") {
		return Column{}, nil, false // y = z = Column(): one column, named y
	}
	mapped := mappedType(b.as.annotation)
	ec := p.columnCall(b.sc, b.val, 0)
	if ec == nil {
		// A bare Mapped[T] annotation declares a column (SQLAlchemy 2.0).
		if mapped != nil && b.val == nil && !isRelationshipType(mapped) {
			return Column{Attr: name, Name: name, Type: render(mapped), Nullable: isOptional(mapped), Pos: b.as.at}, nil, true
		}
		return Column{}, nil, false
	}
	col, fks := p.column(ec, name, b.as.at)
	if col.Type == "" && mapped != nil {
		col.Type = render(mapped)
	}
	if _, ok := ec.kw("nullable"); mapped != nil && !ok && !col.PrimaryKey {
		col.Nullable = isOptional(mapped)
	}
	return col, fks, true
}

// tableColumns computes the columns of the table class c owns.
func (p *project) tableColumns(c *class) *table {
	if c.model != nil || c.colsBusy {
		return c.tbl
	}
	c.colsBusy = true
	defer func() { c.colsBusy = false }()
	if c.table != nil {
		t := p.coreTable(c.tableSc, p.expand(c.tableSc, c.table), c)
		if t == nil {
			return nil
		}
		t.model.Class = c.name
		t.model.Pos = c.at
		c.model, c.tbl = t.model, t
		return t
	}
	t := &table{model: &Model{Class: c.name, Table: c.tablename, Pos: c.at}, class: c}
	cols, fks := p.classColumns(c, c)
	for i, col := range cols {
		t.model.Columns = append(t.model.Columns, col)
		for _, f := range fks[i] {
			t.fks = append(t.fks, pendingFK{cols: []string{col.Name}, target: []arg{f}, at: posOf(f.n), self: c})
		}
	}
	c.model, c.tbl = t.model, t
	p.tableArgs(c, t)
	for _, col := range t.model.Columns {
		if col.PrimaryKey && !contains(t.model.PrimaryKey, col.Name) {
			t.model.PrimaryKey = append(t.model.PrimaryKey, col.Name)
		}
		if col.Unique {
			t.model.UniqueKeys = append(t.model.UniqueKeys, []string{col.Name})
		}
	}
	return t
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// classColumns collects the columns class c contributes to its table:
// Python's attribute lookup along the MRO, where a mapped base's
// attributes stay in that base's table.
func (p *project) classColumns(c, target *class) ([]Column, [][]arg) {
	type owned struct {
		rank int
		col  Column
		fks  []arg
	}
	var out []owned
	seen := map[string]bool{}
	for idx, k := range c.mro {
		rank := idx
		if k == c {
			rank = len(c.mro) // own columns after the bases'
		} else {
			p.classify(k)
			if k.mapped {
				for _, name := range k.order {
					seen[name] = true
				}
				if t := p.tableColumns(k.owner); t != nil {
					for _, col := range t.model.Columns {
						seen[col.Attr] = true
					}
				}
				for _, col := range k.stiColumns {
					seen[col.Attr] = true
				}
				continue
			}
		}
		for _, col := range k.known {
			if !seen[col.Attr] {
				seen[col.Attr] = true
				out = append(out, owned{rank, col, nil})
			}
		}
		for _, name := range k.order {
			if seen[name] {
				continue
			}
			seen[name] = true
			if strings.HasPrefix(name, "__") && strings.HasSuffix(name, "__") {
				continue
			}
			if col, fks, ok := p.attrColumn(target, k, name, k.attrs[name]); ok {
				out = append(out, owned{rank, col, fks})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].rank < out[j].rank })
	cols := make([]Column, len(out))
	fks := make([][]arg, len(out))
	for i, o := range out {
		cols[i], fks[i] = o.col, o.fks
	}
	return cols, fks
}

// tableArgs reads __table_args__: constraints, in a tuple possibly
// ending with a dict of options, or a dict alone; from the class or a
// base that is not mapped; a declared_attr method's value too.
func (p *project) tableArgs(c *class, t *table) {
	for _, k := range c.mro {
		if k != c && k.mapped {
			return
		}
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
