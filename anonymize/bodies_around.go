package anonymize

import (
	"fmt"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// A body's literal that is not compared with a column directly can still
// be a value of one: LOWER(NEW.name) = 'vera ip', CASE NEW.name WHEN
// 'Jane Donor', NEW.name BETWEEN 'A' AND 'B', COALESCE(NEW.name, '...'),
// FIND_IN_SET(NEW.name, '...,...'), IF(NEW.name = '', '...', NEW.name),
// and one held in a variable first (DECLARE who ... DEFAULT '...', SET
// @who = '...', then WHERE name = who). Fail closed: a string literal in the same condition or expression as a
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
	lo = x.exprEnd(p, -1, func(q int) {
		if x.is(q, "WHEN") {
			caseLo, caseHi = x.caseOperand(q)
		}
	})
	hi = x.exprEnd(p, 1, nil)
	return lo, hi, caseLo, caseHi
}

// exprEnd walks from p in direction dir (-1 or 1) through parentheses to
// the last token before the end of the expression, and calls at (if set)
// with the end.
func (x *stmt) exprEnd(p, dir int, at func(int)) int {
	open, closing := "(", ")"
	if dir < 0 {
		open, closing = ")", "("
	}
	depth, last := 0, p
	for q := p + dir; q >= 0 && q < len(x.code); q += dir {
		switch {
		case x.is(q, open):
			depth++
		case x.is(q, closing):
			if depth > 0 {
				depth--
			}
		case depth == 0 && x.is(q, "AND") && x.betweenBefore(q):
		case depth == 0 && x.endsExpr(q):
			if at != nil {
				at(q)
			}
			return last
		}
		last = q
	}
	return last
}

// walkBack calls stop with each position before p that is not inside
// parentheses it passes, and returns the first where stop is true, or -1.
func (x *stmt) walkBack(p int, stop func(q int) bool) int {
	depth := 0
	for q := p - 1; q >= 0; q-- {
		switch {
		case x.is(q, ")"):
			depth++
		case x.is(q, "("):
			depth--
		case depth <= 0 && stop(q):
			return q
		}
	}
	return -1
}

// betweenBefore: the AND at p is BETWEEN's (a BETWEEN comes before it,
// with no other end between).
func (x *stmt) betweenBefore(p int) bool {
	q := x.walkBack(p, func(q int) bool { return x.is(q, "BETWEEN") || x.endsExpr(q) })
	return q >= 0 && x.is(q, "BETWEEN")
}

// caseOperand finds the operand of the CASE a WHEN at p belongs to
// (CASE NEW.name WHEN ...): its bounds, or -1 for a searched CASE (or
// where another CASE ended first: not ours to guess).
func (x *stmt) caseOperand(p int) (int, int) {
	q := x.walkBack(p, func(q int) bool { return x.is(q, "CASE") && !x.is(q-1, "END") || x.is(q, "END") && x.is(q+1, "CASE") })
	if q < 0 || !x.is(q, "CASE") {
		return -1, -1
	}
	end := q + 1
	for end < p && !x.is(end, "WHEN") {
		end++
	}
	if end == q+1 {
		return -1, -1
	}
	return q + 1, end - 1
}

// markedIn returns the first marked column (not keep) referenced in
// [lo, hi].
func (x *stmt) markedIn(lo, hi int) (column, bool, error) {
	cs, err := x.markedAll(lo, hi)
	if err != nil || len(cs) == 0 {
		return column{}, false, err
	}
	return cs[0], true, nil
}

// varAt returns the lower-case name of the variable at p (@user or a
// local one), or "".
func (x *stmt) varAt(p int) string {
	if x.tok(p).Kind == sqldump.TokVariable {
		return strings.ToLower(string(x.tok(p).Text(x.src)))
	}
	if n := x.nameAt(p); n != "" && x.vars[strings.ToLower(n)] && !x.is(p-1, ".") && !x.is(p+1, ".") {
		return strings.ToLower(n)
	}
	return ""
}

