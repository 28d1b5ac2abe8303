package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Rule says how one column is anonymized.
type Rule struct {
	// Database is the section the rule was written in ("" for the rules
	// that apply in every database).
	Database string
	Table    string
	Column   string
	Kind     Kind
	// Source says where the rule came from (file:line:column).
	Source string
	// TableSource says where its table was named (file:line:column).
	TableSource string
	// Via names the column this rule was propagated from through a
	// relation ("instances.uuid"), or the table a shadow twin inherits
	// from; empty for rules written down.
	Via string
}

// Relation is a reference from columns of one table to columns of another:
// a FOREIGN KEY, a models ForeignKey, or an implicit reference declared in a
// rules file (Nova's instance_uuid columns without constraints).
type Relation struct {
	Table      string
	Columns    []string
	RefTable   string
	RefColumns []string
	Source     string
	// Implicit relations are declared only in a rules file: the database
	// does not enforce them.
	Implicit bool
}

func (r Relation) String() string {
	return fmt.Sprintf("%s.%s -> %s.%s", r.Table, strings.Join(r.Columns, ","), r.RefTable, strings.Join(r.RefColumns, ","))
}

// Set is a merged set of rules and relations.
//
// Names match as MySQL's do: column names in any case; table (and
// database) names exactly, or in any case when LowerCaseTableNames is
// set, as the donor server's lower_case_table_names would have it.
type Set struct {
	rules     map[string]map[string]*Rule // table key -> column key -> rule
	Relations []Relation
	// Tables holds the columns the models know per table; rules are
	// checked against them and the dump's (see Validate).
	Tables map[string][]string
	// ColumnsUnknown marks tables known to exist whose columns are not
	// all known (Nova's REMOVED_TABLES): any column name is accepted.
	ColumnsUnknown map[string]bool
	// Databases holds the per-database sections of a rules file: in a
	// dump of several databases their rules apply in that database, over
	// the rules for every database.
	Databases map[string]*Set
	// LowerCaseTableNames is the donor server's lower_case_table_names
	// (0: table names are case-sensitive; 1 or 2: they are not).
	LowerCaseTableNames int
	database            string // the section's name, for a section
	source              string // where the section begins (file:line:column)
}

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{rules: map[string]map[string]*Rule{}, Tables: map[string][]string{}, ColumnsUnknown: map[string]bool{}, Databases: map[string]*Set{}}
}

// TableKey is how a table name is compared under this set's
// lower_case_table_names.
func (s *Set) TableKey(table string) string {
	if s.LowerCaseTableNames > 0 {
		return strings.ToLower(table)
	}
	return table
}

// ColumnKey is how a column name is compared: MySQL's column names are
// case-insensitive.
func ColumnKey(column string) string { return strings.ToLower(column) }

// section returns (making it) the section for database db.
func (s *Set) section(db string) *Set {
	key := s.TableKey(db)
	d := s.Databases[key]
	if d == nil {
		d = NewSet()
		d.database = db
		d.LowerCaseTableNames = s.LowerCaseTableNames
		s.Databases[key] = d
	}
	return d
}

// Database returns the section for database db, or nil.
func (s *Set) Database(db string) *Set { return s.Databases[s.TableKey(db)] }

// Add records a rule, replacing any rule for the same column; a rule
// with a Database goes to that database's section.
func (s *Set) Add(r Rule) {
	if r.Database != "" && s.database == "" {
		s.section(r.Database).add(r)
		return
	}
	s.add(r)
}

func (s *Set) add(r Rule) {
	tk := s.TableKey(r.Table)
	m := s.rules[tk]
	if m == nil {
		m = map[string]*Rule{}
		s.rules[tk] = m
	}
	rr := r
	m[ColumnKey(r.Column)] = &rr
}

