package gate

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/headless"
)

// artifacts is where the browser tests leave their screenshots
// (TEST_ARTIFACTS, else test-artifacts/ at the repository's root).
func artifacts(t *testing.T) string {
	dir := os.Getenv("TEST_ARTIFACTS")
	if dir == "" {
		dir, _ = filepath.Abs("../test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReportAndHistoryInBrowser: 13 runs of the test migrator on two
// datasets fill a history store, then a two-tree run's report and the
// history page are opened in headless Chromium: every chart is drawn
// with a size, holds the history's samples, the pages log no error and
// fetch nothing but themselves; the screenshots are kept.
func TestReportAndHistoryInBrowser(t *testing.T) {
	srv := ownServer(t)
	hist := t.TempDir()
	runs := map[string]int{"alpha": 11, "beta": 2}
	for _, name := range []string{"alpha", "beta"} {
		c := namedDataset(t, name, "drift: off\n")
		for i := 0; i < runs[name]; i++ {
			r := runOpts(t, Options{Config: c, DSN: srv.DSN(""), Dir: filepath.Dir(migrator), Migrate: migrator + " {version} {user}", Versions: []string{"1", "2"}})
			if r.Status != "SUCCESS" {
				t.Fatalf("%s run %d: %s %s", name, i, r.Status, messages(r))
			}
			if err := AppendHistory(hist, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	samples, err := LoadHistory(hist, "")
	if err != nil || len(samples) != 26 {
		t.Fatalf("%d samples (%v)", len(samples), err)
	}
	// The change under test: the patch adds the slow step 3.
	trunk, patch := twoTrees(t, 3)
	c := namedDataset(t, "alpha", phasesYAML(trunk, patch)+"drift: off\n")
	r := runOpts(t, Options{Config: c, DSN: srv.DSN("")})
	if r.Status != "SUCCESS" || len(r.NewSteps()) != 1 {
		t.Fatalf("two-tree run: %s %s", r.Status, messages(r))
	}
	r.History = samples
	out := t.TempDir()
	if err := r.Write(out); err != nil {
		t.Fatal(err)
	}
	AppendHistory(hist, r)
	samples, _ = LoadHistory(hist, "")
	os.WriteFile(filepath.Join(out, "history.html"), []byte(HistoryHTML(samples)), 0o644)

	shots := artifacts(t)
	for _, tc := range []struct {
		page   string
		charts int
		// want: chart id -> the fewest circles (samples, and the mark)
		want map[string]int
	}{
		{"report.html", 3 * len(r.Steps), map[string]int{
			"patch 2->3 time":            1,  // new: no history, this run marked
			"trunk 1->2 time":            14, // 13 runs before, and this one
			"trunk seed->1 rows changed": 14,
		}},
		{"history.html", 3 * 3, map[string]int{"1->2 time": 14, "2->3 rows read": 1}},
	} {
		p, err := headless.Open(context.Background(), filepath.Join(out, tc.page), 1200)
		if err != nil {
			t.Fatalf("%s: %v", tc.page, err)
		}
		if len(p.Errors) > 0 {
			t.Errorf("%s logged errors: %q", tc.page, p.Errors)
		}
		if len(p.Requests) != 1 || !strings.HasSuffix(p.Requests[0], "/"+tc.page) {
			t.Errorf("%s fetched %q", tc.page, p.Requests)
		}
		if len(p.Charts) != tc.charts {
			t.Errorf("%s: %d charts, want %d", tc.page, len(p.Charts), tc.charts)
		}
		seen := map[string]bool{}
		for _, ch := range p.Charts {
			if ch.Width < 100 || ch.Height < 50 {
				t.Errorf("%s: chart %q drawn %.0fx%.0f", tc.page, ch.ID, ch.Width, ch.Height)
			}
			if n, ok := tc.want[ch.ID]; ok {
				seen[ch.ID] = true
				if ch.Points < n {
					t.Errorf("%s: chart %q has %d points, want %d or more", tc.page, ch.ID, ch.Points, n)
				}
			}
		}
		for id := range tc.want {
			if !seen[id] {
				t.Errorf("%s: no chart %q", tc.page, id)
			}
		}
		if !bytes.HasPrefix(p.Screenshot, []byte("\x89PNG\r\n\x1a\n")) || len(p.Screenshot) < 24 || binary.BigEndian.Uint32(p.Screenshot[16:20]) != 1200 || binary.BigEndian.Uint32(p.Screenshot[20:24]) < 600 {
			t.Errorf("%s: not a full-page PNG screenshot (%d bytes)", tc.page, len(p.Screenshot))
		}
		shot := filepath.Join(shots, "gate-"+strings.TrimSuffix(tc.page, ".html")+".png")
		if err := os.WriteFile(shot, p.Screenshot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d charts, screenshot %s (%d KB)", tc.page, len(p.Charts), shot, len(p.Screenshot)>>10)
	}
	// The history page says how many runs it holds.
	page, _ := os.ReadFile(filepath.Join(out, "history.html"))
	if !strings.Contains(string(page), "<p>14 runs of 2 datasets, 3 steps") {
		t.Errorf("history page header: %s", page[:min(len(page), 1500)])
	}
}
