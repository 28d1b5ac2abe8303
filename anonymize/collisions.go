package anonymize

import "fmt"

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
