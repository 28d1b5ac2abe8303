package anonymize

import (
	"fmt"
	"strconv"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// A value of a collision-checked kind (one in a unique key) can stand
// inside another value too: a URL's user or host, a JSON leaf, a copy of
// the row's e-mail in its JSON, a trigger's literal. It must get the fake
// its column gets, re-derived or not: same value, same key, same fake in
// every place. So such an embedded value takes part in the in-order
// collision stage like a column's: the first value to claim a fake keeps
// it wherever it stands, a later one that meets it is re-derived
// everywhere. Workers record the embedded values of the cells they
// rewrite; the in-order stage claims them after the statement's column
// values and rewrites again, from the original, each cell holding one
// that had to be re-derived. Statements around the rows run in order and
// claim at once.

// embedTracker is a worker's view of the collision stage.
type embedTracker struct {
	e *Engine
	// inOrder: claim at once (the in-order worker, around the rows)
	inOrder bool
	// redo, when set, rewrites a cell again: kind, 0, original -> n
	redo map[string]int
	// the current cell and what was recorded for the job
	row, col int
	vals     []embeddedValue
	origs    []byte
	cells    []embeddedCell
	// untracked: kinds not collision-checked embedded in a one-pass run
	untracked map[string]bool
	// recorded counts the values recorded in vals
	recorded int
}

// count is how many embedded values t has recorded (0 for none).
func (t *embedTracker) count() int {
	if t == nil {
		return 0
	}
	return t.recorded
}

// embeddedValue is one value seen inside a cell, with its digests.
type embeddedValue struct {
	row, col    int
	kind        string
	info        *colInfo
	at, end     int // the original in origs
	inFP, outFP uint64
}

// embeddedCell is a cell's original and its row's, for rewriting it
// again.
type embeddedCell struct {
	row, col int
	at, end  int
	entity   []byte
	vals     []rowVal
}

// embed is kind's fake of v inside another value (see above).
func (w *worker) embed(kind string, c *colInfo, v []byte) result {
	fn := kindFuncs[kind]
	t := w.emb
	if t == nil {
		return fn(w, c, v, 0)
	}
	if !t.e.tracked[kind] {
		res := fn(w, c, v, 0)
		if t.e.one != nil && !bijective[kind] && !t.untracked[kind] && t.redo == nil {
			t.untracked[kind] = true
		}
		return res
	}
	if t.redo != nil {
		return fn(w, c, v, t.redo[redoKey(kind, v)])
	}
	if t.inOrder {
		n, err := t.e.claim(w, kind, c, v, t.e.fp[kind][0].sum(v), 0, false)
		if err != nil {
			n = 0 // a thousand collisions: the column reports it
		}
		return fn(w, c, v, n)
	}
	res := fn(w, c, v, 0)
	if res.fallback || res.null {
		return res
	}
	at := len(t.origs)
	t.origs = append(t.origs, v...)
	fp := t.e.fp[kind]
	t.vals = append(t.vals, embeddedValue{row: t.row, col: t.col, kind: kind, info: c, at: at, end: len(t.origs), inFP: fp[0].sum(v), outFP: fp[1].sum(res.out)})
	t.recorded++
	return res
}

// embedN is embed for the n-th copy of a value (duckface's copies are
// not claimed: n > 0 is a derivation of its own).
func (w *worker) embedN(kind string, v []byte, n int) result {
	if n > 0 {
		return kindFuncs[kind](w, &noColumn, v, n)
	}
	return w.embed(kind, &noColumn, v)
}

func redoKey(kind string, v []byte) string { return kind + "\x00" + string(v) }

// startJob readies w to record a job's embedded values (none when no
// kind is collision-checked and none can become so).
func (e *Engine) startJob(w *worker) {
	w.emb = nil
	if len(e.tracked) > 0 || e.one != nil {
		w.emb = &embedTracker{e: e, untracked: map[string]bool{}}
	}
}

// writeAround writes a statement that is not rows to rewrite (in order),
// its literals' embedded values claimed at once.
func (e *Engine) writeAround(wk *worker, w *sqldump.Writer, st *sqldump.Statement, stats *Stats) error {
	if len(e.tracked) > 0 || e.one != nil {
		t := &embedTracker{e: e, inOrder: true, untracked: map[string]bool{}}
		wk.emb = t
		defer func() {
			wk.emb = nil
			e.embeddedUntracked(t, "a statement at line "+strconv.Itoa(st.Line))
		}()
	}
	return e.write(wk, w, st, stats)
}

// cell is column cp's fake of the original v at (row, col) of a job; the
// values embedded in it are recorded, and when there are any, v and the
// row's context are kept to rewrite the cell again. A collision-checked
// column's own value is not embedded in itself: it has its own stage.
func (w *worker) cell(cp *colPlan, v []byte, row, col int) result {
	t := w.emb
	if t == nil {
		return cp.fn(w, &cp.info, v, 0)
	}
	if cp.tracked {
		w.emb = nil
		res := cp.fn(w, &cp.info, v, 0)
		w.emb = t
		return res
	}
	seen := len(t.vals)
	t.row, t.col = row, col
	res := cp.fn(w, &cp.info, v, 0)
	if len(t.vals) > seen {
		at := len(t.origs)
		t.origs = append(t.origs, v...)
		c := embeddedCell{row: row, col: col, at: at, end: len(t.origs), entity: append([]byte(nil), w.row.entity...)}
		for _, rv := range w.row.vals {
			c.vals = append(c.vals, rowVal{v: append([]byte(nil), rv.v...), cp: rv.cp})
		}
		t.cells = append(t.cells, c)
	}
	return res
}

// claim is the collision stage for one value of kind (in order): the
// re-derivation count n its fake has. outFP is the digest of its first
// fake when known (known).
func (e *Engine) claim(w *worker, kind string, c *colInfo, orig []byte, inFP, outFP uint64, known bool) (int, error) {
	sets := e.coll.of(kind)
	fn, fp := kindFuncs[kind], e.fp[kind][1]
	if !known {
		outFP = fp.sum(fn(w, c, orig, 0).out)
	}
	// as in resolveCollisions: redo only when the first fake is another's
	if owner, ok := sets.taken.getOrPut(outFP, inFP); !ok || owner == inFP {
		return 0, nil
	}
	if rn, ok := sets.redo.get(inFP); ok {
		return int(rn), nil
	}
	for n := 1; ; n++ {
		outFP = fp.sum(fn(w, c, orig, n).out)
		owner, ok := sets.taken.getOrPut(outFP, inFP)
		if !ok || owner == inFP {
			sets.redo.put(inFP, uint64(n))
			return n, nil
		}
		if n > 1000 {
			return 0, fmt.Errorf("cannot find a unique %s value after 1000 tries", kind)
		}
	}
}

// resolveEmbedded claims a job's embedded values, after its column
// values, and rewrites again each cell that holds a re-derived one.
func (e *Engine) resolveEmbedded(w *worker, j *job) error {
	t := j.emb
	if t == nil {
		return nil
	}
	e.embeddedUntracked(t, "rows of "+j.st.Insert().Table())
	if len(t.vals) == 0 {
		return nil
	}
	type cell struct{ row, col int }
	var redo map[cell]map[string]int
	for _, ev := range t.vals {
		orig := t.origs[ev.at:ev.end]
		n, err := e.claim(w, ev.kind, ev.info, orig, ev.inFP, ev.outFP, true)
		if err != nil {
			cp := j.plan.cols[ev.col]
			return fmt.Errorf("table %s column %s, row %d of the INSERT at line %d: a %s inside it: %w", cp.info.table, cp.info.name, ev.row+1, j.st.Line, ev.kind, err)
		}
		if n == 0 {
			continue
		}
		if redo == nil {
			redo = map[cell]map[string]int{}
		}
		k := cell{ev.row, ev.col}
		if redo[k] == nil {
			redo[k] = map[string]int{}
		}
		redo[k][redoKey(ev.kind, orig)] = n
	}
	if redo == nil {
		return nil
	}
	in := j.st.Insert()
	defer func(saved *embedTracker) { w.emb = saved }(w.emb)
	for _, c := range t.cells {
		r := redo[cell{c.row, c.col}]
		if r == nil {
			continue
		}
		cp := j.plan.cols[c.col]
		w.emb = &embedTracker{e: e, redo: r, untracked: map[string]bool{}}
		w.row.entity, w.row.vals, w.row.shiftOK = c.entity, c.vals, false
		res := cp.fn(w, &cp.info, t.origs[c.at:c.end], 0)
		out, err := fit(cp, res.out)
		if err != nil {
			return err
		}
		v := in.Value(c.row, c.col)
		setValue(in, c.row, c.col, v, out, v.Kind == sqldump.KindHex || v.Kind == sqldump.KindBit)
	}
	w.clearRow()
	return nil
}
