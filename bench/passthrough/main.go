// Command passthrough reads a dump with sqldump.Reader (parsing every INSERT
// value and CREATE TABLE) and writes it back with sqldump.Writer, then
// prints throughput and peak RSS: the codec's speed on its own.
package main

import (
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: passthrough DUMP OUT")
		os.Exit(2)
	}
	in, err := os.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	out, err := os.Create(os.Args[2])
	if err != nil {
		fail(err)
	}
	start := time.Now()
	r, err := sqldump.NewReader(in)
	if err != nil {
		fail(err)
	}
	w := sqldump.NewWriter(out)
	var stmts, rows int
	for {
		st, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		stmts++
		if ins := st.Insert(); ins != nil {
			rows += ins.Rows()
		}
		if err := w.Write(st); err != nil {
			fail(err)
		}
	}
	if err := w.Close(); err != nil {
		fail(err)
	}
	el := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	mb := float64(r.Offset()) / 1e6
	fmt.Printf("passthrough: %.0f MB, %d statements, %d rows in %.2fs: %.0f MB/s, peak RSS %.1f MB\n",
		mb, stmts, rows, el.Seconds(), mb/el.Seconds(), float64(ru.Maxrss)/1024)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "passthrough:", err)
	os.Exit(1)
}
