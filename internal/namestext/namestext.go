// Package namestext writes dump-like text for the scrubber's benchmarks:
// every line an extended INSERT full of people's names, e-mails and host
// names, and the list of known values (half of the people, each by one
// of the three) that gate scrub --values and grep -F -f both read.
package namestext

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/brianvoe/gofakeit/v7/data"
)

type person struct{ name, email, host string }

// Write writes about size bytes of text to text and the n known values,
// one a line, to values; the same arguments give the same bytes.
func Write(text, values io.Writer, size int64, n int) error {
	r := rand.New(rand.NewPCG(7, 11))
	first, last := data.Person["first"], data.Person["last"]
	people := make([]person, 2*n)
	for i := range people {
		f, l := first[r.IntN(len(first))], last[r.IntN(len(last))]
		people[i] = person{
			name:  fmt.Sprintf("%s %s", f, l),
			email: fmt.Sprintf("%s.%s%d@%s.example.com", strings.ToLower(f), strings.ToLower(l), i, strings.ToLower(last[r.IntN(len(last))])),
			host:  fmt.Sprintf("%s-%d.%s.example.net", strings.ToLower(l), i, strings.ToLower(f)),
		}
	}
	vw := bufio.NewWriter(values)
	for i := 0; i < n; i++ { // every other person is known, by one value
		p := people[2*i]
		switch i % 3 {
		case 0:
			fmt.Fprintln(vw, p.email)
		case 1:
			fmt.Fprintln(vw, p.name)
		default:
			fmt.Fprintln(vw, p.host)
		}
	}
	if err := vw.Flush(); err != nil {
		return err
	}
	w := bufio.NewWriterSize(text, 1<<20)
	var written int64
	id := 0
	for written < size {
		var b strings.Builder
		b.WriteString("INSERT INTO `users` VALUES ")
		for row := 0; row < 8; row++ {
			p := people[r.IntN(len(people))]
			id++
			if row > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "(%d,'%s','%s','%s','2026-11-21 10:%02d:%02d',%d)", id, p.name, p.email, p.host, id/60%60, id%60, r.IntN(1000))
		}
		b.WriteString(";\n")
		n, err := w.WriteString(b.String())
		if err != nil {
			return err
		}
		written += int64(n)
	}
	return w.Flush()
}
