package chart

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

type elem struct {
	name  string
	attrs map[string]string
}

// parse reads the SVG as XML: it must be well formed.
func parse(t *testing.T, svg string) []elem {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out []elem
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			e := elem{name: se.Name.Local, attrs: map[string]string{}}
			for _, a := range se.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
		}
	}
}

func TestSVG(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name          string
		c             Chart
		circles       int
		lines, points int
	}{
		{"empty", Chart{Title: "time", Unit: "s"}, 0, 0, 0},
		{"mark only", Chart{Title: "time", Unit: "s", Mark: &Point{t0, 3}, Lines: []Line{{Value: 60, Label: "limit", Color: "#b42318", Dash: true}}}, 1, 1, 0},
		{"two series", Chart{Title: `<script>alert("x")</script>`, Unit: "rows", ID: `a"b`,
			Series: []Series{{Name: "a&b", Color: "#123", Points: []Point{{t0, 10}, {t0.Add(time.Hour), 20}}}, {Name: "c", Points: []Point{{t0.Add(time.Minute), 5}}}},
			Mark:   &Point{t0.Add(2 * time.Hour), 40}}, 4, 0, 3},
	} {
		svg := tc.c.SVG()
		els := parse(t, svg)
		var circles, limits int
		var root elem
		for _, e := range els {
			switch {
			case e.name == "svg":
				root = e
			case e.name == "circle":
				circles++
			case e.name == "line" && e.attrs["class"] == "limit":
				limits++
			}
		}
		if circles != tc.circles || limits != tc.lines || root.attrs["data-points"] != strconv.Itoa(tc.points) || root.attrs["data-chart"] != tc.c.ID {
			t.Errorf("%s: %d circles, %d limit lines, root %v", tc.name, circles, limits, root.attrs)
		}
		if strings.Contains(svg, "<script") {
			t.Errorf("%s: the title was not escaped", tc.name)
		}
	}
}

// TestScale: bigger values are drawn higher, every value inside the
// plot, a limit above the largest value still on the chart.
func TestScale(t *testing.T) {
	t0 := time.Now()
	c := Chart{Unit: "s", Series: []Series{{Name: "d", Points: []Point{{t0, 1}, {t0.Add(time.Second), 7}}}}, Lines: []Line{{Value: 60, Label: "limit"}}, Height: 200}
	ys := map[string]float64{}
	for _, e := range parse(t, c.SVG()) {
		if e.name == "circle" {
			y, _ := strconv.ParseFloat(e.attrs["cy"], 64)
			ys[e.attrs["cx"]] = y
		}
		if e.name == "line" && e.attrs["class"] == "limit" {
			y, _ := strconv.ParseFloat(e.attrs["y1"], 64)
			ys["limit"] = y
		}
	}
	if len(ys) != 3 {
		t.Fatalf("positions %v", ys)
	}
	var first, second float64
	for k, v := range ys {
		if k == "limit" {
			continue
		}
		if first == 0 {
			first = v
		} else {
			second = v
		}
	}
	lo, hi := max(first, second), min(first, second) // y grows downwards
	if !(ys["limit"] < hi && hi < lo && lo <= 200-padBottom && ys["limit"] >= padTop) {
		t.Errorf("y positions: limit %.1f, values %.1f %.1f", ys["limit"], hi, lo)
	}
}

func TestNiceCeilAndFormat(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, 0.5: 1, 3: 5, 7: 10, 12: 20, 64.8: 100, 108000: 200000} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{{3.25, "s", "3.2s"}, {64, "s", "64s"}, {2, "rows", "2"}, {12000, "rows", "12k"}, {2500000, "rows", "2.5M"}} {
		if got := Format(tc.v, tc.unit); got != tc.want {
			t.Errorf("Format(%v, %s) = %s, want %s", tc.v, tc.unit, got, tc.want)
		}
	}
}

// TestCountAxis: a count axis never shows fractions.
func TestCountAxis(t *testing.T) {
	c := Chart{Unit: "rows", Series: []Series{{Name: "d", Points: []Point{{time.Now(), 1}}}}}
	svg := c.SVG()
	for _, want := range []string{">0</text>", ">1</text>", ">2</text>", ">5</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("axis lacks %s:\n%s", want, svg)
		}
	}
}
