// Package modelmarkup reads SQLAlchemy model files as text (it never runs
// Python) and returns the tables they declare, the anonymization markup on
// them (the Fuzzy Happiness __confidential__ attribute and
// info={'confidential': ...} on columns) as rules, and their foreign keys as
// relations.
package modelmarkup

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// Model is one mapped table.
type Model struct {
	Class       string // "" for a core Table(...)
	Table       string
	Columns     []Column
	PrimaryKey  []string
	UniqueKeys  [][]string
	ForeignKeys []rules.Relation
	Pos         Pos
}

// Column is one column of a model.
type Column struct {
	Attr       string // Python attribute name
	Name       string // database column name
	Type       string // as written, e.g. String(255)
	PrimaryKey bool
	Unique     bool
	Nullable   bool
	Kind       *rules.Kind // markup, if any
	Pos        Pos
}

// ColumnNames lists the database column names.
func (m *Model) ColumnNames() []string {
	out := make([]string, len(m.Columns))
	for i, c := range m.Columns {
		out[i] = c.Name
	}
	return out
}

// Column returns the column with database name or attribute name n.
func (m *Model) Column(n string) *Column {
	for i := range m.Columns {
		if m.Columns[i].Name == n {
			return &m.Columns[i]
		}
	}
	for i := range m.Columns {
		if m.Columns[i].Attr == n {
			return &m.Columns[i]
		}
	}
	return nil
}

// File is what one models file declares.
type File struct {
	Models []*Model
	// Assignments holds module-level NAME = <literal> values (strings,
	// and sets/lists/tuples of them), e.g. Nova's REMOVED_COLUMNS.
	Assignments map[string]any
}

// ParseFile reads a models file.
func ParseFile(path string) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("modelmarkup: %w", err)
	}
	return Parse(path, string(src))
}

// Load reads models files and returns their merged rules (markup and
// foreign keys) and models.
func Load(paths ...string) (*rules.Set, []*Model, error) {
	set := rules.NewSet()
	var all []*Model
	for _, p := range paths {
		f, err := ParseFile(p)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, f.Models...)
		for _, m := range f.Models {
			set.Tables[m.Table] = m.ColumnNames()
			for _, c := range m.Columns {
				if c.Kind != nil {
					set.Add(rules.Rule{Table: m.Table, Column: c.Name, Kind: *c.Kind, Source: c.Pos.String()})
				}
			}
			set.Relations = append(set.Relations, m.ForeignKeys...)
		}
	}
	return set, all, nil
}

// builtinMixins are oslo.db's well-known mixins, known by name.
var builtinMixins = map[string][]Column{
	"TimestampMixin":  {{Attr: "created_at", Name: "created_at", Type: "DateTime", Nullable: true}, {Attr: "updated_at", Name: "updated_at", Type: "DateTime", Nullable: true}},
	"SoftDeleteMixin": {{Attr: "deleted_at", Name: "deleted_at", Type: "DateTime", Nullable: true}, {Attr: "deleted", Name: "deleted", Type: "Integer", Nullable: true}},
}

// classInfo is what a class contributes, before inheritance.
type classInfo struct {
	cls          *pyClass
	tablename    string
	tableNode    *callNode // __table__ = Table(...)
	tableArgs    node
	confidential *dictNode
	columns      []Column
	annotated    map[string]bool
}

type extractor struct {
	file     string
	classes  map[string]*classInfo
	aliases  map[string]string // BASE = declarative_base(cls=X) → X
	resolved map[string][]Column
	visiting map[string]bool
}

// Parse reads models from Python source; name is used in positions.
func Parse(name, src string) (*File, error) {
	mod, err := parseModule(name, src)
	if err != nil {
		return nil, err
	}
	x := &extractor{file: name, classes: map[string]*classInfo{}, aliases: map[string]string{}, resolved: map[string][]Column{}, visiting: map[string]bool{}}
	out := &File{Assignments: map[string]any{}}
	for _, a := range mod.assigns {
		if call, ok := a.value.(*callNode); ok {
			switch lastName(call.funcName()) {
			case "declarative_base":
				if cls, ok := call.kw("cls").(*nameNode); ok {
					for _, t := range a.targets {
						x.aliases[t] = lastName(cls.dotted)
					}
				}
			case "Table":
				m, err := x.coreTable(call)
				if err != nil {
					return nil, err
				}
				out.Models = append(out.Models, m)
			}
		}
		if v, ok := literal(a.value); ok {
			for _, t := range a.targets {
				out.Assignments[t] = v
			}
		}
	}
	for _, c := range mod.classes {
		info, err := x.classInfo(c)
		if err != nil {
			return nil, err
		}
		x.classes[c.name] = info
	}
	for _, c := range mod.classes {
		info := x.classes[c.name]
		if info.tablename == "" && info.tableNode == nil {
			continue // a mixin or abstract base
		}
		m, err := x.model(info)
		if err != nil {
			return nil, err
		}
		out.Models = append(out.Models, m)
	}
	return out, nil
}

