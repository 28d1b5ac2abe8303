package anonymize

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Bodies of views, triggers, routines and events, and the expressions of
// CREATE TABLE (CHECK, generated columns, partitions). A literal compared
// with, assigned to or inserted into a marked column becomes a fake of
// that column's kind; any other literal is spotted (spot.go); the rest
// of a body stays byte for byte.
//
// In CREATE TABLE the fake is the one the rows get: rows must still pass
// their CHECKs and land in their partitions. In a body it is by default
// a fake no row has: the rows' fake would point a reader of the published
// dump at the row a trigger was written for (one VIP customer), and so
// at everything left unmarked beside it (attack1, F5); a LIKE pattern's
// domain would name a group of rows the same way. The body still loads
// and runs; it no longer fires for that row. Options.KeepBodyLinkage
// (--keep-body-linkage) gives bodies the rows' fakes, for an operator
// who needs the trigger to fire on the same row and has reviewed what the
// row publishes (fuzzy audit reports it).

// routine handles CREATE VIEW/TRIGGER/PROCEDURE/FUNCTION/EVENT.
func (x *stmt) routine(obj string) error {
	x.definer()
	x.comments()
	x.rows = x.w
	if !x.e.opts.KeepBodyLinkage {
		x.w = x.e.unlinkedWorker()
	}
	x.tables = map[string]string{}
	x.vars = map[string]bool{}
	at := -1
	for p := range x.code {
		if x.upper(p) == obj {
			at = p
			break
		}
	}
	switch obj {
	case "TRIGGER":
		for p := at; p < len(x.code); p++ {
			if x.is(p, "ON") {
				parts, _ := x.qualified(p + 1)
				if len(parts) > 0 {
					x.trigger = x.tableName(parts[len(parts)-1])
				}
				break
			}
		}
	case "EVENT":
		x.eventTimes(at)
	case "PROCEDURE", "FUNCTION":
		x.params(at)
	}
	x.declares()
	x.scope()
	if err := x.taintVars(); err != nil {
		return err
	}
	if err := x.insertValues(0, len(x.code)); err != nil {
		return err
	}
	if err := x.literals(0, len(x.code)); err != nil {
		return err
	}
	return nil
}

// unlinkedSalt derives the key of a body's fakes from the run's key.
const unlinkedSalt = "fuzzy: literals of bodies, linked to no row"

// unlinkedWorker returns a worker whose fakes are those of a key derived
// from the run's: of the same kinds and forms as the rows' fakes, and as
// consistent (one original, one fake, in every body), but independent of
// them, so that a body's literal equals no row's value but by the chance
// of two fakes meeting. Bodies are few: one is made per body.
func (e *Engine) unlinkedWorker() *worker {
	m := hmac.New(sha256.New, e.opts.Key.secret)
	m.Write([]byte(unlinkedSalt))
	return newWorker(&Key{secret: m.Sum(nil)})
}

// linked reports whether the statement's literals get the rows' fakes.
func (x *stmt) linked() bool { return x.rows == nil || x.rows == x.w }

// eventTimes: AT/STARTS/ENDS 'datetime' are when the donor scheduled the
// event; they get the dump's datetime shift.
func (x *stmt) eventTimes(from int) {
	for p := from; p < len(x.code); p++ {
		if x.is(p, "DO") {
			return
		}
		if (x.is(p, "AT") || x.is(p, "STARTS") || x.is(p, "ENDS")) && x.tok(p+1).Kind == sqldump.TokString {
			v := x.value(p + 1)
			res := kindDatetime(x.w, &colInfo{typ: "datetime"}, v, 0)
			if res.fallback {
				x.spotAt(p + 1)
				continue
			}
			x.set(p+1, sqldump.AppendQuoted(nil, res.out))
		}
	}
}

// params reads a routine's parameter names: local names hide columns.
func (x *stmt) params(from int) {
	p := from + 1
	_, p = x.qualified(p)
	if !x.is(p, "(") {
		return
	}
	depth := 0
	expectName := true
	for ; p < len(x.code); p++ {
		switch {
		case x.is(p, "("):
			depth++
			continue
		case x.is(p, ")"):
			depth--
			if depth == 0 {
				return
			}
			continue
		case x.is(p, ",") && depth == 1:
			expectName = true
			continue
		}
		if depth == 1 && expectName {
			if w := x.upper(p); w == "IN" || w == "OUT" || w == "INOUT" {
				continue
			}
			if n := x.nameAt(p); n != "" {
				x.vars[strings.ToLower(n)] = true
			}
			expectName = false
		}
	}
}

