package anonymize

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// One pass (Options.Schema nil): the CREATE TABLEs come before their
// rows, so the engine learns each table as it comes and rewrites the dump
// in one read, with no copy of it anywhere (piped input needs no temp
// space). That is the dump read twice as long as nothing a later table
// says changes how an earlier table was anonymized: a FOREIGN KEY giving
// an earlier column a rule, or another family root (integer permutations,
// datetime entities), or making it a root; a unique key making a kind
// collision-checked; a table a trigger or view named before it existed.
// The engine records what it used for each table, checks it at every
// CREATE TABLE, and at the end against what the whole schema gives (the
// batch propagation of Prepare on the rules as loaded); when they differ
// Run stops with a *SecondPassError saying why.

// SecondPassError: a one-pass run found that this dump needs its schema
// read first. The output written so far is wrong and must be discarded.
type SecondPassError struct{ Reason string }

func (e *SecondPassError) Error() string {
	return "this dump needs its schema read before its rows: " + e.Reason
}

type onePass struct {
	base *rules.Set // the rules as loaded, for the whole-schema check
	mu   sync.Mutex // consult runs on the reader and the writer goroutines
	// used: per table and column list, what it was anonymized with
	used map[string]*usedFacts
	// missed: names looked up before any table had them (lower-cased)
	missed map[string]bool
	// embedded: kinds written inside other values while not
	// collision-checked (embedded.go), and where first
	embedded map[string]string
}

// embeddedUntracked notes the kinds t saw embedded while they were not
// collision-checked (in order).
func (e *Engine) embeddedUntracked(t *embedTracker, where string) {
	if e.one == nil {
		return
	}
	for kind := range t.untracked {
		if _, ok := e.one.embedded[kind]; !ok {
			e.one.embedded[kind] = where
		}
	}
}

// untrackedNowTracked: a kind that d makes collision-checked was
// written inside other values before, unclaimed: two passes would have
// claimed those fakes, so the run needs the schema first.
func (e *Engine) untrackedNowTracked(d derived, because string) error {
	kinds := make([]string, 0, len(e.one.embedded))
	for k := range e.one.embedded {
		if d.tracked[k] {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return nil
	}
	sort.Strings(kinds)
	k := kinds[0]
	return &SecondPassError{Reason: fmt.Sprintf("%s makes %s values collision-checked, and %s holds %s values inside others, already written", because, k, e.one.embedded[k], k)}
}

type usedFacts struct {
	db, table string
	names     []string
	facts     []string
}

func (e *Engine) startOnePass() error {
	if err := checkKinds(e.opts.Rules); err != nil {
		return err
	}
	e.one = &onePass{base: e.opts.Rules.Clone(), used: map[string]*usedFacts{}, missed: map[string]bool{}, embedded: map[string]string{}}
	e.opts.Schema = sqldump.NewSchema()
	return nil
}

// facts is what anonymizing table.name depends on beyond the table's own
// schema, one line a column.
func (d derived) facts(db, table string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		f := "no rule"
		if r := d.rules.RuleIn(db, table, n); r != nil {
			f = "kind " + r.Kind.String()
			if d.tracked[r.Kind.Name] {
				f += ", collision-checked"
			}
		}
		f += ", family " + d.fam.root(table, n)
		if d.roots[baseTable(table)+"."+n] {
			f += ", referenced"
		}
		out[i] = f
	}
	return out
}

func (e *Engine) current() derived {
	return derived{rules: e.opts.Rules, fam: e.fam, roots: e.roots, tracked: e.tracked}
}

// consult records that rows or DDL of table are being rewritten with
// what the engine now knows (the first time for these columns).
func (e *Engine) consult(db, table string, names []string) {
	o := e.one
	if o == nil {
		return
	}
	k := db + "\x00" + table + "\x00" + strings.Join(names, "\x00")
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.used[k] == nil {
		o.used[k] = &usedFacts{db: db, table: table, names: append([]string(nil), names...), facts: e.current().facts(db, table, names)}
	}
}

// missed records a table name a statement looked up before any CREATE
// TABLE defined it.
func (e *Engine) missed(db, name string) {
	if o := e.one; o != nil {
		o.mu.Lock()
		o.missed[strings.ToLower(name)] = true
		o.mu.Unlock()
	}
}

// learn takes in a CREATE TABLE (every statement before it is written):
// its FOREIGN KEYs propagate the rules, and what was used so far must
// still hold.
func (e *Engine) learn(t *sqldump.Table, line int) error {
	o := e.one
	where := fmt.Sprintf("table %s (CREATE TABLE at line %d)", t.Name, line)
	if o.missed[strings.ToLower(t.Name)] {
		return &SecondPassError{Reason: fmt.Sprintf("a statement before %s named that table before the dump defined it", where)}
	}
	e.opts.Schema.Add(t)
	e.opts.Rules.Propagate(Relations(tableSchema(t)))
	e.derive(e.opts.Rules, e.opts.Schema).use(e)
	if err := e.recheck(e.current(), where); err != nil {
		return err
	}
	if err := e.untrackedNowTracked(e.current(), where); err != nil {
		return err
	}
	e.consult(t.Database, t.Name, t.ColumnNames()) // its own DDL's literals
	return nil
}

// tableSchema is a schema of t alone (for its relations).
func tableSchema(t *sqldump.Table) *sqldump.Schema {
	s := sqldump.NewSchema()
	s.Add(t)
	return s
}

// recheck compares what each table was rewritten with against d.
func (e *Engine) recheck(d derived, because string) error {
	o := e.one
	keys := make([]string, 0, len(o.used))
	for k := range o.used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u := o.used[k]
		now := d.facts(u.db, u.table, u.names)
		for i := range now {
			if now[i] != u.facts[i] {
				return &SecondPassError{Reason: fmt.Sprintf("%s changes how %s.%s is anonymized (was: %s; now: %s), and rows or DDL of %s are already written",
					because, u.table, u.names[i], u.facts[i], now[i], u.table)}
			}
		}
	}
	return nil
}

// finishOnePass checks the rules against the whole schema as Prepare
// would (its warnings join the run's), and what was used against the
// batch propagation.
func (e *Engine) finishOnePass(stats *Stats) error {
	base := e.one.base.Clone()
	warnings, err := Prepare(base, e.opts.Schema)
	if err != nil {
		return err
	}
	stats.Warnings = append(stats.Warnings, warnings...)
	d, because := e.derive(base, e.opts.Schema), "the whole schema (its FOREIGN KEYs taken together)"
	if err := e.recheck(d, because); err != nil {
		return err
	}
	return e.untrackedNowTracked(d, because)
}
