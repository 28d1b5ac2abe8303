package gate

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
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
	// A note (No migrations run of a patch that adds nothing) is output,
	// not a failure, unless the run failed.
	var runMsgs, notes []string
	for _, m := range r.Messages {
		switch {
		case stepMessage(r, m):
		case strings.HasPrefix(m, "FAILURE") || strings.HasPrefix(m, "WARNING") || r.Status == "FAILURE":
			runMsgs = append(runMsgs, m)
		default:
			notes = append(notes, m)
		}
	}
	c := junitCase{Name: "final schema and drift", Classname: "gate." + safe(r.Dataset), SystemOut: strings.Join(notes, "\n")}
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