// declares reads DECLARE name[, name] ... : local variables hide columns.
func (x *stmt) declares() {
	for p := range x.code {
		if !x.is(p, "DECLARE") {
			continue
		}
		for q := p + 1; q < len(x.code); q += 2 {
			n := x.nameAt(q)
			if n == "" {
				break
			}
			x.vars[strings.ToLower(n)] = true
			if !x.is(q+1, ",") {
				break
			}
		}
	}
}

// cmpOps tie a literal to the column on their other side.
var cmpOps = map[string]bool{"=": true, "<=>": true, "<>": true, "!=": true, ":=": true, "<": true, ">": true, "<=": true, ">=": true}

// equalityOps keep their meaning when both sides are faked: numbers are
// only faked under these (a permutation does not keep order).
var equalityOps = map[string]bool{"=": true, "<=>": true, "<>": true, "!=": true, ":=": true, "IN": true, "VALUES": true}

// litBounds: a literal's introducer (_utf8mb4'x') before and COLLATE x
// after are part of it.
func (x *stmt) litBounds(p int) (int, int) {
	lo, hi := p, p
	if t := x.tok(p - 1); t.Kind == sqldump.TokWord && bytes.HasPrefix(t.Text(x.src), []byte("_")) {
		lo = p - 1
	}
	if x.is(p+1, "COLLATE") && x.nameAt(p+2) != "" {
		hi = p + 2
	}
	return lo, hi
}

// isLit: a literal position (string, hex, bit, number, NULL).
func (x *stmt) isLit(p int) bool {
	switch x.tok(p).Kind {
	case sqldump.TokString, sqldump.TokHex, sqldump.TokBit, sqldump.TokNumber:
		return true
	}
	return x.is(p, "NULL")
}

// refBefore reads a column reference ending at p.
func (x *stmt) refBefore(p int) []string {
	var parts []string
	for {
		n := x.nameAt(p)
		if n == "" {
			break
		}
		parts = append([]string{n}, parts...)
		if !x.is(p-1, ".") {
			break
		}
		p -= 2
	}
	return parts
}

// partner finds the column a literal at p is compared with or assigned
// to, and the operator ("=", "LIKE", "IN", ...).
func (x *stmt) partner(p int) (column, string, bool, error) {
	lo, hi := x.litBounds(p)
	// column op literal
	q := lo - 1
	op := ""
	switch t := x.tok(q); {
	case t.Kind == sqldump.TokPunct && cmpOps[string(t.Text(x.src))]:
		op = string(t.Text(x.src))
	case x.is(q, "LIKE"):
		op = "LIKE"
		if x.is(q-1, "NOT") {
			q--
		}
	}
	if op != "" {
		if parts := x.refBefore(q - 1); len(parts) > 0 {
			c, ok, err := x.resolve(parts)
			if err != nil || ok {
				return c, op, ok, err
			}
		}
	}
	// literal op column
	if t := x.tok(hi + 1); t.Kind == sqldump.TokPunct && cmpOps[string(t.Text(x.src))] && string(t.Text(x.src)) != ":=" {
		parts, next := x.qualified(hi + 2)
		if len(parts) > 0 && !x.is(next, "(") {
			c, ok, err := x.resolve(parts)
			if err != nil || ok {
				return c, string(t.Text(x.src)), ok, err
			}
		}
	}
	// column [NOT] IN (lit, lit, ...)
	q = lo - 1
	for x.is(q, ",") && x.isLit(q-1) {
		q -= 2
		if l, _ := x.litBounds(q + 1); l < q+1 {
			q = l - 1
		}
	}
	if x.is(q, "(") && x.is(q-1, "IN") {
		q -= 2
		if x.is(q, "NOT") {
			q--
		}
		if parts := x.refBefore(q); len(parts) > 0 {
			c, ok, err := x.resolve(parts)
			return c, "IN", ok, err
		}
	}
	return column{}, "", false, nil
}

