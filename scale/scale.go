// Package scale makes a dump bigger or smaller while keeping it valid:
// every foreign key (declared in the dump, in the models, or only in a
// rules file) still points at a row, every unique key stays unique, and
// the shape of the data (children per parent) is kept. Up-scaling copies
// whole families of rows with new keys; down-scaling samples root rows
// and keeps their descendants and every row they reference.
//
// Two passes: the first reads the keys and the values of related columns
// (memory grows with them, not with the rows) and decides which copies of
// which row to write; the second streams the dump and writes them.
package scale

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Options configure a scaling.
type Options struct {
	Factor float64
	// Tables overrides the factor of a root or independent table
	// (children follow their parents); Targets asks for row counts.
	Tables  map[string]float64
	Targets map[string]int
	// Jitter perturbs each root or independent table's factor by a keyed
	// pseudo-random amount within ±Jitter percent.
	Jitter float64
	Key    *anonymize.Key
	// Rules give kinds (for new values of unique columns) and implicit
	// relations; the dump's FOREIGN KEYs are always used.
	Rules *rules.Set
	// Keep lists tables written as they are (factor 1): schema version
	// bookkeeping must keep its one row. Nil means DefaultKeep.
	Keep []string
}

// DefaultKeep: migration tools' version tables.
var DefaultKeep = rules.VersionTables

// relation is a resolved reference: child columns -> parent columns.
type relation struct {
	child, parent *table
	ccols, pcols  []int
	name          string
	implicit      bool
}

type table struct {
	name   string
	db     string // database (a --databases dump holds several)
	schema *sqldump.Table
	rows   int
	// vals[col] holds, per row, the value of each column some relation or
	// key needs (nil for other columns).
	vals    [][]string
	pk      int // single-column primary key index, or -1
	intPK   bool
	maxPK   int64
	parents []*relation
	kids    []*relation
	// index of parent-side values: column -> value -> rows
	index map[int]map[string][]int32
	// decisions
	factor float64
	copies []uint16 // per row: how many times it is written (0 = dropped)
	unique [][]int  // unique keys (column indexes), primary key included
	// columns to remap in copies, and how
	remap map[int]*remapper
	// new AUTO_INCREMENT
	autoInc uint64
	root    bool
	keep    bool // written as is
}

// Plan is the first pass's result: what to write.
type Plan struct {
	opts      Options
	tables    map[string]*table
	order     []*table
	relations []*relation
	prf       *prf
	deriver   *anonymize.Deriver
	errs      []error
	Warnings  []string
}

// Count reports a table's rows before and after.
type Count struct {
	Table          string  `json:"table"`
	Original       int     `json:"original"`
	Target         float64 `json:"target"`
	Planned        int     `json:"planned"`
	Factor         float64 `json:"factor"`
	FollowsParents bool    `json:"follows_parents"`
}

const null = "\x00NULL"

// NewPlan reads a dump (pass 1) and decides every row's copies.
func NewPlan(r *sqldump.Reader, o Options) (*Plan, error) {
	if o.Factor <= 0 || math.IsNaN(o.Factor) || math.IsInf(o.Factor, 0) {
		return nil, fmt.Errorf("scale factor must be > 0 (got %v)", o.Factor)
	}
	for t, f := range o.Tables {
		if f <= 0 {
			return nil, fmt.Errorf("--table %s=%v: factor must be > 0", t, f)
		}
	}
	if o.Jitter < 0 || o.Jitter >= 100 {
		return nil, fmt.Errorf("--jitter must be in [0, 100) percent (got %v)", o.Jitter)
	}
	if o.Key == nil {
		return nil, fmt.Errorf("scale: no key")
	}
	if o.Rules == nil {
		o.Rules = rules.NewSet()
	}
	p := &Plan{opts: o, tables: map[string]*table{}, prf: newPRF(o.Key), deriver: anonymize.NewDeriver(o.Key)}
	if err := p.read(r); err != nil {
		return nil, err
	}
	if err := p.decide(); err != nil {
		return nil, err
	}
	return p, nil
}

// Counts lists planned row counts per table.
func (p *Plan) Counts() []Count {
	var out []Count
	for _, t := range p.order {
		n := 0
		for _, c := range t.copies {
			n += int(c)
		}
		out = append(out, Count{Table: t.label(), Original: t.rows, Target: t.factor * float64(t.rows), Planned: n, Factor: t.factor, FollowsParents: !t.root})
	}
	return out
}

