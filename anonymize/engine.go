package anonymize

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Options configure a run.
type Options struct {
	Rules *rules.Set
	Key   *Key
	// Schema is the dump's schema, read beforehand (see ReadSchema): the
	// foreign keys must all be known before the first row is rewritten.
	Schema *sqldump.Schema
	// Workers transform rows in parallel (default: GOMAXPROCS).
	Workers int
	// Progress, if set, is called with the input offset after each
	// statement is written.
	Progress func(offset int64)
	// System says what happens to system data (around.go).
	System SystemPolicy
	// KeepBodyLinkage gives a literal in a view, trigger, routine or
	// event body the fake its rows get, so the body still names the same
	// row (which then points at it); by default it gets a fake no row
	// has (bodies.go).
	KeepBodyLinkage bool
}

// ColumnStats counts what happened to one column.
type ColumnStats struct {
	Table, Column string
	Kind          string
	Via           string
	Values        int64 // rewritten
	Nulls         int64 // NULL, kept
	Empty         int64 // empty strings, kept
	Fallbacks     int64 // values the kind could not parse
	Rederived     int64 // re-derived to avoid a unique-key collision
}

// Stats summarises a run.
type Stats struct {
	Bytes      int64
	Statements int64
	Rows       map[string]int64 // rows seen per table
	Columns    []*ColumnStats
	Duration   time.Duration
	Warnings   []string
}