// insertValues ties the literals of INSERT INTO t (a, b) VALUES (...)
// inside a body to their columns, by position.
func (x *stmt) insertValues(from, to int) error {
	for p := from; p < to; p++ {
		if !x.is(p, "INTO") {
			continue
		}
		parts, q := x.qualified(p + 1)
		if len(parts) == 0 || !x.is(q, "(") {
			continue
		}
		table := x.tableName(parts[len(parts)-1])
		var cols []string
		for q++; q < to && !x.is(q, ")"); q++ {
			if n := x.nameAt(q); n != "" {
				cols = append(cols, n)
			}
		}
		if x.is(q+1, "SELECT") {
			if err := x.insertSelect(table, cols, q+2, to); err != nil {
				return err
			}
			continue
		}
		if !x.is(q+1, "VALUES") && !x.is(q+1, "VALUE") {
			continue
		}
		q += 2
		for x.is(q, "(") {
			i, depth, start := 0, 0, q+1
			for q++; q < to; q++ {
				if x.is(q, "(") {
					depth++
				} else if x.is(q, ")") && depth > 0 {
					depth--
				} else if depth == 0 && (x.is(q, ",") || x.is(q, ")")) {
					if lit := x.soleLit(start, q); lit >= 0 && i < len(cols) {
						if err := x.tie(lit, []string{table, cols[i]}, "VALUES"); err != nil {
							return err
						}
					}
					i++
					start = q + 1
					if x.is(q, ")") {
						break
					}
				}
			}
			q++
			if !x.is(q, ",") {
				break
			}
			q++
		}
	}
	return nil
}

// insertSelect ties the literals of INSERT INTO t (a, b) SELECT x, '...'
// to their columns, by position in the select list.
func (x *stmt) insertSelect(table string, cols []string, from, to int) error {
	i, depth, start := 0, 0, from
	for q := from; q <= to; q++ {
		switch {
		case x.is(q, "("):
			depth++
			continue
		case x.is(q, ")") && depth > 0:
			depth--
			continue
		case depth > 0:
			continue
		case q < to && !x.is(q, ",") && !x.is(q, ")") && !x.is(q, ";") && !x.is(q, "FROM") && !x.is(q, "WHERE") && !x.is(q, "UNION") && x.tok(q).Kind != sqldump.TokDelimiter:
			continue
		}
		if lit := x.soleLit(start, q); lit >= 0 && i < len(cols) {
			if err := x.tie(lit, []string{table, cols[i]}, "VALUES"); err != nil {
				return err
			}
		}
		if !x.is(q, ",") {
			return nil
		}
		i++
		start = q + 1
	}
	return nil
}

// soleLit returns the literal that is all of [from, to) (an introducer
// and COLLATE allowed), or -1.
func (x *stmt) soleLit(from, to int) int {
	for p := from; p < to; p++ {
		if x.isLit(p) {
			if lo, hi := x.litBounds(p); lo == from && hi == to-1 {
				return p
			}
			return -1
		}
	}
	return -1
}

// tie decides the literal at p as a value of the named column.
func (x *stmt) tie(p int, ref []string, op string) error {
	if !x.isLit(p) || x.is(p, "NULL") || x.done[x.code[p]] {
		return nil
	}
	c, ok, err := x.resolve(ref)
	if err != nil || !ok {
		return err
	}
	return x.decideLit(p, c, op)
}

// literals decides every literal in [from, to) not decided yet.
func (x *stmt) literals(from, to int) error {
	for p := from; p < to; p++ {
		if !x.isLit(p) || x.is(p, "NULL") || x.done[x.code[p]] {
			continue
		}
		c, op, ok, err := x.partner(p)
		if err != nil {
			return err
		}
		if !ok {
			if err := x.aroundColumn(p); err != nil {
				return err
			}
			x.spotAt(p)
			continue
		}
		if err := x.decideLit(p, c, op); err != nil {
			return err
		}
	}
	return nil
}

