package gate

import (
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/scrub"
)

// The test project: testdata/migrator applies numbered SQL steps:
//
//	1 base (the seed is at 1)   2 add a column        3 slow data migration
//	4 index, broken downgrade    5 logs a confidential value
//	6 schema drift              7 leaves the version wrong   8 hangs
var (
	migrator, _ = filepath.Abs("testdata/migrator/migrate.sh")
	nettest, _  = filepath.Abs("testdata/migrator/nettest.sh")
	seed, _     = filepath.Abs("testdata/seed.sql")
)

const secretName, secretHost = "Project Zeus secret box", "vault-01.corp.example.net"

func dataset(t *testing.T, yaml string) *Config { return namedDataset(t, "", yaml) }

// namedDataset is a dataset whose name (its directory's) is fixed, when
// name is set.
func namedDataset(t *testing.T, name, yaml string) *Config {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	os.MkdirAll(dir, 0o755)
	doc := fmt.Sprintf("project: test/migrator\ndatabase: app\ndb_user: app\ndb_pass: Db-Pass-4711\nseed_data: %s\nversion_query: SELECT version FROM schema_version\n%s", seed, yaml)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ownServer is a server gate did not start (for --dsn), reachable by
// the unprivileged user migrations run as.
func ownServer(t *testing.T) *dbserver.Server {
	t.Helper()
	srv, err := dbserver.Start(context.Background(), dbserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	os.Chmod(srv.Dir(), 0o755)
	os.Chmod(srv.Socket(), 0o777)
	return srv
}

func run(t *testing.T, c *Config, migrate string, versions ...string) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := Run(ctx, Options{Config: c, Migrate: migrate, Versions: versions, Dir: filepath.Dir(migrator), RunAs: "nobody",
		Scrub: scrub.Options{Values: []scrub.Value{{Kind: "name", Text: secretName, Source: "values"}, {Kind: "hostname", Text: secretHost, Source: "values"}}}})
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	out := t.TempDir()
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out)
	return res
}

// noSecrets: no artifact holds the dataset's planted secrets or the
// database password.
func noSecrets(t *testing.T, dir string) {
	t.Helper()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, s := range []string{secretName, secretHost, "Db-Pass-4711"} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s contains %q", p, s)
			}
		}
		return nil
	})
}

func messages(r *Result) string { return strings.Join(r.Messages, "\n") }

