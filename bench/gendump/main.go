// Command gendump writes a deterministic Nova-like dump of a given size,
// for benchmarks: gendump -size 1G -o bench/out/nova-1g.sql
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/internal/dumpgen"
)

func main() {
	size := flag.String("size", "100M", "approximate size (K, M, G suffixes)")
	seed := flag.Uint64("seed", 0, "data seed")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	n, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendump:", err)
		os.Exit(2)
	}
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gendump:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := dumpgen.Write(w, dumpgen.Options{Size: n, Seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "gendump:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(n * float64(mult)), nil
}
