package scrub

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/internal/namestext"
)

func benchValues(n int) []Value {
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]Value, n)
	for i := range vals {
		switch i % 3 {
		case 0:
			vals[i] = Value{Kind: "hostname", Text: fmt.Sprintf("compute-%05d.dc%d.example.net", i, r.IntN(9))}
		case 1:
			vals[i] = Value{Kind: "uuid", Text: fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.IntN(65536), r.IntN(4096), r.IntN(4096), r.Uint64()&(1<<48-1))}
		default:
			vals[i] = Value{Kind: "ip", Text: fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254))}
		}
	}
	return vals
}

// benchLog is 32 MB of nova-manage-like log lines; one line in 50 quotes
// a known value.
var benchLog = sync.OnceValue(func() []byte {
	vals := benchValues(100000)
	r := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	for i := 0; b.Len() < 32<<20; i++ {
		fmt.Fprintf(&b, "2026-11-21 10:%02d:%02d.%03d 4242 INFO nova.db.main.migrations [req-%08x - - - - -] Running online data migration step %d of 500 for table instances, batch size 1000, rows updated %d\n",
			i/60%60, i%60, i%1000, r.Uint32(), i%500, r.IntN(1000))
		if i%50 == 0 {
			fmt.Fprintf(&b, "2026-11-21 10:00:00.000 4242 WARNING nova.compute.manager [-] Instance on host %s could not be found\n", vals[r.IntN(len(vals))].Text)
		}
	}
	return b.Bytes()
})

// BenchmarkScrubValues: log text against 100k plaintext values (every
// encoded form of each in one Aho-Corasick automaton) plus the built-in
// patterns. Target: >= 100 MB/s.
func BenchmarkScrubValues(b *testing.B) { benchScrubValues(b, false) }

// BenchmarkScrubValuesNoPieces: the same without pieces (NoPieces).
func BenchmarkScrubValuesNoPieces(b *testing.B) { benchScrubValues(b, true) }

func benchScrubValues(b *testing.B, noPieces bool) {
	s, err := New(Options{Values: benchValues(100000), NoPieces: noPieces})
	if err != nil {
		b.Fatal(err)
	}
	log := benchLog()
	b.SetBytes(int64(len(log)))
	cpu := cpuTime()
	for b.Loop() {
		if _, err := s.Scrub(io.Discard, bytes.NewReader(log)); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, len(log))
}

// cpuTime is the process's user + system time: on a shared machine the
// wall clock says more about the neighbours than about the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds MB per CPU-second (all cores together).
func reportCPU(b *testing.B, since time.Duration, size int) {
	if d := cpuTime() - since; d > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/d.Seconds(), "MB/cpu-s")
	}
}

// namesText is 16 MB of dump-like text (internal/namestext: every line
// eight rows of names, e-mails and host names) and its 100k known values.
var namesText = sync.OnceValues(func() ([]byte, []Value) {
	var text, vals bytes.Buffer
	if err := namestext.Write(&text, &vals, 16<<20, 100000); err != nil {
		panic(err)
	}
	var out []Value
	for _, l := range strings.Split(strings.TrimSpace(vals.String()), "\n") {
		out = append(out, Value{Kind: "value", Text: l, Source: "values"})
	}
	return text.Bytes(), out
})

// BenchmarkScrubNames: dump-like text, where nearly every word is a
// known value or a word of one, against its 100k values (bench/run.sh
// compares gate scrub with grep -F -f on the same kind of text).
func BenchmarkScrubNames(b *testing.B) {
	text, vals := namesText()
	s, err := New(Options{Values: vals})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	cpu := cpuTime()
	for b.Loop() {
		if _, err := s.Scrub(io.Discard, bytes.NewReader(text)); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, len(text))
}

