package modelmarkup

import (
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

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
