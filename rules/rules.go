// Package rules holds what to anonymize and how: per table.column a kind
// with parameters, plus the relations (foreign keys, declared or implicit)
// between columns. modelmarkup reads rules from SQLAlchemy models, this
// package reads and writes the YAML rules file, and anonymize and scale
// consume the merged result.
package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kinds is the vocabulary: the original Fuzzy Happiness kinds plus what
// real data needs. anonymize implements each of them.
var Kinds = []string{
	// Fuzzy Happiness (2014 Nova patch)
	"string", "uuid", "hostname", "ip_address", "ip_address_v4", "ip_address_v6",
	"datetime", "integer", "ec2_id", "key_name",
	// added
	"mac", "cidr", "email", "username", "url", "ssh_public_key", "fingerprint",
	"text", "json", "null", "keep", "fixed",
	// personal data, format kept (audit suggests them)
	"phone", "national_id", "iban", "card_number", "person_name", "street_address", "shape",
}

// aliases maps accepted spellings to kinds; the original patch's typo
// is accepted.
var aliases = map[string]string{
	"ip_addesss_v6": "ip_address_v6",
	"ipv4":          "ip_address_v4",
	"ipv6":          "ip_address_v6",
	"ip":            "ip_address",
}

// KindParams lists the parameters each kind reads (in anonymize); the
// one list both packages use.
var KindParams = map[string][]string{
	"json":     {"paths", "keys"},
	"fixed":    {"value"},
	"datetime": {"window"}, // how far one entity's dates may move from another's
}

// DefaultWindow is datetime's window when the rules set none.
const DefaultWindow = 30 * 24 * time.Hour

// ParseWindow reads datetime's window: a whole number with a unit, s, m,
// h, d or w ("30d").
func ParseWindow(s string) (time.Duration, error) {
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if len(s) < 2 || units[s[len(s)-1]] == 0 {
		return 0, fmt.Errorf("window %q: want a number and a unit (s, m, h, d, w), e.g. 30d", s)
	}
	n, err := strconv.ParseUint(s[:len(s)-1], 10, 32)
	if err != nil || n > 100*366 && s[len(s)-1] == 'd' {
		return 0, fmt.Errorf("window %q: want a whole number of at most a century, e.g. 30d", s)
	}
	d := time.Duration(n) * units[s[len(s)-1]]
	if d > 100*366*24*time.Hour {
		return 0, fmt.Errorf("window %q: at most a century", s)
	}
	return d, nil
}

// checkParams refuses parameter values a kind cannot use.
func checkParams(k Kind) error {
	if w, ok := k.Params["window"]; ok && k.Name == "datetime" {
		if _, err := ParseWindow(w); err != nil {
			return err
		}
	}
	return nil
}

// Kind is a kind name with its parameters, e.g. json:paths=a.b,c;
// Params are kind-specific (see the README).
type Kind struct {
	Name   string
	Params map[string]string
}

// ParseKind parses "name" or "name:key=value;key=value". Unknown kinds are
// an error.
func ParseKind(s string) (Kind, error) {
	name, params, hasParams := strings.Cut(strings.TrimSpace(s), ":")
	name = strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[name]; ok {
		name = a
	}
	if !isKind(name) {
		return Kind{}, fmt.Errorf("unknown kind %q (known: %s)", name, strings.Join(Kinds, ", "))
	}
	k := Kind{Name: name}
	if hasParams {
		k.Params = map[string]string{}
		for _, kv := range strings.Split(params, ";") {
			kv = strings.TrimSpace(kv)
			if kv == "" {
				continue
			}
			key, value, ok := strings.Cut(kv, "=")
			if !ok {
				return Kind{}, fmt.Errorf("kind %q: parameter %q is not key=value", s, kv)
			}
			k.Params[strings.TrimSpace(key)] = strings.TrimSpace(value)
		}
	}
	if err := checkParams(k); err != nil {
		return Kind{}, err
	}
	return k, nil
}

func isKind(name string) bool {
	for _, k := range Kinds {
		if k == name {
			return true
		}
	}
	return false
}

