package nova_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/examples/nova/novadata"
	"github.com/fuzzyduck/fuzzyduck/gate"
	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
	"github.com/fuzzyduck/fuzzyduck/internal/gatecmp"
	"github.com/fuzzyduck/fuzzyduck/internal/nova"
)

// TestAnonymizedNovaTestsTheSame: the anonymized Nova dump is worth
// testing on. Ids inside instance_extra's JSON still join instances, and
// gate's plan (real nova-manage, the example's three revisions) reads and
// changes as many rows per step on the copy as on the original.
func TestAnonymizedNovaTestsTheSame(t *testing.T) {
	if err := nova.Check(); err != nil {
		t.Fatalf("%v (make test installs it)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	srv := dbtest.Start(t, dbserver.Options{})
	if _, err := nova.Prepare(ctx, srv, t.TempDir(), nova.Revisions[0]); err != nil {
		t.Fatal(err)
	}
	main, err := sql.Open("mysql", srv.DSN("nova"))
	if err != nil {
		t.Fatal(err)
	}
	defer main.Close()
	api, err := sql.Open("mysql", srv.DSN("nova_api"))
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	if _, err := novadata.Fill(ctx, main, api, novadata.Options{Instances: 60, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	orig := dbtest.Dump(t, srv, "--single-transaction", "--databases", "nova", "nova_api")
	anon := dumptest.Anonymize(t, orig, "nova-compare-key-0123456789abcdef", "rules.yaml", nova.MainModels, nova.APIModels)

	// The instance named inside numa_topology is the row's own, and one
	// of instances'.
	instances := map[string]bool{}
	rows := dumptest.Rows(t, anon, "instances")
	for _, r := range rows {
		instances[r["uuid"]] = true
	}
	extra := dumptest.Rows(t, anon, "instance_extra")
	joined := 0
	for _, r := range extra {
		var topo struct {
			Data struct {
				InstanceUUID string `json:"instance_uuid"`
			} `json:"nova_object.data"`
		}
		if err := json.Unmarshal([]byte(r["numa_topology"]), &topo); err != nil {
			t.Fatalf("numa_topology %q: %v", r["numa_topology"], err)
		}
		if topo.Data.InstanceUUID == r["instance_uuid"] && instances[topo.Data.InstanceUUID] {
			joined++
		}
	}
	if joined != len(extra) || joined < 60 {
		t.Errorf("%d of %d instance_extra rows name their own instance inside numa_topology", joined, len(extra))
	}

	a, b := novaGate(t, ctx, orig), novaGate(t, ctx, anon)
	t.Logf("gate on the original and on the anonymized dump:\n%s", gatecmp.Table(a, b))
	if a.Status != "SUCCESS" || b.Status != "SUCCESS" {
		t.Fatalf("gate: %s on the original (%v), %s on the copy (%v)", a.Status, a.Messages, b.Status, b.Messages)
	}
	var read int64
	for _, st := range a.Steps {
		read += st.Counters["Innodb_rows_read"]
	}
	if read < 1000 {
		t.Errorf("the plan read %d rows: the comparison would show nothing", read)
	}
	for _, d := range gatecmp.Compare(a, b, 0.02, 20) {
		t.Error(d)
	}
}

// novaGate runs the example's gate plan on dump.
func novaGate(t *testing.T, ctx context.Context, dump []byte) *gate.Result {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nova.sql"), dump, 0o644); err != nil {
		t.Fatal(err)
	}
	// examples/nova/gate.yaml's dataset, with limits no step reaches on
	// a loaded machine: a step over its limit is measured again, and the
	// two runs must have the same steps.
	cfg := "project: openstack/nova\ntype: mysql\ndatabase: nova\ndb_user: nova\ndb_pass: gate-example-pass\nseed_data: nova.sql\n" +
		"version_query: SELECT version_num FROM alembic_version\nmaximum_migration_times: {default: 900}\n" +
		"Innodb_rows_read: {default: 100000000}\nXInnodb_rows_changed: {default: 100000000}\n" +
		"plan: {downgrade: false, idempotence: true}\ndrift: off\nstep_timeout: 900\n"
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := gate.LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	manage, _ := filepath.Abs("nova-manage")
	tmpl, _ := filepath.Abs("nova.conf.in")
	conf := filepath.Join(dir, "nova.conf")
	// --local_cell: cell0's mapping names the donor's cell0 database,
	// which is not in the dump.
	migrate := manage + " --config-file " + conf + " api_db sync && " + manage + " --config-file " + conf + " db sync --local_cell {version}"
	res, err := gate.Run(ctx, gate.Options{Config: c, Migrate: migrate, Versions: nova.Revisions,
		Render: []string{tmpl + ":" + conf}, Isolation: "off", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