// taintVars finds the variables a body compares with or assigns to a
// marked column (name = who, SET NEW.name = who): a literal put into
// one is a value of that column.
func (x *stmt) taintVars() error {
	for p := range x.code {
		v := x.varAt(p)
		if v == "" || x.tainted[v].rule != nil {
			continue
		}
		var parts []string
		if t := x.tok(p - 1); t.Kind == sqldump.TokPunct && cmpOps[string(t.Text(x.src))] {
			parts = x.refBefore(p - 2)
		}
		if t := x.tok(p + 1); len(parts) == 0 && t.Kind == sqldump.TokPunct && cmpOps[string(t.Text(x.src))] {
			if ps, next := x.qualified(p + 2); !x.is(next, "(") {
				parts = ps
			}
		}
		if len(parts) == 0 || x.varAt(p-2) != "" && len(parts) == 1 {
			continue
		}
		c, ok, err := x.resolve(parts)
		if err != nil {
			return err
		}
		if ok && c.rule != nil && c.rule.Kind.Name != "keep" {
			if x.tainted == nil {
				x.tainted = map[string]column{}
			}
			x.tainted[v] = c
		}
	}
	return nil
}

// heldBy returns the marked column of the variable the literal at p is
// put into (SET v = '...', DECLARE v ... DEFAULT '...'), if any.
func (x *stmt) heldBy(p int) (column, bool) {
	lo, _ := x.litBounds(p)
	if x.is(lo-1, "=") || x.is(lo-1, ":=") {
		c, ok := x.tainted[x.varAt(lo-2)]
		return c, ok
	}
	if !x.is(lo-1, "DEFAULT") {
		return column{}, false
	}
	for q := lo - 2; q >= 0 && !x.is(q, ";"); q-- {
		if x.is(q, "DECLARE") {
			for r := q + 1; r < lo; r++ {
				if c, ok := x.tainted[x.varAt(r)]; ok {
					return c, true
				}
			}
			break
		}
	}
	return column{}, false
}

// aroundColumn decides a body's literal at p that is compared with no
// column directly by the marked columns around it: the variable it is
// put into, the columns of the condition or expression around it (a
// string only), and the columns it is assigned to or compared with
// through a function or CASE (SET NEW.created_at = IF(NEW.email = '...',
// '2019-03-14 00:00:00', NOW())). The first of them whose kind reads the
// literal gives its fake: the e-mail's kind cannot read the date, the
// datetime's can.
func (x *stmt) aroundColumn(p int) error {
	if x.self != "" && x.strict {
		return x.checkAround(p)
	}
	kind := x.tok(p).Kind
	if x.tables == nil || x.self != "" || kind != sqldump.TokString && kind != sqldump.TokNumber || x.done[x.code[p]] {
		return nil
	}
	v := x.value(p)
	if len(v) == 0 {
		return nil
	}
	var cands []column
	if c, ok := x.heldBy(p); ok {
		cands = append(cands, c)
	}
	if kind == sqldump.TokString {
		lo, hi, clo, chi := x.exprAround(p)
		cs, err := x.markedAll(lo, hi)
		if err != nil {
			return err
		}
		cands = append(cands, cs...)
		if clo >= 0 {
			if cs, err = x.markedAll(clo, chi); err != nil {
				return err
			}
			cands = append(cands, cs...)
		}
	}
	cs, err := x.assignedTo(p)
	if err != nil {
		return err
	}
	cands = append(cands, cs...)
	for _, c := range cands {
		out, null, fallback, err := x.e.fakeOf(x.w, c, v)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", c.table, c.name, err)
		}
		if fallback {
			continue // not a value of this kind: the next column's, or spotted as any literal
		}
		if null {
			out = nil
		}
		x.set(p, x.literal(p, out))
		x.warnUnlinked(c)
		return nil
	}
	if len(cands) > 0 && kind == sqldump.TokNumber {
		// a number no kind of its columns reads (a decimal of an
		// integer-kind column): a number of its shape under the key
		x.set(p, x.literal(p, fakeDigits(x.w, v)))
		x.warnUnlinked(cands[0])
	}
	return nil
}

// markedAll returns the marked columns (not keep) referenced in [lo, hi],
// in order.
func (x *stmt) markedAll(lo, hi int) ([]column, error) {
	var out []column
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
			return nil, err
		}
		if ok && c.rule != nil && c.rule.Kind.Name != "keep" {
			out = append(out, c)
		}
		q = next - 1
	}
	return out, nil
}

