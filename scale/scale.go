// Package scale makes a dump bigger or smaller while keeping it valid
// and without letting the output tell how big the original was: every
// foreign key (declared in the dump, in the models, or only in a rules
// file) still points at a row, every unique key stays unique, the shape
// of the data (children per parent, value distributions) is kept, and no
// structure of the output (repeated contents, id layout, counters,
// family sizes, row order) is a function of the original row counts.
//
// Up-scaling copies whole families of rows: each copy gets new keys from
// the output's own dense id space, new values where the original's were
// nearly unique, datetimes moved by a monotone keyed warp shared by its
// family, and a family size near, not equal to, its original's.
// Down-scaling samples root rows, keeps their families whole, renumbers
// the kept rows densely and points references to dropped rows at kept
// rows of the same shape.
//
// Two passes: the first reads the keys, the values of related columns
// and a profile of every other column (memory grows with them, not with
// the rows) and decides every row's copies; the second streams the dump
// and writes them.
package scale

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Options configure a scaling.
type Options struct {
	// Factor scales every table: > 1 up, below 1 down. Zero means: from
	// Targets (their geometric mean), which may then name child tables.
	Factor float64
	// Tables overrides the factor of a root or independent table
	// (children follow their parents); Targets asks for row counts.
	Tables  map[string]float64
	Targets map[string]int
	// Size asks for about this many bytes of rows in the output (instead
	// of Factor or Targets): the output's size then says nothing about
	// the original's.
	Size int64
	// Jitter, in percent, multiplies or divides each table's factor by a
	// keyed amount up to 1+Jitter/100 (log-uniform): an attacker who
	// guesses the factor still does not have the count. Zero means
	// DefaultJitter; Exact turns it off (and the size then leaks to
	// whoever guesses the factor).
	Jitter float64
	Exact  bool
	// Window bounds how far a copy's datetimes move (DefaultWindow if 0);
	// a table too sparse for it gets a wider one.
	Window time.Duration
	Key    *anonymize.Key
	// Rules give kinds (for new values) and implicit relations; the
	// dump's FOREIGN KEYs are always used.
	Rules *rules.Set
	// Keep lists tables written as they are (factor 1): schema version
	// bookkeeping must keep its one row. Nil means DefaultKeep.
	Keep []string
	// Workers write in parallel (0: GOMAXPROCS); the output does not
	// depend on it.
	Workers int
}

// DefaultJitter: each factor is multiplied or divided by up to 3, so an
// attacker who knows the factor asked for lands within ±25% of a table's
// count with probability ln(5/3)/ln 9 (23%), by luck.
const DefaultJitter = 200

// MaxJitter bounds --jitter (×/÷ 11).
const MaxJitter = 1000

// Spread is the ratio by which a jitter of P percent may multiply or
// divide a factor.
func Spread(jitter float64) float64 { return 1 + jitter/100 }

// DefaultSpread is the default jitter's spread.
func DefaultSpread() float64 { return Spread(DefaultJitter) }

// GuessChance is the probability that an attacker who knows the factor
// and the jitter lands within ±25% of a table's original count: the
// best guess is the factor itself, and the drawn factor falls within
// [0.75, 1.25] times it with that probability.
func GuessChance(jitter float64) float64 {
	s := Spread(jitter)
	if s <= 1 {
		return 1
	}
	return math.Min(1, math.Log(1.25/0.75)/(2*math.Log(s)))
}

// DefaultKeep: migration tools' version tables.
var DefaultKeep = rules.VersionTables

// relation is a resolved reference: child columns -> parent columns.
type relation struct {
	child, parent *table
	ccols, pcols  []int
	name          string
	implicit      bool
	// parentOf[child row]: the parent row it references, -1 for none
	// (NULL, or an orphan in the input); count[parent row]: its children.
	parentOf []int32
	count    []int32
	// partner[row], for parent rows that are dropped but referenced: the
	// kept row that takes their references.
	partner map[int32]int32
}

// link resolves every child row's parent row, once.
func (rel *relation) link() {
	if rel.parentOf != nil {
		return
	}
	rel.parentOf = make([]int32, rel.child.rows)
	rel.count = make([]int32, rel.parent.rows)
	for r := range rel.parentOf {
		rel.parentOf[r] = -1
		if k, ok := rel.child.key(r, rel.ccols); ok {
			if prows := rel.parent.lookup(rel.pcols, k); len(prows) > 0 {
				rel.parentOf[r] = prows[0]
				rel.count[prows[0]]++
			}
		}
	}
}