// BenchmarkGrepNames: `grep -c -F -f values.txt` on BenchmarkScrubNames'
// text and values, the yardstick for dump-like text (grep looks
// for the plain text only and stops at a line's first hit). MB/cpu-s is
// grep's own user + system time.
func BenchmarkGrepNames(b *testing.B) {
	grep, err := exec.LookPath("grep")
	if err != nil {
		b.Skip("grep is not installed: no yardstick for BenchmarkScrubNames")
	}
	text, vals := namesText()
	dir := b.TempDir()
	tf, vf := filepath.Join(dir, "names.sql"), filepath.Join(dir, "values.txt")
	var vb strings.Builder
	for _, v := range vals {
		vb.WriteString(v.Text + "\n")
	}
	if err := os.WriteFile(tf, text, 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(vf, []byte(vb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	var cpu time.Duration
	for b.Loop() {
		cmd := exec.Command(grep, "-c", "-F", "-f", vf, tf)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("grep: %v", err)
		}
		if strings.TrimSpace(string(out)) == "0" {
			b.Fatal("grep found none of the values")
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if cpu > 0 {
		b.ReportMetric(float64(len(text))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkBuild100k: building the matcher for 100k values.
func BenchmarkBuild100k(b *testing.B) {
	vals := benchValues(100000)
	for b.Loop() {
		if _, err := New(Options{Values: vals}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildNames: building the matcher for the 100k values of
// dump-like text (names, e-mails, host names: many pieces each), what
// gate scrub pays before its first line.
func BenchmarkBuildNames(b *testing.B) {
	_, vals := namesText()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := New(Options{Values: vals}); err != nil {
			b.Fatal(err)
		}
	}
	if d := cpuTime() - cpu; d > 0 {
		b.ReportMetric(d.Seconds()/float64(b.N), "cpu-s/op")
	}
}

// BenchmarkScrubIndex: the same log against an index of the same 100k
// values (fingerprints only: candidates are cut from the log and hashed).
func BenchmarkScrubIndex(b *testing.B) { benchScrubIndex(b, false) }

// BenchmarkScrubIndexNoPieces: the same without pieces (NoPieces).
func BenchmarkScrubIndexNoPieces(b *testing.B) { benchScrubIndex(b, true) }

func benchScrubIndex(b *testing.B, noPieces bool) {
	ix := NewIndex()
	for _, v := range benchValues(100000) {
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	s, _ := New(Options{Index: ix, NoBuiltin: true, NoPieces: noPieces})
	log := benchLog()
	b.SetBytes(int64(len(log)))
	cpu := cpuTime()
	for b.Loop() {
		if _, err := s.Scrub(io.Discard, bytes.NewReader(log)); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, len(log))
}

func TestBenchLogIsScrubbed(t *testing.T) {
	s, _ := New(Options{Values: benchValues(100000)})
	var out bytes.Buffer
	rep, err := s.Scrub(&out, bytes.NewReader(benchLog()[:1<<20]))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total() == 0 || strings.Contains(out.String(), "example.net") {
		t.Errorf("bench log not scrubbed: %v", rep.Counts)
	}
}

// TestIndexScrubParallel: index lookups from every worker at once must
// agree with a single lookup. A shared HMAC once corrupted fingerprints
// here (and crashed), so values were missed.
func TestIndexScrubParallel(t *testing.T) {
	ix := NewIndex()
	for _, v := range benchValues(100000) {
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	s, err := New(Options{Index: ix, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	log := benchLog()[:8<<20] // about 32 blocks
	var out bytes.Buffer
	rep, err := s.Scrub(&out, bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	planted := bytes.Count(log, []byte(" WARNING "))
	if rep.Total() < planted {
		t.Errorf("%d replacements for %d planted values", rep.Total(), planted)
	}
	if i := strings.Index(out.String(), "example.net"); i >= 0 {
		t.Errorf("a known hostname survived: %q", out.String()[max(0, i-40):i+11])
	}
}

// BenchmarkScanPieces: the pieces' scan alone over the skeleton of the
// benchmark log (against its 100k values' pieces), one goroutine.
func BenchmarkScanPieces(b *testing.B) {
	s, err := New(Options{Values: benchValues(100000), NoBuiltin: true})
	if err != nil {
		b.Fatal(err)
	}
	log := benchLog()[:4<<20]
	var reps []*rep
	for _, l := range bytes.SplitAfter(log, []byte("\n")) {
		r := &rep{}
		r.skeleton(l)
		reps = append(reps, r)
	}
	w := s.newWorker()
	b.SetBytes(int64(len(log)))
	cpu := cpuTime()
	var hits []hit
	for b.Loop() {
		for _, r := range reps {
			hits = s.m.scanPieces(w, r, hits[:0])
		}
	}
	reportCPU(b, cpu, len(log))
}
