package sqldump_test

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/dumpgen"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

var benchDump = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := dumpgen.Write(&b, dumpgen.Options{Size: 32 << 20}); err != nil {
		panic(err)
	}
	return b.Bytes()
})

// BenchmarkPassThrough reads and writes a Nova-like extended-insert dump,
// parsing every value. Target: >= 400 MB/s on one core (-cpu 1).
func BenchmarkPassThrough(b *testing.B) {
	dump := benchDump()
	b.SetBytes(int64(len(dump)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := sqldump.NewReader(bytes.NewReader(dump))
		if err != nil {
			b.Fatal(err)
		}
		w := sqldump.NewWriter(io.Discard)
		for {
			st, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			w.Write(st)
		}
		w.Close()
	}
}

// BenchmarkDecodeValues also decodes every string value (what anonymizers
// do to the columns they touch).
func BenchmarkDecodeValues(b *testing.B) {
	dump := benchDump()
	b.SetBytes(int64(len(dump)))
	var buf []byte
	for b.Loop() {
		r, _ := sqldump.NewReader(bytes.NewReader(dump))
		for {
			st, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if in := st.Insert(); in != nil {
				for row := 0; row < in.Rows(); row++ {
					for c := 0; c < in.Width(); c++ {
						buf = in.Value(row, c).Bytes(buf[:0])
					}
				}
			}
		}
	}
}
