// Package nova_test checks the Nova example against real Nova: databases
// made by Debian's nova-manage on a private MariaDB.
package nova_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/internal/nova"
	"github.com/fuzzyduck/fuzzyduck/modelmarkup"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// novaServer starts a private server holding nova (at Nova Zed's first
// alembic revision) and nova_api, made by the real nova-manage.
func novaServer(t *testing.T) *dbserver.Server {
	t.Helper()
	if err := nova.Check(); err != nil {
		t.Fatalf("%v (make test installs it)", err)
	}
	srv := dbtest.Start(t, dbserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := nova.Prepare(ctx, srv, t.TempDir(), nova.Revisions[0]); err != nil {
		t.Fatal(err)
	}
	return srv
}

// novaDump dumps both databases with mariadb-dump.
func novaDump(t *testing.T) []byte {
	t.Helper()
	return dbtest.Dump(t, novaServer(t), "--databases", "nova", "nova_api")
}

// novaRules is the real models' markup with the example rules over it.
func novaRules(t *testing.T) *rules.Set {
	t.Helper()
	set, _, err := modelmarkup.Load(nova.MainModels, nova.APIModels)
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := rules.LoadFile("rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set.Merge(overlay)
	return set
}

// TestMarkupCoversEveryColumn: with the real models and the example rules,
// fuzzy audit finds no unmarked column that looks confidential in the real
// Nova schema, and every rule names a real column.
func TestMarkupCoversEveryColumn(t *testing.T) {
	dump := novaDump(t)
	set := novaRules(t)
	schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		t.Fatalf("the example rules do not fit the real schema: %v", err)
	}
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	rep, err := anonymize.Audit(r, set, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		t.Errorf("unmarked: %s", f)
	}
	if rep.Suspect < 200 {
		t.Errorf("only %d columns look confidential: the audit heuristics are too weak to mean anything", rep.Suspect)
	}
	t.Logf("%d columns, %d look confidential, coverage %.1f%%", rep.Columns, rep.Suspect, rep.Coverage())
}