func TestCleanRun(t *testing.T) {
	c := dataset(t, "plan: {downgrade_to: first-of-release, reupgrade: true}\n")
	r := run(t, c, migrator+" {version} {user}", "1", "2")
	if r.Status != "SUCCESS" {
		t.Fatalf("status %s: %s\n%+v", r.Status, messages(r), r.Notes)
	}
	var names []string
	for _, st := range r.Steps {
		names = append(names, st.Phase+" "+st.Kind+" "+st.Name())
	}
	if got := strings.Join(names, ", "); got != "upgrade upgrade seed->1, upgrade upgrade 1->2, downgrade downgrade 2->1, reupgrade upgrade 1->2" {
		t.Errorf("steps: %s", got)
	}
	if r.FinalVersion != "2" || r.Rows < 3000 || r.LoadBytes == 0 {
		t.Errorf("final version %q, rows %d, loaded %d", r.FinalVersion, r.Rows, r.LoadBytes)
	}
	if !strings.HasPrefix(r.Isolation, "sandbox (bubblewrap)") || r.IsolationMode != "sandbox" {
		t.Errorf("isolation: %s", r.Isolation)
	}
	if !strings.HasPrefix(r.Summary(), "gate-real-db-upgrade_") || !strings.Contains(r.Summary(), " SUCCESS in ") {
		t.Errorf("summary %q", r.Summary())
	}
	// Artifacts.
	out := t.TempDir()
	if err := r.Write(out); err != nil {
		t.Fatal(err)
	}
	var back Result
	b, _ := os.ReadFile(filepath.Join(out, "result.json"))
	if err := json.Unmarshal(b, &back); err != nil || back.Status != "SUCCESS" || len(back.Steps) != 4 || len(back.Phases) != 3 {
		t.Errorf("result.json: %v %s", err, b)
	}
	var suite junitSuite
	b, _ = os.ReadFile(filepath.Join(out, "junit.xml"))
	if err := xml.Unmarshal(b, &suite); err != nil || suite.Tests != 5 || suite.Failures != 0 {
		t.Errorf("junit.xml: %v %+v", err, suite)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if !strings.Contains(string(html), "<svg") || !strings.Contains(string(html), "upgrade 1-&gt;2") {
		t.Errorf("report.html lacks the chart or steps")
	}
	md, _ := os.ReadFile(filepath.Join(out, "summary.md"))
	if !strings.Contains(string(md), "| upgrade 1->2 |") {
		t.Errorf("summary.md:\n%s", md)
	}
	for _, st := range r.Steps {
		if _, err := os.Stat(filepath.Join(out, st.LogFile)); err != nil {
			t.Errorf("log %s: %v", st.LogFile, err)
		}
	}
}

func TestSlowStepIsRemeasured(t *testing.T) {
	c := dataset(t, "maximum_migration_times: {default: 60, \"2->3\": 1}\n")
	r := run(t, c, migrator+" {version} {user}", "1", "2", "3")
	if r.Status != "WARNING" || !strings.Contains(messages(r), "WARNING - Migration 2->3 took too long") {
		t.Fatalf("status %s: %s", r.Status, messages(r))
	}
	last := r.Steps[len(r.Steps)-1]
	if last.Measured != 2 || last.Seconds < 3 {
		t.Errorf("slow step measured %d times, %.1fs", last.Measured, last.Seconds)
	}
	// The SLEEP(3) is in the server's slow query log, which is kept.
	if !strings.Contains(r.SlowLog, "SLEEP(3)") {
		t.Errorf("slow log: %q", r.SlowLog)
	}
	// The re-measurement started from the same state: the UPDATE touched
	// every row once more, not twice.
	if last.Counters["XInnodb_rows_changed"] < 3000 || last.Counters["XInnodb_rows_changed"] > 3100 {
		t.Errorf("rows changed %d", last.Counters["XInnodb_rows_changed"])
	}
}

func TestCounterLimits(t *testing.T) {
	c := dataset(t, "XInnodb_rows_changed: {default: 100000, \"2->3\": 100}\nInnodb_rows_read: {default: 100000, \"2->3\": 1000}\nplan: {remeasure: false}\n")
	r := run(t, c, migrator+" {version} {user}", "1", "2", "3")
	m := messages(r)
	if !strings.Contains(m, "WARNING - Migration 2->3 changed too many rows (30") || !strings.Contains(m, "WARNING - Migration 2->3 read too many rows (30") {
		t.Errorf("messages: %s", m)
	}
}

func TestBrokenDowngrade(t *testing.T) {
	c := dataset(t, "plan: {downgrade_to: first-of-release, remeasure: false}\n")
	r := run(t, c, migrator+" {version} {user}", "1", "4")
	if r.Status != "FAILURE" || !strings.Contains(messages(r), "FAILURE - Migration started but did not end (phase downgrade, step 4->1: exit status 1)") {
		t.Fatalf("status %s: %s", r.Status, messages(r))
	}
	last := r.Steps[len(r.Steps)-1]
	if last.Kind != "downgrade" || !strings.Contains(last.Log, "items_hostname") {
		t.Errorf("downgrade step log: %s", last.Log)
	}
}

func TestHungStepIsKilled(t *testing.T) {
	c := dataset(t, "step_timeout: 8\nplan: {remeasure: false}\n")
	start := time.Now()
	r := run(t, c, migrator+" {version} {user}", "1", "8")
	if r.Status != "FAILURE" || !strings.Contains(messages(r), "FAILURE - Migration started but did not end (phase upgrade, step 1->8: killed after 8s)") {
		t.Fatalf("status %s: %s", r.Status, messages(r))
	}
	if time.Since(start) > 90*time.Second {
		t.Errorf("the hung step was not killed in time")
	}
}

func TestConfidentialValueInLogIsScrubbed(t *testing.T) {
	c := dataset(t, "plan: {remeasure: false}\n")
	r := run(t, c, migrator+" {version} {user}", "1", "5") // run() checks every artifact
	if r.Status != "SUCCESS" {
		t.Fatalf("status %s: %s", r.Status, messages(r))
	}
	log := r.Steps[len(r.Steps)-1].Log
	if !strings.Contains(log, "migrating item: [scrubbed:name:") || !strings.Contains(log, "[scrubbed:hostname:") {
		t.Errorf("the step's log was not scrubbed in place:\n%s", log)
	}
	if r.Scrubbed < 2 {
		t.Errorf("scrubbed = %d", r.Scrubbed)
	}
}

func TestSchemaDrift(t *testing.T) {
	c := dataset(t, "plan: {remeasure: false}\n")
	r := run(t, c, migrator+" {version} {user}", "1", "6")
	if r.Status != "WARNING" || !strings.Contains(messages(r), "WARNING - Schema drift: 1 differences") {
		t.Fatalf("status %s: %s %v", r.Status, messages(r), r.Drift)
	}
	if len(r.Drift) != 1 || !strings.Contains(r.Drift[0], "only in the dataset: index items.items_name") {
		t.Errorf("drift: %v", r.Drift)
	}
	c2 := dataset(t, "drift: fail\nplan: {remeasure: false}\n")
	if r := run(t, c2, migrator+" {version} {user}", "1", "6"); r.Status != "FAILURE" {
		t.Errorf("drift: fail gave %s", r.Status)
	}
}

func TestFinalVersionMismatch(t *testing.T) {
	c := dataset(t, "plan: {remeasure: false}\n")
	r := run(t, c, migrator+" {version} {user}", "1", "7")
	if r.Status != "FAILURE" || !strings.Contains(messages(r), "FAILURE - Final schema version does not match expectation") || r.FinalVersion != "70" {
		t.Fatalf("status %s (%q): %s", r.Status, r.FinalVersion, messages(r))
	}
}

func TestSingleRunSplitAtMarkers(t *testing.T) {
	c := dataset(t, "plan: {remeasure: false}\n")
	r := run(t, c, migrator+" 3 {user}")
	if r.Status != "SUCCESS" || len(r.Steps) != 2 || r.Steps[0].Name() != "1->2" || r.Steps[1].Name() != "2->3" {
		t.Fatalf("status %s, steps %+v: %s", r.Status, r.Steps, messages(r))
	}
	// Counters are read when a marker line is seen, while the command
	// goes on: a step's figures are close, not exact.
	if r.Steps[1].Seconds < 2.5 || r.Steps[1].Counters["XInnodb_rows_changed"] < 1500 {
		t.Errorf("2->3 measured %.1fs, %d rows changed", r.Steps[1].Seconds, r.Steps[1].Counters["XInnodb_rows_changed"])
	}
	// A start without an end.
	r = run(t, c, `echo "1 -> 2..."`)
	if !strings.Contains(messages(r), "FAILURE - Did not find the end of a migration after a start") {
		t.Errorf("unended: %s", messages(r))
	}
	// Alembic's markers.
	c.Markers = Markers{}
	r = run(t, c, `echo "INFO [alembic.runtime.migration] Running upgrade a1 -> b2, add things"; echo "INFO [alembic.runtime.migration] Running upgrade b2 -> c3, more"`)
	if len(r.Steps) != 2 || r.Steps[1].Name() != "b2->c3" {
		t.Errorf("alembic markers: %+v %s", r.Steps, messages(r))
	}
}

// tcpListener listens on 127.0.0.1 until the test ends and counts the
// connections it accepts.
func tcpListener(t *testing.T) (net.Listener, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	return ln, &accepted
}

func TestNoNetworkButDatabase(t *testing.T) {
	ln, accepted := tcpListener(t)
	t.Setenv("GATE_TEST_PORT", fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
	// Sanity: outside the namespace the listener is reachable.
	if c, err := net.Dial("tcp", ln.Addr().String()); err != nil {
		t.Fatal(err)
	} else {
		c.Close()
	}
	time.Sleep(100 * time.Millisecond)
	before := accepted.Load()
	// The sandbox starts from a clean environment: the port is passed in
	// by name.
	c := dataset(t, "plan: {remeasure: false}\nsandbox: {env: [GATE_TEST_PORT]}\n")
	r := run(t, c, nettest+" {version} {user}", "1", "2")
	if r.Status != "SUCCESS" {
		t.Fatalf("status %s: %s", r.Status, messages(r))
	}
	log := r.Steps[1].Log
	if !strings.Contains(log, "tcp: blocked (port "+os.Getenv("GATE_TEST_PORT")+")") || !strings.Contains(log, "1 -> 2...") {
		t.Errorf("step log:\n%s", log)
	}
	if accepted.Load() != before {
		t.Error("the migration reached the TCP listener")
	}
}

func TestSeedProblems(t *testing.T) {
	c := dataset(t, "")
	c.SeedData = filepath.Join(t.TempDir(), "missing.sql")
	if r := run(t, c, migrator+" {version}", "1"); !strings.Contains(messages(r), "FAILURE - Could not find seed database.") {
		t.Errorf("missing seed: %s", messages(r))
	}
	bad := filepath.Join(t.TempDir(), "bad.sql")
	os.WriteFile(bad, []byte("CREATE TABLE t (id int);\nINSERT INTO nope VALUES (1);\n"), 0o644)
	c.SeedData = bad
	r := run(t, c, migrator+" {version}", "1")
	if !strings.Contains(messages(r), "FAILURE - Could not setup seed database.") || len(r.Steps) != 0 {
		t.Errorf("bad seed: %s", messages(r))
	}
}

func TestTurboHipsterConfig(t *testing.T) {
	c, err := LoadConfig("testdata/turbo-hipster")
	if err != nil {
		t.Fatal(err)
	}
	if c.Project != "openstack/nova" || c.Database != "nova_datasets_user_001" || c.DBUser != "nova" || c.LoggingConf != "logging.conf" {
		t.Errorf("config = %+v", c)
	}
	if c.MaxTimes.Limit("133", "134", 0) != 120 || c.MaxTimes.Limit("1", "2", 0) != 60 {
		t.Error("maximum_migration_times")
	}
	lim := c.counterLimits("216", "217")
	if lim["XInnodb_rows_changed"] != 8000000 || lim["Innodb_rows_read"] != 100000 {
		t.Errorf("counter limits: %v", lim)
	}
	if !strings.HasSuffix(c.SeedPath(), "testdata/seed.sql") {
		t.Errorf("seed path %s", c.SeedPath())
	}
	// and it runs
	r := run(t, c, migrator+" {version} {user}", "1", "2")
	if r.Status != "SUCCESS" {
		t.Errorf("turbo-hipster config run: %s %s", r.Status, messages(r))
	}
}

func TestPlaceholdersAndRender(t *testing.T) {
	c := dataset(t, "")
	dir := openTempDir(t) // the step's user reads the rendered file
	tmpl := filepath.Join(dir, "app.conf.in")
	os.WriteFile(tmpl, []byte("[database]\nconnection = {sqlalchemy_url}\nsocket = {socket}\n"), 0o644)
	conf := filepath.Join(dir, "app.conf")
	ctx := context.Background()
	res, err := Run(ctx, Options{Config: c, Migrate: "cat " + conf + "; echo user={user} db={database}; " + migrator + " {version} {user}", Versions: []string{"1", "2"}, Render: []string{tmpl + ":" + conf}, Dir: filepath.Dir(migrator), RunAs: "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	log := res.Steps[1].Log
	if !strings.Contains(log, "connection = mysql+pymysql://app:") || !strings.Contains(log, "user=app db=app") || !strings.Contains(log, "unix_socket=/") {
		t.Errorf("rendered config / placeholders:\n%s", log)
	}
	if strings.Contains(log, "Db-Pass-4711") {
		t.Error("the password placeholder reached the log")
	}
}

func TestPropose(t *testing.T) {
	var samples []Sample
	for i := 0; i < 12; i++ {
		samples = append(samples, Sample{Step: "1->2", Seconds: 10 + float64(i%3), Rows: 1000, Counters: map[string]int64{"Innodb_rows_read": 21000, "XInnodb_rows_changed": 500}})
	}
	samples = append(samples, Sample{Step: "2->3", Seconds: 5}) // too few samples
	props := Propose(samples, 0)
	if len(props) != 1 || props[0].Step != "1->2" {
		t.Fatalf("proposals %+v", props)
	}
	p := props[0]
	if p.Seconds < 42 || p.Seconds > 50 || p.Counters["Innodb_rows_read"] != 30000 || p.Counters["XInnodb_rows_changed"] != 10000 {
		t.Errorf("proposal %+v", p)
	}
	// Scaled to a dataset ten times larger.
	big := Propose(samples, 10000)[0]
	if big.Seconds < 130 || big.Counters["Innodb_rows_read"] != 240000 {
		t.Errorf("scaled proposal %+v", big)
	}
	// One outlier among many barely moves the limit.
	for i := 0; i < 200; i++ {
		samples = append(samples, Sample{Step: "1->2", Seconds: 10 + float64(i%3)})
	}
	samples = append(samples, Sample{Step: "1->2", Seconds: 400})
	if p := Propose(samples, 0)[0]; p.Seconds > 50 {
		t.Errorf("one outlier moved the limit to %.0f", p.Seconds)
	}
}

// TestExistingServer: --dsn runs against a server gate did not start.
func TestExistingServer(t *testing.T) {
	srv := ownServer(t)
	c := dataset(t, "plan: {remeasure: false}\n")
	res, err := Run(context.Background(), Options{Config: c, Migrate: migrator + " {version} {user}", Versions: []string{"1", "2"}, DSN: srv.DSN(""), Dir: filepath.Dir(migrator), RunAs: "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "SUCCESS" || res.Engine != "given server (--dsn)" {
		t.Fatalf("%s on %s: %s", res.Status, res.Engine, messages(res))
	}
	var v int
	conn, _ := sql.Open("mysql", srv.DSN("app"))
	defer conn.Close()
	if err := conn.QueryRow("SELECT version FROM schema_version").Scan(&v); err != nil || v != 2 {
		t.Errorf("the given server's database is at %d (%v)", v, err)
	}
}