// decideLit: the literal at p is a value of column c (through op).
func (x *stmt) decideLit(p int, c column, op string) error {
	tk := x.tok(p)
	if c.rule == nil || c.rule.Kind.Name == "keep" {
		if tk.Kind == sqldump.TokNumber {
			x.done[x.code[p]] = true
			return nil
		}
		if x.spotAt(p) && c.rule == nil {
			if x.strict {
				return fmt.Errorf("a literal that rows of %s.%s must match looks confidential, but the column has no rule: give %s.%s a rule (its rows and this literal then get the same fake) or keep", c.table, c.name, c.table, c.name)
			}
			hint := "give the column a rule so that literal and rows get the same fake"
			if !x.linked() {
				hint = "give the column a rule so that its rows are anonymized too"
			}
			x.e.warn(x.stats, x.line(), fmt.Sprintf("%s: a literal of unmarked column %s.%s (its DEFAULT, or compared with or assigned to it) looked confidential and was replaced; %s", x.name(), c.table, c.name, hint))
		}
		return nil
	}
	if x.strict && x.unl != nil && x.w != x.unl && x.excludes(p, op) {
		return x.unlinked(func() error { return x.decideLit(p, c, op) })
	}
	if tk.Kind == sqldump.TokNumber && !equalityOps[op] {
		x.done[x.code[p]] = true
		return nil // an order comparison with a permuted number means nothing either way
	}
	v := x.value(p)
	if len(v) == 0 && tk.Kind == sqldump.TokString {
		x.done[x.code[p]] = true
		return nil // empty stays empty, as in the rows
	}
	if x.tables != nil && x.self == "" {
		if x.e.tied != nil && (op == "LIKE" || equalityOps[op] && op != ":=") {
			x.e.tied(x.name(), x.line(), c, op == "LIKE") // a body names rows by a value or pattern (audit)
		}
		x.warnUnlinked(c)
	}
	if op == "LIKE" {
		x.set(p, x.literal(p, likeFake(x.w, v)))
		return nil
	}
	out, null, fb, err := x.e.fakeOf(x.w, c, v)
	if err != nil {
		return fmt.Errorf("%s.%s: %w", c.table, c.name, err)
	}
	if null {
		x.set(p, []byte("NULL"))
		return nil
	}
	if fb && tk.Kind == sqldump.TokNumber {
		out = fakeDigits(x.w, v) // a decimal of an integer-kind column: a number of its shape, not text
	}
	x.set(p, x.literal(p, out))
	return nil
}

// fake is column c's fake of v, as its rows get it.
func (e *Engine) fake(w *worker, c column, v []byte) ([]byte, bool, error) {
	out, null, _, err := e.fakeOf(w, c, v)
	return out, null, err
}

// fakeOf is fake, and whether v did not parse as the column's kind.
func (e *Engine) fakeOf(w *worker, c column, v []byte) (out []byte, null, fallback bool, err error) {
	info, err := e.columnInfo(c.table, c.name, c.t, c.rule)
	if err != nil {
		return nil, false, false, err
	}
	if kindFuncs[c.rule.Kind.Name] == nil {
		return nil, false, false, fmt.Errorf("kind %s is not implemented", c.rule.Kind.Name)
	}
	res := w.embed(c.rule.Kind.Name, &info, v) // the column's fake, re-derived if it was
	if res.null {
		return nil, true, false, nil
	}
	out, err = fit(&colPlan{kind: c.rule.Kind.Name, info: info}, res.out)
	return append([]byte(nil), out...), false, res.fallback, err
}

// likeFake fakes a LIKE pattern piece by piece: wildcards stay, pieces
// that look confidential get their kind's fake (a domain after '@' the
// one the column's e-mails got), other pieces random characters of their
// shape.
func likeFake(w *worker, pat []byte) []byte {
	var out []byte
	run := []byte{}
	flush := func() {
		if len(run) == 0 {
			return
		}
		if len(out) > 0 && out[len(out)-1] == '@' {
			if d, ok := w.emailDomain(run); ok {
				out = append(out, d...) // '%@acme.example': the domain the e-mails got
				run = run[:0]
				return
			}
		}
		if f, ok := spot(w, run); ok {
			out = append(out, f...)
		} else {
			out = append(out, fallback(w, &noColumn, run, 0).out...)
		}
		run = run[:0]
	}
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch {
		case c == '\\' && i+1 < len(pat):
			flush()
			out = append(out, c, pat[i+1])
			i++
		case c == '%' || c == '_' || c == '@':
			flush()
			out = append(out, c)
		default:
			run = append(run, c)
		}
	}
	flush()
	return out
}