// read collects, in one pass, the schema, row counts and the values of
// the columns relations and keys need.
func (p *Plan) read(r *sqldump.Reader) error {
	needed := map[string]map[int]bool{}
	for {
		st, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if s := st.Table(); s != nil {
			t := &table{name: s.Name, db: s.Database, schema: s, pk: -1, index: map[int]map[string][]int32{}, remap: map[int]*remapper{}}
			if len(s.PrimaryKey) == 1 {
				if c, i := s.Column(s.PrimaryKey[0]); c != nil {
					t.pk = i
					t.intPK = isInt(c.Type)
				}
			}
			t.vals = make([][]string, len(s.Columns))
			if t.pk >= 0 {
				t.unique = append(t.unique, []int{t.pk})
			}
			for _, k := range s.UniqueKeys {
				if cols, err := colIndexes(t, k.Columns); err == nil {
					t.unique = append(t.unique, cols)
				}
			}
			if old := p.tables[tkey(t.db, t.name)]; old != nil {
				for i, o := range p.order {
					if o == old {
						p.order = append(p.order[:i], p.order[i+1:]...)
						break
					}
				}
			}
			p.order = append(p.order, t)
			p.tables[tkey(t.db, t.name)] = t
			continue
		}
		in := st.Insert()
		if in == nil {
			continue
		}
		t := p.lookupTable(insertDB(st, in), in.Table())
		if t == nil {
			return fmt.Errorf("line %d: INSERT into %s, which has no CREATE TABLE in the dump: duckface needs the schema", st.Line, in.Table())
		}
		names := in.ColumnNames()
		if len(names) != len(t.schema.Columns) && in.Columns() != nil {
			return fmt.Errorf("line %d: table %s: INSERT with a column list of %d columns; duckface needs full rows", st.Line, t.name, len(names))
		}
		need := needed[tkey(t.db, t.name)]
		if need == nil {
			need = p.columnsNeeded(t)
			needed[tkey(t.db, t.name)] = need
		}
		var buf []byte
		for row := 0; row < in.Rows(); row++ {
			for col := range need {
				v := in.Value(row, col)
				if v.IsNull() {
					t.vals[col] = append(t.vals[col], null)
					continue
				}
				buf = v.Bytes(buf[:0])
				s := string(buf)
				t.vals[col] = append(t.vals[col], s)
				if col == t.pk && t.intPK {
					if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > t.maxPK {
						t.maxPK = n
					}
				}
			}
		}
		t.rows += in.Rows()
	}
	return nil
}

// columnsNeeded: the columns whose values pass 1 keeps: the primary key,
// unique keys (foreign keys reference keys), the table's own foreign key
// columns, and the columns of the rules' relations. A table's CREATE TABLE
// precedes its rows, so this is known at its first INSERT even when the
// tables that reference it come later in the dump.
func (p *Plan) columnsNeeded(t *table) map[int]bool {
	need := map[int]bool{}
	for _, k := range t.unique {
		for _, c := range k {
			need[c] = true
		}
	}
	add := func(names []string) {
		if cols, err := colIndexes(t, names); err == nil {
			for _, c := range cols {
				need[c] = true
			}
		}
	}
	for _, fk := range t.schema.ForeignKeys {
		add(fk.Columns)
	}
	base := strings.TrimPrefix(t.name, "shadow_")
	if bt := p.tables[tkey(t.db, base)]; bt != nil && bt != t {
		for _, fk := range bt.schema.ForeignKeys { // mirrored by the shadow twin
			add(fk.Columns)
		}
	}
	for _, rel := range p.opts.Rules.Relations {
		if rel.Table == t.name || rel.Table == base {
			add(rel.Columns)
		}
		if rel.RefTable == t.name || rel.RefTable == base {
			add(rel.RefColumns)
		}
	}
	return need
}

func colIndexes(t *table, names []string) ([]int, error) {
	var out []int
	for _, n := range names {
		_, i := t.schema.Column(n)
		if i < 0 {
			return nil, fmt.Errorf("table %s has no column %s", t.name, n)
		}
		out = append(out, i)
	}
	return out, nil
}

