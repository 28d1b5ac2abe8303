package scrub

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

const boundSecret = "Zoë Ångström"

func boundScrubber(t testing.TB) *Scrubber {
	s, err := New(Options{Values: []Value{{Kind: "name", Text: boundSecret}}, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

var b64Run = regexp.MustCompile(`[A-Za-z0-9+/]{16,}={0,2}`)

// inflatedRuns is the attacker without limits: every base64 run of text,
// decoded and inflated whole.
func inflatedRuns(text string) string {
	var out strings.Builder
	for _, run := range b64Run.FindAllString(text, -1) {
		b, err := base64.StdEncoding.DecodeString(run)
		if err != nil {
			continue
		}
		if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
			d, _ := io.ReadAll(zr)
			out.Write(d)
		}
	}
	return out.String()
}

// TestInflateBudget (finding 16): a base64 run of gzip that inflates past
// what a line may (a bomb, or a value hidden past the bound) is scrubbed
// whole, not passed through half read; under the bound it is read and
// left alone when it holds nothing known.
func TestInflateBudget(t *testing.T) {
	s := boundScrubber(t)
	filler := bytes.Repeat([]byte("a"), 65<<20) // past the old 64 MB cap too
	tests := []struct {
		name    string
		content []byte
		scrub   bool
	}{
		{"a value past the bound", append(filler, " "+boundSecret+"\n"...), true},
		{"a bomb", filler, true},
		{"under the bound, clean", bytes.Repeat([]byte("cloud-config filler line\n"), 20000), false},
		{"under the bound, a value", append(bytes.Repeat([]byte("cloud-config filler line\n"), 20000), boundSecret...), true},
	}
	for _, tt := range tests {
		line := "user_data=" + base64.StdEncoding.EncodeToString(gzipped(t, tt.content)) + " end\n"
		var out bytes.Buffer
		rep, err := s.Scrub(&out, strings.NewReader(line))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(inflatedRuns(out.String()), boundSecret) {
			t.Errorf("%s: the value is in what the output inflates to", tt.name)
		}
		if got := out.String() != line; got != tt.scrub {
			t.Errorf("%s: scrubbed %v, want %v (%v)", tt.name, got, tt.scrub, rep.Counts)
		}
	}
}

// TestLongLineCuts (finding 16): a line longer than maxLine is scrubbed
// in pieces; what the cuts go through is not let through: a base64 run
// across a cut is scrubbed whole on both sides (neither side can be read
// whole), a value in words near a cut is found; the line keeps its
// bytes elsewhere, and scrubbing twice changes nothing.
func TestLongLineCuts(t *testing.T) {
	s := boundScrubber(t)
	r := rand.New(rand.NewPCG(5, 6))
	noise := make([]byte, maxLine)
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	// The value's base64 where the first cut falls, inside one run.
	blob := append(append(noise[:maxLine*3/4-6:maxLine*3/4-6], " "+boundSecret+" "...), noise[:maxLine/2]...)
	run := base64.StdEncoding.EncodeToString(blob)
	words := strings.Repeat("filler words with nothing known ", maxLine/32-1) + boundSecret + " " + strings.Repeat("tail words ", maxLine/11)
	for name, line := range map[string]string{"a base64 run": "blob " + run + " end\n", "words": words + "\n"} {
		if len(line) <= maxLine {
			t.Fatalf("%s: line of %d bytes is not long", name, len(line))
		}
		var out bytes.Buffer
		if _, err := s.Scrub(&out, strings.NewReader(line+"next line\n")); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if strings.Count(got, "\n") != 2 || !strings.HasSuffix(got, "\nnext line\n") {
			t.Errorf("%s: lines changed", name)
		}
		for _, v := range attack.Views(got) {
			if strings.Contains(v, attack.Fold(boundSecret)) {
				t.Errorf("%s: the value survives", name)
				break
			}
		}
		if name == "words" && !strings.HasPrefix(got, "filler words") {
			t.Errorf("words: text away from the value changed")
		}
		var again bytes.Buffer
		s.Scrub(&again, strings.NewReader(got))
		if again.String() != got {
			t.Errorf("%s: scrubbing twice changed the output", name)
		}
	}
}

// BenchmarkScrubLongLine (finding 16): one 8 MB line of base64 (no white
// space to cut at). peak-heap-MB is the most the heap held: bounded by
// the piece size, not the line (520 MB for a 20 MB line before pieces
// of 256 KB and bounded inflation).
func BenchmarkScrubLongLine(b *testing.B) {
	s := boundScrubber(b)
	raw := make([]byte, 6<<20)
	r := rand.New(rand.NewPCG(7, 8))
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	line := []byte(base64.StdEncoding.EncodeToString(raw) + "\n")
	b.SetBytes(int64(len(line)))
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	for b.Loop() {
		if _, err := s.Scrub(io.Discard, bytes.NewReader(line)); err != nil {
			b.Fatal(err)
		}
	}
	close(stop)
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}

// wrappedBody is a MIME body of random bytes, base64 wrapped at 76
// columns, with boundSecret in the decoded bytes at line at (it falls
// across that line's end, so only the lines read together hold it).
func wrappedBody(lines, at int) []byte {
	raw := make([]byte, 57*lines)
	r := rand.New(rand.NewPCG(9, 10))
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	copy(raw[57*at+50:], boundSecret)
	enc := base64.StdEncoding.EncodeToString(raw)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\n")
	return []byte(b.String())
}

// TestWrappedBodyTrim: a value across two lines of a long wrapped body
// scrubs those lines and no other (the group is cut down to the lines
// the value needs, from either end).
func TestWrappedBodyTrim(t *testing.T) {
	s := boundScrubber(t)
	for _, n := range []int{3, 40, 1500} {
		for _, at := range []int{0, n / 2, n - 2} {
			in := wrappedBody(n, at)
			var out bytes.Buffer
			if _, err := s.Scrub(&out, bytes.NewReader(in)); err != nil {
				t.Fatal(err)
			}
			inL, outL := strings.Split(string(in), "\n"), strings.Split(out.String(), "\n")
			var changed []int
			for i := range inL {
				if inL[i] != outL[i] {
					changed = append(changed, i)
				}
			}
			if len(changed) != 2 || changed[0] != at || changed[1] != at+1 {
				t.Errorf("%d lines, value across lines %d and %d: lines %v changed", n, at, at+1, changed)
			}
		}
	}
}

// BenchmarkScrubWrappedBody: a 200 KB MIME body (2,600 lines) holding
// a value across two lines: reading each sub-group's lines again made
// this quadratic (over 120 s for 195 KB, red team scrubatk7).
func BenchmarkScrubWrappedBody(b *testing.B) {
	s := boundScrubber(b)
	in := wrappedBody(2600, 1300)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := s.Scrub(io.Discard, bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}
