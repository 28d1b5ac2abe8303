package anonymize_test

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
)

// donorFacts are what the donor's server and dump run leave in a dump
// without anyone planting them: the server's version, its host name,
// its binary log's name and position, its paths, the day of the dump.
// An attacker who knows the tool reads each of them straight from a
// dump that lets them through.
func donorFacts(t *testing.T, s *dbserver.Server) map[string]string {
	t.Helper()
	db, err := sql.Open("mysql", s.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	facts := map[string]string{}
	var version, host, datadir string
	if err := db.QueryRow("SELECT VERSION(), @@hostname, @@datadir").Scan(&version, &host, &datadir); err != nil {
		t.Fatal(err)
	}
	facts["server version"] = version
	if v, _, ok := strings.Cut(version, "-"); ok {
		facts["server version number"] = v
	}
	facts["server host name"] = host
	facts["datadir"] = strings.TrimSuffix(datadir, "/")
	facts["socket"] = s.Socket()
	facts["server dir"] = filepath.Base(s.Dir())
	rows, err := db.Query("SHOW MASTER STATUS")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		facts["binlog file"] = vals[0].String
	}
	rows.Close()
	if facts["binlog file"] == "" {
		t.Fatalf("the donor server has no binary log: --master-data shows nothing")
	}
	if h, err := os.Hostname(); err == nil && len(h) > 3 {
		facts["dumping host name"] = h
	}
	facts["dump day"] = time.Now().UTC().Format("2006-01-02")
	facts["dump day (local)"] = time.Now().Format("2006-01-02")
	return facts
}

// TestAroundTheRowsDonorFacts dumps the donor database with the options a
// donor uses (--master-data=2 --routines --triggers --events --comments
// --dump-date, --where, --system=users,servers,stats) and looks for the
// facts of the donor's server and dump run in the anonymized output.
func TestAroundTheRowsDonorFacts(t *testing.T) {
	s := startDonor(t, "--log-bin=donorbin", "--server-id=7")
	facts := donorFacts(t, s)
	common := []string{"--routines", "--triggers", "--events", "--comments", "--dump-date", "--master-data=2"}
	for _, d := range []struct {
		name string
		args []string
	}{
		{"master-data-2", append(common, "--databases", "shop")},
		{"where", append(common, "--where", "id < 3", "shop", "users", "audit_log")},
		{"system", append(common, "--system=users,servers,stats", "--databases", "shop")},
		{"all-databases", append(common, "--all-databases")},
	} {
		t.Run(d.name, func(t *testing.T) {
			dump := dbtest.Dump(t, s, d.args...)
			seen := 0
			for what, v := range facts {
				if bytes.Contains(dump, []byte(v)) {
					seen++
				} else {
					t.Logf("the original dump does not show the %s", what)
				}
			}
			if seen < 3 {
				t.Fatalf("the original dump shows %d of the donor's facts: the attack is broken", seen)
			}
			out, _, err := anonymizeDumpWith(t, dump, anonymize.Options{System: anonymize.SystemDrop})
			if err != nil {
				t.Fatalf("%v", err)
			}
			low := strings.ToLower(string(out))
			for what, v := range facts {
				if i := strings.Index(low, strings.ToLower(v)); i >= 0 {
					lo, hi := max(0, i-60), min(len(low), i+len(v)+30)
					t.Errorf("the donor's %s survives: ...%s...", what, low[lo:hi])
				}
			}
			for _, f := range attack(t, out) {
				if !strings.Contains(f, "table `gtid_slave_pos`") { // a comment naming the mysql table, whose statements went
					t.Errorf("%s", f)
				}
			}
			if dir := os.Getenv("AROUND_ENV_OUT"); dir != "" {
				os.WriteFile(filepath.Join(dir, d.name+".orig.sql"), dump, 0o644)
				os.WriteFile(filepath.Join(dir, d.name+".anon.sql"), out, 0o644)
			}
		})
	}
}
