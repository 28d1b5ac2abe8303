package anonymize

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// CREATE TABLE and CREATE SEQUENCE: the literals a table's definition
// carries (DEFAULTs, ENUM members, CHECKs, partition bounds, COMMENTs) and
// the counters of the donor's history (AUTO_INCREMENT, a sequence's
// position).

// constraintWords start the elements of CREATE TABLE that are not columns.
var constraintWords = map[string]bool{"PRIMARY": true, "KEY": true, "INDEX": true, "UNIQUE": true, "CONSTRAINT": true, "FOREIGN": true,
	"FULLTEXT": true, "SPATIAL": true, "CHECK": true, "PERIOD": true, "VECTOR": true}

// matching returns the position of the parenthesis closing the one at p.
func (x *stmt) matching(p int) int {
	depth := 0
	for q := p; q < len(x.code); q++ {
		switch {
		case x.is(q, "("):
			depth++
		case x.is(q, ")"):
			depth--
			if depth == 0 {
				return q
			}
		}
	}
	return len(x.code) - 1
}

func (x *stmt) createTable() error {
	t := x.st.Table()
	if t == nil {
		return fmt.Errorf("a CREATE TABLE fuzzy cannot read (see the reader's warning): it refuses to pass it through")
	}
	x.self = t.Name
	if !x.e.opts.KeepBodyLinkage {
		x.unl = x.e.unlinkedWorker()
	}
	x.tables = map[string]string{strings.ToLower(t.Name): t.Name}
	x.vars = map[string]bool{}
	open := -1
	for p := range x.code {
		if x.is(p, "(") {
			open = p
			break
		}
		if x.is(p, "LIKE") || x.is(p, "AS") || x.is(p, "SELECT") {
			break
		}
	}
	closeAt := len(x.code) - 1
	if open >= 0 {
		closeAt = x.matching(open)
		start, depth := open+1, 0
		for p := open + 1; p <= closeAt; p++ {
			switch {
			case x.is(p, "(") && p != closeAt:
				depth++
			case x.is(p, ")") && p != closeAt:
				depth--
			case depth == 0 && (x.is(p, ",") || p == closeAt):
				if err := x.element(t, start, p); err != nil {
					return err
				}
				start = p + 1
			}
		}
	}
	for p := closeAt + 1; p < len(x.code); p++ {
		switch {
		case x.is(p, "AUTO_INCREMENT"):
			x.dropCounter(p)
		case x.is(p, "PARTITION") && x.is(p+1, "BY"):
			if err := x.partitions(t, p); err != nil {
				return err
			}
		}
	}
	x.comments()
	x.spotRest()
	return nil
}

// dropCounter removes the table option AUTO_INCREMENT[=]N at p: the server
// sets it from the rows loaded (max id + 1), so it no longer counts the
// rows the donor ever created.
func (x *stmt) dropCounter(p int) {
	q := p + 1
	if x.is(q, "=") {
		q++
	}
	if x.tok(q).Kind != sqldump.TokNumber {
		return
	}
	from := x.code[p]
	if from > 0 && x.toks[from-1].Kind == sqldump.TokSpace {
		from--
	}
	for i := from; i <= x.code[q]; i++ {
		x.repl[i] = nil
		x.done[i] = true
	}
}

