package anonymize

import (
	"fmt"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// notAlias are words that can follow a table name and are not its alias.
var notAlias = map[string]bool{"WHERE": true, "SET": true, "JOIN": true, "INNER": true, "LEFT": true, "RIGHT": true, "CROSS": true,
	"NATURAL": true, "STRAIGHT_JOIN": true, "ON": true, "USING": true, "GROUP": true, "ORDER": true, "HAVING": true, "LIMIT": true,
	"UNION": true, "FOR": true, "LOCK": true, "WINDOW": true, "VALUES": true, "VALUE": true, "SELECT": true, "PARTITION": true,
	"USE": true, "IGNORE": true, "FORCE": true, "WITH": true, "AS": true, "INTO": true, "FROM": true, "WHEN": true, "THEN": true,
	"ELSE": true, "END": true, "AND": true, "OR": true, "NOT": true, "IS": true, "IN": true, "LIKE": true, "DO": true, "BEGIN": true,
	"IF": true, "WHILE": true, "RETURN": true, "DEFAULT": true, "CALL": true, "DECLARE": true, "LEAVE": true, "LOOP": true,
	"REPEAT": true, "UNTIL": true, "CASE": true, "ROW": true, "EACH": true, "BEFORE": true, "AFTER": true, "DUPLICATE": true,
	"RETURNING": true, "WRITE": true, "READ": true, "EXCEPT": true, "INTERSECT": true, "MINUS": true, "OFFSET": true}

// scope finds the tables a body names (after FROM, JOIN, UPDATE, INTO,
// TABLE) and their aliases.
func (x *stmt) scope() {
	if x.trigger != "" {
		x.tables[strings.ToLower(x.trigger)] = x.trigger
	}
	for p := range x.code {
		switch x.upper(p) {
		case "FROM", "JOIN", "UPDATE", "INTO", "TABLE", "STRAIGHT_JOIN":
		default:
			continue
		}
		q := p + 1
		for {
			parts, next := x.qualified(q)
			if len(parts) == 0 {
				break
			}
			name := x.tableName(parts[len(parts)-1])
			if x.e.schemaTable(x.st.Database, name) == nil {
				break
			}
			x.tables[strings.ToLower(name)] = name
			q = next
			if x.is(q, "AS") {
				q++
			}
			if a := x.nameAt(q); a != "" && !notAlias[strings.ToUpper(a)] {
				x.tables[strings.ToLower(a)] = name
				q++
			}
			if !x.is(q, ",") {
				break
			}
			q++
		}
	}
}

// tableName is a name as the schema spells it (MySQL compares table
// names by case on most systems, but a dump's schema has one spelling).
func (x *stmt) tableName(n string) string {
	if t := x.e.schemaTable(x.st.Database, n); t != nil {
		return t.Name
	}
	return n
}

// schemaTable finds a table of the dump, in db first.
// A one-pass run records the lookup (onepass.go).
func (e *Engine) schemaTable(db, name string) *sqldump.Table {
	t := e.findTable(db, name)
	if t != nil {
		e.consult(t.Database, t.Name, t.ColumnNames())
	} else {
		e.missed(db, name)
	}
	return t
}

func (e *Engine) findTable(db, name string) *sqldump.Table {
	s := e.opts.Schema
	if t := s.Table(db, name); t != nil {
		return t
	}
	if t := s.Table("", name); t != nil {
		return t
	}
	for _, t := range s.Tables() {
		if strings.EqualFold(t.Name, name) && (db == "" || strings.EqualFold(t.Database, db)) {
			return t
		}
	}
	return nil
}

// column is a marked column a literal is tied to.
type column struct {
	table string
	t     *sqldump.Table
	name  string
	rule  *rules.Rule // nil: unmarked
}

// resolve finds the column a reference names: [db.]table.col, NEW.col,
// OLD.col, alias.col or a bare name; ok is false when it is none (a
// variable, a keyword, an unknown name). A bare name that two tables of
// the body have, marked differently, is an error.
func (x *stmt) resolve(parts []string) (column, bool, error) {
	if len(parts) == 0 || len(parts) > 3 {
		return column{}, false, nil
	}
	col := parts[len(parts)-1]
	var cands []string
	if len(parts) >= 2 {
		q := strings.ToLower(parts[len(parts)-2])
		switch {
		case (q == "new" || q == "old") && x.trigger != "":
			cands = []string{x.trigger}
		case x.tables[q] != "":
			cands = []string{x.tables[q]}
		default:
			cands = []string{x.tableName(parts[len(parts)-2])}
		}
	} else {
		if x.vars[strings.ToLower(col)] {
			return column{}, false, nil
		}
		if x.self != "" {
			cands = []string{x.self}
		} else {
			seen := map[string]bool{}
			for _, t := range x.tables {
				if !seen[t] {
					seen[t] = true
					cands = append(cands, t)
				}
			}
		}
	}
	var found []column
	for _, tn := range cands {
		t := x.e.schemaTable(x.st.Database, tn)
		if t == nil {
			continue
		}
		c, _ := t.Column(col)
		if c == nil {
			continue
		}
		found = append(found, column{table: t.Name, t: t, name: c.Name, rule: x.e.opts.Rules.RuleIn(t.Database, t.Name, c.Name)})
	}
	if len(found) == 0 {
		return column{}, false, nil
	}
	best := found[0]
	for _, f := range found[1:] {
		switch {
		case f.rule == nil:
		case best.rule == nil:
			best = f
		case !best.rule.Kind.Equal(f.rule.Kind):
			return column{}, false, fmt.Errorf("column name %s is marked differently in tables %s and %s, and a literal is compared with it: qualify it in the body or give the columns one kind", col, best.table, f.table)
		}
	}
	return best, true, nil
}
