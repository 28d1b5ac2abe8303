// Package chart draws the gate's history charts as plain inline SVG: a
// value over time per series (dots joined by a line), horizontal limit
// lines, and one marked value (this run). No script, no fonts or styles
// from the network: the page reads the same offline.
package chart

import (
	"fmt"
	"html"
	"math"
	"strings"
	"time"
)

// Point is one value at one time.
type Point struct {
	At    time.Time
	Value float64
}

// Series is one dataset's values over time.
type Series struct {
	Name   string
	Color  string
	Points []Point
}

// Line is a horizontal line across the chart (a limit).
type Line struct {
	Value float64
	Label string
	Color string
	Dash  bool
}

// Chart is one chart: a title, series, limit lines and this run's mark.
type Chart struct {
	Title  string
	Unit   string // "s" or "rows": how values are printed
	Series []Series
	Lines  []Line
	// Mark is this run's value, drawn as a ring with its value beside it.
	Mark *Point
	// ID goes into the svg's data-chart attribute (tests find charts by it).
	ID            string
	Width, Height int
}

// Palette colours series in order.
var Palette = []string{"#4f7cac", "#c9a227", "#7aa974", "#9b5de5", "#e07a5f", "#3d405b", "#00a6a6", "#b56576"}

const (
	padLeft, padRight, padTop, padBottom = 58, 12, 26, 30
)

// Format prints a value in the chart's unit.
func Format(v float64, unit string) string {
	switch unit {
	case "s":
		if v < 10 {
			return fmt.Sprintf("%.1fs", v)
		}
		return fmt.Sprintf("%.0fs", v)
	default:
		switch {
		case v >= 1e6:
			return fmt.Sprintf("%.1fM", v/1e6)
		case v >= 1e4:
			return fmt.Sprintf("%.0fk", v/1e3)
		}
		return fmt.Sprintf("%.0f", v)
	}
}

// SVG renders the chart.
func (c Chart) SVG() string {
	w, h := c.Width, c.Height
	if w == 0 {
		w = 340
	}
	if h == 0 {
		h = 180
	}
	// The time range: every point and the mark.
	var t0, t1 time.Time
	ymax := 0.0
	see := func(p Point) {
		if t0.IsZero() || p.At.Before(t0) {
			t0 = p.At
		}
		if t1.IsZero() || p.At.After(t1) {
			t1 = p.At
		}
		ymax = math.Max(ymax, p.Value)
	}
	n := 0
	for _, s := range c.Series {
		for _, p := range s.Points {
			see(p)
			n++
		}
	}
	if c.Mark != nil {
		see(*c.Mark)
	}
	for _, l := range c.Lines {
		ymax = math.Max(ymax, l.Value)
	}
	ymax = niceCeil(ymax * 1.08)
	if c.Unit != "s" && ymax < 5 {
		ymax = 5 // counts: whole numbers on the axis
	}
	span := t1.Sub(t0).Seconds()
	pw, ph := float64(w-padLeft-padRight), float64(h-padTop-padBottom)
	x := func(at time.Time) float64 {
		if span <= 0 {
			return padLeft + pw/2
		}
		return padLeft + pw*at.Sub(t0).Seconds()/span
	}
	y := func(v float64) float64 { return padTop + ph*(1-v/ymax) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="%s" data-points="%d" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		esc(c.ID), n, w, h, w, h, esc(c.Title))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#fff"/>`, w, h)
	fmt.Fprintf(&b, `<text x="%d" y="15" font-size="12" font-weight="600">%s</text>`, padLeft, esc(c.Title))
	// Grid and the value axis.
	for i := 0; i <= 5; i++ {
		v := ymax * float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>`, padLeft, w-padRight, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="10" text-anchor="end" fill="#555">%s</text>`, padLeft-4, y(v)+3, esc(Format(v, c.Unit)))
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#999"/>`, padLeft, w-padRight, y(0), y(0))
	if !t0.IsZero() {
		layout := "2006-01-02 15:04"
		if span < 3600 {
			layout = "2006-01-02 15:04:05"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="#555">%s</text>`, padLeft, h-10, t0.UTC().Format(layout))
		if span > 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="end" fill="#555">%s</text>`, w-padRight, h-10, t1.UTC().Format(layout))
		}
	}
	for _, l := range c.Lines {
		dash := ""
		if l.Dash {
			dash = ` stroke-dasharray="5 3"`
		}
		fmt.Fprintf(&b, `<line class="limit" x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"%s><title>%s</title></line>`,
			padLeft, w-padRight, y(l.Value), y(l.Value), esc(l.Color), dash, esc(l.Label+": "+Format(l.Value, c.Unit)))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="10" text-anchor="end" fill="%s">%s</text>`, w-padRight, y(l.Value)-3, esc(l.Color), esc(l.Label+" "+Format(l.Value, c.Unit)))
	}
	for _, s := range c.Series {
		if len(s.Points) > 1 {
			var pts []string
			for _, p := range s.Points {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.At), y(p.Value)))
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-opacity="0.5" points="%s"/>`, esc(s.Color), strings.Join(pts, " "))
		}
		for _, p := range s.Points {
			fmt.Fprintf(&b, `<circle class="sample" cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %s</title></circle>`,
				x(p.At), y(p.Value), esc(s.Color), esc(s.Name), p.At.UTC().Format(time.RFC3339), esc(Format(p.Value, c.Unit)))
		}
	}
	if m := c.Mark; m != nil {
		fmt.Fprintf(&b, `<circle class="mark" cx="%.1f" cy="%.1f" r="6" fill="none" stroke="#b42318" stroke-width="2"><title>this run: %s</title></circle>`,
			x(m.At), y(m.Value), esc(Format(m.Value, c.Unit)))
		anchor, dx := "end", -9.0
		if x(m.At) < padLeft+pw/2 {
			anchor, dx = "start", 9
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" font-weight="600" text-anchor="%s" fill="#b42318">this run %s</text>`, x(m.At)+dx, y(m.Value)+4, anchor, esc(Format(m.Value, c.Unit)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func esc(s string) string { return html.EscapeString(s) }
