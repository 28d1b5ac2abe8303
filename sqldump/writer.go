package sqldump

import (
	"bufio"
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/pgzip"
)

// Writer writes statements. A statement read by a Reader and written
// unchanged comes out byte-identical; an INSERT with replaced values comes
// out with only those values changed.
type Writer struct {
	bw   *bufio.Writer
	gz   *pgzip.Writer
	n    int64
	err  error
	stmt []byte // writeInsert's buffer
}

// NewWriter returns a Writer writing plain SQL to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, 256<<10)}
}

// NewGzipWriter returns a Writer writing gzip-compressed SQL to w: one
// standard gzip member (gunzip and zcat read it), its 256 KB blocks
// compressed in parallel (each with the previous block's tail as its
// dictionary) while the next statements are rewritten; single-threaded
// compression was the slowest step of a .gz to .gz run. (1 MB blocks,
// pgzip's default, held 12 MB more at the peak for 0.04% less output.)
func NewGzipWriter(w io.Writer) *Writer {
	gz, _ := pgzip.NewWriterLevel(w, pgzip.BestSpeed)
	gz.SetConcurrency(gzipBlock, runtime.GOMAXPROCS(0))
	return &Writer{bw: bufio.NewWriterSize(gz, 256<<10), gz: gz}
}

const gzipBlock = 256 << 10

// Write writes one statement.
func (w *Writer) Write(st *Statement) error {
	if w.err != nil {
		return w.err
	}
	if st.insert != nil && st.insert.changed {
		return w.writeInsert(st.insert, 0)
	}
	return w.WriteRaw(st.Raw)
}

// WriteWithTrivia writes st with trivia (comments and whitespace) in place
// of the trivia it was read with, its code as Write would write it.
func (w *Writer) WriteWithTrivia(st *Statement, trivia []byte) error {
	if w.err != nil {
		return w.err
	}
	w.put(trivia)
	if st.insert != nil && st.insert.changed {
		return w.writeInsert(st.insert, st.code)
	}
	return w.WriteRaw(st.Raw[st.code:])
}

// writeInsert assembles the statement in one buffer and writes it once:
// two writes a replaced value cost more than the bytes they moved.
func (w *Writer) writeInsert(in *Insert, from int) error {
	b := w.stmt[:0]
	prev := from
	for i := range in.spans {
		sp := &in.spans[i]
		if sp.flags&flagReplaced == 0 || int(sp.start) < from {
			continue
		}
		b = append(b, in.raw[prev:sp.start]...)
		b = append(b, in.arena[sp.rstart:sp.rend]...)
		prev = int(sp.end)
	}
	b = append(b, in.raw[prev:]...)
	w.put(b)
	if cap(b) <= maxKeptStatement {
		w.stmt = b
	}
	return w.err
}

// maxKeptStatement: a larger statement's buffer is not kept for the next.
const maxKeptStatement = 8 << 20

func (w *Writer) put(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.bw.Write(b)
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("sqldump: write: %w", err)
	}
}

// WriteRaw writes bytes as they are (a statement the caller built).
func (w *Writer) WriteRaw(b []byte) error {
	w.put(b)
	return w.err
}

// Written is the number of (uncompressed) bytes written so far.
func (w *Writer) Written() int64 { return w.n }

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("sqldump: write: %w", err)
		return w.err
	}
	if w.gz != nil {
		if err := w.gz.Flush(); err != nil {
			w.err = fmt.Errorf("sqldump: gzip: %w", err)
		}
	}
	return w.err
}

// Close flushes and, for gzip output, ends the gzip stream. It does not
// close the underlying writer.
func (w *Writer) Close() error {
	if err := w.Flush(); err != nil {
		return err
	}
	if w.gz != nil {
		if err := w.gz.Close(); err != nil {
			w.err = fmt.Errorf("sqldump: gzip: %w", err)
		}
	}
	return w.err
}
