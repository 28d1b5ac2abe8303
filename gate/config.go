// Package gate runs a project's schema migrations against a real dataset
// in a throwaway (or given) MySQL/MariaDB server, step by step and without
// network, measures each step (wall time, InnoDB counters), votes against
// thresholds with turbo-hipster's wording, checks the final version and
// schema drift, and writes only scrubbed artifacts.
package gate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Thresholds maps "FROM->TO" (and "default") to a limit.
type Thresholds map[string]float64

// Limit returns the limit for a step, falling back to "default", then to
// def.
func (t Thresholds) Limit(from, to string, def float64) float64 {
	if v, ok := t[from+"->"+to]; ok {
		return v
	}
	if v, ok := t["default"]; ok {
		return v
	}
	return def
}

// Config describes a dataset: turbo-hipster's config.json fields, plus
// our own (in the YAML form, or as extra JSON keys).
type Config struct {
	Project     string `json:"project" yaml:"project"`
	Type        string `json:"type" yaml:"type"`
	Database    string `json:"database" yaml:"database"`
	DBUser      string `json:"db_user" yaml:"db_user"`
	DBPass      string `json:"db_pass" yaml:"db_pass"`
	SeedData    string `json:"seed_data" yaml:"seed_data"`
	LoggingConf string `json:"logging_conf" yaml:"logging_conf"`

	MaxTimes    Thresholds `json:"maximum_migration_times" yaml:"maximum_migration_times"`
	RowsRead    Thresholds `json:"Innodb_rows_read" yaml:"Innodb_rows_read"`
	RowsChanged Thresholds `json:"XInnodb_rows_changed" yaml:"XInnodb_rows_changed"`
	// Limits holds thresholds for any other counter (Innodb_data_written,
	// Handler_write, ...), by counter name.
	Limits map[string]Thresholds `json:"limits" yaml:"limits"`

	// VersionQuery reads the schema version after the run (e.g. SELECT
	// version_num FROM alembic_version); empty skips the check.
	VersionQuery string `json:"version_query" yaml:"version_query"`
	Plan         Plan   `json:"plan" yaml:"plan"`
	// StepTimeout (seconds) kills a hung step; default 3600.
	StepTimeout float64 `json:"step_timeout" yaml:"step_timeout"`
	// Markers split a single run's output into steps.
	Markers Markers `json:"markers" yaml:"markers"`
	// Drift: "warn" (default), "fail" or "off".
	Drift string `json:"drift" yaml:"drift"`
	// ScrubEnv names environment variables whose values are secret.
	ScrubEnv []string `json:"scrub_env" yaml:"scrub_env"`
	// BufferPoolMB sizes the throwaway server's buffer pool (default 256).
	BufferPoolMB int `json:"buffer_pool_mb" yaml:"buffer_pool_mb"`
	// Phases are the upgrade phases, in order (turbo-hipster's trunk then
	// patch); none means one phase with the command-line options.
	Phases []Phase `json:"phases" yaml:"phases"`
	// Sandbox: the bounds of a step and what else it may see.
	Sandbox SandboxConfig `json:"sandbox" yaml:"sandbox"`

	// Dir is the directory the config was read from (seed_data is
	// relative to it). Name is the dataset's name (the directory's).
	Dir  string `json:"-" yaml:"-"`
	Name string `json:"-" yaml:"-"`
	// Notes about the config itself (old option names), for the report.
	Notes []string `json:"-" yaml:"-"`
}

// Plan says which steps run after the upgrade phases.
type Plan struct {
	// DowngradeTo adds a downgrade phase after the last upgrade phase,
	// run with its code: "first-of-release" (the first version walked,
	// the release's base) or a version.
	DowngradeTo string `json:"downgrade_to" yaml:"downgrade_to"`
	// Reupgrade adds a reupgrade phase: after a downgrade, upgrade step by
	// step back to the head; without one, run the final upgrade once more
	// (it must change no rows).
	Reupgrade bool `json:"reupgrade" yaml:"reupgrade"`
	// Downgrade and Idempotence are the names before phases; LoadConfig
	// turns them into DowngradeTo and Reupgrade and says so.
	Downgrade   bool `json:"downgrade" yaml:"downgrade"`
	Idempotence bool `json:"idempotence" yaml:"idempotence"`
	// Cold restarts the server before each measured step.
	Cold bool `json:"cold" yaml:"cold"`
	// Remeasure: a step over its time limit is measured once more from
	// the same starting state before it fails (own server only). Default
	// on; "remeasure: false" turns it off.
	Remeasure *bool `json:"remeasure" yaml:"remeasure"`
}

