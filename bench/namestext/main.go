// Command namestext writes dump-like text for the scrubber's benchmarks
// (internal/namestext): every line an extended INSERT full of people's
// names, e-mails and host names, and the list of known values that
// gate scrub --values and grep -F -f both read:
//
//	namestext -size 64M -values 100000 -o text.sql -values-out values.txt
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/fuzzyduck/fuzzyduck/internal/namestext"
)

func main() {
	size := flag.Int64("size", 64<<20, "bytes of text")
	n := flag.Int("values", 100000, "known values to list (of twice as many people)")
	out := flag.String("o", "text.sql", "text file")
	vout := flag.String("values-out", "values.txt", "values file (one per line)")
	flag.Parse()
	if err := write(*size, *n, *out, *vout); err != nil {
		fmt.Fprintln(os.Stderr, "namestext:", err)
		os.Exit(1)
	}
}

func write(size int64, n int, out, vout string) error {
	tf, err := os.Create(out)
	if err != nil {
		return err
	}
	vf, err := os.Create(vout)
	if err != nil {
		tf.Close()
		return err
	}
	err = namestext.Write(tf, vf, size, n)
	if e := tf.Close(); err == nil {
		err = e
	}
	if e := vf.Close(); err == nil {
		err = e
	}
	return err
}