type table struct {
	name   string
	db     string // database (a --databases dump holds several)
	schema *sqldump.Table
	id     uint64 // the table's tweak for the PRF
	rows   int
	bytes  int64 // bytes of its rows in the input
	// vals[col] holds, per row, the value of each column some relation or
	// key needs (nil for other columns).
	vals    [][]string
	prof    []*profile // per column, from pass 1
	pk      int        // single-column primary key index, or -1
	intPK   bool
	parents []*relation
	kids    []*relation
	// index of parent-side values: column -> value -> rows
	index  map[int]map[string][]int32
	unique [][]int // unique keys (column indexes), primary key included

	// decisions
	factor  float64
	exact   bool // a row target: no noise on the count
	root    bool
	keep    bool // written as it is
	up      bool // scaled up: rows are copied
	renew   bool // written rows get new contents (copies, and the kept rows of a downscale)
	copies  []uint16
	fam     *relation // the relation whose families the rows follow
	famRow  []int32   // per row: its parent row in fam, -1 for none
	desc    []int32   // per row: rows descending from it
	attach  []uint16  // parent copy of each copy: attach[attachAt[r]:attachAt[r+1]]
	at      []uint32
	prefix  []uint32 // per row: index of its first copy among the output rows
	out     int      // output rows
	pos     []uint32 // up tables: output position of each copy (ids are pos+1)
	block   int      // up tables: rows a copy may move, at most 1.5 blocks
	cols    []*colPlan
	autoInc uint64 // new AUTO_INCREMENT, 0 to keep
	window  float64
	seq     *seqTable
}

// Plan is the first pass's result: what to write.
type Plan struct {
	opts      Options
	tables    map[string]*table
	order     []*table
	relations []*relation
	prf       *prf // the run's: the key's mixed with the options
	base      *prf // the key's alone: which rows a downscale keeps
	seed      maphash.Seed
	identity  bool // factor 1 and nothing else asked: the dump as it is
	sequences map[string]int64
	numSpan   int // numbers in text that follow an id: 1..numSpan (digits.go)
	seqValue  func(name string) int64
	profile   bool // pass 1 profiles columns (not for stats)
	errs      []error
	Warnings  []string
}

// Count reports a table's rows before and after. Original, Target and
// Factor (the factor drawn within the jitter, for a child its family
// root's) tell the original size: show them to the operator only.
type Count struct {
	Table          string  `json:"table"`
	Original       int     `json:"original,omitempty"`
	Target         float64 `json:"target,omitempty"`
	Planned        int     `json:"written"`
	Factor         float64 `json:"factor,omitempty"`
	FollowsParents bool    `json:"follows_parents"`
}

const null = "\x00NULL"

// NewPlan reads a dump (pass 1) and decides every row's copies.
func NewPlan(r *sqldump.Reader, o Options) (*Plan, error) {
	if o.Size < 0 {
		return nil, fmt.Errorf("--size must be > 0 (got %d)", o.Size)
	}
	if o.Size > 0 && (o.Factor != 0 || len(o.Targets) > 0 || len(o.Tables) > 0) {
		return nil, errors.New("--size sets every factor: give it without --factor, --rows or --table")
	}
	if math.IsNaN(o.Factor) || math.IsInf(o.Factor, 0) || o.Factor < 0 || o.Factor == 0 && len(o.Targets) == 0 && o.Size == 0 {
		return nil, fmt.Errorf("scale factor must be > 0 (got %v), or give row targets or a size", o.Factor)
	}
	for t, f := range o.Tables {
		if f <= 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("--table %s=%v: factor must be > 0", t, f)
		}
	}
	for t, n := range o.Targets {
		if n <= 0 {
			return nil, fmt.Errorf("--rows %s=%d: the target must be > 0", t, n)
		}
	}
	if o.Jitter < 0 || o.Jitter > MaxJitter || math.IsNaN(o.Jitter) {
		return nil, fmt.Errorf("--jitter must be in [0, %d] percent (got %v)", MaxJitter, o.Jitter)
	}
	jitterAsked, factorAsked := o.Jitter > 0, o.Factor > 0 || len(o.Tables) > 0
	if o.Exact {
		o.Jitter = 0
	} else if o.Jitter == 0 {
		o.Jitter = DefaultJitter
	}
	if o.Window < 0 {
		return nil, fmt.Errorf("the datetime window must be >= 0 (got %v)", o.Window)
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.Key == nil {
		return nil, errors.New("scale: no key")
	}
	if o.Rules == nil {
		o.Rules = rules.NewSet()
	}
	f, err := newPRF(o.Key)
	if err != nil {
		return nil, err
	}
	p := &Plan{opts: o, tables: map[string]*table{}, prf: f.salted(runSalt(o)), base: f, seed: maphash.MakeSeed(), profile: true}
	// factor 1 alone writes the dump as it is (a jitter asked for
	// scales around 1)
	p.identity = o.Factor == 1 && len(o.Tables) == 0 && len(o.Targets) == 0 && !jitterAsked
	if err := p.read(r); err != nil {
		return nil, err
	}
	if err := p.decide(); err != nil {
		return nil, err
	}
	p.warnLeaks(factorAsked)
	return p, nil
}

