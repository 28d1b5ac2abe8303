package scale

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"sync"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// maxStatement is the size at which written INSERTs are cut, like
// mariadb-dump's net_buffer_length.
const maxStatement = 1 << 20

var (
	autoIncRe = regexp.MustCompile(`(?i)AUTO_INCREMENT=\d+`)
	setvalRe  = regexp.MustCompile("(?i)(SETVAL\\(\\s*(?:`[^`]*`\\.)?`?([A-Za-z0-9_$]+)`?\\s*,\\s*)(-?\\d+)")
)

// job is one statement of the second pass: the rows of an INSERT are
// rendered by a worker, everything is written in order.
type job struct {
	raw    []byte // a statement written as it is (or its leading comments)
	st     *sqldump.Statement
	lo, hi int // the statement's rows this job renders
	t      *table
	base   int  // rows of the table before this statement
	last   bool // the table's last rows
	final  bool // the statement's last job: its statement can be reused
	out    []byte
	rows   []outRow
	done   chan struct{}
}

// chunkBytes is about how much input one job renders (its output is
// factor times more), so that the jobs in flight stay small.
const chunkBytes = 64 << 10

type outRow struct {
	pos        uint32
	start, end int
}

// Write is the second pass: the dump again, with every row written as
// many times as planned (each copy with its keys, references, datetimes
// and nearly unique values renewed), in a keyed order, AUTO_INCREMENT and
// sequences set from the output, and everything else as it was.
func (p *Plan) Write(r *sqldump.Reader, w *sqldump.Writer) error {
	if p.identity {
		return each(r, w.Write)
	}
	workers := p.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// In flight: one job per worker and one more queued (each holds a
	// statement and its rendered copies).
	work := make(chan *job, 1)
	ordered := make(chan *job, workers+1)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &gen{p: p}
			for j := range work {
				p.render(g, j)
				close(j.done)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() {
		errc <- p.emit(w, ordered)
	}()
	err := p.feed(r, work, ordered)
	close(work)
	close(ordered)
	wg.Wait()
	if werr := <-errc; err == nil {
		err = werr
	}
	return err
}

var (
	stmtPool = sync.Pool{New: func() any { return new(sqldump.Statement) }}
	// outPool recycles the buffers rendered rows go to.
	outPool = sync.Pool{New: func() any { return new(job) }}
)

// feed reads statements and queues them in order.
func (p *Plan) feed(r *sqldump.Reader, work, ordered chan *job) error {
	seen := map[*table]int{}
	return each(r, func(st *sqldump.Statement) error {
		in := st.Insert()
		var t *table
		if in != nil {
			if t = p.lookupTable(insertDB(st, in), in.Table()); t == nil {
				return fmt.Errorf("line %d: table %s changed between the two passes", st.Line, in.Table())
			}
		}
		if in == nil || t.keep && t.seq == nil {
			j := newJob()
			j.raw = p.rewriteStatement(st)
			close(j.done)
			ordered <- j
			return nil
		}
		base := seen[t]
		seen[t] += in.Rows()
		if seen[t] > t.rows {
			return fmt.Errorf("line %d: table %s has more rows than in the first pass (was the input changed?)", st.Line, t.name)
		}
		clone := st.CloneInto(stmtPool.Get().(*sqldump.Statement))
		step := max(1, int(int64(in.Rows())*chunkBytes/int64(max(len(st.Raw), 1))))
		for lo := 0; lo < in.Rows(); lo += step {
			j := newJob()
			j.st, j.t, j.base, j.lo, j.hi = clone, t, base, lo, min(lo+step, in.Rows())
			j.final = j.hi == in.Rows()
			j.last = j.final && seen[t] == t.rows
			if lo == 0 {
				j.raw = append(j.raw, st.Raw[:len(st.Raw)-len(st.Code())]...)
			}
			ordered <- j // emit drains it even after a write error
			work <- j
		}
		return nil
	})
}

// each calls fn for every statement of r.
func each(r *sqldump.Reader, fn func(*sqldump.Statement) error) error {
	for {
		st, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(st); err != nil {
			return err
		}
	}
}

func newJob() *job {
	j := outPool.Get().(*job)
	*j = job{out: j.out[:0], rows: j.rows[:0], raw: j.raw[:0], done: make(chan struct{})}
	return j
}

// rewriteStatement: AUTO_INCREMENT and SETVAL follow the output.
func (p *Plan) rewriteStatement(st *sqldump.Statement) []byte {
	if s := st.Table(); s != nil {
		if t := p.tables[tkey(s.Database, s.Name)]; t != nil && t.autoInc > 0 && t.autoInc != s.AutoIncrement {
			return autoIncRe.ReplaceAll(st.Raw, []byte("AUTO_INCREMENT="+strconv.FormatUint(t.autoInc, 10)))
		}
	}
	if st.Insert() == nil && bytes.Contains(bytes.ToUpper(st.Code()), []byte("SETVAL(")) && p.seqValue != nil {
		return setvalRe.ReplaceAllFunc(st.Raw, func(m []byte) []byte {
			sm := setvalRe.FindSubmatch(m)
			return append(append([]byte(nil), sm[1]...), strconv.FormatInt(p.seqValue(string(sm[2])), 10)...)
		})
	}
	return append([]byte(nil), st.Raw...)
}

// render builds a job's rows.
func (p *Plan) render(g *gen, j *job) {
	in := j.st.Insert()
	t := j.t
	if t.seq != nil {
		next := strconv.AppendInt(nil, p.seqValue(t.name), 10)
		for row := j.lo; row < j.hi; row++ {
			start := len(j.out)
			j.out = append(j.out, '(')
			for c := 0; c < in.Width(); c++ {
				if c > 0 {
					j.out = append(j.out, ',')
				}
				if v := in.Value(row, c); t.seq.cols[c] && !v.IsNull() {
					j.out = append(j.out, next...)
				} else {
					j.out = append(j.out, v.Raw...)
				}
			}
			j.out = append(j.out, ')')
			j.rows = append(j.rows, outRow{uint32(j.base + row), start, len(j.out)})
		}
		return
	}
	for row := j.lo; row < j.hi; row++ {
		j.out = g.rowCopies(j.out, t, in, row, j.base+row, func(pos uint32, start int) {
			j.rows = append(j.rows, outRow{pos: pos, start: start})
		})
	}
	// rows are contiguous: each ends where the next starts
	for i := range j.rows {
		if i+1 < len(j.rows) {
			j.rows[i].end = j.rows[i+1].start
		} else {
			j.rows[i].end = len(j.out)
		}
	}
}

// tableOut writes one table's rows in the order of their positions.
// Rows arrive in the order they were generated; one that comes before its
// turn waits in a ring of slots (a row moves at most 1.5 blocks, so
// 3 blocks of slots suffice, and their buffers are reused).
type tableOut struct {
	head, sep []byte
	next      uint32
	ring      [][]byte
	full      []bool
	open      bool // a statement is open
	size      int  // its bytes so far
}

func (p *Plan) emit(w *sqldump.Writer, ordered chan *job) error {
	outs := map[*table]*tableOut{}
	var failed error
	for j := range ordered {
		<-j.done
		if failed != nil {
			continue
		}
		if len(j.raw) > 0 {
			if err := w.WriteRaw(j.raw); err != nil {
				failed = err
				continue
			}
		}
		if j.st == nil {
			continue
		}
		in := j.st.Insert()
		to := outs[j.t]
		if to == nil {
			to = &tableOut{head: append([]byte(nil), in.Head(j.st)...), sep: []byte(",")}
			if in.Rows() > 1 {
				to.sep = separator(j.st, in)
			}
			if j.t.pos != nil {
				to.ring = make([][]byte, 3*j.t.block+2)
				to.full = make([]bool, len(to.ring))
			}
			outs[j.t] = to
		}
		for _, row := range j.rows {
			if failed = to.put(w, row.pos, j.out[row.start:row.end]); failed != nil {
				break
			}
		}
		if j.final {
			stmtPool.Put(j.st)
		}
		if failed == nil && j.last {
			if to.next != uint32(j.t.out) {
				failed = fmt.Errorf("table %s: %d of %d rows written (a bug)", j.t.name, to.next, j.t.out)
			} else {
				failed = to.end(w)
			}
			delete(outs, j.t) // its ring is free
		}
		outPool.Put(j)
	}
	return failed
}

func (to *tableOut) put(w *sqldump.Writer, pos uint32, row []byte) error {
	if pos != to.next {
		if to.ring == nil || pos < to.next || int(pos-to.next) >= len(to.ring) {
			return fmt.Errorf("row position %d out of the window at %d (a bug)", pos, to.next)
		}
		i := int(pos) % len(to.ring)
		to.ring[i] = append(to.ring[i][:0], row...)
		to.full[i] = true
		return nil
	}
	if err := to.write(w, row); err != nil {
		return err
	}
	for to.ring != nil {
		i := int(to.next) % len(to.ring)
		if !to.full[i] {
			break
		}
		to.full[i] = false
		if err := to.write(w, to.ring[i]); err != nil {
			return err
		}
	}
	return nil
}

func (to *tableOut) write(w *sqldump.Writer, row []byte) error {
	if !to.open {
		w.WriteRaw(to.head)
		to.open, to.size = true, len(to.head)
	} else {
		w.WriteRaw(to.sep)
		to.size += len(to.sep)
	}
	to.next++
	to.size += len(row)
	err := w.WriteRaw(row)
	if err == nil && to.size >= maxStatement {
		err = to.end(w)
	}
	return err
}

func (to *tableOut) end(w *sqldump.Writer) error {
	if !to.open {
		return nil
	}
	to.open = false
	return w.WriteRaw([]byte(";\n"))
}

// separator is the text between the first two rows ("," or ",\n"), so
// that the output keeps the dump's layout.
func separator(st *sqldump.Statement, in *sqldump.Insert) []byte {
	code := st.Code()
	i := len(in.Head(st)) + len(in.RowRaw(0))
	if i > len(code) {
		return []byte(",")
	}
	k := bytes.IndexByte(code[i:], '(')
	if k < 0 || k > 16 {
		return []byte(",")
	}
	return append([]byte(nil), code[i:i+k]...)
}
