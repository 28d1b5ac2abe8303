package gate

import (
	"strings"
	"time"
)

// Step is one measured migration step.
type Step struct {
	// Phase is the plan phase the step ran in (trunk, patch, downgrade,
	// reupgrade, ...); New marks the steps the last upgrade phase (the
	// patch) adds to the ones before it.
	Phase    string           `json:"phase"`
	New      bool             `json:"new,omitempty"`
	Kind     string           `json:"kind"` // upgrade, downgrade, idempotence
	From     string           `json:"from"`
	To       string           `json:"to"`
	Seconds  float64          `json:"seconds"`
	Exit     int              `json:"exit"`
	TimedOut bool             `json:"timed_out,omitempty"`
	Measured int              `json:"measured"` // 2 when re-measured
	Counters map[string]int64 `json:"counters"`
	// Sandbox is the step's peak memory and processes (sandbox only).
	Sandbox *Usage `json:"sandbox,omitempty"`
	// Limits that applied: "seconds" and counter names.
	Limits   map[string]float64 `json:"limits"`
	Problems []string           `json:"problems,omitempty"`
	Log      string             `json:"-"` // scrubbed output
	LogFile  string             `json:"log_file,omitempty"`
}

// Name is "FROM->TO".
func (s *Step) Name() string { return s.From + "->" + s.To }

// PhaseResult is what one phase of the plan did.
type PhaseResult struct {
	Name string `json:"name"`
	// Tree is the code tree the phase ran with: a directory, or a git
	// ref checked out for the run.
	Tree     string   `json:"tree"`
	Versions []string `json:"versions,omitempty"` // the tree's versions, when listed
	// New: the versions this phase adds to the earlier phases' (the
	// patch phase only).
	New     []string `json:"new,omitempty"`
	Steps   int      `json:"steps"`
	Seconds float64  `json:"seconds"`
	// Status: ok, failed, not run.
	Status  string `json:"status"`
	Log     string `json:"-"` // scrubbed: the tree, the versions listing, a single run's whole output
	LogFile string `json:"log_file,omitempty"`
}

// Result is a run's outcome.
type Result struct {
	Dataset         string         `json:"dataset"`
	Project         string         `json:"project"`
	Status          string         `json:"status"`   // SUCCESS, FAILURE or WARNING
	Messages        []string       `json:"messages"` // turbo-hipster wording
	Started         time.Time      `json:"started"`
	Seconds         float64        `json:"seconds"`
	Phases          []*PhaseResult `json:"phases"`
	Steps           []*Step        `json:"steps"`
	LoadBytes       int64          `json:"load_bytes"`
	LoadSeconds     float64        `json:"load_seconds"`
	Rows            int64          `json:"rows"`
	FinalVersion    string         `json:"final_version,omitempty"`
	ExpectedVersion string         `json:"expected_version,omitempty"`
	Drift           []string       `json:"drift,omitempty"`
	Isolation       string         `json:"isolation"`
	IsolationMode   string         `json:"isolation_mode"` // sandbox, netns or off
	Engine          string         `json:"engine"`
	Notes           []string       `json:"notes,omitempty"`
	ServerLog       string         `json:"-"` // scrubbed
	SlowLog         string         `json:"-"` // scrubbed
	Scrubbed        int            `json:"scrubbed"`
	// History is the history store's samples before this run (all
	// datasets), for the report's charts; set by the caller.
	History []Sample `json:"-"`
}

func (r *Result) fail(msg string) {
	r.Messages = append(r.Messages, msg)
}

// Passed reports a successful vote.
func (r *Result) Passed() bool { return r.Status == "SUCCESS" }

// NoMigrations is turbo-hipster's wording for a change that adds no
// migration; with phases it is a note, and the vote is SUCCESS.
const NoMigrations = "No migrations run"

// Ordered lists the steps the patch adds first, then the others in the
// order they ran: the reports show what the change costs before what
// trunk already cost.
func (r *Result) Ordered() []*Step {
	out := make([]*Step, 0, len(r.Steps))
	for _, st := range r.Steps {
		if st.New {
			out = append(out, st)
		}
	}
	for _, st := range r.Steps {
		if !st.New {
			out = append(out, st)
		}
	}
	return out
}

// NewSteps are the steps the patch adds.
func (r *Result) NewSteps() []*Step {
	var out []*Step
	for _, st := range r.Steps {
		if st.New {
			out = append(out, st)
		}
	}
	return out
}

// phase finds a phase's result by name.
func (r *Result) phase(name string) *PhaseResult {
	for _, p := range r.Phases {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// vote sets the status: a FAILURE anywhere fails, else the first
// WARNING warns; other messages (No migrations run) are notes. A run
// that measured nothing fails.
func (r *Result) vote() {
	var msgs []string
	for _, st := range r.Steps {
		msgs = append(msgs, st.Problems...)
	}
	msgs = append(msgs, r.Messages...)
	if len(r.Steps) == 0 && len(msgs) == 0 {
		msgs = append(msgs, NoMigrations)
	}
	r.Messages = msgs
	r.Status = "SUCCESS"
	for _, m := range msgs {
		switch {
		case strings.HasPrefix(m, "FAILURE"):
			r.Status = "FAILURE"
		case strings.HasPrefix(m, "WARNING") && r.Status == "SUCCESS":
			r.Status = "WARNING"
		}
	}
	if len(r.Steps) == 0 {
		r.Status = "FAILURE"
	}
}
