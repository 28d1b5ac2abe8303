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

// ParseFile reads one models file.
func ParseFile(path string) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("modelmarkup: %w", err)
	}
	return Parse(path, string(src))
}

// Parse reads models from one Python source; name is used in positions
// (and, when it names a file in a package, to find sibling modules).
func Parse(name, src string) (*File, error) {
	mod, err := parseModule(name, src)
	if err != nil {
		return nil, err
	}
	p := newProject()
	m := p.add(name, mod, true)
	models, err := p.models()
	if err != nil {
		return nil, err
	}
	return &File{Models: models, Assignments: assignments(m.src)}, nil
}

// Read reads models files together: a base class, mixin or helper
// defined in one of them (or in a module of the same package beside
// them) is found from the others.
func Read(paths ...string) ([]*Model, error) {
	_, models, err := read(paths)
	return models, err
}

func read(paths []string) (*project, []*Model, error) {
	p := newProject()
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("modelmarkup: %w", err)
		}
		mod, err := parseModule(path, string(src))
		if err != nil {
			return nil, nil, err
		}
		p.add(path, mod, true)
	}
	models, err := p.models()
	return p, models, err
}

// Load reads models files together and returns their merged rules
// (markup and foreign keys) and models. The tables and columns a models
// file lists as removed (Nova's REMOVED_TABLES and REMOVED_COLUMNS:
// dropped from the models, still in databases made by older releases)
// are known too, so that rules may name them.
func Load(paths ...string) (*rules.Set, []*Model, error) {
	p, models, err := read(paths)
	if err != nil {
		return nil, nil, err
	}
	set := Rules(models)
	for _, m := range p.given {
		vals := assignments(m.src)
		if list, ok := vals["REMOVED_TABLES"].([]any); ok {
			for _, t := range list {
				if name, ok := t.(string); ok {
					set.ColumnsUnknown[name] = true
					if _, ok := set.Tables[name]; !ok {
						set.Tables[name] = nil
					}
				}
			}
		}
		if list, ok := vals["REMOVED_COLUMNS"].([]any); ok {
			for _, it := range list {
				if pair, ok := it.([]any); ok && len(pair) == 2 {
					t, ok1 := pair[0].(string)
					c, ok2 := pair[1].(string)
					if ok1 && ok2 {
						set.Tables[t] = append(set.Tables[t], c)
					}
				}
			}
		}
	}
	return set, models, nil
}

// Rules turns models into rules: their markup, their tables' columns
// (what a rule may name) and their foreign keys as relations.
func Rules(models []*Model) *rules.Set {
	set := rules.NewSet()
	for _, m := range models {
		// A table declared twice (two metadata, e.g. murano's) pools its
		// columns.
		set.Tables[m.Table] = appendNew(set.Tables[m.Table], m.ColumnNames()...)
		for _, c := range m.Columns {
			if c.Kind != nil {
				set.Add(rules.Rule{Table: m.Table, Column: c.Name, Kind: *c.Kind, Source: c.Pos.String()})
			}
		}
		set.Relations = append(set.Relations, m.ForeignKeys...)
	}
	return set
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, l := range list {
			if l == it {
				found = true
				break
			}
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}

// assignments collects module-level NAME = <literal> values.
func assignments(m *pyModule) map[string]any {
	out := map[string]any{}
	for _, a := range m.assigns {
		if v, ok := literal(a.value); ok {
			for _, t := range a.targets {
				out[t] = v
			}
		}
	}
	return out
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

func isTrue(n node) bool {
	v, ok := n.(*nameNode)
	return ok && v.dotted == "True"
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

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}