// resolveRelations gathers the dump's FOREIGN KEYs, the rules' relations
// (models and rules files) and the shadow twins' mirrors of all of them.
func (p *Plan) resolveRelations() {
	p.relations = []*relation{}
	type raw struct {
		rules.Relation
		fromDump bool
	}
	var all []raw
	for _, t := range p.order {
		for _, fk := range t.schema.ForeignKeys {
			all = append(all, raw{rules.Relation{Table: tkey(t.db, t.name), Columns: fk.Columns, RefTable: tkey(t.db, fk.RefTable), RefColumns: fk.RefColumns, Source: "FOREIGN KEY " + fk.Name}, true})
		}
	}
	// Rules name tables without a database: they hold in every database
	// that has the tables.
	dbs := map[string]bool{}
	for _, t := range p.order {
		dbs[t.db] = true
	}
	for _, rel := range p.opts.Rules.Relations {
		for db := range dbs {
			r := rel
			r.Table, r.RefTable = tkey(db, rel.Table), tkey(db, rel.RefTable)
			if p.tables[r.Table] != nil {
				all = append(all, raw{r, false})
			}
		}
	}
	// shadow twins: shadow_a.c -> shadow_b.k mirrors a.c -> b.k
	n := len(all)
	for i := 0; i < n; i++ {
		rel := all[i]
		cdb, cname := splitKey(rel.Table)
		pdb, pname := splitKey(rel.RefTable)
		if strings.HasPrefix(cname, "shadow_") {
			continue
		}
		sc, sp := p.tables[tkey(cdb, "shadow_"+cname)], p.tables[tkey(pdb, "shadow_"+pname)]
		if sc != nil && sp != nil {
			m := rel
			m.Table, m.RefTable, m.Implicit, m.Source = tkey(sc.db, sc.name), tkey(sp.db, sp.name), true, "shadow twin of "+rel.String()
			all = append(all, m)
		}
	}
	seen := map[string]bool{}
	for _, rr := range all {
		key := rr.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		child, parent := p.tables[rr.Table], p.tables[rr.RefTable]
		_, refName := splitKey(rr.RefTable)
		if child == nil {
			continue // relations of tables this dump does not hold (models cover several databases)
		}
		if parent == nil {
			if rr.fromDump {
				p.err(fmt.Errorf("table %s references table %s (%s), which the dump does not have", child.name, refName, rr.Source))
			} else {
				p.Warnings = append(p.Warnings, fmt.Sprintf("relation %s: table %s is not in the dump; ignored", relName(rr.Relation), refName))
			}
			continue
		}
		cc, err1 := colIndexes(child, rr.Columns)
		pc, err2 := colIndexes(parent, rr.RefColumns)
		if err1 != nil || err2 != nil || len(cc) != len(pc) {
			if !rr.fromDump {
				// One rules file serves several databases whose tables
				// share names but not columns (Nova's main and API).
				p.Warnings = append(p.Warnings, fmt.Sprintf("relation %s does not fit %s; ignored there", relName(rr.Relation), child.label()))
				continue
			}
			p.err(fmt.Errorf("relation %s (%s): columns do not match", relName(rr.Relation), rr.Source))
			continue
		}
		rel := &relation{child: child, parent: parent, ccols: cc, pcols: pc, name: relName(rr.Relation), implicit: rr.Implicit}
		p.relations = append(p.relations, rel)
		child.parents = append(child.parents, rel)
		parent.kids = append(parent.kids, rel)
	}
	// A relation must end at columns pass 1 kept.
	for _, rel := range p.relations {
		for _, c := range rel.pcols {
			if rel.parent.rows > 0 && rel.parent.vals[c] == nil {
				p.err(fmt.Errorf("relation %s: %s.%s is not a primary or unique key; duckface follows references to keys only", rel.name, rel.parent.name, rel.parent.schema.Columns[c].Name))
			}
		}
	}
}

func (p *Plan) err(e error) { p.errs = append(p.errs, e) }

// label names a table for people: db.table in a dump of several databases.
func (t *table) label() string {
	if t.db != "" {
		return t.db + "." + t.name
	}
	return t.name
}

// tkey names a table within its database.
func tkey(db, name string) string { return db + "\x00" + name }

