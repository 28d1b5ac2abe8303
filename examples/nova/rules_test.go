package nova_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Rows whose anonymization shows which rules applied where: a host name
// in the main database, and the API database's instance_group_policy
// rules (JSON, a per-database rule: the main database's copy of the
// table has no such column).
const rowsMain = `INSERT INTO instances (uuid, hostname, deleted) VALUES ('8c1d1a0e-0d4b-4c36-9a3b-6b7a3f0d2c11', 'web-prod-17.acme.example', 0);
INSERT INTO instance_groups (id, uuid, name, deleted) VALUES (1, 'c3a7f1de-8a8b-4f2e-9d6b-3f6a1e2b9c01', 'db-cluster', 0);
INSERT INTO instance_group_policy (policy, group_id, deleted) VALUES ('anti-affinity', 1, 0);
`

const rowsAPI = `INSERT INTO instance_groups (id, uuid, name, user_id, project_id) VALUES (1, 'c3a7f1de-8a8b-4f2e-9d6b-3f6a1e2b9c01', 'db-cluster', 'u1', 'p1');
INSERT INTO instance_group_policy (policy, rules, group_id) VALUES ('anti-affinity', '{"max_server_per_host": 1, "host": "db-7.acme.example"}', 1);
`

// TestRulesOnEveryDumpShape: the shipped rules, with Nova's real models,
// work on a dump of the main database alone, of the API database alone,
// of both, and with no dump at all; names a dump lacks are warnings, and
// each database's rules rewrite that database's rows.
func TestRulesOnEveryDumpShape(t *testing.T) {
	srv := novaServer(t)
	dbtest.Client(t, srv, "nova", rowsMain)
	dbtest.Client(t, srv, "nova_api", rowsAPI)
	load := novaRules

	t.Run("none", func(t *testing.T) {
		set := load(t)
		warnings, err := set.Validate(nil)
		if err != nil || len(warnings) != 0 {
			t.Fatalf("the rules do not fit the models: %v %v", warnings, err)
		}
		set.Propagate(nil)
		var b bytes.Buffer
		if err := set.WriteYAML(&b); err != nil || !strings.Contains(b.String(), "databases:\n  nova_api:\n") {
			t.Errorf("printout: %v\n%s", err, b.String())
		}
	})

	for _, tc := range []struct {
		name     string
		args     []string
		warnings []string // each must appear
		changed  []string // originals that must be gone
		kept     []string // values that must stay
	}{
		{"main", []string{"nova"},
			[]string{"rules name 11 tables this dump does not have", "rule for instance_group_policy.rules: this dump's table instance_group_policy has no column rules"},
			[]string{"web-prod-17.acme.example", "db-cluster"}, []string{"anti-affinity"}},
		{"api", []string{"nova_api"},
			[]string{"tables this dump does not have", "instance_group_member.instance_id"},
			[]string{"db-7.acme.example", "db-cluster"}, []string{"max_server_per_host", "anti-affinity"}},
		{"both", []string{"--databases", "nova", "nova_api"}, nil,
			[]string{"web-prod-17.acme.example", "db-7.acme.example", "db-cluster"}, []string{"max_server_per_host", "anti-affinity"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dump := dbtest.Dump(t, srv, tc.args...)
			for _, v := range tc.changed {
				if !bytes.Contains(dump, []byte(v)) {
					t.Fatalf("the dump lacks %q to begin with", v)
				}
			}
			set := load(t)
			schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
			if err != nil {
				t.Fatal(err)
			}
			warnings, err := anonymize.Prepare(set, schema)
			if err != nil {
				t.Fatalf("the shipped rules fail on a dump of %s: %v", tc.name, err)
			}
			all := strings.Join(warnings, "\n")
			for _, w := range tc.warnings {
				if !strings.Contains(all, w) {
					t.Errorf("warnings lack %q:\n%s", w, all)
				}
			}
			if tc.warnings == nil && len(warnings) > 0 {
				t.Errorf("unexpected warnings:\n%s", all)
			}
			k, err := anonymize.NewKey([]byte("nova rules test key, 32 bytes..."))
			if err != nil {
				t.Fatal(err)
			}
			eng, err := anonymize.New(anonymize.Options{Rules: set, Key: k, Schema: schema, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			r, _ := sqldump.NewReader(bytes.NewReader(dump))
			var out bytes.Buffer
			w := sqldump.NewWriter(&out)
			if _, err := eng.Run(r, w); err != nil {
				t.Fatal(err)
			}
			w.Close()
			for _, v := range tc.changed {
				if bytes.Contains(out.Bytes(), []byte(v)) {
					t.Errorf("%q survived", v)
				}
			}
			for _, v := range tc.kept {
				if !bytes.Contains(out.Bytes(), []byte(v)) {
					t.Errorf("%q should be kept", v)
				}
			}
		})
	}
}