// element handles one column or constraint of CREATE TABLE in [a, b).
func (x *stmt) element(t *sqldump.Table, a, b int) error {
	if a >= b {
		return nil
	}
	if w := x.upper(a); x.tok(a).Kind == sqldump.TokWord && constraintWords[w] {
		for p := a; p < b; p++ {
			if x.is(p, "CHECK") && x.is(p+1, "(") {
				if err := x.strictLiterals(p+1, x.matching(p+1)); err != nil {
					return fmt.Errorf("CHECK constraint of table %s: %w", t.Name, err)
				}
			}
		}
		return nil
	}
	name := x.nameAt(a)
	c, _ := t.Column(name)
	if c == nil {
		return fmt.Errorf("table %s: a column the schema does not have", t.Name)
	}
	col := column{table: t.Name, t: t, name: c.Name, rule: x.e.opts.Rules.RuleIn(t.Database, t.Name, c.Name)}
	marked := col.rule != nil && col.rule.Kind.Name != "keep"
	if (x.is(a+1, "ENUM") || x.is(a+1, "SET")) && x.is(a+2, "(") {
		if err := x.members(col, marked, a+3, x.matching(a+2)); err != nil {
			return err
		}
	}
	for p := a + 1; p < b; p++ {
		switch {
		case x.is(p, "DEFAULT"):
			if err := x.unlinked(func() error { return x.defaultAt(p, col, marked) }); err != nil {
				return err
			}
		case x.is(p, "CHECK") && x.is(p+1, "("):
			if err := x.strictLiterals(p+1, x.matching(p+1)); err != nil {
				return fmt.Errorf("CHECK of %s.%s: %w", t.Name, c.Name, err)
			}
		case x.is(p, "AS") && x.is(p+1, "("):
			if err := x.unlinked(func() error { return x.literals(p+1, x.matching(p+1)) }); err != nil {
				return fmt.Errorf("generated column %s.%s: %w", t.Name, c.Name, err)
			}
		}
	}
	return nil
}

// defaultAt fakes the DEFAULT at p of column col: a literal, -N, or the
// pieces of an expression (concat('...', '...')).
func (x *stmt) defaultAt(p int, col column, marked bool) error {
	q := p + 1
	if x.is(q, "(") {
		q++
	}
	if x.tok(q).Kind == sqldump.TokWord && strings.HasPrefix(string(x.tok(q).Text(x.src)), "_") {
		q++
	}
	if x.is(q, "-") && x.tok(q+1).Kind == sqldump.TokNumber {
		if marked {
			if err := x.negative(q, col); err != nil {
				return err
			}
		}
		return nil
	}
	if marked && x.nameAt(q) != "" && x.is(q+1, "(") {
		// DEFAULT concat('...', '...'): pieces of the column's value
		for r := q + 2; r < x.matching(q+1); r++ {
			if x.tok(r).Kind == sqldump.TokString && len(x.value(r)) > 0 && !x.done[x.code[r]] {
				if err := x.decideLit(r, col, "="); err != nil {
					return fmt.Errorf("DEFAULT of %s.%s: %w", col.table, col.name, err)
				}
			}
		}
		return nil
	}
	if !x.isLit(q) || x.is(q, "NULL") {
		return nil
	}
	if err := x.decideLit(q, col, "="); err != nil {
		return fmt.Errorf("DEFAULT of %s.%s: %w", col.table, col.name, err)
	}
	return nil
}

// unlinked runs f with the body key's worker (x.unl) as the statement's:
// a CREATE TABLE literal no row must match (a DEFAULT, a generated
// column's, one a CHECK excludes) gets a fake no row has, as a body's
// literal does. With --keep-body-linkage x.unl is nil and f gets the rows'.
func (x *stmt) unlinked(f func() error) error {
	if x.unl == nil || x.w == x.unl {
		return f()
	}
	rows := x.w
	x.w, x.rows = x.unl, rows
	defer func() { x.w, x.rows = rows, nil }()
	return f()
}

// excludes: the CHECK literal at p, tied through op, is a value rows must
// not have (<>, !=, NOT IN, NOT LIKE). A number keeps the rows' fake: a
// permutation maps a value no row has to a fake no row has, while
// another key's fake of a small number could land on a row's and fail
// its load.
func (x *stmt) excludes(p int, op string) bool {
	if x.tok(p).Kind == sqldump.TokNumber {
		return false
	}
	lo, hi := x.litBounds(p)
	neg := false
	switch op {
	case "<>", "!=":
		neg = true
	case "=", "<=>":
	case "LIKE":
		neg = x.is(lo-1, "LIKE") && x.is(lo-2, "NOT")
	case "IN":
		q := lo - 1
		for x.is(q, ",") && x.isLit(q-1) {
			q -= 2
			if l, _ := x.litBounds(q + 1); l < q+1 {
				q = l - 1
			}
		}
		if !x.is(q, "(") || !x.is(q-1, "IN") {
			return false
		}
		neg = x.is(q-2, "NOT")
		lo, hi = q, x.matching(q)
	default:
		return false
	}
	// NOT (email = '...') excludes as email <> '...' does (and NOT of
	// that includes again): a negation around the comparison flips it.
	if x.check > 0 && x.negatedAround(lo, hi) {
		neg = !neg
	}
	return neg
}

