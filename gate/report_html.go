package gate

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/fuzzyduck/fuzzyduck/gate/chart"
)

// The HTML pages: the run's report (each step against its limits and
// its history) and the history page of every dataset and step
// (turbo-hipster's results graphs). Both are one self-contained file:
// inline SVG and CSS, no script, nothing fetched.

// metric is one charted measurement of a step.
type metric struct{ key, title, unit string }

var metrics = []metric{
	{"seconds", "time", "s"},
	{"Innodb_rows_read", "rows read", "rows"},
	{"XInnodb_rows_changed", "rows changed", "rows"},
}

func (m metric) ofSample(s Sample) float64 {
	if m.key == "seconds" {
		return s.Seconds
	}
	return float64(s.Counters[m.key])
}

func (m metric) ofStep(st *Step) float64 {
	if m.key == "seconds" {
		return st.Seconds
	}
	return float64(st.Counters[m.key])
}

func (m metric) ofProposal(p Proposal) float64 {
	if m.key == "seconds" {
		return p.Seconds
	}
	return p.Counters[m.key]
}

// history indexes samples by step and dataset, with the limits Propose
// learns from each dataset's samples.
type history struct {
	byStep   map[string]map[string][]Sample // step -> dataset -> samples in time order
	learned  map[string]map[string]Proposal // dataset -> step -> proposal
	colors   map[string]string              // dataset -> colour
	datasets []string
	steps    []string // in the order they first ran
}

func indexHistory(samples []Sample) *history {
	h := &history{byStep: map[string]map[string][]Sample{}, learned: map[string]map[string]Proposal{}, colors: map[string]string{}}
	sorted := append([]Sample(nil), samples...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Time.Before(sorted[j].Time) })
	byDataset := map[string][]Sample{}
	for _, s := range sorted {
		if h.byStep[s.Step] == nil {
			h.byStep[s.Step] = map[string][]Sample{}
			h.steps = append(h.steps, s.Step)
		}
		h.byStep[s.Step][s.Dataset] = append(h.byStep[s.Step][s.Dataset], s)
		byDataset[s.Dataset] = append(byDataset[s.Dataset], s)
	}
	for d, ss := range byDataset {
		h.datasets = append(h.datasets, d)
		h.learned[d] = map[string]Proposal{}
		for _, p := range Propose(ss, 0) {
			h.learned[d][p.Step] = p
		}
	}
	sort.Strings(h.datasets)
	for i, d := range h.datasets {
		h.colors[d] = chart.Palette[i%len(chart.Palette)]
	}
	return h
}

func (h *history) color(dataset string) string {
	if c, ok := h.colors[dataset]; ok {
		return c
	}
	return chart.Palette[0]
}

// series: one per dataset that ran the step.
func (h *history) series(step string, m metric) []chart.Series {
	var out []chart.Series
	for _, d := range h.datasets {
		ss := h.byStep[step][d]
		if len(ss) == 0 {
			continue
		}
		s := chart.Series{Name: d, Color: h.color(d)}
		for _, x := range ss {
			s.Points = append(s.Points, chart.Point{At: x.Time, Value: m.ofSample(x)})
		}
		out = append(out, s)
	}
	return out
}

// stepCharts: a step of this run over its history, with the limit that
// applied, the one learned from this dataset's history, and this run
// marked.
func (r *Result) stepCharts(h *history, st *Step) []template.HTML {
	var out []template.HTML
	for _, m := range metrics {
		c := chart.Chart{Title: m.title, Unit: m.unit, Series: h.series(st.Name(), m), ID: st.Phase + " " + st.Name() + " " + m.title,
			Mark: &chart.Point{At: r.Started, Value: m.ofStep(st)}}
		if l, ok := st.Limits[m.key]; ok && l > 0 {
			c.Lines = append(c.Lines, chart.Line{Value: l, Label: "limit", Color: "#b42318", Dash: true})
		}
		if p, ok := h.learned[r.Dataset][st.Name()]; ok {
			c.Lines = append(c.Lines, chart.Line{Value: m.ofProposal(p), Label: "learned", Color: "#17803d", Dash: true})
		}
		out = append(out, template.HTML(c.SVG()))
	}
	return out
}

var pageFuncs = template.FuncMap{
	"f1":  func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"i64": func(m map[string]int64, k string) int64 { return m[k] },
	"lim": func(m map[string]float64, k string) float64 { return m[k] },
	"dur": Duration,
	"join": func(s []string) string {
		return strings.Join(s, ", ")
	},
	"fmtv": chart.Format,
}