func splitKey(k string) (string, string) {
	db, name, _ := strings.Cut(k, "\x00")
	return db, name
}

// relName renders a relation without database qualifiers.
func relName(r rules.Relation) string {
	_, c := splitKey(r.Table)
	_, p := splitKey(r.RefTable)
	r.Table, r.RefTable = c, p
	return r.String()
}

// lookupTable finds a table in db, or by name alone when db is empty and
// the name is unique.
func (p *Plan) lookupTable(db, name string) *table {
	if t := p.tables[tkey(db, name)]; t != nil {
		return t
	}
	if db == "" {
		var found *table
		for _, t := range p.order {
			if t.name == name {
				if found != nil {
					return found // ambiguous: the first
				}
				found = t
			}
		}
		return found
	}
	return nil
}

// insertDB is the database an INSERT writes to.
func insertDB(st *sqldump.Statement, in *sqldump.Insert) string {
	if db := in.Database(); db != "" {
		return db
	}
	return st.Database
}

func isInt(t string) bool {
	switch t {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
		return true
	}
	return false
}

// key of a row for a column list.
func (t *table) key(row int, cols []int) (string, bool) {
	for _, c := range cols {
		if row >= len(t.vals[c]) {
			return "", false // a column pass 1 did not keep
		}
	}
	if len(cols) == 1 {
		v := t.vals[cols[0]][row]
		return v, v != null
	}
	var b strings.Builder
	for i, c := range cols {
		v := t.vals[c][row]
		if v == null {
			return "", false
		}
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(v)
	}
	return b.String(), true
}

func (t *table) lookup(cols []int, key string) []int32 {
	c := cols[0]
	if len(cols) > 1 {
		c = -1 - cols[0] // composite keys get their own index slot
	}
	idx := t.index[c]
	if idx == nil {
		idx = map[string][]int32{}
		for row := 0; row < t.rows; row++ {
			if k, ok := t.key(row, cols); ok {
				idx[k] = append(idx[k], int32(row))
			}
		}
		t.index[c] = idx
	}
	return idx[key]
}

// decide sets every row's number of copies.
func (p *Plan) decide() error {
	p.resolveRelations()
	if len(p.errs) > 0 {
		return p.errs[0]
	}
	if err := p.checkCycles(); err != nil {
		return err
	}
	for _, t := range p.order {
		t.root = true
		for _, rel := range t.parents {
			if rel.parent != t {
				t.root = false
			}
		}
	}
	for name := range p.opts.Tables {
		t := p.lookupTable("", name)
		if t == nil {
			return fmt.Errorf("--table %s: no such table in the dump", name)
		}
		if !t.root {
			return fmt.Errorf("--table %s: the table follows its parents (%s); set the factor of its root table instead", name, t.parents[0].name)
		}
	}
	for name, n := range p.opts.Targets {
		t := p.lookupTable("", name)
		if t == nil {
			return fmt.Errorf("target %s: no such table in the dump", name)
		}
		if !t.root {
			return fmt.Errorf("target %s: the table follows its parents; give a target to its root table instead", name)
		}
		if t.rows == 0 || n < 0 {
			return fmt.Errorf("target %s=%d: the table has %d rows", name, n, t.rows)
		}
	}
	keep := map[string]bool{}
	if p.opts.Keep == nil {
		p.opts.Keep = DefaultKeep
	}
	for _, k := range p.opts.Keep {
		keep[k] = true
	}
	for _, t := range p.order {
		t.factor = p.opts.Factor
		if keep[t.name] {
			t.factor, t.keep = 1, true
			continue
		}
		if f, ok := p.opts.Tables[t.name]; ok {
			t.factor = f
		}
		if n, ok := p.opts.Targets[t.name]; ok && t.rows > 0 {
			t.factor = float64(n) / float64(t.rows)
		}
		if base, ok := strings.CutPrefix(t.name, "shadow_"); ok && p.tables[tkey(t.db, base)] != nil {
			continue // set below from the twin
		}
		if t.root && p.opts.Jitter > 0 && !t.keep {
			u := p.prf.unit("jitter", tkey(t.db, t.name), 0)
			t.factor *= 1 + p.opts.Jitter/100*(2*u-1)
		}
	}
	for _, t := range p.order {
		if base, ok := strings.CutPrefix(t.name, "shadow_"); ok && p.tables[tkey(t.db, base)] != nil && !t.keep {
			t.factor = p.tables[tkey(t.db, base)].factor
		}
	}
	if p.opts.Factor >= 1 && !p.anyBelowOne() {
		p.up()
	} else {
		p.down()
	}
	return p.planKeys()
}