// FirstOfRelease is DowngradeTo's "the first version walked".
const FirstOfRelease = "first-of-release"

// upgradePlan turns the old downgrade/idempotence options into phases
// and returns a note saying what to write instead.
func (p *Plan) upgradeOldNames() (string, error) {
	if !p.Downgrade && !p.Idempotence {
		return "", nil
	}
	if p.DowngradeTo != "" || p.Reupgrade {
		return "", fmt.Errorf("plan: downgrade/idempotence are the old names of downgrade_to/reupgrade; write only the new ones")
	}
	want := "plan: {reupgrade: true}"
	if p.Downgrade {
		p.DowngradeTo = FirstOfRelease
		want = "plan: {downgrade_to: first-of-release, reupgrade: true}"
	}
	p.Reupgrade = true
	p.Downgrade, p.Idempotence = false, false
	return "the dataset config uses the old plan options (downgrade/idempotence); they ran as " + want + ", which is what to write now", nil
}

// Markers are regular expressions that find step starts and ends in a
// single run's output. Start must capture the from and to versions
// (named groups "from" and "to", or groups 1 and 2).
type Markers struct {
	Start string `json:"start" yaml:"start"`
	End   string `json:"end" yaml:"end"`
}

// Turbo-hipster's defaults.
const (
	DefaultMaxTime     = 60
	DefaultRowsRead    = 100000
	DefaultRowsChanged = 100000
)

// LoadConfig reads a dataset: a directory holding config.yaml,
// config.yml or config.json, or the file itself.
func LoadConfig(path string) (*Config, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	file := path
	if st.IsDir() {
		file = ""
		for _, n := range []string{"config.yaml", "config.yml", "config.json"} {
			if _, err := os.Stat(filepath.Join(path, n)); err == nil {
				file = filepath.Join(path, n)
				break
			}
		}
		if file == "" {
			return nil, fmt.Errorf("dataset %s: no config.yaml, config.yml or config.json", path)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	c := &Config{}
	if strings.HasSuffix(file, ".json") {
		if err := json.Unmarshal(b, c); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", file, err)
		}
	} else {
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", file, err)
		}
	}
	c.Dir = filepath.Dir(file)
	c.Name = filepath.Base(c.Dir)
	if c.Database == "" {
		c.Database = "dataset"
	}
	if c.StepTimeout == 0 {
		c.StepTimeout = 3600
	}
	switch c.Drift {
	case "", "warn", "fail", "off":
	default:
		return nil, fmt.Errorf("dataset %s: drift must be warn, fail or off, not %q", file, c.Drift)
	}
	if c.Drift == "" {
		c.Drift = "warn"
	}
	if c.BufferPoolMB == 0 {
		c.BufferPoolMB = 256
	}
	note, err := c.Plan.upgradeOldNames()
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", file, err)
	}
	if note != "" {
		c.Notes = append(c.Notes, note)
	}
	for i := range c.Phases {
		if err := c.Phases[i].check(); err != nil {
			return nil, fmt.Errorf("dataset %s: phases[%d]: %w", file, i, err)
		}
		if d := c.Phases[i].Dir; d != "" && !filepath.IsAbs(d) {
			c.Phases[i].Dir = filepath.Join(c.Dir, d)
		}
	}
	return c, nil
}

// SeedPath is the seed dump's path (relative paths are from the config's
// directory).
func (c *Config) SeedPath() string {
	if c.SeedData == "" || filepath.IsAbs(c.SeedData) {
		return c.SeedData
	}
	return filepath.Join(c.Dir, c.SeedData)
}

// remeasure reports whether slow steps are measured twice.
func (c *Config) remeasure() bool { return c.Plan.Remeasure == nil || *c.Plan.Remeasure }

func (c *Config) stepTimeout() time.Duration {
	return time.Duration(c.StepTimeout * float64(time.Second))
}

// counterLimits lists every counter with a limit, for a step.
func (c *Config) counterLimits(from, to string) map[string]float64 {
	out := map[string]float64{
		"Innodb_rows_read":     c.RowsRead.Limit(from, to, DefaultRowsRead),
		"XInnodb_rows_changed": c.RowsChanged.Limit(from, to, DefaultRowsChanged),
	}
	names := make([]string, 0, len(c.Limits))
	for n := range c.Limits {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if v := c.Limits[n].Limit(from, to, -1); v >= 0 {
			out[n] = v
		}
	}
	return out
}