const pageStyle = `<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.3em .7em;border-bottom:1px solid #ddd;text-align:left}
.SUCCESS{color:#17803d}.FAILURE{color:#b42318}.WARNING{color:#b54708}
.bad{color:#b42318}tr.new td:first-child,section.new h3{font-weight:700}
tr.new{background:#fff7e0}section.new{background:#fff7e0;padding:.2em .6em;border-left:4px solid #c9a227}
.charts{display:flex;flex-wrap:wrap;gap:10px}.charts svg{border:1px solid #ddd}
.legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
</style>`

var reportTmpl = template.Must(template.New("report").Funcs(pageFuncs).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.R.Summary}}</title>` + pageStyle + `</head><body>
<h1 class="{{.R.Status}}">{{.R.Summary}}</h1>
<ul>{{range .R.Messages}}<li>{{.}}</li>{{end}}</ul>
<p>Project {{.R.Project}} · engine: {{.R.Engine}} · isolation: {{.R.Isolation}} · seed {{f1 .LoadMB}} MB loaded in {{f1 .R.LoadSeconds}}s · {{.R.Rows}} rows · {{.R.Scrubbed}} secrets scrubbed from the logs</p>
{{if gt (len .R.Phases) 1}}<h2>Phases</h2>
<table><tr><th>phase</th><th>code tree</th><th>versions</th><th>new</th><th>steps</th><th>time</th><th>status</th><th>log</th></tr>
{{range .R.Phases}}<tr><td>{{.Name}}</td><td>{{.Tree}}</td><td>{{join .Versions}}</td><td>{{join .New}}</td><td>{{.Steps}}</td><td>{{dur .Seconds}}</td><td>{{.Status}}</td><td><a href="{{.LogFile}}">log</a></td></tr>
{{end}}</table>{{end}}
{{with .New}}<p><b>New in this change</b> (phase {{(index . 0).Phase}}): {{len .}} step{{if gt (len .) 1}}s{{end}}, listed first.</p>{{end}}
<h2>Steps</h2>
<table><tr><th>step</th><th>time</th><th>limit</th><th>measured</th><th>rows read</th><th>rows changed</th><th>data written</th><th>result</th><th>log</th></tr>
{{range .Steps}}<tr{{if .New}} class="new"{{end}}><td>{{.Label}}</td><td>{{f1 .Seconds}}s</td><td>{{lim .Limits "seconds"}}s</td><td>{{.Measured}}×</td><td>{{i64 .Counters "Innodb_rows_read"}}</td><td>{{i64 .Counters "XInnodb_rows_changed"}}</td><td>{{i64 .Counters "Innodb_data_written"}}</td>
<td{{if .Problems}} class="bad"{{end}}>{{.Verdict}}</td><td><a href="{{.LogFile}}">log</a></td></tr>
{{end}}</table>
<h2>Each step against its limits and its history</h2>
<p class="legend">{{range .Datasets}}<span><i style="background:{{.Color}}"></i>{{.Name}}</span>{{end}}<span style="color:#b42318">◯ this run</span><span style="color:#b42318">- - limit</span><span style="color:#17803d">- - learned from {{.MinSamples}}+ runs</span></p>
{{range .Charts}}<section class="step{{if .Step.New}} new{{end}}"><h3>{{.Step.Label}}</h3><div class="charts">{{range .SVG}}{{.}}{{end}}</div></section>
{{end}}
{{if .R.Drift}}<h2>Schema drift</h2><pre>{{range .R.Drift}}{{.}}
{{end}}</pre>{{end}}
{{if .R.Notes}}<h2>Notes</h2><ul>{{range .R.Notes}}<li><pre>{{.}}</pre></li>{{end}}</ul>{{end}}
</body></html>
`))

type legendEntry struct{ Name, Color string }

func (h *history) legend(current string) []legendEntry {
	var out []legendEntry
	names := h.datasets
	if _, ok := h.colors[current]; !ok && current != "" {
		names = append([]string{current}, names...)
	}
	for _, d := range names {
		out = append(out, legendEntry{d, h.color(d)})
	}
	return out
}

// HTML is the report page: the phases, the steps (the patch's new ones
// first) and, per step, its time, rows read and rows changed over the
// history with its limits and this run marked.
func (r *Result) HTML() string {
	h := indexHistory(r.History)
	type stepCharts struct {
		Step *Step
		SVG  []template.HTML
	}
	var charts []stepCharts
	for _, st := range r.Ordered() {
		charts = append(charts, stepCharts{st, r.stepCharts(h, st)})
	}
	var b strings.Builder
	err := reportTmpl.Execute(&b, map[string]any{"R": r, "Steps": r.Ordered(), "New": r.NewSteps(), "Charts": charts,
		"Datasets": h.legend(r.Dataset), "MinSamples": MinSamples, "LoadMB": float64(r.LoadBytes) / 1e6})
	if err != nil {
		return "<!DOCTYPE html><p>report: " + template.HTMLEscapeString(err.Error())
	}
	return b.String()
}

var historyTmpl = template.Must(template.New("history").Funcs(pageFuncs).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>gate history</title>` + pageStyle + `</head><body>
<h1>Migration history</h1>
<p>{{.Runs}} runs of {{len .Datasets}} dataset{{if gt (len .Datasets) 1}}s{{end}}, {{len .Steps}} steps, {{.Samples}} measured steps, {{.From}} to {{.To}}. Limits are learned per dataset once a step has {{.MinSamples}} samples (what <code>gate thresholds</code> proposes).</p>
<p class="legend">{{range .Datasets}}<span><i style="background:{{.Color}}"></i>{{.Name}}</span>{{end}}<span>- - learned limit, in the dataset's colour</span></p>
{{range .Steps}}<section class="step"><h3>{{.Step}}</h3><div class="charts">{{range .SVG}}{{.}}{{end}}</div>
<table><tr><th>dataset</th><th>samples</th><th>median time</th><th>learned time limit</th><th>learned rows read</th><th>learned rows changed</th></tr>
{{range .Rows}}<tr><td>{{.Dataset}}</td><td>{{.Samples}}</td><td>{{fmtv .Median "s"}}</td>{{if .Learned}}<td>{{fmtv .Learned.Seconds "s"}}</td><td>{{fmtv (index .Learned.Counters "Innodb_rows_read") "rows"}}</td><td>{{fmtv (index .Learned.Counters "XInnodb_rows_changed") "rows"}}</td>{{else}}<td colspan="3">fewer than {{$.MinSamples}} samples: no limit yet</td>{{end}}</tr>
{{end}}</table></section>
{{end}}
</body></html>
`))