func (p *Plan) anyBelowOne() bool {
	for _, t := range p.order {
		if t.factor < 1 {
			return true
		}
	}
	return false
}

// checkCycles rejects references that loop through several tables
// (self-references are fine: a row's parent is copied or kept with it).
func (p *Plan) checkCycles() error {
	state := map[*table]int{}
	var stack []string
	var visit func(t *table) error
	visit = func(t *table) error {
		state[t] = 1
		stack = append(stack, t.name)
		for _, rel := range t.parents {
			if rel.parent == t {
				continue
			}
			switch state[rel.parent] {
			case 1:
				return fmt.Errorf("tables reference each other in a cycle (%s -> %s): duckface cannot keep such a cycle valid; declare one of the references away in the rules", strings.Join(stack, " -> "), rel.parent.name)
			case 0:
				if err := visit(rel.parent); err != nil {
					return err
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[t] = 2
		return nil
	}
	for _, t := range p.order {
		if state[t] == 0 {
			if err := visit(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// up: copies per row. Root rows (and children without a parent row) get
// floor(f) copies, and exactly round(frac(f) x n) of them, picked by a
// keyed hash, one more; a child gets its first parent's number, so
// families stay together.
func (p *Plan) up() {
	for _, t := range p.topo() {
		t.copies = make([]uint16, t.rows)
		if t.keep {
			fillOnes(t.copies)
			continue
		}
		whole := math.Floor(t.factor)
		frac := t.factor - whole
		var free []int
		for row := 0; row < t.rows; row++ {
			if prow := t.parentRow(row); prow >= 0 {
				rel := firstParent(t)
				t.copies[row] = rel.parent.copies[prow]
				continue
			}
			t.copies[row] = uint16(max(whole, 1))
			free = append(free, row)
		}
		if frac > 0 && whole >= 1 {
			for _, row := range p.pick(t, "copy", free, frac) {
				t.copies[row]++
			}
		}
	}
}

func fillOnes(c []uint16) {
	for i := range c {
		c[i] = 1
	}
}

// parentRow is the row of the first parent a row references, or -1.
func (t *table) parentRow(row int) int {
	rel := firstParent(t)
	if rel == nil {
		return -1
	}
	k, ok := t.key(row, rel.ccols)
	if !ok {
		return -1
	}
	if prows := rel.parent.lookup(rel.pcols, k); len(prows) > 0 {
		return int(prows[0])
	}
	return -1
}

// pick chooses exactly round(frac x len(rows)) of rows by a keyed hash:
// deterministic for a key, and exact, where a coin per row would miss the
// target by a few percent on small tables.
func (p *Plan) pick(t *table, what string, rows []int, frac float64) []int {
	n := int(math.Round(frac * float64(len(rows))))
	if n <= 0 {
		return nil
	}
	if n >= len(rows) {
		return rows
	}
	// Systematic sampling over the rows ordered by family size (children
	// across every relation), then by keyed hash: each family size is
	// represented in proportion, so the children's tables land near their
	// targets too, not only the roots'.
	// The order: children per relation (the first relation first), then
	// all descendants, then the keyed hash.
	type ranked struct {
		row    int
		direct []int
		family int
		u      float64
	}
	rs := make([]ranked, len(rows))
	for i, row := range rows {
		rs[i] = ranked{row, t.direct(row), t.family(row), p.prf.unit(what, t.name, row)}
	}
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		for k := range a.direct {
			if a.direct[k] != b.direct[k] {
				return a.direct[k] < b.direct[k]
			}
		}
		if a.family != b.family {
			return a.family < b.family
		}
		return a.u < b.u
	})
	step := float64(len(rs)) / float64(n)
	start := p.prf.unit(what+"-start", t.name, 0) * step
	out := make([]int, 0, n)
	for k := 0; k < n; k++ {
		i := int(start + float64(k)*step)
		out = append(out, rs[min(i, len(rs)-1)].row)
	}
	return out
}

// direct counts a row's children in each relation to it.
func (t *table) direct(row int) []int {
	var out []int
	for _, rel := range t.kids {
		if rel.child == t {
			continue
		}
		n := 0
		if k, ok := t.key(row, rel.pcols); ok {
			n = len(rel.child.lookup(rel.ccols, k))
		}
		out = append(out, n)
	}
	return out
}

// family is the number of rows that descend from a row, over all
// relations and levels (bounded, for very deep or wide families).
func (t *table) family(row int) int {
	n := 0
	var walk func(t *table, row, depth int)
	walk = func(t *table, row, depth int) {
		if depth > 4 || n > 100000 {
			return
		}
		for _, rel := range t.kids {
			if rel.child == t {
				continue
			}
			if k, ok := t.key(row, rel.pcols); ok {
				for _, cr := range rel.child.lookup(rel.ccols, k) {
					n++
					walk(rel.child, int(cr), depth+1)
				}
			}
		}
	}
	walk(t, row, 0)
	return n
}

func firstParent(t *table) *relation {
	for _, rel := range t.parents {
		if rel.parent != t {
			return rel
		}
	}
	return nil
}

// down: roots are sampled by a keyed hash; a row is kept when a parent of
// it is kept (it is a descendant); then every row a kept row references
// is kept too, to closure. Rows with no parent row sample like roots.
func (p *Plan) down() {
	for _, t := range p.order {
		t.copies = make([]uint16, t.rows)
	}
	// 1. roots and orphans: exactly round(f x n), by keyed hash
	for _, t := range p.order {
		if t.keep {
			fillOnes(t.copies)
			continue
		}
		var free []int
		for row := 0; row < t.rows; row++ {
			if !t.root && t.parentRow(row) >= 0 {
				continue // decided by its parent
			}
			free = append(free, row)
		}
		for _, row := range p.pick(t, "keep", free, min(t.factor, 1)) {
			t.copies[row] = 1
		}
	}
	// 2. descendants, top down
	for _, t := range p.topo() {
		rel := firstParent(t)
		if rel == nil || t.root {
			continue
		}
		for row := 0; row < t.rows; row++ {
			if k, ok := t.key(row, rel.ccols); ok {
				for _, pr := range rel.parent.lookup(rel.pcols, k) {
					if rel.parent.copies[pr] > 0 {
						t.copies[row] = 1
						break
					}
				}
			}
		}
	}
	// 3. closure: every parent of a kept row is kept
	for changed := true; changed; {
		changed = false
		for _, rel := range p.relations {
			for row := 0; row < rel.child.rows; row++ {
				if rel.child.copies[row] == 0 {
					continue
				}
				k, ok := rel.child.key(row, rel.ccols)
				if !ok {
					continue
				}
				prows := rel.parent.lookup(rel.pcols, k)
				if len(prows) > 0 && rel.parent.copies[prows[0]] == 0 {
					rel.parent.copies[prows[0]] = 1
					changed = true
				}
			}
		}
	}
}

// topo orders tables parents first.
func (p *Plan) topo() []*table {
	var out []*table
	done := map[*table]bool{}
	var visit func(t *table)
	visit = func(t *table) {
		if done[t] {
			return
		}
		done[t] = true
		for _, rel := range t.parents {
			if rel.parent != t {
				visit(rel.parent)
			}
		}
		out = append(out, t)
	}
	for _, t := range p.order {
		visit(t)
	}
	return out
}

// prf is the keyed pseudo-random source for decisions.
type prf struct{ key []byte }

func newPRF(k *anonymize.Key) *prf {
	// The key is used through the anonymize deriver; decisions use an
	// HMAC keyed by a digest of a uuid derived from it, so they follow
	// the key without exposing it.
	d := anonymize.NewDeriver(k)
	seed, _ := d.Derive("uuid", []byte("duckface-decisions"), 0, 0)
	return &prf{key: seed}
}

// unit is a keyed uniform number in [0, 1) for (what, table, row).
func (p *prf) unit(what, table string, row int) float64 {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(what))
	m.Write([]byte{0})
	m.Write([]byte(table))
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(row))
	m.Write(b[:])
	sum := m.Sum(nil)
	return float64(binary.LittleEndian.Uint64(sum)>>11) / (1 << 53)
}