// ReadSchema reads a dump's CREATE TABLE statements quickly (rows are
// skipped, not parsed).
func ReadSchema(r io.Reader) (*sqldump.Schema, error) {
	rd, err := sqldump.NewReader(r)
	if err != nil {
		return nil, err
	}
	rd.SkipValues = true
	for {
		_, err := rd.Next()
		if err == io.EOF {
			return rd.Schema(), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Relations returns a schema's FOREIGN KEYs as relations.
func Relations(s *sqldump.Schema) []rules.Relation {
	var out []rules.Relation
	for _, t := range s.Tables() {
		for _, fk := range t.ForeignKeys {
			out = append(out, rules.Relation{Table: t.Name, Columns: fk.Columns, RefTable: fk.RefTable, RefColumns: fk.RefColumns, Source: "dump FOREIGN KEY " + fk.Name})
		}
	}
	return out
}

// Prepare checks the rules against the models and the dump's schema
// (rules.Set.Validate: a name nothing knows is an error, one this dump
// lacks a warning) and propagates them through the dump's foreign keys.
func Prepare(set *rules.Set, schema *sqldump.Schema) (warnings []string, err error) {
	dump := &rules.DumpSchema{}
	for _, t := range schema.Tables() {
		var cols []string
		for _, c := range t.Columns { // invisible ones too: rules may name them
			cols = append(cols, c.Name)
		}
		dump.Tables = append(dump.Tables, rules.DumpTable{Database: t.Database, Name: t.Name, Columns: cols})
	}
	if warnings, err = set.Validate(dump); err != nil {
		return nil, err
	}
	if err := checkKinds(set); err != nil {
		return nil, err
	}
	set.Propagate(Relations(schema))
	return warnings, nil
}

// checkKinds refuses a rule whose kind is not implemented or lacks what
// it needs.
func checkKinds(set *rules.Set) error {
	for _, r := range set.All() {
		if _, ok := kindFuncs[r.Kind.Name]; !ok {
			return fmt.Errorf("%s: kind %s is not implemented", r.Source, r.Kind.Name)
		}
		if r.Kind.Name == "fixed" {
			if _, ok := r.Kind.Params["value"]; !ok {
				return fmt.Errorf("%s: %s.%s: kind fixed needs a value (fixed:value=...)", r.Source, r.Table, r.Column)
			}
		}
	}
	return nil
}

// colPlan is how one value position of a table's INSERTs is handled.
type colPlan struct {
	info    colInfo
	kind    string
	fn      kindFunc
	tracked bool // unique column of a non-bijective kind: collision-checked
	unique  bool // a key of its own: its values do not repeat (not remembered, memo.go)
	// the digests of tracked values and their kind's collision sets
	inFP, outFP fpHash
	sets        *kindSets
	stats       *ColumnStats
	// rowsHint: the rows the table's AUTO_INCREMENT announces (at most
	// fpHintMax; 0: none) for a unique tracked column, which the
	// collision stage makes room for at once (hinted) rather than grow
	// its table step by step
	rowsHint int
	hinted   bool
}

type tablePlan struct {
	cols []*colPlan // nil entries: column passes through
	any  bool
	// entity: where a row's datetime entity is (tables with datetime
	// columns); context: the row's originals are kept for url and json.
	entity  *entityPlan
	context bool
	salt    *saltPlan // rows name themselves for perRow kinds (rowctx.go)
}

// bijective kinds cannot collide: distinct inputs give distinct outputs.
// (datetime is not: two entities' shifts can meet.)
var bijective = map[string]bool{"integer": true, "ip_address": true, "ip_address_v4": true, "ip_address_v6": true,
	"mac": true, "keep": true, "uuid": true, "null": true, "fixed": true}

// Engine anonymizes dumps.
type Engine struct {
	opts    Options
	plans   map[string]*tablePlan
	stats   map[string]*ColumnStats
	tracked map[string]bool      // kinds needing collision checks
	fp      map[string][2]fpHash // their digests of inputs and outputs
	fpPRF   *prf                 // derives fp (while no statement is in flight)
	one     *onePass             // a one-pass run's knowledge (onepass.go)
	fam     families
	roots   map[string]bool // columns other columns reference
	coll    *collisions
	seqs    map[string]string                                // sequence -> the value it is reset to (ddl.go)
	tied    func(what string, line int, c column, like bool) // audit: a body's literal names rows of c (audit_bodies.go)
	workers sync.Pool
	stmts   sync.Pool // recycled statement buffers
	bufs    sync.Pool // recycled *jobBufs
	sink    uint64    // keeps resolveCollisions' prefetching loads
	orig    []byte    // resolveCollisions' original of a value to re-derive
	homes   []*uint64 // prefetchTaken's slots to load
}

// New prepares an engine: opts.Rules must already be Prepared, or, for
// one pass (opts.Schema nil), be the rules as loaded (see onepass.go).
func New(opts Options) (*Engine, error) {
	if opts.Key == nil {
		return nil, errors.New("anonymize: no key")
	}
	if opts.Rules == nil {
		return nil, errors.New("anonymize: rules are required")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	e := &Engine{opts: opts, plans: map[string]*tablePlan{}, stats: map[string]*ColumnStats{}, coll: newCollisions(), fp: map[string][2]fpHash{}}
	e.workers.New = func() any { return newWorker(opts.Key) }
	e.fpPRF = opts.Key.newPRF()
	if opts.Schema == nil {
		if err := e.startOnePass(); err != nil {
			return nil, err
		}
	}
	e.derive(e.opts.Rules, e.opts.Schema).use(e)
	return e, nil
}

// derived is what the engine works out from the rules and the schema.
type derived struct {
	rules   *rules.Set
	fam     families
	roots   map[string]bool // columns other columns reference
	tracked map[string]bool // kinds needing collision checks
}

func (e *Engine) derive(set *rules.Set, schema *sqldump.Schema) derived {
	d := derived{rules: set, fam: newFamilies(set.Relations), roots: map[string]bool{}, tracked: map[string]bool{}}
	for _, r := range d.fam {
		d.roots[r] = true
	}
	// Kinds that appear in a unique or primary key need collision checks.
	for _, t := range schema.Tables() {
		keys := append([]sqldump.Key{{Columns: t.PrimaryKey}}, t.UniqueKeys...)
		for _, k := range keys {
			for _, c := range k.Columns {
				if r := set.RuleIn(t.Database, t.Name, c); r != nil && !bijective[r.Kind.Name] {
					d.tracked[r.Kind.Name] = true
				}
			}
		}
	}
	return d
}

// use makes d the engine's (while no statement is in flight).
func (d derived) use(e *Engine) {
	e.fam, e.roots, e.tracked = d.fam, d.roots, d.tracked
	for kind := range e.tracked {
		if _, ok := e.fp[kind]; !ok {
			e.fp[kind] = [2]fpHash{newFPHash(e.fpPRF, kind+"-in"), newFPHash(e.fpPRF, kind+"-out")}
		}
		e.coll.of(kind) // here: the in-order stage claims embedded values (embedded.go)
	}
}

// maxLength is a column's capacity in characters (bytes for binary).
func maxLength(c *sqldump.Column) int {
	switch c.Type {
	case "char", "varchar", "binary", "varbinary":
		return c.Length
	case "tinytext", "tinyblob":
		return 255
	case "text", "blob":
		return 65535
	case "mediumtext", "mediumblob":
		return 16777215
	}
	return 0
}

func (e *Engine) plan(in *sqldump.Insert) (*tablePlan, error) {
	names := in.ColumnNames()
	// Same-named tables in several databases (a --databases dump) differ:
	// the plan is per schema.
	key := fmt.Sprintf("%p\x00%s\x00%s", in.Schema(), in.Table(), strings.Join(in.Columns(), "\x00"))
	if p := e.plans[key]; p != nil {
		return p, nil
	}
	p := &tablePlan{cols: make([]*colPlan, in.Width())}
	schema := in.Schema()
	if names == nil {
		// No column list and no CREATE TABLE: we cannot tell which values
		// are confidential. Refuse rather than pass data through unread.
		if e.opts.Rules.HasRules(in.Database(), in.Table()) {
			return nil, fmt.Errorf("table %s: INSERT without a column list and no CREATE TABLE in the dump: cannot tell which values to anonymize", in.Table())
		}
		e.plans[key] = p
		return p, nil
	}
	if len(names) != in.Width() {
		return nil, fmt.Errorf("table %s: INSERT rows have %d values but the table has %d columns", in.Table(), in.Width(), len(names))
	}
	e.consult(in.Database(), in.Table(), names)
	var err error
	for i, name := range names {
		r := e.opts.Rules.RuleIn(in.Database(), in.Table(), name)
		if r == nil {
			continue
		}
		cp := &colPlan{kind: r.Kind.Name, fn: kindFuncs[r.Kind.Name], tracked: e.tracked[r.Kind.Name], unique: schema != nil && uniqueColumn(schema, name)}
		if cp.tracked {
			cp.inFP, cp.outFP = e.fp[r.Kind.Name][0], e.fp[r.Kind.Name][1]
			cp.sets = e.coll.of(r.Kind.Name)
			if cp.unique && schema.AutoIncrement > 1 {
				cp.rowsHint = int(min(schema.AutoIncrement-1, fpHintMax))
			}
		}
		if cp.info, err = e.columnInfo(in.Table(), name, schema, r); err != nil {
			return nil, err
		}
		if r.Kind.Name == "datetime" && p.entity == nil {
			p.entity = e.planEntity(in.Table(), names, schema)
		}
		if contextKinds[r.Kind.Name] {
			p.context = true
		}
		sk := in.Table() + "." + name
		st := e.stats[sk]
		if st == nil {
			st = &ColumnStats{Table: in.Table(), Column: name, Kind: r.Kind.String(), Via: r.Via}
			e.stats[sk] = st
		}
		cp.stats = st
		p.cols[i] = cp
		p.any = true
	}
	p.salt = e.planSalt(p, in.Table(), names, schema)
	e.plans[key] = p
	return p, nil
}

// columnInfo is what a kind needs to know about table.name (schema may be
// nil): the rows' transforms and the DDL literals of the column share it,
// so a literal becomes the same fake as the column's values.
func (e *Engine) columnInfo(table, name string, schema *sqldump.Table, r *rules.Rule) (colInfo, error) {
	info := colInfo{table: table, name: name, nullable: true, params: r.Kind.Params}
	info.secret = isSecretKey([]byte(name))
	info.birth = r.Kind.Name == "datetime" && isBirthName(name)
	info.family = e.fam.root(table, name)
	info.intDomain = intDomain(info.family)
	if schema != nil {
		if c, _ := schema.Column(name); c != nil {
			info.maxLen = maxLength(c)
			info.typ = c.Type
			info.unsigned = c.Unsigned
			info.nullable = c.Nullable
		}
	}
	switch r.Kind.Name {
	case "json":
		info.paths, info.keys = parsePaths(r.Kind.Params["paths"]), parseKeys(r.Kind.Params["keys"])
	case "datetime":
		win := rules.DefaultWindow
		if s, ok := r.Kind.Params["window"]; ok {
			var err error
			if win, err = rules.ParseWindow(s); err != nil {
				return info, fmt.Errorf("%s: %s.%s: %w", r.Source, table, name, err)
			}
		}
		info.window = int64(win / time.Second)
	}
	return info, nil
}

// structured kinds cannot be cut to fit a column; the others can.
var structured = map[string]bool{"uuid": true, "ip_address": true, "ip_address_v4": true, "ip_address_v6": true, "cidr": true,
	"mac": true, "datetime": true, "json": true, "ssh_public_key": true, "fingerprint": true, "ec2_id": true}

// job is one statement in flight.
type job struct {
	st   *sqldump.Statement
	plan *tablePlan
	// per value, for the in-order collision stage: the tracked values
	// (row-major over tracked columns; their originals are still in the
	// statement's text: Insert.Original).
	tracked []trackedValue
	emb     *embedTracker // values inside the cells (embedded.go)
	counts  []colCount    // per value position
	err     error
	done    chan struct{}
	// barrier, when set, is closed once every job before it is written
	// (a one-pass run learns a table's schema in between).
	barrier chan struct{}
}

type colCount struct{ values, nulls, empty, fallbacks int64 }

// jobBufs are a written job's slices, kept for a later job: a statement
// of 9,000 rows with a unique column fills about half a megabyte of them,
// and growing them afresh each time cost a twentieth of the run.
type jobBufs struct {
	tracked []trackedValue
	counts  []colCount
}

// takeBufs gives j recycled slices (on its worker).
func (e *Engine) takeBufs(j *job) {
	if b, ok := e.bufs.Get().(*jobBufs); ok {
		j.tracked, j.counts = b.tracked[:0], b.counts[:0]
	}
}

// keepBufs recycles j's slices once j is written.
func (e *Engine) keepBufs(j *job) {
	if cap(j.tracked) > 0 {
		e.bufs.Put(&jobBufs{tracked: j.tracked, counts: j.counts})
	}
	j.tracked, j.counts = nil, nil
}

// trackedValue: the workers compute both fingerprints, so the in-order
// stage only probes its sets (and re-derives the rare collision, from
// the original in the statement's text). 32 bytes: a statement's
// tracked values are written on one core and read on another; with a
// copy of each original and 24 more bytes of offsets, their stores were
// a sixth of transform's own time in the profile (users1m).
type trackedValue struct {
	row, col    int32
	inFP, outFP uint64
	hex         bool
}

// transform rewrites the job's planned values (runs on a worker).
// memos (nil: none) is the calling worker goroutine's memory of fakes
// (memo.go).
func (e *Engine) transform(j *job, memos *memoSet, cols []*colMemo) []*colMemo {
	defer close(j.done)
	in := j.st.Insert()
	w := e.workers.Get().(*worker)
	defer e.workers.Put(w)
	defer w.clearRow()
	e.startJob(w)
	defer func() { j.emb, w.emb = w.emb, nil }()
	var buf []byte
	e.takeBufs(j)
	j.counts = append(j.counts, make([]colCount, len(j.plan.cols))...)
	if memos != nil {
		cols = memos.forPlan(j.plan, cols)
	}
	rowCtx := j.plan.entity != nil || j.plan.context || j.plan.salt != nil
	for row := 0; row < in.Rows(); row++ {
		if memos != nil && row%memoBatch == 0 {
			buf = memos.prefetch(in, cols, row, buf)
		}
		if rowCtx {
			w.setRow(j.plan, in, row)
		}
		for col, cp := range j.plan.cols {
			if cp == nil {
				continue
			}
			cnt := &j.counts[col]
			v := in.Value(row, col)
			if v.IsNull() {
				cnt.nulls++
				continue
			}
			buf = v.Bytes(buf[:0])
			if len(buf) == 0 && v.Kind == sqldump.KindString {
				cnt.empty++
				continue // empty stays empty
			}
			var m *colMemo
			if memos != nil && cols[col] != nil && cols[col].active() {
				m = cols[col]
			}
			var fake memoEntry
			var h uint64
			hit := false
			if m != nil {
				fake, h, hit = m.get(buf, memos.hash(row, col, buf))
			}
			if !hit {
				recorded := w.emb.count()
				res := w.cell(cp, buf, row, col)
				fake.fallback, fake.null = res.fallback, res.null
				if !res.null {
					out, err := fit(cp, res.out)
					if err != nil {
						j.err = fmt.Errorf("table %s column %s, row %d of the INSERT at line %d: %w", cp.info.table, cp.info.name, row+1, j.st.Line, err)
						return cols
					}
					fake.out = out
					if cp.tracked {
						fake.inFP, fake.outFP = sum2(cp.inFP, buf, cp.outFP, out)
					}
				}
				if m != nil && w.emb.count() == recorded {
					m.put(h, buf, fake) // (a fake that recorded embedded values is not remembered)
				}
			}
			cnt.values++
			if fake.fallback {
				cnt.fallbacks++
			}
			if fake.null {
				in.Set(row, col, sqldump.Null())
				continue
			}
			hexOut := v.Kind == sqldump.KindHex || v.Kind == sqldump.KindBit
			if cp.tracked {
				j.tracked = append(j.tracked, trackedValue{row: int32(row), col: int32(col), inFP: fake.inFP, outFP: fake.outFP, hex: hexOut})
			}
			setValue(in, row, col, v, fake.out, hexOut)
		}
	}
	return cols
}

func setValue(in *sqldump.Insert, row, col int, orig sqldump.Value, out []byte, hexOut bool) {
	switch {
	case hexOut:
		in.Set(row, col, sqldump.Hex(out))
	case orig.Kind == sqldump.KindNumber && isNumber(out):
		in.Set(row, col, sqldump.Number(string(out)))
	default:
		in.SetString(row, col, out)
	}
}

func isNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		if !(c >= '0' && c <= '9' || c == '-' && i == 0 || c == '.') {
			return false
		}
	}
	return true
}

// fit enforces the column's length.
func fit(cp *colPlan, out []byte) ([]byte, error) {
	max := cp.info.maxLen
	if max <= 0 || len(out) <= max || utf8.RuneCount(out) <= max {
		return out, nil
	}
	if structured[cp.kind] {
		return nil, fmt.Errorf("a %s value of %d characters does not fit the column's %d", cp.kind, utf8.RuneCount(out), max)
	}
	// cut at a rune boundary
	n := 0
	for i := range string(out) {
		if n == max {
			return out[:i], nil
		}
		n++
	}
	return out, nil
}

// count updates stats for a finished job (in order, single goroutine).
func (e *Engine) count(j *job, stats *Stats) {
	stats.Rows[j.st.Insert().Table()] += int64(j.st.Insert().Rows())
	for col, cp := range j.plan.cols {
		if cp == nil {
			continue
		}
		c := j.counts[col]
		cp.stats.Values += c.values
		cp.stats.Nulls += c.nulls
		cp.stats.Empty += c.empty
		cp.stats.Fallbacks += c.fallbacks
	}
}

// clone copies the statement the reader just returned (its values' spans
// moved, not copied: the reader goroutine reads nothing of st after).
func (e *Engine) clone(st *sqldump.Statement) *sqldump.Statement {
	dst, _ := e.stmts.Get().(*sqldump.Statement)
	return st.MoveInto(dst)
}

// Run anonymizes a dump from r to w. The output is deterministic for a
// key, whatever the number of workers.
func (e *Engine) Run(r *sqldump.Reader, w *sqldump.Writer) (*Stats, error) {
	start := time.Now()
	defer e.coll.free()
	stats := &Stats{Rows: map[string]int64{}}
	order := make(chan *job, e.opts.Workers)
	work := make(chan *job, e.opts.Workers)
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		for {
			st, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			if e.one != nil && st.Kind == sqldump.KindCreateTable && st.Table() != nil {
				b := &job{done: make(chan struct{}), barrier: make(chan struct{})}
				close(b.done)
				order <- b
				<-b.barrier
				if err := e.learn(st.Table(), st.Line); err != nil {
					readErr = err
					return
				}
			}
			j := &job{done: make(chan struct{})}
			if in := st.Insert(); in != nil {
				p, err := e.plan(in)
				if err != nil {
					readErr = fmt.Errorf("line %d: %w", st.Line, err)
					return
				}
				if p.any {
					j.st, j.plan = e.clone(st), p
					order <- j
					work <- j
					continue
				}
			}
			j.st = e.clone(st)
			close(j.done)
			order <- j
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < e.opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			memos := newMemoSet()
			defer memos.free()
			var cols []*colMemo
			for j := range work {
				cols = e.transform(j, memos, cols)
			}
		}()
	}
	var firstErr error
	w2 := e.workers.Get().(*worker)
	for j := range order {
		<-j.done
		if j.barrier != nil {
			close(j.barrier)
			continue
		}
		if firstErr != nil {
			continue // drain
		}
		if j.err != nil {
			firstErr = j.err
			continue
		}
		if j.plan != nil {
			err := e.resolveCollisions(w2, j)
			if err == nil {
				err = e.resolveEmbedded(w2, j)
			}
			if err != nil {
				firstErr = err
				continue
			}
			e.count(j, stats)
		}
		if err := e.writeAround(w2, w, j.st, stats); err != nil {
			firstErr = err
			continue
		}
		stats.Statements++
		stats.Bytes = j.st.Offset + int64(len(j.st.Raw))
		e.stmts.Put(j.st)
		e.keepBufs(j)
		if e.opts.Progress != nil {
			e.opts.Progress(stats.Bytes)
		}
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = readErr
	}
	if firstErr == nil && e.one != nil {
		firstErr = e.finishOnePass(stats)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	stats.Duration = time.Since(start)
	for _, s := range e.stats {
		stats.Columns = append(stats.Columns, s)
	}
	sort.Slice(stats.Columns, func(i, k int) bool {
		a, b := stats.Columns[i], stats.Columns[k]
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		return a.Column < b.Column
	})
	return stats, nil
}

// collisions remembers, per kind, which output belongs to which input
// (as keyed 61-bit digests, fpHash: 16 bytes a value in a table at most
// 3/4 full) and the inputs that had to be re-derived.
type collisions struct {
	kinds map[string]*kindSets
}

type kindSets struct {
	taken fpTable // output digest -> input digest
	redo  fpTable // input digest -> re-derivation count
}

func newCollisions() *collisions {
	return &collisions{kinds: map[string]*kindSets{}}
}

// of is kind's sets (made when a plan first needs them, on the reader
// goroutine; only the in-order stage uses them).
func (c *collisions) of(kind string) *kindSets {
	s := c.kinds[kind]
	if s == nil {
		s = &kindSets{}
		c.kinds[kind] = s
	}
	return s
}

// free returns the tables' memory (they are outside Go's heap).
func (c *collisions) free() {
	for _, s := range c.kinds {
		s.taken.free()
		s.redo.free()
	}
}

// fpHintMax bounds the values AUTO_INCREMENTs make room for in a kind's
// table, whatever the number of tables (a counter can run far ahead of
// the rows): 2^20 values, a 21 MB table, about what growing to that many
// would have reached anyway.
const fpHintMax = 1 << 20

// prefetchBatch is how many values' slots the in-order stage loads in one
// tight loop before it probes them: loads with nothing between them are
// in flight together, so a batch waits for memory about once, where a
// load issued a few values ahead of a long probe loop still stalled it
// (the out-of-order window holds only a value or two of that loop).
const prefetchBatch = 64

// resolveCollisions runs in input order: the first input to claim an
// output keeps it; a later, different input is re-derived (n = 1, 2, ...)
// and remembered, so every later occurrence gets the same re-derived value.
// The memory of re-derivations (redo) is read only when the value's first
// fake is another input's: an input that was re-derived lost its first
// fake to another (claims are never undone), so a first fake that is free
// or its own says n = 0 without a look in redo (most values: a probe of
// the table of outputs alone, one random memory access instead of two).
func (e *Engine) resolveCollisions(w *worker, j *job) error {
	if len(j.tracked) == 0 {
		return nil
	}
	for _, cp := range j.plan.cols {
		if cp != nil && cp.rowsHint > 0 && !cp.hinted {
			cp.hinted = true
			// (an eighth more: a re-derived value claims a second output;
			// users1m re-derives 62,288 of its million e-mails, and at
			// room for the rows alone every shard grew by half near the
			// end, rehashed in place on fresh pages)
			n := cp.rowsHint + cp.rowsHint/8
			cp.sets.taken.reserve(min(cp.sets.taken.len()+n, fpHintMax+fpHintMax/8))
		}
	}
	in := j.st.Insert()
	for i := range j.tracked {
		if i%prefetchBatch == 0 {
			e.prefetchTaken(j, i)
		}
		tv := &j.tracked[i]
		cp := j.plan.cols[tv.col]
		taken, redo := &cp.sets.taken, &cp.sets.redo
		inFP := tv.inFP
		if owner, ok := taken.getOrPut(tv.outFP, inFP); !ok || owner == inFP {
			continue // n = 0: the worker's fake stands
		}
		row, col := int(tv.row), int(tv.col)
		e.orig = in.Original(row, col).Bytes(e.orig[:0])
		orig := e.orig
		var out []byte
		rn, wasRedone := redo.get(inFP)
		n := int(rn)
		if wasRedone {
			res := cp.fn(w, &cp.info, orig, n)
			o, err := fit(cp, res.out)
			if err != nil {
				return err
			}
			out = o
		} else {
			for n = 1; ; n++ {
				res := cp.fn(w, &cp.info, orig, n)
				o, err := fit(cp, res.out)
				if err != nil {
					return err
				}
				out = o
				owner, ok := taken.getOrPut(cp.outFP.sum(out), inFP)
				if !ok || owner == inFP {
					break
				}
				if n > 1000 {
					return fmt.Errorf("table %s column %s: cannot find a unique %s value for row %d at line %d after 1000 tries", cp.info.table, cp.info.name, cp.kind, row+1, j.st.Line)
				}
			}
			redo.put(inFP, uint64(n))
			cp.stats.Rederived++
		}
		setValue(in, row, col, in.Value(row, col), out, tv.hex)
	}
	return nil
}

// prefetchTaken loads the home slots of the outputs of j's tracked
// values from..from+prefetchBatch: first their places, then the loads
// alone in a loop, so that they are in flight together.
func (e *Engine) prefetchTaken(j *job, from int) {
	e.homes = e.homes[:0]
	for k := from; k < from+prefetchBatch && k < len(j.tracked); k++ {
		tv := &j.tracked[k]
		if p := j.plan.cols[tv.col].sets.taken.home(tv.outFP); p != nil {
			e.homes = append(e.homes, p)
		}
	}
	var sink uint64
	for _, p := range e.homes {
		sink += *p
	}
	e.sink += sink
}
