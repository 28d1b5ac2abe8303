package headless

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenSeesFaults: what the report tests rely on is seen: a script
// error, a request off the page, a chart drawn without a size, and a
// chart drawn with one.
func TestOpenSeesFaults(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "bad.html")
	os.WriteFile(page, []byte(`<!DOCTYPE html><html><head><title>bad page</title></head><body>
<svg class="chart" data-chart="flat" width="0" height="0"></svg>
<svg class="chart" data-chart="ok" width="300" height="120"><circle cx="5" cy="5" r="3"/><circle cx="9" cy="9" r="3"/></svg>
<img src="http://192.0.2.1/pixel.png">
<script>console.error("console says no"); throw new Error("boom");</script>
</body></html>`), 0o644)
	p, err := Open(context.Background(), page, 800)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "bad page" || len(p.Charts) != 2 {
		t.Fatalf("title %q, charts %+v", p.Title, p.Charts)
	}
	if c := p.Charts[0]; c.ID != "flat" || c.Width != 0 || c.Height != 0 {
		t.Errorf("flat chart: %+v", c)
	}
	if c := p.Charts[1]; c.ID != "ok" || c.Width != 300 || c.Height != 120 || c.Points != 2 {
		t.Errorf("chart: %+v", c)
	}
	all := strings.Join(p.Errors, "\n")
	if !strings.Contains(all, "boom") || !strings.Contains(all, "console says no") {
		t.Errorf("errors: %s", all)
	}
	if !strings.Contains(strings.Join(p.Requests, " "), "http://192.0.2.1/pixel.png") {
		t.Errorf("requests: %q", p.Requests)
	}
	if len(p.Screenshot) < 100 || string(p.Screenshot[1:4]) != "PNG" {
		t.Errorf("screenshot: %d bytes", len(p.Screenshot))
	}
}
