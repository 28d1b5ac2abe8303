package anonymize

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// A literal in a view, trigger, routine or event body that is compared
// with a marked column names rows: given that column's fake (anonymize
// --keep-body-linkage), so that the body still works for its row, it
// points at that row in the published dump: a trigger written for one
// VIP customer points at her anonymized row, and whatever the rules left
// unmarked beside it (her plan, balance, login count) is published as
// hers (attack1, F5). By default anonymize gives it a fake no row has
// (bodies.go). Audit finds such literals with anonymize's own reading of
// the bodies: findings when linkage is kept, warnings otherwise.

// tiedLiteral is a body's literal compared with column c.
type tiedLiteral struct {
	what string // CREATE TRIGGER, CREATE VIEW, ...
	line int
	c    column
	like bool // a LIKE pattern: a group of rows
}

// bodyScan runs the engine's body analysis over a dump's statements (no
// key: fakes do not matter here) and collects the literals that name
// rows.
type bodyScan struct {
	e     *Engine
	w     *worker
	stats Stats
	found []tiedLiteral
}

func newBodyScan(set *rules.Set, schema *sqldump.Schema) *bodyScan {
	k := &Key{secret: make([]byte, MinKeyBytes)}
	e, err := New(Options{Rules: set, Key: k, Schema: schema, Workers: 1})
	if err != nil {
		return nil
	}
	b := &bodyScan{e: e, w: newWorker(k)}
	e.tied = func(what string, line int, c column, like bool) {
		b.found = append(b.found, tiedLiteral{what, line, c, like})
	}
	return b
}

// add reads one statement; only bodies can name rows.
func (b *bodyScan) add(st *sqldump.Statement) {
	if b == nil || st.Kind != sqldump.KindOther {
		return
	}
	x, err := b.e.lex(b.w, st, &b.stats)
	if err != nil {
		return // anonymize reports what it cannot read
	}
	x.decide()
}

// findings: one per table a body names rows of, with the table's
// columns that have no rule (what is published beside the named row).
func (b *bodyScan) findings(set *rules.Set, linked bool) []Finding {
	if b == nil {
		return nil
	}
	type key struct{ table, col string }
	seen := map[key][]string{}
	var order []key
	for _, f := range b.found {
		k := key{f.c.table, f.c.name}
		if _, ok := seen[k]; !ok {
			order = append(order, k)
		}
		seen[k] = append(seen[k], fmt.Sprintf("%s at line %d", f.what, f.line))
	}
	var out []Finding
	for _, k := range order {
		f := b.found[0]
		for _, g := range b.found {
			if g.c.table == k.table && g.c.name == k.col {
				f = g
				break
			}
		}
		t := f.c.t
		keys := map[string]bool{} // they link the row, they say nothing of it
		for _, c := range t.PrimaryKey {
			keys[strings.ToLower(c)] = true
		}
		for _, fk := range t.ForeignKeys {
			for _, c := range fk.Columns {
				keys[strings.ToLower(c)] = true
			}
		}
		var unmarked []string
		for _, c := range t.Columns {
			if c.Name != k.col && !keys[strings.ToLower(c.Name)] && set.RuleIn(t.Database, t.Name, c.Name) == nil {
				unmarked = append(unmarked, c.Name)
			}
		}
		if len(unmarked) == 0 {
			continue // nothing of the row is published unmarked
		}
		sort.Strings(unmarked)
		rows := "the rows whose " + k.col + " is that value (" + k.col + " is not a unique key: maybe few)"
		switch {
		case f.like:
			rows = "the rows whose " + k.col + " matches a pattern (a domain names a group)"
		case uniqueColumn(t, k.col):
			rows = "exactly one row (" + k.col + " is a unique key)"
		}
		if !linked {
			out = append(out, Finding{Table: k.table, Reasons: []string{fmt.Sprintf(
				"%s: a literal compared with %s.%s names %s; anonymize gives it a fake no row has, so the published body names no row (and no longer matches that row when it runs); "+
					"with --keep-body-linkage it would get the rows' fake and point at the row, whose columns without a rule (%s) would be published as its own",
				strings.Join(seen[k], ", "), k.table, k.col, rows, strings.Join(unmarked, ", "))}})
			continue
		}
		out = append(out, Finding{Table: k.table, Reasons: []string{fmt.Sprintf(
			"%s: a literal compared with %s.%s gets that column's fake (--keep-body-linkage), so the body still works, and so names %s in the published dump; "+
				"that row's columns without a rule are published as its own: %s (and the rows of other tables that reference it stay linked to it). "+
				"Suggested: give them rules (their kinds, or keep once reviewed), drop --keep-body-linkage, or leave this body out of the donated dump",
			strings.Join(seen[k], ", "), k.table, k.col, rows, strings.Join(unmarked, ", "))}})
	}
	return out
}

// uniqueColumn: col alone is the primary key or a unique key of t.
func uniqueColumn(t *sqldump.Table, col string) bool {
	if len(t.PrimaryKey) == 1 && strings.EqualFold(t.PrimaryKey[0], col) {
		return true
	}
	for _, k := range t.UniqueKeys {
		if len(k.Columns) == 1 && strings.EqualFold(k.Columns[0], col) {
			return true
		}
	}
	return false
}