// negative fakes DEFAULT -N of a marked column (sign and number).
func (x *stmt) negative(q int, col column) error {
	v := append([]byte("-"), x.value(q+1)...)
	out, null, err := x.e.fake(x.w, col, v)
	if err != nil {
		return err
	}
	x.set(q, nil)
	switch {
	case null:
		x.set(q+1, []byte("NULL"))
	case isNumber(out):
		x.set(q+1, out)
	default:
		x.set(q+1, sqldump.AppendQuoted(nil, out))
	}
	return nil
}

// strictLiterals decides the literals of an expression rows must satisfy.
func (x *stmt) strictLiterals(from, to int) error {
	x.strict, x.check = true, from+1
	defer func() { x.strict, x.check = false, 0 }()
	return x.literals(from, to)
}

// members fakes the ENUM/SET members of a marked column (its rows get
// the same fakes); an unmarked column's members that look confidential
// are an error: its rows keep them, so faking them would not load.
func (x *stmt) members(col column, marked bool, from, to int) error {
	seen := map[string]bool{}
	for p := from; p < to; p++ {
		if x.tok(p).Kind != sqldump.TokString {
			continue
		}
		if !marked {
			v := x.value(p)
			if _, changed := spot(x.w, v); changed {
				return fmt.Errorf("an ENUM/SET member of unmarked column %s.%s looks confidential: give the column a rule (its rows and members then get the same fakes)", col.table, col.name)
			}
			x.done[x.code[p]] = true
			continue
		}
		if err := x.decideLit(p, col, "="); err != nil {
			return err
		}
		v := string(x.repl[x.code[p]])
		if seen[v] {
			return fmt.Errorf("ENUM/SET members of %s.%s: two members got the same fake; the column's kind does not suit its members", col.table, col.name)
		}
		seen[v] = true
	}
	return nil
}

// partitions handles PARTITION BY ... (PARTITION p VALUES ...).
func (x *stmt) partitions(t *sqldump.Table, p int) error {
	q := p + 2
	if x.is(q, "LINEAR") {
		q++
	}
	typ := x.upper(q)
	q++
	if typ != "RANGE" && typ != "LIST" {
		return nil // HASH, KEY, SYSTEM_TIME: no values
	}
	columns := x.is(q, "COLUMNS")
	if columns {
		q++
	}
	if !x.is(q, "(") {
		return fmt.Errorf("table %s: a PARTITION BY clause fuzzy cannot read", t.Name)
	}
	end := x.matching(q)
	var cols []column
	expr := false
	if columns || end == q+2 {
		for r := q + 1; r < end; r++ {
			if n := x.nameAt(r); n != "" {
				c, ok, err := x.resolve([]string{n})
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("table %s: partitioned by a column the schema does not have", t.Name)
				}
				cols = append(cols, c)
			}
		}
	} else {
		expr = true
		for r := q + 1; r < end; r++ {
			if n := x.nameAt(r); n != "" && !x.is(r+1, "(") {
				if c, ok, _ := x.resolve([]string{n}); ok && c.rule != nil && c.rule.Kind.Name != "keep" {
					return fmt.Errorf("table %s is partitioned by an expression over marked column %s: its rows would not stay in their partitions once anonymized", t.Name, c.name)
				}
			}
		}
	}
	for r := end + 1; r < len(x.code); r++ {
		if !x.is(r, "VALUES") {
			continue
		}
		s := r + 1
		switch {
		case x.is(s, "IN"):
			s++
		case x.is(s, "LESS") && x.is(s+1, "THAN"):
			s += 2
		}
		if !x.is(s, "(") {
			continue
		}
		e2 := x.matching(s)
		idx := 0
		seen := map[string]bool{}
		for l := s + 1; l < e2; l++ {
			switch {
			case x.is(l, "("):
				idx = 0
				continue
			case x.is(l, ","):
				idx++
				continue
			}
			if !x.isLit(l) || x.is(l, "NULL") {
				continue
			}
			if expr || len(cols) == 0 {
				if err := x.strictSpot(l, t.Name); err != nil {
					return err
				}
				continue
			}
			c := cols[0]
			if len(cols) > 1 && idx < len(cols) {
				c = cols[idx]
			}
			if c.rule != nil && c.rule.Kind.Name != "keep" && typ == "RANGE" && c.rule.Kind.Name != "datetime" {
				return fmt.Errorf("table %s is partitioned by RANGE of marked column %s (kind %s): anonymized values would not stay in their partitions; use LIST, or keep the column", t.Name, c.name, c.rule.Kind.Name)
			}
			x.strict = true
			err := x.decideLit(l, c, "=")
			x.strict = false
			if err != nil {
				return fmt.Errorf("partition of table %s: %w", t.Name, err)
			}
			if v := string(x.repl[x.code[l]]); v != "" && typ == "LIST" {
				if seen[strconv.Itoa(idx)+v] {
					return fmt.Errorf("partition of table %s: two values of %s got the same fake", t.Name, c.name)
				}
				seen[strconv.Itoa(idx)+v] = true
			}
		}
		r = e2
	}
	return nil
}

