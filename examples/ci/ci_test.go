// Package ci_test keeps the CI examples valid YAML with the shape their
// engines expect.
package ci_test

import (
	"os"
	"testing"

	"gopkg.in/yaml.v3"
)

func load(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestZuul(t *testing.T) {
	var items []map[string]any
	load(t, "zuul/jobs.yaml", &items)
	jobs, projects := 0, 0
	for _, it := range items {
		if j, ok := it["job"].(map[string]any); ok {
			jobs++
			if j["name"] == nil {
				t.Errorf("job without a name: %v", j)
			}
		}
		if _, ok := it["project"]; ok {
			projects++
		}
	}
	if jobs < 2 || projects != 1 {
		t.Errorf("%d jobs, %d projects", jobs, projects)
	}
	for _, pb := range []string{"zuul/playbooks/gate.yaml", "zuul/playbooks/collect.yaml"} {
		var plays []map[string]any
		load(t, pb, &plays)
		if len(plays) == 0 || plays[0]["hosts"] == nil || plays[0]["tasks"] == nil {
			t.Errorf("%s: not a playbook: %v", pb, plays)
		}
	}
}

func TestGitHubActions(t *testing.T) {
	var wf struct {
		Name string         `yaml:"name"`
		On   map[string]any `yaml:"on"`
		Jobs map[string]struct {
			RunsOn   string `yaml:"runs-on"`
			Strategy struct {
				Matrix map[string][]string `yaml:"matrix"`
			} `yaml:"strategy"`
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"jobs"`
	}
	load(t, "github/gate.yml", &wf)
	job, ok := wf.Jobs["gate"]
	if !ok || job.RunsOn == "" || len(job.Strategy.Matrix["dataset"]) < 2 || len(job.Steps) < 5 || wf.On["pull_request"] == nil {
		t.Errorf("workflow: %+v", wf)
	}
}
