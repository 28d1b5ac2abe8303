package anonymize

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
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