// assignEnds end the walk back from a literal to what it is assigned to:
// the start of a statement or clause.
var assignEnds = map[string]bool{";": true, "SET": true, "BEGIN": true, "DO": true, "SELECT": true, "WHERE": true, "FROM": true,
	"VALUES": true, "VALUE": true, "RETURN": true, "DECLARE": true, "CALL": true, "ELSEIF": true, "WHILE": true, "UNTIL": true,
	"HAVING": true, "ON": true, "INTO": true, "LIMIT": true, "ORDER": true, "GROUP": true}

// assignedTo returns the marked columns a literal at p is assigned to or
// compared with through the functions and CASEs it is an argument or
// branch of (NEW.x = IF(..., '...', ...), NEW.x = CASE WHEN ... THEN
// '...' END, NEW.x = COALESCE(@v, '...')), nearest first. A column of
// another item of the same list (SET a = '...', b = IF(...)) is not
// one; a statement IF (not IF( ) ends the walk.
func (x *stmt) assignedTo(p int) ([]column, error) {
	lo, _ := x.litBounds(p)
	var out []column
	depth, sibling, sibDepth := 0, false, 0
	for q := lo - 1; q >= 0; q-- {
		t := x.tok(q)
		switch {
		case x.is(q, ")"):
			depth++
			continue
		case x.is(q, "("):
			depth--
			if sibling && depth < sibDepth {
				sibling = false
			}
			continue
		case depth > 0:
			continue
		case t.Kind == sqldump.TokDelimiter,
			t.Kind == sqldump.TokWord && (assignEnds[x.upper(q)] || x.upper(q) == "IF" && !x.is(q+1, "(")),
			t.Kind == sqldump.TokPunct && assignEnds[string(t.Text(x.src))]:
			return out, nil
		case x.is(q, ","):
			if !sibling {
				sibling, sibDepth = true, depth
			}
			continue
		case t.Kind != sqldump.TokPunct || !cmpOps[string(t.Text(x.src))] || sibling && depth >= sibDepth:
			continue
		}
		parts := x.refBefore(q - 1)
		if len(parts) == 0 {
			continue
		}
		c, ok, err := x.resolve(parts)
		if err != nil {
			return nil, err
		}
		if ok && c.rule != nil && c.rule.Kind.Name != "keep" {
			out = append(out, c)
		}
	}
	return out, nil
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

// checkAround decides a CHECK's string literal compared with an
// expression of a marked column (LOWER(name) <> '...'). Rows must still
// pass the CHECK: where it excludes the value (<>, !=, NOT IN, NOT LIKE)
// the rows' fake keeps them passing, and a LIKE pattern keeps its
// wildcards; where rows must equal it through a function (=, IN) no fake
// can follow, and the literal is only spotted; under a negation (NOT
// (LOWER(name) = '...')) it is excluded and gets a fake no row has.
func (x *stmt) checkAround(p int) error {
	if x.tok(p).Kind != sqldump.TokString || x.done[x.code[p]] || len(x.value(p)) == 0 {
		return nil
	}
	lo, hi, _, _ := x.exprAround(p)
	c, ok, err := x.markedIn(lo, hi)
	if err != nil || !ok {
		return err
	}
	l, h := x.litBounds(p)
	q := l - 1
	for x.is(q, ",") && x.isLit(q-1) {
		q -= 2
	}
	switch {
	case x.is(l-1, "=") && x.check > 0 && x.negatedAround(l, h):
		// NOT (LOWER(name) = '...'): no row may match it, so a fake no
		// row has keeps them passing and names none
		return x.unlinked(func() error { return x.decideLit(p, c, "=") })
	case x.is(l-1, "<>") || x.is(l-1, "!="):
		return x.decideLit(p, c, "<>")
	case x.is(l-1, "LIKE"):
		return x.decideLit(p, c, "LIKE")
	case x.is(q, "(") && x.is(q-1, "IN") && x.is(q-2, "NOT"):
		return x.decideLit(p, c, "<>")
	}
	return nil
}
