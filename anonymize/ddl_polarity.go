package anonymize

import "github.com/fuzzyduck/fuzzyduck/sqldump"

// A CHECK's literal gets a fake no row has when the CHECK keeps rows
// away from it, the rows' fake when rows must match it. The comparison's
// own operator says which (<>, NOT IN, NOT LIKE exclude), and so do the
// negations around it: NOT (email = 'vip@...'), NOT email = '...',
// (email = '...') IS FALSE, (email = '...') = 0. Fuzzy counts them
// only where it can read the whole path from the comparison to the
// CHECK's parentheses through AND, OR and parentheses; anywhere else
// (a function of the comparison, XOR, arithmetic) it keeps the
// operator's answer, which is right for every CHECK a schema writes.

// negatedAround: whether an odd number of negations applies to the
// comparison whose literal (or IN list) spans code tokens [lo, hi].
func (x *stmt) negatedAround(lo, hi int) bool {
	open := x.check - 1 // the CHECK's own '('
	neg := false
	a, b := lo, hi
	for first := true; ; first = false {
		l := x.enclosing(a, open)
		if l < 0 {
			return false
		}
		r := x.matching(l)
		s, e := x.segment(a, b, l, r)
		n, ok := x.prefix(s, a, first)
		if !ok {
			return false
		}
		post, ok := x.suffix(b, e, first)
		if !ok {
			return false
		}
		if (n+post)%2 == 1 {
			neg = !neg
		}
		if l == open {
			return neg
		}
		// the group (l..r) is the next level's atom
		a, b = l, r
	}
}

// enclosing: the '(' of the innermost group around position a, no
// further out than open (-1 if a is not inside open's group).
func (x *stmt) enclosing(a, open int) int {
	depth := 0
	for q := a - 1; q >= open; q-- {
		switch {
		case x.is(q, ")"):
			depth++
		case x.is(q, "("):
			if depth == 0 {
				return q
			}
			depth--
		}
	}
	return -1
}

// boolJoin: the words that join conditions without changing them.
func (x *stmt) boolJoin(q int) bool {
	return x.is(q, "AND") || x.is(q, "OR") || x.is(q, "&&") || x.is(q, "||") || x.is(q, "&") && x.is(q+1, "&") || x.is(q, "|") && x.is(q+1, "|")
}

// segment: the condition around atom [a, b] inside the group (l, r):
// from after the AND/OR before it to before the one after it.
func (x *stmt) segment(a, b, l, r int) (int, int) {
	s, depth := a, 0
	for q := a - 1; q > l; q-- {
		if x.is(q, ")") {
			depth++
		} else if x.is(q, "(") {
			depth--
		}
		if depth == 0 && x.boolJoin(q) && !x.betweenAnd(q) {
			break
		}
		s = q
	}
	e := b
	depth = 0
	for q := b + 1; q < r; q++ {
		if x.is(q, "(") {
			depth++
		} else if x.is(q, ")") {
			depth--
		}
		if depth == 0 && x.boolJoin(q) && !x.betweenAnd(q) {
			break
		}
		e = q
	}
	return s, e
}

// betweenAnd: the AND at q is BETWEEN's (x BETWEEN a AND b).
func (x *stmt) betweenAnd(q int) bool {
	return x.is(q, "AND") && x.is(q-2, "BETWEEN")
}

// prefix reads the tokens [s, a) before the atom: the negations (NOT,
// !) it applies, and at the comparison itself (first) its left side:
// a column, a function of one, the operator. ok is false for anything
// else.
func (x *stmt) prefix(s, a int, first bool) (int, bool) {
	n := 0
	for q := s; q < a; q++ {
		switch {
		case x.is(q, "NOT") && !(first && (x.is(q+1, "IN") || x.is(q+1, "LIKE"))), x.is(q, "!"):
			if !first || x.nameAt(q+1) != "" || x.is(q+1, "(") {
				n++
				continue
			}
			return 0, false
		case !first:
			return 0, false
		case x.is(q, "NOT"), x.is(q, "IN"), x.is(q, "LIKE"), x.is(q, "."), x.cmpOp(q):
		case x.nameAt(q) != "" && x.is(q+1, "("):
			q = x.matching(q + 1) // a function of the column: LOWER(email)
		case x.tok(q).Kind == sqldump.TokIdent, x.tok(q).Kind == sqldump.TokWord && !x.keyword(q):
		default:
			return 0, false
		}
	}
	return n, true
}

// suffix reads the tokens (b, e] after the atom: IS FALSE, IS NOT TRUE,
// = 0 and = FALSE negate a group; at the comparison itself its right
// side (`'lit' = email`, COLLATE, ESCAPE) may follow.
func (x *stmt) suffix(b, e int, first bool) (int, bool) {
	q := b + 1
	if q > e {
		return 0, true
	}
	switch {
	case x.is(q, "IS") && x.is(q+1, "FALSE") && q+1 == e, x.is(q, "IS") && x.is(q+1, "NOT") && x.is(q+2, "TRUE") && q+2 == e:
		return 1, true
	case x.is(q, "IS") && x.is(q+1, "TRUE") && q+1 == e, x.is(q, "IS") && x.is(q+1, "NOT") && x.is(q+2, "FALSE") && q+2 == e:
		return 0, true
	case (x.is(q, "=") || x.is(q, "<=>")) && (x.number(q+1, "0") || x.is(q+1, "FALSE")) && q+1 == e:
		return 1, true
	case (x.is(q, "=") || x.is(q, "<=>")) && (x.number(q+1, "1") || x.is(q+1, "TRUE")) && q+1 == e:
		return 0, true
	}
	if !first {
		return 0, false
	}
	for ; q <= e; q++ {
		switch {
		case x.is(q, "COLLATE"), x.is(q, "ESCAPE"), x.is(q, "."), x.cmpOp(q):
		case x.isLit(q):
		case x.nameAt(q) != "" && x.is(q+1, "("):
			q = x.matching(q + 1)
		case x.tok(q).Kind == sqldump.TokIdent, x.tok(q).Kind == sqldump.TokWord && !x.keyword(q):
		default:
			return 0, false
		}
	}
	return 0, true
}

// keyword: a word that makes the condition more than a comparison.
func (x *stmt) keyword(q int) bool {
	switch x.upper(q) {
	case "NOT", "IS", "XOR", "AND", "OR", "BETWEEN", "IN", "LIKE", "RLIKE", "REGEXP", "DIV", "MOD", "CASE", "WHEN", "THEN", "ELSE", "END", "NULL", "TRUE", "FALSE":
		return true
	}
	return false
}

// cmpOp: the comparison operator at q.
func (x *stmt) cmpOp(q int) bool {
	return x.tok(q).Kind == sqldump.TokPunct && cmpOps[string(x.tok(q).Text(x.src))]
}

// number: the number literal at q is s.
func (x *stmt) number(q int, s string) bool {
	return x.tok(q).Kind == sqldump.TokNumber && string(x.tok(q).Text(x.src)) == s
}