// HistoryHTML is one page for every dataset and step in the history
// store: per step, each metric per dataset over time with the limits
// learned from it.
func HistoryHTML(samples []Sample) string {
	h := indexHistory(samples)
	type row struct {
		Dataset string
		Samples int
		Median  float64
		Learned *Proposal
	}
	type stepPage struct {
		Step string
		SVG  []template.HTML
		Rows []row
	}
	var steps []stepPage
	for _, step := range h.steps {
		sp := stepPage{Step: step}
		for _, m := range metrics {
			c := chart.Chart{Title: m.title, Unit: m.unit, Series: h.series(step, m), ID: step + " " + m.title}
			for _, d := range h.datasets {
				if p, ok := h.learned[d][step]; ok {
					c.Lines = append(c.Lines, chart.Line{Value: m.ofProposal(p), Label: d, Color: h.color(d), Dash: true})
				}
			}
			sp.SVG = append(sp.SVG, template.HTML(c.SVG()))
		}
		for _, d := range h.datasets {
			ss := h.byStep[step][d]
			if len(ss) == 0 {
				continue
			}
			times := make([]float64, len(ss))
			for i, s := range ss {
				times[i] = s.Seconds
			}
			sort.Float64s(times)
			rw := row{Dataset: d, Samples: len(ss), Median: percentile(times, 50)}
			if p, ok := h.learned[d][step]; ok {
				rw.Learned = &p
			}
			sp.Rows = append(sp.Rows, rw)
		}
		steps = append(steps, sp)
	}
	runs := map[string]bool{}
	var from, to time.Time
	for _, s := range samples {
		runs[s.Dataset+" "+s.Time.String()] = true
		if from.IsZero() || s.Time.Before(from) {
			from = s.Time
		}
		if s.Time.After(to) {
			to = s.Time
		}
	}
	var b strings.Builder
	err := historyTmpl.Execute(&b, map[string]any{"Steps": steps, "Datasets": h.legend(""), "Runs": len(runs), "Samples": len(samples),
		"From": from.UTC().Format("2006-01-02 15:04"), "To": to.UTC().Format("2006-01-02 15:04"), "MinSamples": MinSamples})
	if err != nil {
		return "<!DOCTYPE html><p>history: " + template.HTMLEscapeString(err.Error())
	}
	return b.String()
}
