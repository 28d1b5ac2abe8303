package scrub

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"testing"
)

// flateBreaks is what fixedBreaks stands for: compress/flate fails on b
// before more than compressedLikeMax bytes come out.
func flateBreaks(b []byte) bool {
	out, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(b)), compressedLikeMax+1))
	return err != nil && len(out) <= compressedLikeMax
}

// checkFixedBreaks fails when fixedBreaks says b breaks and flate
// reads it (or more than compressedLikeMax bytes of it).
func checkFixedBreaks(t *testing.T, b []byte) {
	t.Helper()
	if fixedBreaks(b) && !flateBreaks(b) {
		t.Fatalf("fixedBreaks(%x): true, but compress/flate reads it", b)
	}
}

// TestFixedBreaks: random bytes that start a block of fixed codes, real
// streams of text (short ones are written with fixed codes), cut short
// and with a bit flipped: fixedBreaks says a stream breaks only when
// compress/flate fails on it too, says it of no stream that reads, and
// of most random bytes (else it saves nothing).
func TestFixedBreaks(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	broke, n := 0, 50000
	for range n {
		b := make([]byte, 3+r.IntN(40))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		b[0] = b[0]&^0x06 | 0x02
		checkFixedBreaks(t, b)
		if fixedBreaks(b) {
			broke++
		}
	}
	if broke < n*9/10 {
		t.Errorf("fixedBreaks: %d of %d random streams break, want most", broke, n)
	}
	for _, text := range []string{"Jörg Ødegaard", "hunter2!", "compute-00042.dc3.example.net", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abcabcabcabcabcabcabcabc xyz"} {
		for _, level := range []int{flate.BestSpeed, flate.DefaultCompression, flate.BestCompression, flate.HuffmanOnly} {
			var buf bytes.Buffer
			zw, _ := flate.NewWriter(&buf, level)
			zw.Write([]byte(text))
			zw.Close()
			s := buf.Bytes()
			if fixedBreaks(s) {
				t.Errorf("fixedBreaks of a stream of %q (level %d): true", text, level)
			}
			for cut := 1; cut < len(s); cut++ {
				checkFixedBreaks(t, s[:cut])
			}
			for i := range len(s) * 8 {
				f := bytes.Clone(s)
				f[i/8] ^= 1 << (i % 8)
				checkFixedBreaks(t, f)
			}
		}
	}
}

// FuzzFixedBreaks: fixedBreaks never says a stream breaks that
// compress/flate reads.
func FuzzFixedBreaks(f *testing.F) {
	for _, s := range []string{"\x0b\x49\x2d\x2e\x01\x00", "\x4b\x4c\x4a\x06\x00", "\xf3\x48\xcd\xc9\xc9\x57\x08\xcf\x2f\xca\x49\x01\x00", "\x02\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 600 {
			return
		}
		checkFixedBreaks(t, b)
	})
}
