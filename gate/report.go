package gate

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Duration renders like "4m 12s".
func Duration(sec float64) string {
	d := time.Duration(sec * float64(time.Second)).Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// Summary is the console line, turbo-hipster style.
func (r *Result) Summary() string {
	return fmt.Sprintf("gate-real-db-upgrade_%s %s in %s", r.Dataset, r.Status, Duration(r.Seconds))
}

// Write writes every artifact into dir: result.json, junit.xml,
// summary.md, report.html and logs/ (all scrubbed).
func (r *Result) Write(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return err
	}
	for i, st := range r.Steps {
		st.LogFile = fmt.Sprintf("logs/%02d-%s-%s-%s-%s.log", i+1, safe(st.Phase), st.Kind, safe(st.From), safe(st.To))
		if err := os.WriteFile(filepath.Join(dir, st.LogFile), []byte(st.Log), 0o644); err != nil {
			return err
		}
	}
	for _, p := range r.Phases {
		p.LogFile = "logs/phase-" + safe(p.Name) + ".log"
		if err := os.WriteFile(filepath.Join(dir, p.LogFile), []byte(p.Log), 0o644); err != nil {
			return err
		}
	}
	if r.ServerLog != "" {
		if err := os.WriteFile(filepath.Join(dir, "logs", "server-error.log"), []byte(r.ServerLog), 0o644); err != nil {
			return err
		}
	}
	if r.SlowLog != "" {
		if err := os.WriteFile(filepath.Join(dir, "logs", "server-slow.log"), []byte(r.SlowLog), 0o644); err != nil {
			return err
		}
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "result.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "junit.xml"), r.junit(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.md"), []byte(r.Markdown()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.html"), []byte(r.HTML()), 0o644)
}

func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     float64     `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func (r *Result) junit() []byte {
	s := junitSuite{Name: "gate-real-db-upgrade_" + r.Dataset, Time: r.Seconds}
	for _, st := range r.Ordered() {
		c := junitCase{Name: st.Label(), Classname: "gate." + safe(r.Dataset), Time: st.Seconds, SystemOut: tail(st.Log, 64<<10)}
		if len(st.Problems) > 0 {
			c.Failure = &junitFailure{Message: st.Problems[0], Text: strings.Join(st.Problems, "\n")}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	// Run-level verdicts (version, drift, seed) as their own case.
	var runMsgs []string
	for _, m := range r.Messages {
		if !stepMessage(r, m) {
			runMsgs = append(runMsgs, m)
		}
	}
	c := junitCase{Name: "final schema and drift", Classname: "gate." + safe(r.Dataset)}
	if len(runMsgs) > 0 {
		c.Failure = &junitFailure{Message: runMsgs[0], Text: strings.Join(append(runMsgs, r.Drift...), "\n")}
		s.Failures++
	}
	s.Cases = append(s.Cases, c)
	s.Tests = len(s.Cases)
	b, _ := xml.MarshalIndent(s, "", "  ")
	return append([]byte(xml.Header), append(b, '\n')...)
}

func stepMessage(r *Result, m string) bool {
	for _, st := range r.Steps {
		for _, p := range st.Problems {
			if p == m {
				return true
			}
		}
	}
	return false
}

func tail(s string, n int) string {
	if len(s) > n {
		return "...\n" + s[len(s)-n:]
	}
	return s
}

// Label names a step in the reports: "patch: upgrade a->b (new)".
func (s *Step) Label() string {
	l := s.Kind + " " + s.Name()
	if s.Phase != phaseDefault {
		l = s.Phase + ": " + l
	}
	if s.New {
		l += " (new)"
	}
	return l
}

// Verdict is the step's first problem, or "ok".
func (s *Step) Verdict() string {
	if len(s.Problems) > 0 {
		return s.Problems[0]
	}
	return "ok"
}

// PhaseLine says what each phase did, e.g. "trunk: 2 steps in 41s;
// patch: 1 new step (ccb0->a1b2) in 9m 02s".
func (r *Result) PhaseLine() string {
	var parts []string
	for _, p := range r.Phases {
		s := fmt.Sprintf("%s: %d steps in %s", p.Name, p.Steps, Duration(p.Seconds))
		if len(p.New) > 0 {
			s = fmt.Sprintf("%s: %d new (%s) in %s", p.Name, p.Steps, strings.Join(p.New, ", "), Duration(p.Seconds))
		}
		if p.Status != "ok" {
			s += " (" + p.Status + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// Markdown is the summary for a PR comment or a GitHub step summary.
func (r *Result) Markdown() string {
	var b strings.Builder
	icon := map[string]string{"SUCCESS": "✅", "WARNING": "⚠️", "FAILURE": "❌"}[r.Status]
	fmt.Fprintf(&b, "### %s %s\n\n", icon, r.Summary())
	for _, m := range r.Messages {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	if len(r.Messages) > 0 {
		b.WriteString("\n")
	}
	if len(r.Phases) > 1 {
		fmt.Fprintf(&b, "Phases: %s.\n\n", r.PhaseLine())
	}
	if n := r.NewSteps(); len(n) > 0 {
		fmt.Fprintf(&b, "**New in this change** (phase %s): the first %d rows.\n\n", n[0].Phase, len(n))
	}
	b.WriteString("| step | time | limit | rows read | rows changed | result |\n|---|---:|---:|---:|---:|---|\n")
	for _, st := range r.Ordered() {
		label := st.Label()
		if st.New {
			label = "**" + label + "**"
		}
		fmt.Fprintf(&b, "| %s | %.1fs | %.0fs | %d | %d | %s |\n", label, st.Seconds, st.Limits["seconds"], st.Counters["Innodb_rows_read"], st.Counters["XInnodb_rows_changed"], st.Verdict())
	}
	fmt.Fprintf(&b, "\nSeed: %.1f MB loaded in %.1fs; %d rows. Isolation: %s.\n", float64(r.LoadBytes)/1e6, r.LoadSeconds, r.Rows, r.Isolation)
	if len(r.Drift) > 0 {
		fmt.Fprintf(&b, "\n<details><summary>Schema drift (%d)</summary>\n\n```\n%s\n```\n</details>\n", len(r.Drift), strings.Join(r.Drift, "\n"))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> %s\n", strings.TrimSpace(n))
	}
	return b.String()
}

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	// w: bar width for v against limit; 500px is the limit, bars stop
	// at 120% of it.
	"w": func(v, limit float64) string {
		if limit <= 0 {
			return "0"
		}
		return fmt.Sprintf("%.1f", 500*min(1.2, v/limit))
	},
	"f1":  func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"i64": func(m map[string]int64, k string) int64 { return m[k] },
	"lim": func(m map[string]float64, k string) float64 { return m[k] },
	"flt": func(v int64) float64 { return float64(v) },
	"add": func(a, b int) int { return a + b },
	"mul": func(a, b int) int { return a * b },
}).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.R.Summary}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{padding:.3em .7em;border-bottom:1px solid #ddd;text-align:left}
.SUCCESS{color:#17803d}.FAILURE{color:#b42318}.WARNING{color:#b54708}
.bad{color:#b42318}
</style></head><body>
<h1 class="{{.R.Status}}">{{.R.Summary}}</h1>
<ul>{{range .R.Messages}}<li>{{.}}</li>{{end}}</ul>
<p>Project {{.R.Project}} · engine: {{.R.Engine}} · isolation: {{.R.Isolation}} · seed {{f1 .LoadMB}} MB loaded in {{f1 .R.LoadSeconds}}s · {{.R.Rows}} rows · {{.R.Scrubbed}} secrets scrubbed from the logs</p>
<h2>Steps against their limits</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="900" height="{{add 40 (mul 66 (len .Steps))}}" role="img" aria-label="step times and counters against limits">
<text x="0" y="14" font-size="12">bar: share of the limit used (time, rows read, rows changed); the line at 100% is the limit</text>
<line x1="300" y1="24" x2="300" y2="{{add 30 (mul 66 (len .Steps))}}" stroke="#999"/>
<line x1="800" y1="24" x2="800" y2="{{add 30 (mul 66 (len .Steps))}}" stroke="#b42318" stroke-dasharray="4"/>
{{range $i, $s := .Steps}}{{$y := add 30 (mul 66 $i)}}
<text x="0" y="{{add $y 12}}" font-size="12">{{$s.Label}}</text>
<rect x="300" y="{{$y}}" width="{{w $s.Seconds (lim $s.Limits "seconds")}}" height="16" fill="#4f7cac"/>
<text x="805" y="{{add $y 12}}" font-size="11">{{f1 $s.Seconds}}s / {{lim $s.Limits "seconds"}}s</text>
<rect x="300" y="{{add $y 20}}" width="{{w (flt (i64 $s.Counters "Innodb_rows_read")) (lim $s.Limits "Innodb_rows_read")}}" height="16" fill="#7aa974"/>
<text x="805" y="{{add $y 32}}" font-size="11">{{i64 $s.Counters "Innodb_rows_read"}} rows read</text>
<rect x="300" y="{{add $y 40}}" width="{{w (flt (i64 $s.Counters "XInnodb_rows_changed")) (lim $s.Limits "XInnodb_rows_changed")}}" height="16" fill="#c9a227"/>
<text x="805" y="{{add $y 52}}" font-size="11">{{i64 $s.Counters "XInnodb_rows_changed"}} rows changed</text>
{{end}}
</svg>
<table><tr><th>step</th><th>time</th><th>limit</th><th>measured</th><th>rows read</th><th>rows changed</th><th>data written</th><th>result</th><th>log</th></tr>
{{range .Steps}}<tr{{if .New}} class="new"{{end}}><td>{{.Label}}</td><td>{{f1 .Seconds}}s</td><td>{{lim .Limits "seconds"}}s</td><td>{{.Measured}}×</td><td>{{i64 .Counters "Innodb_rows_read"}}</td><td>{{i64 .Counters "XInnodb_rows_changed"}}</td><td>{{i64 .Counters "Innodb_data_written"}}</td>
<td{{if .Problems}} class="bad"{{end}}>{{if .Problems}}{{index .Problems 0}}{{else}}ok{{end}}</td><td><a href="{{.LogFile}}">log</a></td></tr>
{{end}}</table>
{{if .R.Drift}}<h2>Schema drift</h2><pre>{{range .R.Drift}}{{.}}
{{end}}</pre>{{end}}
{{if .R.Notes}}<h2>Notes</h2><ul>{{range .R.Notes}}<li><pre>{{.}}</pre></li>{{end}}</ul>{{end}}
</body></html>
`))

// HTML is the report page with an SVG chart of each step against its
// limits.
func (r *Result) HTML() string {
	var b strings.Builder
	htmlTmpl.Execute(&b, map[string]any{"R": r, "Steps": r.Ordered(), "LoadMB": float64(r.LoadBytes) / 1e6})
	return b.String()
}
