package anonymize

import (
	"fmt"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// A body's literal that is not compared with a column directly can still
// be a value of one: LOWER(NEW.name) = 'vera ip', CASE NEW.name WHEN
// 'Jane Donor', NEW.name BETWEEN 'A' AND 'B', COALESCE(NEW.name, '...'),
// FIND_IN_SET(NEW.name, '...,...'), IF(NEW.name = '', '...', NEW.name).
// Fail closed: a string literal in the same condition or expression as a
// marked column gets a fake of that column's kind (a body's fakes match
// no row by default, so nothing is lost that the direct comparison would
// keep). A literal the kind cannot read (a DATE_FORMAT pattern, a REGEXP)
// is only spotted, as any other.

// exprEnds are the words and marks that end a condition or an expression
// in a body.
var exprEnds = map[string]bool{";": true, "THEN": true, "ELSE": true, "ELSEIF": true, "DO": true, "BEGIN": true, "END": true,
	"AND": true, "OR": true, "XOR": true, "&&": true, "||": true, "WHERE": true, "HAVING": true, "ON": true, "SET": true,
	"SELECT": true, "FROM": true, "VALUES": true, "RETURN": true, "RETURNS": true, "WHEN": true, "IF": true, "WHILE": true,
	"UNTIL": true, "DECLARE": true, "DEFAULT": true, "INTO": true, "LIMIT": true, "ORDER": true, "GROUP": true, "CASE": true}

func (x *stmt) endsExpr(p int) bool {
	t := x.tok(p)
	switch t.Kind {
	case sqldump.TokWord:
		return exprEnds[strings.ToUpper(string(t.Text(x.src)))]
	case sqldump.TokPunct, sqldump.TokDelimiter:
		return exprEnds[string(t.Text(x.src))]
	}
	return false
}

// exprAround returns the bounds [lo, hi] of the condition or expression
// around the literal at p: out through the parentheses it is in, up to
// the words that end one (BETWEEN's AND is not an end); and for a literal
// after WHEN, the operand of its CASE.
func (x *stmt) exprAround(p int) (lo, hi, caseLo, caseHi int) {
	caseLo, caseHi = -1, -1
	depth := 0
	lo = p
	for q := p - 1; q >= 0; q-- {
		switch {
		case x.is(q, ")"):
			depth++
		case x.is(q, "("):
			if depth > 0 {
				depth--
			}
		case depth == 0 && x.is(q, "AND") && x.betweenBefore(q):
		case depth == 0 && x.endsExpr(q):
			if x.is(q, "WHEN") {
				caseLo, caseHi = x.caseOperand(q)
			}
			q = -1
			continue
		}
		lo = q
	}
	depth = 0
	hi = p
	for q := p + 1; q < len(x.code); q++ {
		switch {
		case x.is(q, "("):
			depth++
		case x.is(q, ")"):
			if depth > 0 {
				depth--
			}
		case depth == 0 && x.is(q, "AND") && x.betweenBefore(q):
		case depth == 0 && x.endsExpr(q):
			return lo, hi, caseLo, caseHi
		}
		hi = q
	}
	return lo, hi, caseLo, caseHi
}

// betweenBefore: the AND at p is BETWEEN's (a BETWEEN comes before it,
// with no other end between).
func (x *stmt) betweenBefore(p int) bool {
	depth := 0
	for q := p - 1; q >= 0; q-- {
		switch {
		case x.is(q, ")"):
			depth++
		case x.is(q, "("):
			depth--
		case depth == 0 && x.is(q, "BETWEEN"):
			return true
		case depth <= 0 && x.endsExpr(q):
			return false
		}
	}
	return false
}

// caseOperand finds the operand of the CASE a WHEN at p belongs to
// (CASE NEW.name WHEN ...): its bounds, or -1 for a searched CASE.
func (x *stmt) caseOperand(p int) (int, int) {
	depth := 0
	for q := p - 1; q >= 0; q-- {
		switch {
		case x.is(q, ")"):
			depth++
		case x.is(q, "("):
			depth--
		case depth == 0 && x.is(q, "CASE"):
			end := q + 1
			for end < p && !x.is(end, "WHEN") {
				end++
			}
			if end == q+1 {
				return -1, -1
			}
			return q + 1, end - 1
		case depth == 0 && x.is(q, "END") && x.is(q+1, "CASE"):
			return -1, -1 // another CASE ended: not ours to guess
		}
	}
	return -1, -1
}

// markedIn returns the first marked column (not keep) referenced in
// [lo, hi].
func (x *stmt) markedIn(lo, hi int) (column, bool, error) {
	for q := lo; q >= 0 && q <= hi; q++ {
		if x.nameAt(q) == "" || x.is(q-1, ".") || x.tok(q).Kind == sqldump.TokWord && exprEnds[x.upper(q)] {
			continue
		}
		parts, next := x.qualified(q)
		if x.is(next, "(") {
			q = next - 1
			continue // a function
		}
		c, ok, err := x.resolve(parts)
		if err != nil {
			return column{}, false, err
		}
		if ok && c.rule != nil && c.rule.Kind.Name != "keep" {
			return c, true, nil
		}
		q = next - 1
	}
	return column{}, false, nil
}

// aroundColumn decides a body's string literal at p that is compared
// with no column directly by the marked column of the expression around
// it, if there is one.
func (x *stmt) aroundColumn(p int) error {
	if x.tables == nil || x.self != "" || x.tok(p).Kind != sqldump.TokString || x.done[x.code[p]] {
		return nil
	}
	v := x.value(p)
	if len(v) == 0 {
		return nil
	}
	lo, hi, clo, chi := x.exprAround(p)
	c, ok, err := x.markedIn(lo, hi)
	if err == nil && !ok && clo >= 0 {
		c, ok, err = x.markedIn(clo, chi)
	}
	if err != nil || !ok {
		return err
	}
	out, null, fallback, err := x.e.fakeOf(x.w, c, v)
	if err != nil {
		return fmt.Errorf("%s.%s: %w", c.table, c.name, err)
	}
	if fallback {
		return nil // not a value of the kind: spotted as any literal
	}
	if null {
		out = nil
	}
	x.set(p, x.literal(p, out))
	x.warnUnlinked(c)
	return nil
}

// warnUnlinked says once per statement and column that a body's literals
// of c got fakes no row has.
func (x *stmt) warnUnlinked(c column) {
	if x.linked() {
		return
	}
	k := c.table + "." + c.name
	if x.warned[k] {
		return
	}
	if x.warned == nil {
		x.warned = map[string]bool{}
	}
	x.warned[k] = true
	x.e.warn(x.stats, x.line(), fmt.Sprintf("%s: literals compared with or assigned to %s got fakes no row has, so that the published body names no row (it no longer matches the rows it was written for); --keep-body-linkage gives them the rows' fakes", x.name(), k))
}
