package rules

import (
	"bytes"
	"errors"
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
		// a typo is an error naming where and the nearest spelling
		{"tables:\n  t:\n    c: email:keyz=1\n", `rules.yaml:3:14: t.c: kind email takes no parameters (found "keyz")`},
		{"tables:\n  t:\n    c: \"json:keys=a;pathz=b\"\n", `rules.yaml:3:21: t.c: kind json has no parameter "pathz"; did you mean paths?`},
		{"tables:\n  t:\n    c: {kind: json, kyes: [a, b]}\n", `rules.yaml:3:21: t.c: kind json has no parameter "kyes"; did you mean keys?`},
		{"tables:\n  t:\n    c: {kyes: a, kind: json}\n", `rules.yaml:3:9: t.c: kind json has no parameter "kyes"; did you mean keys?`},
		{"tables:\n  t:\n    c: hostnam\n", `rules.yaml:3:8: t.c: unknown kind "hostnam"; did you mean hostname?`},
		{"tables:\n  t:\n    c: {note: x}\n", "rules.yaml:3:8: t.c: want {kind: NAME, ...}"},
		{"tables:\n  t:\n    c: fixed\n", "rules.yaml:3:8: t.c: kind fixed needs a value"},
		{"tables:\n  t:\n    c: json:keys=a;keys=b\n", "rules.yaml:3:20: t.c: kind json: parameter keys given twice"},
		{"tabels:\n  x: {}\n", `rules.yaml:1:1: unknown section "tabels" (want tables, databases, relations or lower_case_table_names); did you mean tables?`},
		{"tables:\n  t:\n    a: uuid\n    A: string\n", "rules.yaml:4:5: t.A is given twice (first at rules.yaml:3:5"},
		{"tables:\n  t:\n    a: uuid\n  t:\n    b: uuid\n", "rules.yaml:4:3: table t is given twice (first at rules.yaml:2:3)"},
		{"lower_case_table_names: 1\ntables:\n  T:\n    a: uuid\n  t:\n    b: uuid\n", "rules.yaml:5:3: table t is given twice (first at rules.yaml:3:3)"},
		{"lower_case_table_names: 3\n", "rules.yaml:1:25: lower_case_table_names: want 0, 1 or 2"},
		{"tables:\n  t: &x\n    a: uuid\n  u: *x\n", "rules.yaml:2:6: YAML anchors and aliases are not supported"},
		{"databases:\n  nova_api:\n    tabels: {}\n", `rules.yaml:3:5: database nova_api: unknown key "tabels" (want tables); did you mean tables?`},
		{"databases:\n  nova_api:\n    relations: []\n", "rules.yaml:3:5: database nova_api: relations: go at the top level"},
		{"relations:\n  - {form: a.b, to: c.d}\n", `rules.yaml:2:5: relation: unknown key "form" (want from and to); did you mean from?`},
		{"tables:\n  t:\n    c: [\n", "rules.yaml:3:5: yaml: did not find expected node content"},
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

func TestPhoneCountry(t *testing.T) {
	for _, tc := range []struct {
		in  string
		bad bool
	}{{"phone:country=44", false}, {"phone:country=1", false}, {"phone:country=358", false},
		{"phone:country=+44", true}, {"phone:country=044", true}, {"phone:country=1234", true}, {"phone:country=", true}, {"phone:country=uk", true}} {
		if _, err := ParseKind(tc.in); (err != nil) != tc.bad {
			t.Errorf("%s: error %v, want one: %v", tc.in, err, tc.bad)
		}
	}
}

// Names match as MySQL's do: columns in any case, tables in any case
// only under lower_case_table_names.
func TestNamesMatchAsMySQL(t *testing.T) {
	s, err := Parse("r.yaml", []byte("tables:\n  Users:\n    EMAIL: email\n  shadow_hosts:\n    Name: hostname\n  hosts:\n    ip: ip_address\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Rule("Users", "email"); r == nil || r.Kind.Name != "email" {
		t.Errorf("a rule for EMAIL does not apply to email: %+v", r)
	}
	if r := s.Rule("users", "email"); r != nil {
		t.Errorf("lower_case_table_names=0: Users and users are different tables: %+v", r)
	}
	if r := s.Rule("SHADOW_HOSTS", "IP"); r != nil {
		t.Errorf("table names are case-sensitive: %+v", r)
	}
	if r := s.Rule("shadow_hosts", "IP"); r == nil || r.Kind.Name != "ip_address" {
		t.Errorf("shadow twin, column in another case: %+v", r)
	}
	lc, err := Parse("r.yaml", []byte("lower_case_table_names: 1\ntables:\n  Users:\n    EMAIL: email\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := lc.Rule("users", "Email"); r == nil || r.Kind.Name != "email" || r.Table != "Users" {
		t.Errorf("lower_case_table_names=1: %+v", r)
	}
	// Merging a set that compares tables in any case re-keys the base.
	s.Merge(lc)
	if r := s.Rule("USERS", "email"); r == nil || len(s.TableRules("users")) != 1 {
		t.Errorf("merged: %+v %v", r, s.TableRules("users"))
	}
}

const sectionsYAML = `
tables:
  instance_group_policy:
    policy: string
databases:
  nova_api:
    tables:
      instance_group_policy:
        rules: json
        policy: keep
  nova:
    tables:
      instance_group_policy:
        metadata: text
`

func TestDatabaseSections(t *testing.T) {
	s, err := Parse("r.yaml", []byte(sectionsYAML))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ db, col, want string }{
		{"nova_api", "rules", "json"},
		{"nova_api", "policy", "keep"}, // the section wins
		{"nova", "policy", "string"},   // the rule for every database
		{"nova", "rules", ""},          // another database's section does not apply
		{"nova", "metadata", "text"},
		{"other", "rules", ""},
		{"", "rules", "json"},    // a dump that names no database: every section
		{"", "policy", "string"}, // ... the rule for every database first
		{"", "metadata", "text"},
	} {
		got := ""
		if r := s.RuleIn(tc.db, "instance_group_policy", tc.col); r != nil {
			got = r.Kind.Name
		}
		if got != tc.want {
			t.Errorf("%s.instance_group_policy.%s = %q, want %q", tc.db, tc.col, got, tc.want)
		}
	}
	if !s.HasRules("nova", "instance_group_policy") || s.HasRules("other", "instances") || !s.HasRules("", "instance_group_policy") {
		t.Error("HasRules")
	}
	if s.Len() != 4 {
		t.Errorf("Len = %d", s.Len())
	}
	// Propagation within a section.
	s.Relations = append(s.Relations, Relation{Table: "child", Columns: []string{"rules_copy"}, RefTable: "instance_group_policy", RefColumns: []string{"rules"}})
	s.Propagate(nil)
	if r := s.RuleIn("nova_api", "child", "rules_copy"); r == nil || r.Kind.Name != "json" || r.Via != "instance_group_policy.rules" {
		t.Errorf("propagated in nova_api: %+v", r)
	}
	if r := s.RuleIn("nova", "child", "rules_copy"); r != nil {
		t.Errorf("propagated into nova: %+v", r)
	}
	var b bytes.Buffer
	s.WriteYAML(&b)
	back, err := Parse("printed.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if back.Len() != s.Len() || back.RuleIn("nova_api", "child", "rules_copy") == nil {
		t.Errorf("printout reads back as %d rules, want %d:\n%s", back.Len(), s.Len(), b.String())
	}
}

func TestValidate(t *testing.T) {
	doc := `tables:
  instances:
    hostname: hostname
    HOST: hostname
    internal_id: integer
  agent_builds:
    url: url
  shadow_instances:
    hostname: hostname
databases:
  nova_api:
    tables:
      instance_group_policy:
        rules: json
relations:
  - tags.resource_id -> instances.uuid
`
	models := func() *Set {
		s, err := Parse("r.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		s.Tables["instances"] = []string{"id", "uuid", "hostname", "host", "internal_id"}
		s.Tables["tags"] = []string{"resource_id", "tag"}
		s.Tables["instance_group_policy"] = []string{"id", "rules"}
		s.ColumnsUnknown["agent_builds"] = true
		return s
	}
	// No dump: the models know every name.
	if w, err := models().Validate(nil); err != nil || len(w) != 0 {
		t.Errorf("no dump: %v %v", w, err)
	}
	// Neither models nor a dump: nothing to check against.
	bare, _ := Parse("r.yaml", []byte(doc))
	if w, err := bare.Validate(nil); err != nil || len(w) != 0 {
		t.Errorf("nothing to check against: %v %v", w, err)
	}
	// A dump of the main database alone.
	main := &DumpSchema{Tables: []DumpTable{
		{Name: "instances", Columns: []string{"id", "uuid", "hostname", "host"}},
		{Name: "tags", Columns: []string{"resource_id", "tag"}},
		{Name: "instance_group_policy", Columns: []string{"id", "policy"}},
	}}
	w, err := models().Validate(main)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"r.yaml:5:5: rule for instances.internal_id: this dump's table instances has no column internal_id",
		"r.yaml:6:3: rules name table agent_builds, which this dump does not have",
		"r.yaml:8:3: rules name table shadow_instances, which this dump does not have",
		"r.yaml:14:9: rule for instance_group_policy.rules: this dump's table instance_group_policy has no column rules",
	}
	if strings.Join(w, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(w, "\n"), strings.Join(want, "\n"))
	}
	// Named databases: the section's database is what counts.
	both := &DumpSchema{Tables: []DumpTable{
		{Database: "nova", Name: "instances", Columns: []string{"id", "uuid", "hostname", "host", "internal_id"}},
		{Database: "nova", Name: "shadow_instances", Columns: []string{"id", "hostname"}},
		{Database: "nova", Name: "agent_builds", Columns: []string{"id", "url"}},
		{Database: "nova", Name: "tags", Columns: []string{"resource_id", "tag"}},
		{Database: "nova", Name: "instance_group_policy", Columns: []string{"id", "policy"}},
		{Database: "nova_api", Name: "instance_group_policy", Columns: []string{"id", "rules"}},
	}}
	if w, err := models().Validate(both); err != nil || len(w) != 0 {
		t.Errorf("both databases: %v %v", w, err)
	}
	apiOnly := &DumpSchema{Tables: []DumpTable{{Database: "nova", Name: "instances", Columns: []string{"id", "uuid", "hostname", "host", "internal_id"}}}}
	if w, _ := models().Validate(apiOnly); !strings.Contains(strings.Join(w, "\n"), "r.yaml:11:3: database nova_api: this dump does not have it") {
		t.Errorf("a section for a database the dump lacks: %v", w)
	}
	// Typos: a table or column nothing knows, wherever it is written.
	for _, tc := range []struct{ doc, want string }{
		{"tables:\n  instancez:\n    hostname: hostname\n", "r.yaml:2:3: table instancez is in no model and not in the dump; did you mean instances?"},
		{"tables:\n  instances:\n    hostnme: hostname\n", "r.yaml:3:5: instances.hostnme: table instances has no column hostnme in the models or the dump; did you mean hostname?"},
		{"databases:\n  nova:\n    tables:\n      tagz:\n        tag: string\n", "r.yaml:4:7: table tagz is in no model and not in the dump; did you mean tags?"},
		{"relations:\n  - tags.resource_uuid -> instances.uuid\n", "r.yaml:2:5: tags.resource_uuid: table tags has no column resource_uuid in the models or the dump; did you mean resource_id?"},
		{"tables:\n  agent_builds:\n    anything: url\n  zzz:\n    a: uuid\n", "r.yaml:4:3: table zzz is in no model and not in the dump"},
	} {
		s, err := Parse("r.yaml", []byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		m := models()
		probe := NewSet()
		probe.Tables, probe.ColumnsUnknown = m.Tables, m.ColumnsUnknown
		probe.Merge(s)
		_, err = probe.Validate(main)
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.doc, err, tc.want)
		}
	}
	// No dump: the message says what would help.
	s, _ := Parse("r.yaml", []byte("tables:\n  instancez:\n    hostname: hostname\n"))
	s.Tables = models().Tables
	if _, err := s.Validate(nil); err == nil || !strings.Contains(err.Error(), "r.yaml:2:3: table instancez is in no model (give --dump to check it against a dump that has it); did you mean instances?") {
		t.Errorf("no dump: %v", err)
	}
	// A dump that names no database gets every section: sections must
	// not disagree on a column it has.
	conflict, _ := Parse("r.yaml", []byte("databases:\n  a:\n    tables:\n      t:\n        c: uuid\n  b:\n    tables:\n      t:\n        c: string\n"))
	if _, err := conflict.Validate(&DumpSchema{Tables: []DumpTable{{Name: "t", Columns: []string{"c"}}}}); err == nil || !strings.Contains(err.Error(), "r.yaml:9:9: t.c: databases a and b (r.yaml:5:9) give it different kinds") {
		t.Errorf("conflicting sections: %v", err)
	}
	if _, err := conflict.Validate(&DumpSchema{Tables: []DumpTable{{Database: "a", Name: "t", Columns: []string{"c"}}}}); err != nil {
		t.Errorf("conflicting sections, named dump: %v", err)
	}
}

func TestNearest(t *testing.T) {
	for _, tc := range []struct {
		word  string
		cands []string
		want  string
	}{
		{"instancez", []string{"instances", "instance_faults"}, "instances"},
		{"hsotname", []string{"hostname", "host"}, "hostname"},
		{"ab", []string{"xy"}, ""},
		{"email", []string{"mail", "e_mail"}, "e_mail"},
		{"completely_different", []string{"instances"}, ""},
	} {
		if got := Nearest(tc.word, tc.cands); got != tc.want {
			t.Errorf("Nearest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}