// runSalt is a canonical text of the options that shape a run: under
// one key, another command draws anew.
func runSalt(o Options) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "factor=%v size=%d jitter=%v exact=%v window=%d", o.Factor, o.Size, o.Jitter, o.Exact, int64(o.Window))
	for _, m := range []map[string]float64{o.Tables, intMap(o.Targets)} {
		names := make([]string, 0, len(m))
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString(";")
		for _, n := range names {
			fmt.Fprintf(&b, " %s=%v", n, m[n])
		}
	}
	fmt.Fprintf(&b, "; keep=%q", o.Keep)
	return []byte(b.String())
}

func intMap(m map[string]int) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = float64(v)
	}
	return out
}

// warnLeaks says when the counts give the size away to an attacker who
// guesses the factor asked for (targets and sizes do not depend on the
// original: nothing to guess).
func (p *Plan) warnLeaks(factorAsked bool) {
	o := p.opts
	switch guessable := factorAsked && o.Size == 0; {
	case p.identity:
		p.Warnings = append(p.Warnings, "factor 1: the dump is written as it is; its size is the original's")
	case !guessable:
	case o.Exact:
		p.Warnings = append(p.Warnings, "--jitter 0: every table's count is the factor times the original's, so whoever guesses the factor has the size (the default jitter, or --size, hides it)")
	case GuessChance(o.Jitter) > GuessChance(DefaultJitter)+1e-9:
		p.Warnings = append(p.Warnings, fmt.Sprintf("--jitter %g: an attacker who guesses the factor lands within ±25%% of a table's count with probability %.0f%% (the default jitter: %.0f%%; --size: no estimate)", o.Jitter, 100*GuessChance(o.Jitter), 100*GuessChance(DefaultJitter)))
	}
}

// Counts lists planned row counts per table; with original false, only
// what the output itself shows (the written counts).
func (p *Plan) Counts(original bool) []Count {
	var out []Count
	for _, t := range p.order {
		c := Count{Table: t.label(), Planned: t.out, FollowsParents: !t.root && !t.keep}
		if original {
			// the factor the rows follow: a child's is its family
			// root's, or its own where its parents are few
			f := t.factor
			if !t.keep && !t.root {
				f = p.rowsFactor(t)
			}
			c.Original, c.Target, c.Factor = t.rows, f*float64(t.rows), f
		}
		out = append(out, c)
	}
	return out
}

// read collects, in one pass, the schema, row counts, the values of the
// columns relations and keys need, and a profile of every column.
func (p *Plan) read(r *sqldump.Reader) error {
	needed := map[*table]map[int]bool{}
	var buf []byte
	for {
		st, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if s := st.Table(); s != nil {
			p.addTable(s)
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
		if in.Width() != len(t.schema.Columns) || in.Columns() != nil && !sameNames(names, t.schema.ColumnNames()) {
			return fmt.Errorf("line %d: table %s: INSERT with %d columns in another order or number than its CREATE TABLE (%d); duckface needs full rows", st.Line, t.name, len(names), len(t.schema.Columns))
		}
		need := needed[t]
		if need == nil {
			need = p.columnsNeeded(t)
			needed[t] = need
			if p.profile {
				t.prof = newProfiles(t, p)
			}
		}
		t.bytes += int64(len(st.Raw))
		for row := 0; row < in.Rows(); row++ {
			for col := range need {
				v := in.Value(row, col)
				if v.IsNull() {
					t.vals[col] = append(t.vals[col], null)
					continue
				}
				buf = v.Bytes(buf[:0])
				t.vals[col] = append(t.vals[col], string(buf))
			}
			if t.prof != nil {
				t.profileRow(p, in, row)
			}
			t.rows++
		}
	}
	return nil
}

func sameNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

func (p *Plan) addTable(s *sqldump.Table) {
	t := &table{name: s.Name, db: s.Database, schema: s, pk: -1, index: map[int]map[string][]int32{}}
	t.id = nameHash(tkey(t.db, t.name))
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

// colNames names columns by index, for messages.
func colNames(t *table, cols []int) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = t.schema.Columns[c].Name
	}
	return out
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

// lookup finds the rows whose cols hold key. Every index the write pass
// uses is built during planning, so that workers only read it.
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

// copyOf is the output index of a row's copy k.
func (t *table) copyOf(row, k int) int { return int(t.prefix[row]) + k }

// newID is the integer id of a row's copy k: the output is numbered
// densely, in the order it is written.
func (t *table) newID(row, k int) int64 {
	i := t.copyOf(row, k)
	if t.pos != nil {
		return int64(t.pos[i]) + 1
	}
	return int64(i) + 1
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
