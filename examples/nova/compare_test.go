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
// gate's plan (real nova-manage: the example's three revisions, then the
// archive of deleted rows) reads and changes as many rows per step on
// the copy as on the original.
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
	// A quarter of the instances are deleted, with their extra and
	// caches: the archive step moves them to the shadow tables, following
	// the instance uuids.
	for _, q := range []string{
		"UPDATE instances SET deleted = id, deleted_at = NOW(), vm_state = 'deleted' WHERE id % 4 = 0",
		"UPDATE instance_extra e JOIN instances i ON i.uuid = e.instance_uuid SET e.deleted = e.id, e.deleted_at = NOW() WHERE i.deleted <> 0",
		"UPDATE instance_info_caches c JOIN instances i ON i.uuid = c.instance_uuid SET c.deleted = c.id, c.deleted_at = NOW() WHERE i.deleted <> 0",
		"UPDATE instance_metadata m JOIN instances i ON i.uuid = m.instance_uuid SET m.deleted = m.id, m.deleted_at = NOW() WHERE i.deleted <> 0",
	} {
		if _, err := main.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
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
	var changed int64
	for _, st := range a.Steps {
		changed += st.Counters["XInnodb_rows_changed"]
	}
	if read < 200 || changed < 100 {
		t.Errorf("the plan read %d rows and changed %d: the comparison would show little", read, changed)
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
		"maximum_migration_times: {default: 900}\n" +
		"Innodb_rows_read: {default: 100000000}\nXInnodb_rows_changed: {default: 100000000}\n" +
		"plan: {reupgrade: false}\ndrift: off\nstep_timeout: 900\n"
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
	// After the revisions, the archive of deleted rows operators run
	// (exit 1: rows were archived).
	nm := manage + " --config-file " + conf
	migrate := "case {version} in archive) " + nm + " db archive_deleted_rows --until-complete; [ $? -le 1 ];; *) " +
		nm + " api_db sync && " + nm + " db sync --local_cell {version};; esac"
	res, err := gate.Run(ctx, gate.Options{Config: c, Migrate: migrate, Versions: append(append([]string(nil), nova.Revisions...), "archive"),
		Render: []string{tmpl + ":" + conf}, Isolation: "off", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