// String renders the kind in the syntax ParseKind reads.
func (k Kind) String() string {
	if len(k.Params) == 0 {
		return k.Name
	}
	keys := make([]string, 0, len(k.Params))
	for key := range k.Params {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(k.Name)
	b.WriteByte(':')
	for i, key := range keys {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(key + "=" + k.Params[key])
	}
	return b.String()
}

// Equal reports whether two kinds are the same with the same parameters.
func (k Kind) Equal(o Kind) bool { return k.String() == o.String() }

// Rule says how one column is anonymized.
type Rule struct {
	Table  string
	Column string
	Kind   Kind
	// Source says where the rule came from (file:line).
	Source string
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
type Set struct {
	rules     map[string]map[string]*Rule // table -> column -> rule
	Relations []Relation
	// Tables holds the columns known per table (from models), used to
	// check rules against, when known.
	Tables map[string][]string
}

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{rules: map[string]map[string]*Rule{}, Tables: map[string][]string{}}
}

// Add records a rule, replacing any rule for the same column.
func (s *Set) Add(r Rule) {
	m := s.rules[r.Table]
	if m == nil {
		m = map[string]*Rule{}
		s.rules[r.Table] = m
	}
	rr := r
	m[r.Column] = &rr
}

// Rule returns the rule for table.column. A shadow_<table> twin without
// rules of its own inherits <table>'s (Nova archives rows there).
func (s *Set) Rule(table, column string) *Rule {
	if r := s.rules[table][column]; r != nil {
		return r
	}
	if base, ok := strings.CutPrefix(table, "shadow_"); ok {
		if r := s.rules[base][column]; r != nil {
			rr := *r
			rr.Table = table
			rr.Via = "shadow of " + base + "." + column
			return &rr
		}
	}
	return nil
}

// TableRules returns the rules written for a table, sorted by column.
func (s *Set) TableRules(table string) []*Rule {
	var out []*Rule
	for _, r := range s.rules[table] {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Column < out[j].Column })
	return out
}

// All returns every rule, sorted by table and column.
func (s *Set) All() []*Rule {
	var tables []string
	for t := range s.rules {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	var out []*Rule
	for _, t := range tables {
		out = append(out, s.TableRules(t)...)
	}
	return out
}

// Len is the number of rules.
func (s *Set) Len() int {
	n := 0
	for _, m := range s.rules {
		n += len(m)
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

// Merge adds overlay's rules and relations to s; the overlay wins, and
// every rule it changes is reported.
func (s *Set) Merge(overlay *Set) []Conflict {
	var conflicts []Conflict
	for _, r := range overlay.All() {
		if old := s.rules[r.Table][r.Column]; old != nil && !old.Kind.Equal(r.Kind) {
			conflicts = append(conflicts, Conflict{Table: r.Table, Column: r.Column, Base: *old, Overlay: *r})
		}
		s.Add(*r)
	}
	have := map[string]bool{}
	for _, rel := range s.Relations {
		have[rel.String()] = true
	}
	for _, rel := range overlay.Relations {
		if !have[rel.String()] {
			s.Relations = append(s.Relations, rel)
			have[rel.String()] = true
		}
	}
	for t, cols := range overlay.Tables {
		if _, ok := s.Tables[t]; !ok {
			s.Tables[t] = cols
		}
	}
	return conflicts
}

// Propagate gives every column that references an anonymized column
// (through s.Relations and extra, e.g. the dump's FOREIGN KEYs) the
// referenced column's kind, so joins still join after anonymization.
// Chains propagate. Columns with a rule of their own keep it. It returns
// the rules it added and records the extra relations in s.
func (s *Set) Propagate(extra []Relation) []Rule {
	have := map[string]bool{}
	for _, rel := range s.Relations {
		have[rel.String()] = true
	}
	for _, rel := range extra {
		if !have[rel.String()] {
			s.Relations = append(s.Relations, rel)
			have[rel.String()] = true
		}
	}
	var added []Rule
	for changed := true; changed; {
		changed = false
		for _, rel := range s.Relations {
			for i, col := range rel.Columns {
				if i >= len(rel.RefColumns) {
					break
				}
				ref := s.Rule(rel.RefTable, rel.RefColumns[i])
				if ref == nil || s.rules[rel.Table][col] != nil {
					continue
				}
				r := Rule{Table: rel.Table, Column: col, Kind: ref.Kind, Via: rel.RefTable + "." + rel.RefColumns[i], Source: rel.Source}
				s.Add(r)
				added = append(added, r)
				changed = true
			}
		}
	}
	return added
}

// Check verifies that every rule names a known table and column, against
// tables (name -> columns) from models or a dump's schema. Tables not in
// the map are not checked (shadow twins inherit from their base).
func (s *Set) Check(tables map[string][]string) error {
	var errs []string
	for _, r := range s.All() {
		cols, ok := tables[r.Table]
		if !ok {
			continue
		}
		found := false
		for _, c := range cols {
			if strings.EqualFold(c, r.Column) {
				found = true
				break
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: rule for %s.%s: table %s has no column %s", r.Source, r.Table, r.Column, r.Table, r.Column))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}