// here returns the rule written (or propagated) in this set itself for
// table.column; a shadow_<table> twin without rules of its own inherits
// <table>'s (Nova archives rows there).
func (s *Set) here(table, column string) *Rule {
	tk, ck := s.TableKey(table), ColumnKey(column)
	if r := s.rules[tk][ck]; r != nil {
		return r
	}
	if base, ok := cutPrefixFold(tk, "shadow_"); ok {
		if r := s.rules[base][ck]; r != nil {
			rr := *r
			rr.Table = table
			rr.Via = "shadow of " + r.Table + "." + r.Column
			return &rr
		}
	}
	return nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// Rule returns the rule for table.column in a dump that names no
// database: a rule for every database, else one of a database section
// (the dump may hold that database alone; Validate refuses sections
// that disagree on it).
func (s *Set) Rule(table, column string) *Rule {
	if r := s.here(table, column); r != nil {
		return r
	}
	for _, db := range s.sectionNames() {
		if r := s.Databases[db].here(table, column); r != nil {
			return r
		}
	}
	return nil
}

// RuleIn returns the rule for table.column of database db: its
// section's, else the rule for every database. With db "" it is Rule.
func (s *Set) RuleIn(db, table, column string) *Rule {
	if db == "" {
		return s.Rule(table, column)
	}
	if d := s.Database(db); d != nil {
		if r := d.here(table, column); r != nil {
			return r
		}
	}
	return s.here(table, column)
}

// HasRules reports whether any rule applies to a column of table in
// database db ("" for a dump that names none).
func (s *Set) HasRules(db, table string) bool {
	has := func(set *Set) bool {
		tk := set.TableKey(table)
		if len(set.rules[tk]) > 0 {
			return true
		}
		base, ok := cutPrefixFold(tk, "shadow_")
		return ok && len(set.rules[base]) > 0
	}
	if has(s) {
		return true
	}
	if db != "" {
		d := s.Database(db)
		return d != nil && has(d)
	}
	for _, name := range s.sectionNames() {
		if has(s.Databases[name]) {
			return true
		}
	}
	return false
}

func (s *Set) sectionNames() []string {
	names := make([]string, 0, len(s.Databases))
	for n := range s.Databases {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TableRules returns the rules written for a table for every database,
// sorted by column.
func (s *Set) TableRules(table string) []*Rule {
	var out []*Rule
	for _, r := range s.rules[s.TableKey(table)] {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Column < out[j].Column })
	return out
}

// All returns every rule, those for every database first, then each
// section's, sorted by table and column.
func (s *Set) All() []*Rule {
	out := s.own()
	for _, db := range s.sectionNames() {
		out = append(out, s.Databases[db].own()...)
	}
	return out
}

func (s *Set) own() []*Rule {
	var tables []string
	for t := range s.rules {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	var out []*Rule
	for _, t := range tables {
		rs := make([]*Rule, 0, len(s.rules[t]))
		for _, r := range s.rules[t] {
			rs = append(rs, r)
		}
		sort.Slice(rs, func(i, j int) bool { return rs[i].Column < rs[j].Column })
		out = append(out, rs...)
	}
	return out
}

// Len is the number of rules, sections' included.
func (s *Set) Len() int {
	n := 0
	for _, m := range s.rules {
		n += len(m)
	}
	for _, d := range s.Databases {
		n += d.Len()
	}
	return n
}

// Conflict is an overlay rule that replaced a different base rule.
type Conflict struct {
	Table, Column string
	Base, Overlay Rule
}

func (c Conflict) String() string {
	return fmt.Sprintf("%s.%s: %s (%s) overridden by %s (%s)", c.Table, c.Column, c.Base.Kind, c.Base.Source, c.Overlay.Kind, c.Overlay.Source)
}

// Merge adds overlay's rules, relations and known tables to s; the
// overlay wins, and every rule it changes is reported.
func (s *Set) Merge(overlay *Set) []Conflict {
	if overlay.LowerCaseTableNames > s.LowerCaseTableNames {
		s.setLowerCase(overlay.LowerCaseTableNames)
	}
	var conflicts []Conflict
	for _, r := range overlay.All() {
		target := s
		if r.Database != "" {
			target = s.section(r.Database)
		}
		if old := target.rules[target.TableKey(r.Table)][ColumnKey(r.Column)]; old != nil && !old.Kind.Equal(r.Kind) {
			conflicts = append(conflicts, Conflict{Table: r.Table, Column: r.Column, Base: *old, Overlay: *r})
		}
		target.add(*r)
	}
	s.addRelations(overlay.Relations)
	for t, cols := range overlay.Tables {
		s.Tables[t] = appendNew(s.Tables[t], cols...)
	}
	for t := range overlay.ColumnsUnknown {
		s.ColumnsUnknown[t] = true
	}
	return conflicts
}

// setLowerCase changes how table names compare, re-keying the rules.
func (s *Set) setLowerCase(v int) {
	old := s.All()
	s.LowerCaseTableNames = v
	s.rules = map[string]map[string]*Rule{}
	s.Databases = map[string]*Set{}
	for _, r := range old {
		s.Add(*r)
	}
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, l := range list {
			if strings.EqualFold(l, it) {
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

func (s *Set) addRelations(rels []Relation) {
	have := map[string]bool{}
	for _, rel := range s.Relations {
		have[strings.ToLower(rel.String())] = true
	}
	for _, rel := range rels {
		if k := strings.ToLower(rel.String()); !have[k] {
			s.Relations = append(s.Relations, rel)
			have[k] = true
		}
	}
}

// Propagate gives every column that references an anonymized column
// (through s.Relations and extra, e.g. the dump's FOREIGN KEYs) the
// referenced column's kind, so joins still join after anonymization.
// Chains propagate. Columns with a rule of their own keep it. In a
// database section, a column referencing one of the section's rules
// gets it in that section. It returns the rules it added and records
// the extra relations in s.
func (s *Set) Propagate(extra []Relation) []Rule {
	s.addRelations(extra)
	added := s.propagate("", s.here, func(r Rule) { s.add(r) })
	for _, db := range s.sectionNames() {
		d := s.Databases[db]
		added = append(added, s.propagate(d.database, func(t, c string) *Rule { return s.RuleIn(d.database, t, c) }, func(r Rule) {
			r.Database = d.database
			d.add(r)
		})...)
	}
	return added
}

func (s *Set) propagate(db string, lookup func(t, c string) *Rule, add func(Rule)) []Rule {
	var added []Rule
	for changed := true; changed; {
		changed = false
		for _, rel := range s.Relations {
			for i, col := range rel.Columns {
				if i >= len(rel.RefColumns) {
					break
				}
				ref := lookup(rel.RefTable, rel.RefColumns[i])
				if ref == nil || lookup(rel.Table, col) != nil {
					continue
				}
				if db != "" && ref.Database != db {
					continue // the rule for every database propagated already
				}
				r := Rule{Database: db, Table: rel.Table, Column: col, Kind: ref.Kind, Via: rel.RefTable + "." + rel.RefColumns[i], Source: rel.Source}
				add(r)
				added = append(added, r)
				changed = true
			}
		}
	}
	return added
}
