package modelmarkup

import (
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// models builds the tables the given modules declare, in source order:
// mapped classes, Table(...) objects at module level and in class bodies.
func (p *project) models() ([]*Model, error) {
	type item struct {
		at  Pos
		tbl *table
	}
	var items []item
	var tables []*table
	var sti []*class
	roots := map[*class]bool{} // the declarative bases the given models use
	for _, m := range p.given {
		if len(m.src.hidden) > 0 {
			return nil, &SyntaxError{Pos: m.src.hidden[0], Msg: "a table declared inside an if/try/with/for block: fuzzy reads models as text and cannot tell whether it exists; move it to the top level, or give the table's rules in a rules file"}
		}
		top := &scope{mod: m}
		for _, a := range m.src.assigns {
			if t := p.tableValue(top, a.value, nil); t != nil {
				items = append(items, item{a.at, t})
			}
			p.nestedTables(a.value, true)
		}
		for _, c := range m.src.classes {
			k := p.classOf(symbol{kind: symClass, mod: m, cls: c})
			p.classify(k)
			if p.err != nil {
				return nil, p.err
			}
			for _, name := range k.order {
				b := k.attrs[name]
				if b.fn != nil || name == "__table__" {
					continue
				}
				if t := p.tableValue(k.sc, b.val, nil); t != nil {
					items = append(items, item{b.as.at, t})
				}
				p.nestedTables(b.val, true)
			}
			switch {
			case k.mapped && k.owner == k:
				if t := p.tableColumns(k); t != nil {
					items = append(items, item{k.at, t})
				}
				roots[k.declRoot()] = true
			case k.mapped:
				sti = append(sti, k)
			}
			if p.err != nil {
				return nil, p.err
			}
		}
	}
	// A sibling module read for its bases may map tables on the same
	// declarative base (octavia's base_models declares tags): they are
	// in the same metadata, so they are the project's tables too.
	var siblings []*module
	for _, m := range p.modules {
		if !m.given {
			siblings = append(siblings, m)
		}
	}
	sort.Slice(siblings, func(i, j int) bool { return siblings[i].name < siblings[j].name })
	for _, m := range siblings {
		for _, c := range m.src.classes {
			k := p.classOf(symbol{kind: symClass, mod: m, cls: c})
			p.classify(k)
			if p.err != nil {
				return nil, p.err
			}
			if k.mapped && k.owner == k && roots[k.declRoot()] {
				if t := p.tableColumns(k); t != nil {
					items = append(items, item{k.at, t})
				}
			}
		}
	}
	// Single-table inheritance: a subclass's columns join its parent's
	// table.
	for _, k := range sti {
		owner := k.owner
		t := p.tableColumns(owner)
		if t == nil {
			continue
		}
		cols, fks := p.classColumns(k, owner)
		for i, col := range cols {
			if t.model.Column(col.Name) != nil {
				continue
			}
			t.model.Columns = append(t.model.Columns, col)
			owner.stiColumns = append(owner.stiColumns, col)
			for _, f := range fks[i] {
				t.fks = append(t.fks, pendingFK{cols: []string{col.Name}, target: []arg{f}, at: posOf(f.n), self: k})
			}
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	// Source order within each file, files in the order they were read.
	fileOrder := map[string]int{}
	for _, it := range items {
		if _, ok := fileOrder[it.at.File]; !ok {
			fileOrder[it.at.File] = len(fileOrder)
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].at, items[j].at
		if a.File != b.File {
			return fileOrder[a.File] < fileOrder[b.File]
		}
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	var out []*Model
	for _, it := range items {
		tables = append(tables, it.tbl)
		out = append(out, it.tbl.model)
	}
	for _, t := range tables {
		p.resolveFKs(t)
		if t.class != nil && t.class.owner == t.class {
			p.confidential(t.class, t.model)
		}
		if p.err != nil {
			return nil, p.err
		}
	}
	return out, nil
}

// tableValue reads a value that is a Table(...) call.
func (p *project) tableValue(sc *scope, n node, self *class) *table {
	c, ok := n.(*callNode)
	if !ok {
		return nil
	}
	ec := p.expand(sc, c)
	if ec.kind != "Table" {
		return nil
	}
	return p.coreTable(sc, ec, self)
}

// nestedTables fails on a Table(...) call inside an expression (a list
// of tables): it would be missed.
func (p *project) nestedTables(n node, top bool) {
	switch v := n.(type) {
	case *callNode:
		if !top && lastName(v.funcName()) == "Table" {
			p.errf(v.at, "a Table(...) inside an expression cannot be read as text; assign it to a name at the top level, or give the table's rules in a rules file")
			return
		}
		for _, a := range v.args {
			p.nestedTables(a, false)
		}
	case *seqNode:
		for _, it := range v.items {
			p.nestedTables(it, false)
		}
	case *dictNode:
		for _, it := range v.values {
			p.nestedTables(it, false)
		}
	}
}

// confidential applies the __confidential__ dicts of the class and its
// bases that are not mapped (bases first, so the class's own wins).
func (p *project) confidential(c *class, m *Model) {
	var dicts []*dictNode
	for k := range c.unmapped() {
		b, ok := k.attr("__confidential__")
		if !ok {
			continue
		}
		d, ok := b.val.(*dictNode)
		if !ok {
			at := c.at
			if b.as != nil {
				at = b.as.at
			}
			p.errf(at, "class %s: __confidential__ must be a dict literal {'column': 'kind', ...}", k.name)
			return
		}
		dicts = append([]*dictNode{d}, dicts...)
	}
	for _, d := range dicts {
		for i, k := range d.keys {
			ks, ok := k.(*strNode)
			if !ok {
				p.errf(k.pos(), "table %s: __confidential__ keys must be column names (strings)", m.Table)
				return
			}
			vs, ok := d.values[i].(*strNode)
			if !ok {
				p.errf(d.values[i].pos(), "table %s: __confidential__[%q] must be a kind name (string)", m.Table, ks.value)
				return
			}
			col := m.Column(ks.value)
			if col == nil {
				p.errf(ks.at, "table %s: __confidential__ names column %q, which the model does not define (columns: %s)", m.Table, ks.value, strings.Join(sortedCopy(m.ColumnNames()), ", "))
				return
			}
			kind, err := rules.ParseKind(vs.value)
			if err != nil {
				p.errf(vs.at, "table %s column %s: %v", m.Table, ks.value, err)
				return
			}
			col.Kind = &kind
			col.Pos = ks.at
		}
	}
}

// declRoot is the declarative base a class is mapped through.
func (c *class) declRoot() *class {
	for _, k := range c.mro {
		if k.decl {
			return k
		}
	}
	return nil
}