// strictSpot: a literal rows must match, tied to no column we can name.
func (x *stmt) strictSpot(p int, table string) error {
	if x.spotAt(p) {
		return fmt.Errorf("table %s: a partition value looks confidential, and its column cannot be given a rule here (an expression)", table)
	}
	return nil
}

// sequences: CREATE SEQUENCE's start and SETVAL's position count how
// many values the donor drew; both are reset to the sequence's first
// value (a fresh sequence), which needs no rows to compute.

func (x *stmt) signedAt(p int) (string, int, bool) {
	neg := false
	if x.is(p, "-") {
		neg = true
		p++
	}
	if x.tok(p).Kind != sqldump.TokNumber {
		return "", p, false
	}
	v := string(x.tok(p).Text(x.src))
	if neg {
		v = "-" + v
	}
	return v, p, true
}

func (x *stmt) createSequence() error {
	at := 0
	for p := range x.code {
		if x.is(p, "SEQUENCE") {
			at = p
			break
		}
	}
	q := at + 1
	if x.is(q, "IF") {
		q += 3
	}
	parts, _ := x.qualified(q)
	if len(parts) == 0 {
		return fmt.Errorf("a CREATE SEQUENCE without a name")
	}
	minV, maxV, inc := "1", "-1", "1"
	start := -1
	for p := q; p < len(x.code); p++ {
		r := p + 1
		if x.is(r, "=") || x.is(r, "WITH") || x.is(r, "BY") {
			r++
		}
		v, _, ok := x.signedAt(r)
		if !ok {
			continue
		}
		switch x.upper(p) {
		case "START":
			start = r
		case "MINVALUE":
			minV = v
		case "MAXVALUE":
			maxV = v
		case "INCREMENT":
			inc = v
		}
	}
	reset := minV
	if strings.HasPrefix(inc, "-") {
		reset = maxV
	}
	if start >= 0 {
		_, num, _ := x.signedAt(start)
		if num != start {
			x.set(start, nil) // the sign
		}
		x.set(num, []byte(reset))
	}
	if x.e.seqs == nil {
		x.e.seqs = map[string]string{}
	}
	x.e.seqs[strings.ToLower(parts[len(parts)-1])] = reset
	x.comments()
	x.spotRest()
	return nil
}

// setval: DO SETVAL(seq, N, used[, round]) → SETVAL(seq, start, 0).
func (x *stmt) setval() error {
	if !x.is(2, "(") {
		return fmt.Errorf("a SETVAL fuzzy cannot read")
	}
	parts, p := x.qualified(3)
	if len(parts) == 0 || !x.is(p, ",") {
		return fmt.Errorf("a SETVAL fuzzy cannot read")
	}
	reset, ok := x.e.seqs[strings.ToLower(parts[len(parts)-1])]
	if !ok {
		return fmt.Errorf("SETVAL of a sequence the dump did not create before: fuzzy cannot reset its position")
	}
	_, num, ok := x.signedAt(p + 1)
	if !ok {
		return fmt.Errorf("a SETVAL fuzzy cannot read")
	}
	if num != p+1 {
		x.set(p+1, nil)
	}
	x.set(num, []byte(reset))
	if x.is(num+1, ",") && x.tok(num+2).Kind == sqldump.TokNumber {
		x.set(num+2, []byte("0"))
	}
	return nil
}