// literal converts string/number/sequence literals to Go values.
func literal(n node) (any, bool) {
	switch v := n.(type) {
	case *strNode:
		return v.value, true
	case *numNode:
		return v.text, true
	case *seqNode:
		var items []any
		for _, it := range v.items {
			x, ok := literal(it)
			if !ok {
				return nil, false
			}
			items = append(items, x)
		}
		return items, true
	}
	return nil, false
}

func (x *extractor) errf(p Pos, format string, args ...any) error {
	return &SyntaxError{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

func (x *extractor) classInfo(c *pyClass) (*classInfo, error) {
	info := &classInfo{cls: c, annotated: map[string]bool{}}
	for _, a := range c.body {
		if len(a.targets) == 0 {
			continue
		}
		target := a.targets[0]
		switch target {
		case "__tablename__":
			s, ok := a.value.(*strNode)
			if !ok {
				// declared_attr or computed names cannot be read as text.
				return nil, x.errf(a.at, "class %s: __tablename__ must be a string literal", c.name)
			}
			info.tablename = s.value
			continue
		case "__table_args__":
			info.tableArgs = a.value
			continue
		case "__table__":
			call, ok := a.value.(*callNode)
			if !ok || lastName(call.funcName()) != "Table" {
				return nil, x.errf(a.at, "class %s: __table__ must be a Table(...) call", c.name)
			}
			info.tableNode = call
			continue
		case "__confidential__":
			d, ok := a.value.(*dictNode)
			if !ok {
				return nil, x.errf(a.at, "class %s: __confidential__ must be a dict literal {'column': 'kind', ...}", c.name)
			}
			info.confidential = d
			continue
		}
		col, ok, err := x.columnFromAssign(a, target)
		if err != nil {
			return nil, fmt.Errorf("class %s: %w", c.name, err)
		}
		if ok {
			info.columns = append(info.columns, col)
		}
	}
	return info, nil
}

// columnCall unwraps orm.deferred(Column(...)) and friends.
func columnCall(n node) *callNode {
	call, ok := n.(*callNode)
	if !ok {
		return nil
	}
	switch lastName(call.funcName()) {
	case "Column", "mapped_column":
		return call
	case "deferred", "column_property", "query_expression":
		if len(call.args) > 0 {
			return columnCall(call.args[0])
		}
	}
	return nil
}

// columnFromAssign reads attr = Column(...) and attr: Mapped[T] [= ...].
func (x *extractor) columnFromAssign(a *pyAssign, attr string) (Column, bool, error) {
	call := columnCall(a.value)
	mapped := mappedType(a.annotation)
	if call == nil {
		// A bare Mapped[T] annotation declares a column (SQLAlchemy 2.0),
		// unless the value is something else (relationship, ...).
		if mapped != nil && a.value == nil && !isRelationshipType(mapped) {
			return Column{Attr: attr, Name: attr, Type: render(mapped), Nullable: isOptional(mapped), Pos: a.at}, true, nil
		}
		return Column{}, false, nil
	}
	col, err := x.column(call, attr, a.at)
	if err != nil {
		return Column{}, false, err
	}
	if col.Type == "" && mapped != nil {
		col.Type = render(mapped)
	}
	if mapped != nil && call.kw("nullable") == nil && !col.PrimaryKey {
		col.Nullable = isOptional(mapped)
	}
	return col, true, nil
}

func mappedType(ann node) node {
	s, ok := ann.(*subscriptNode)
	if !ok {
		return nil
	}
	if n, ok := s.value.(*nameNode); ok && lastName(n.dotted) == "Mapped" && len(s.index) == 1 {
		return s.index[0]
	}
	return nil
}

func isOptional(t node) bool {
	if s, ok := t.(*subscriptNode); ok {
		if n, ok := s.value.(*nameNode); ok && lastName(n.dotted) == "Optional" {
			return true
		}
	}
	return strings.Contains(render(t), "None")
}

func isRelationshipType(t node) bool {
	r := render(t)
	for _, p := range []string{"List[", "list[", "Set[", "set[", "\"", "'"} {
		if strings.HasPrefix(r, p) {
			return true
		}
	}
	return false
}

// render prints a type expression compactly: String(255), Mapped[int].
func render(n node) string {
	switch v := n.(type) {
	case *nameNode:
		return lastName(v.dotted)
	case *strNode:
		return strconv.Quote(v.value)
	case *numNode:
		return v.text
	case *callNode:
		var parts []string
		for _, a := range v.args {
			parts = append(parts, render(a))
		}
		for _, k := range v.kwargs {
			parts = append(parts, k.name+"="+render(k.value))
		}
		return render(v.fn) + "(" + strings.Join(parts, ", ") + ")"
	case *subscriptNode:
		var parts []string
		for _, a := range v.index {
			parts = append(parts, render(a))
		}
		return render(v.value) + "[" + strings.Join(parts, ", ") + "]"
	case *seqNode:
		var parts []string
		for _, a := range v.items {
			parts = append(parts, render(a))
		}
		return v.open + strings.Join(parts, ", ")
	}
	return "..."
}

// column reads a Column(...)/mapped_column(...) call.
func (x *extractor) column(call *callNode, attr string, at Pos) (Column, error) {
	col := Column{Attr: attr, Name: attr, Nullable: true, Pos: at}
	for i, arg := range call.args {
		switch v := arg.(type) {
		case *strNode:
			if i == 0 {
				col.Name = v.value
			}
		case *callNode:
			switch lastName(v.funcName()) {
			case "ForeignKey":
				// handled by foreignKeys
			case "Sequence", "Computed", "Identity", "DefaultClause", "FetchedValue":
			default:
				col.Type = render(v)
			}
		case *nameNode:
			col.Type = render(v)
		}
	}
	if n, ok := call.kw("name").(*strNode); ok {
		col.Name = n.value
	}
	if t := call.kw("type_"); t != nil {
		col.Type = render(t)
	}
	col.PrimaryKey = isTrue(call.kw("primary_key"))
	col.Unique = isTrue(call.kw("unique"))
	if col.PrimaryKey {
		col.Nullable = false
	}
	if n := call.kw("nullable"); n != nil {
		col.Nullable = isTrue(n)
	}
	if info, ok := call.kw("info").(*dictNode); ok {
		for i, k := range info.keys {
			if ks, ok := k.(*strNode); ok && ks.value == "confidential" {
				vs, ok := info.values[i].(*strNode)
				if !ok {
					return col, x.errf(info.values[i].pos(), "column %s: info['confidential'] must be a string naming a kind", col.Name)
				}
				kind, err := rules.ParseKind(vs.value)
				if err != nil {
					return col, x.errf(vs.at, "column %s: %v", col.Name, err)
				}
				col.Kind = &kind
			}
		}
	}
	return col, nil
}

func isTrue(n node) bool {
	v, ok := n.(*nameNode)
	return ok && v.dotted == "True"
}

// inherited collects a class's columns: bases first (left to right, first
// definition wins, as Python's MRO), then its own, which override.
func (x *extractor) columnsOf(name string) ([]Column, error) {
	if cols, ok := x.resolved[name]; ok {
		return cols, nil
	}
	if alias, ok := x.aliases[name]; ok {
		return x.columnsOf(alias)
	}
	info := x.classes[name]
	if info == nil {
		return builtinMixins[name], nil
	}
	if x.visiting[name] {
		return nil, x.errf(info.cls.at, "class %s inherits from itself", name)
	}
	x.visiting[name] = true
	defer delete(x.visiting, name)
	var cols []Column
	seen := map[string]int{}
	add := func(c Column) {
		if i, ok := seen[c.Attr]; ok {
			cols[i] = c
			return
		}
		seen[c.Attr] = len(cols)
		cols = append(cols, c)
	}
	for _, b := range info.cls.bases {
		bn, ok := b.(*nameNode)
		if !ok {
			continue
		}
		base, err := x.columnsOf(lastName(bn.dotted))
		if err != nil {
			return nil, err
		}
		for _, c := range base {
			if _, ok := seen[c.Attr]; !ok {
				add(c)
			}
		}
	}
	for _, c := range info.columns {
		add(c)
	}
	x.resolved[name] = cols
	return cols, nil
}

// confidentialOf returns the __confidential__ dicts that apply to a class:
// its own and its bases'.
func (x *extractor) confidentialOf(name string, depth int) []*dictNode {
	if alias, ok := x.aliases[name]; ok {
		name = alias
	}
	info := x.classes[name]
	if info == nil || depth > 50 {
		return nil
	}
	var out []*dictNode
	for _, b := range info.cls.bases {
		if bn, ok := b.(*nameNode); ok {
			out = append(out, x.confidentialOf(lastName(bn.dotted), depth+1)...)
		}
	}
	if info.confidential != nil {
		out = append(out, info.confidential)
	}
	return out
}

func (x *extractor) model(info *classInfo) (*Model, error) {
	if info.tableNode != nil {
		m, err := x.coreTable(info.tableNode)
		if err != nil {
			return nil, err
		}
		m.Class = info.cls.name
		return m, x.applyConfidential(m, x.confidentialOf(info.cls.name, 0))
	}
	cols, err := x.columnsOf(info.cls.name)
	if err != nil {
		return nil, err
	}
	m := &Model{Class: info.cls.name, Table: info.tablename, Pos: info.cls.at}
	m.Columns = append([]Column(nil), cols...)
	for _, c := range m.Columns {
		if c.PrimaryKey {
			m.PrimaryKey = append(m.PrimaryKey, c.Name)
		}
		if c.Unique {
			m.UniqueKeys = append(m.UniqueKeys, []string{c.Name})
		}
	}
	// Foreign keys of this class's and its bases' columns.
	if err := x.columnForeignKeys(m, info.cls.name, 0); err != nil {
		return nil, err
	}
	if info.tableArgs != nil {
		if err := x.tableArgs(m, info.tableArgs); err != nil {
			return nil, err
		}
	}
	return m, x.applyConfidential(m, x.confidentialOf(info.cls.name, 0))
}

func (x *extractor) columnForeignKeys(m *Model, class string, depth int) error {
	if alias, ok := x.aliases[class]; ok {
		class = alias
	}
	info := x.classes[class]
	if info == nil || depth > 50 {
		return nil
	}
	for _, b := range info.cls.bases {
		if bn, ok := b.(*nameNode); ok {
			if err := x.columnForeignKeys(m, lastName(bn.dotted), depth+1); err != nil {
				return err
			}
		}
	}
	for _, a := range info.cls.body {
		if len(a.targets) == 0 {
			continue
		}
		call := columnCall(a.value)
		if call == nil {
			continue
		}
		col := m.Column(a.targets[0])
		if col == nil {
			continue
		}
		for _, arg := range call.args {
			fk, ok := arg.(*callNode)
			if !ok || lastName(fk.funcName()) != "ForeignKey" {
				continue
			}
			rel, err := x.foreignKey(fk, m.Table, []string{col.Name})
			if err != nil {
				return err
			}
			m.ForeignKeys = append(m.ForeignKeys, rel)
		}
	}
	return nil
}

func (x *extractor) foreignKey(fk *callNode, table string, cols []string) (rules.Relation, error) {
	if len(fk.args) == 0 {
		return rules.Relation{}, x.errf(fk.at, "ForeignKey without a target")
	}
	s, ok := fk.args[0].(*strNode)
	if !ok {
		// ForeignKey(Other.id): resolve Class.attr forms when possible.
		if n, ok := fk.args[0].(*nameNode); ok {
			return rules.Relation{}, x.errf(fk.at, "ForeignKey(%s): only 'table.column' strings are supported", n.dotted)
		}
		return rules.Relation{}, x.errf(fk.at, "ForeignKey target must be a 'table.column' string")
	}
	t, c, ok := cutLast(s.value)
	if !ok {
		return rules.Relation{}, x.errf(s.at, "ForeignKey(%q): want 'table.column'", s.value)
	}
	return rules.Relation{Table: table, Columns: cols, RefTable: t, RefColumns: []string{c}, Source: fk.at.String()}, nil
}

// cutLast splits "schema.table.column" into "schema.table"'s table and
// the column.
func cutLast(s string) (string, string, bool) {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	t := s[:i]
	if j := strings.LastIndexByte(t, '.'); j >= 0 {
		t = t[j+1:]
	}
	return t, s[i+1:], true
}

// tableArgs reads constraints from __table_args__ (a tuple, possibly
// ending with a dict of options, or a dict alone).
func (x *extractor) tableArgs(m *Model, n node) error {
	switch v := n.(type) {
	case *dictNode:
		return nil
	case *seqNode:
		for _, it := range v.items {
			call, ok := it.(*callNode)
			if !ok {
				continue
			}
			if err := x.constraint(m, call); err != nil {
				return err
			}
		}
		return nil
	case *callNode:
		return x.constraint(m, v)
	}
	return x.errf(n.pos(), "table %s: __table_args__ must be a tuple or a dict", m.Table)
}

func strArgs(args []node) []string {
	var out []string
	for _, a := range args {
		switch v := a.(type) {
		case *strNode:
			out = append(out, v.value)
		case *nameNode: // Index('x', SomeClass.col) or a Column object
			out = append(out, lastName(v.dotted))
		}
	}
	return out
}

func (x *extractor) constraint(m *Model, call *callNode) error {
	switch lastName(call.funcName()) {
	case "UniqueConstraint":
		m.UniqueKeys = append(m.UniqueKeys, strArgs(call.args))
	case "PrimaryKeyConstraint":
		m.PrimaryKey = strArgs(call.args)
	case "Index":
		if isTrue(call.kw("unique")) && len(call.args) > 1 {
			m.UniqueKeys = append(m.UniqueKeys, strArgs(call.args[1:]))
		}
	case "ForeignKeyConstraint":
		if len(call.args) < 2 {
			return x.errf(call.at, "ForeignKeyConstraint needs columns and targets")
		}
		cols, ok1 := call.args[0].(*seqNode)
		refs, ok2 := call.args[1].(*seqNode)
		if !ok1 || !ok2 {
			return x.errf(call.at, "ForeignKeyConstraint: columns and targets must be lists of strings")
		}
		rel := rules.Relation{Table: m.Table, Columns: strArgs(cols.items), Source: call.at.String()}
		for _, r := range strArgs(refs.items) {
			t, c, ok := cutLast(r)
			if !ok {
				return x.errf(call.at, "ForeignKeyConstraint target %q: want 'table.column'", r)
			}
			rel.RefTable = t
			rel.RefColumns = append(rel.RefColumns, c)
		}
		m.ForeignKeys = append(m.ForeignKeys, rel)
	}
	return nil
}

// coreTable reads Table('name', metadata, Column(...), ..., constraints).
func (x *extractor) coreTable(call *callNode) (*Model, error) {
	if len(call.args) == 0 {
		return nil, x.errf(call.at, "Table(...) without a name")
	}
	name, ok := call.args[0].(*strNode)
	if !ok {
		return nil, x.errf(call.at, "Table(...) name must be a string literal")
	}
	m := &Model{Table: name.value, Pos: call.at}
	for _, a := range call.args[1:] {
		c, ok := a.(*callNode)
		if !ok {
			continue
		}
		if cc := columnCall(c); cc != nil {
			if len(cc.args) == 0 {
				return nil, x.errf(cc.at, "table %s: Column(...) in Table(...) needs a name", m.Table)
			}
			if _, ok := cc.args[0].(*strNode); !ok {
				return nil, x.errf(cc.at, "table %s: Column(...) in Table(...) needs a string name first", m.Table)
			}
			col, err := x.column(cc, "", cc.at)
			if err != nil {
				return nil, err
			}
			col.Attr = col.Name
			m.Columns = append(m.Columns, col)
			if col.PrimaryKey {
				m.PrimaryKey = append(m.PrimaryKey, col.Name)
			}
			if col.Unique {
				m.UniqueKeys = append(m.UniqueKeys, []string{col.Name})
			}
			for _, arg := range cc.args {
				if fk, ok := arg.(*callNode); ok && lastName(fk.funcName()) == "ForeignKey" {
					rel, err := x.foreignKey(fk, m.Table, []string{col.Name})
					if err != nil {
						return nil, err
					}
					m.ForeignKeys = append(m.ForeignKeys, rel)
				}
			}
			continue
		}
		if err := x.constraint(m, c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// applyConfidential applies __confidential__ dicts (bases first, so the
// class's own wins) to the model's columns.
func (x *extractor) applyConfidential(m *Model, dicts []*dictNode) error {
	for _, d := range dicts {
		for i, k := range d.keys {
			ks, ok := k.(*strNode)
			if !ok {
				return x.errf(k.pos(), "table %s: __confidential__ keys must be column names (strings)", m.Table)
			}
			vs, ok := d.values[i].(*strNode)
			if !ok {
				return x.errf(d.values[i].pos(), "table %s: __confidential__[%q] must be a kind name (string)", m.Table, ks.value)
			}
			col := m.Column(ks.value)
			if col == nil {
				return x.errf(ks.at, "table %s: __confidential__ names column %q, which the model does not define (columns: %s)", m.Table, ks.value, strings.Join(sortedCopy(m.ColumnNames()), ", "))
			}
			kind, err := rules.ParseKind(vs.value)
			if err != nil {
				return x.errf(vs.at, "table %s column %s: %v", m.Table, ks.value, err)
			}
			col.Kind = &kind
			col.Pos = ks.at
		}
	}
	return nil
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}
