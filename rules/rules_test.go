package rules

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

const sampleYAML = `
tables:
  instances:
    hostname: hostname
    uuid: uuid
    network_info: json:paths=network.label
    display_name: {kind: string, note: "free text users type"}
  compute_nodes:
    host_ip: ip_addesss_v6
relations:
  - block_device_mapping.instance_uuid -> instances.uuid
  - {from: instance_faults.instance_uuid, to: instances.uuid}
`

func TestParseYAML(t *testing.T) {
	s, err := Parse("rules.yaml", []byte(sampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 5 || len(s.Relations) != 2 {
		t.Fatalf("rules=%d relations=%d", s.Len(), len(s.Relations))
	}
	if r := s.Rule("instances", "network_info"); r.Kind.Name != "json" || r.Kind.Params["paths"] != "network.label" || r.Source != "rules.yaml:6:5" {
		t.Errorf("network_info = %+v", r)
	}
	if r := s.Rule("compute_nodes", "host_ip"); r.Kind.Name != "ip_address_v6" {
		t.Errorf("typo alias not accepted: %+v", r)
	}
	if !s.Relations[0].Implicit || s.Relations[1].String() != "instance_faults.instance_uuid -> instances.uuid" {
		t.Errorf("relations = %+v", s.Relations)
	}
}

func TestParseYAMLErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"tables:\n  t:\n    c: ssn\n", `rules.yaml:3:8: t.c: unknown kind "ssn"`},
		{"tables:\n  t: [a]\n", "rules.yaml:2:6: table t: must map column names to kinds"},
		{"relations:\n  - a.b => c.d\n", "rules.yaml:2:5: relation"},
		{"colums:\n  x: 1\n", `rules.yaml:1:1: unknown section "colums"`},
		{"tables: [\n", "rules.yaml"},
		{"tables:\n  t:\n    c: \"json:paths\"\n", "not key=value"},
	} {
		_, err := Parse("rules.yaml", []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.doc, err, tc.want)
		}
	}
}

func TestMergeReportsConflicts(t *testing.T) {
	base := NewSet()
	base.Add(Rule{Table: "t", Column: "a", Kind: Kind{Name: "string"}, Source: "models.py:3:4"})
	base.Add(Rule{Table: "t", Column: "b", Kind: Kind{Name: "uuid"}, Source: "models.py:5:4"})
	over, _ := Parse("o.yaml", []byte("tables:\n  t:\n    a: hostname\n    b: uuid\n    c: email\n"))
	conflicts := base.Merge(over)
	if len(conflicts) != 1 || conflicts[0].Column != "a" || !strings.Contains(conflicts[0].String(), "string (models.py:3:4) overridden by hostname (o.yaml:3:5)") {
		t.Fatalf("conflicts = %v", conflicts)
	}
	if base.Rule("t", "a").Kind.Name != "hostname" || base.Rule("t", "c") == nil {
		t.Error("overlay did not win")
	}
}

func TestPropagate(t *testing.T) {
	s, _ := Parse("r.yaml", []byte(sampleYAML))
	s.Add(Rule{Table: "instance_faults", Column: "instance_uuid", Kind: Kind{Name: "string"}, Source: "own"})
	added := s.Propagate([]Relation{
		{Table: "migrations", Columns: []string{"instance_uuid"}, RefTable: "instances", RefColumns: []string{"uuid"}, Source: "dump"},
		{Table: "bdm_child", Columns: []string{"bdm_instance"}, RefTable: "block_device_mapping", RefColumns: []string{"instance_uuid"}},
	})
	got := map[string]string{}
	for _, r := range added {
		got[r.Table+"."+r.Column] = r.Kind.Name + " via " + r.Via
	}
	want := map[string]string{
		"block_device_mapping.instance_uuid": "uuid via instances.uuid",
		"migrations.instance_uuid":           "uuid via instances.uuid",
		"bdm_child.bdm_instance":             "uuid via block_device_mapping.instance_uuid",
	}
	if len(got) != len(want) {
		t.Errorf("added = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if s.Rule("instance_faults", "instance_uuid").Kind.Name != "string" {
		t.Error("a column's own rule was replaced by propagation")
	}
	if r := s.Rule("shadow_migrations", "instance_uuid"); r == nil || r.Kind.Name != "uuid" {
		t.Errorf("shadow twin did not inherit the propagated rule: %+v", r)
	}
}

func TestWriteYAMLRoundTrips(t *testing.T) {
	s, _ := Parse("r.yaml", []byte(sampleYAML))
	s.Propagate(nil)
	var b bytes.Buffer
	if err := s.WriteYAML(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "instance_uuid: uuid  # propagated from instances.uuid") {
		t.Errorf("printout does not say what was propagated:\n%s", out)
	}
	back, err := Parse("printed.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("printout is not a valid rules file: %v\n%s", err, out)
	}
	if back.Len() != s.Len() || len(back.Relations) != len(s.Relations) {
		t.Errorf("printout reads back as %d rules / %d relations, want %d / %d", back.Len(), len(back.Relations), s.Len(), len(s.Relations))
	}
}

func TestDatetimeWindow(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"datetime:window=30d", 30 * 24 * time.Hour, false},
		{"datetime:window=12h", 12 * time.Hour, false},
		{"datetime:window=2w", 14 * 24 * time.Hour, false},
		{"datetime:window=0s", 0, false},
		{"datetime:window=30", 0, true},
		{"datetime:window=-3d", 0, true},
		{"datetime:window=1.5d", 0, true},
		{"datetime:window=99999d", 0, true},
	} {
		k, err := ParseKind(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%s: accepted", tc.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if d, _ := ParseWindow(k.Params["window"]); d != tc.want {
			t.Errorf("%s: %v, want %v", tc.in, d, tc.want)
		}
	}
	if _, err := Parse("r.yaml", []byte("tables:\n  t:\n    c: {kind: datetime, window: 3x}\n")); err == nil || !strings.Contains(err.Error(), "r.yaml:3") {
		t.Errorf("a bad window in the mapping form: %v", err)
	}
}
