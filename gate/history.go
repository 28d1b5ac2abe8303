package gate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Sample is one measured step, as kept in the history store: a
// directory with one JSON-lines file per dataset.
type Sample struct {
	Dataset  string           `json:"dataset"`
	Step     string           `json:"step"` // FROM->TO
	Kind     string           `json:"kind"`
	Phase    string           `json:"phase,omitempty"`
	Time     time.Time        `json:"time"`
	Seconds  float64          `json:"seconds"`
	Counters map[string]int64 `json:"counters"`
	Rows     int64            `json:"rows"` // the dataset's size when measured
}

// AppendHistory records a run's successful steps.
func AppendHistory(dir string, r *Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, safe(r.Dataset)+".jsonl"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for _, st := range r.Steps {
		if st.Exit != 0 || st.TimedOut || st.Kind == "run" {
			continue // a failed step's time says nothing about its cost
		}
		b, _ := json.Marshal(Sample{Dataset: r.Dataset, Step: st.Name(), Kind: st.Kind, Phase: st.Phase, Time: r.Started, Seconds: st.Seconds, Counters: st.Counters, Rows: r.Rows})
		w.Write(append(b, '\n'))
	}
	return w.Flush()
}

// LoadHistory reads every sample in dir (for one dataset if name is set).
func LoadHistory(dir, name string) ([]Sample, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	var out []Sample
	for _, file := range files {
		if name != "" && filepath.Base(file) != safe(name)+".jsonl" {
			continue
		}
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(f)
		for n := 1; ; n++ {
			var s Sample
			if err := dec.Decode(&s); err == io.EOF {
				break
			} else if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: record %d: %w", file, n, err)
			}
			out = append(out, s)
		}
		f.Close()
	}
	return out, nil
}

// MinSamples is the fewest samples a limit is learned from.
const MinSamples = 10

// Proposal is a learned limit for one step.
type Proposal struct {
	Step     string             `json:"step"`
	Samples  int                `json:"samples"`
	Seconds  float64            `json:"seconds"`
	Counters map[string]float64 `json:"counters"`
}

// Propose learns limits from samples. Time: the larger of the 99th
// percentile and median + 5 robust standard deviations (1.4826 x MAD),
// plus 30 s, rounded up to a whole second: one slow outlier does not move
// the limit much, a noisy step gets room, and turbo-hipster's p99+30s is
// never undercut. Counters are deterministic for a given dataset: the
// largest seen plus 10%, rounded up to 10,000. Steps with fewer than
// MinSamples samples get no proposal. With rows > 0, every sample is first
// scaled to a dataset of that many rows (seconds and counters in
// proportion), so a history of other sizes serves a scaled dataset.
func Propose(samples []Sample, rows int64) []Proposal {
	by := map[string][]Sample{}
	for _, s := range samples {
		by[s.Step] = append(by[s.Step], s)
	}
	var out []Proposal
	for step, ss := range by {
		if len(ss) < MinSamples {
			continue
		}
		scale := func(s Sample) float64 {
			if rows > 0 && s.Rows > 0 {
				return float64(rows) / float64(s.Rows)
			}
			return 1
		}
		times := make([]float64, len(ss))
		for i, s := range ss {
			times[i] = s.Seconds * scale(s)
		}
		sort.Float64s(times)
		med := percentile(times, 50)
		dev := make([]float64, len(times))
		for i, t := range times {
			dev[i] = math.Abs(t - med)
		}
		sort.Float64s(dev)
		sigma := 1.4826 * percentile(dev, 50)
		limit := math.Max(percentile(times, 99), med+5*sigma) + 30
		p := Proposal{Step: step, Samples: len(ss), Seconds: math.Ceil(limit), Counters: map[string]float64{}}
		for _, name := range []string{"Innodb_rows_read", "XInnodb_rows_changed"} {
			var hi float64
			for _, s := range ss {
				hi = math.Max(hi, float64(s.Counters[name])*scale(s))
			}
			p.Counters[name] = math.Ceil(hi*1.1/10000) * 10000
			if p.Counters[name] == 0 {
				p.Counters[name] = 10000
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Step < out[j].Step })
	return out
}

// percentile by nearest rank on sorted values.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Diff describes proposals against a config's current limits.
func Diff(c *Config, props []Proposal) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-36s %8s %14s %14s %16s %16s\n", "step", "samples", "time now", "time proposed", "rows read", "rows changed")
	for _, p := range props {
		from, to, _ := strings.Cut(p.Step, "->")
		fmt.Fprintf(&b, "%-36s %8d %13.0fs %13.0fs %7.0f->%-8.0f %7.0f->%-8.0f\n", p.Step, p.Samples,
			c.MaxTimes.Limit(from, to, DefaultMaxTime), p.Seconds,
			c.RowsRead.Limit(from, to, DefaultRowsRead), p.Counters["Innodb_rows_read"],
			c.RowsChanged.Limit(from, to, DefaultRowsChanged), p.Counters["XInnodb_rows_changed"])
	}
	return b.String()
}
