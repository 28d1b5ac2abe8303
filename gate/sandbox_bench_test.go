package gate

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
)

// BenchmarkIsolation: what each confinement adds to starting a step
// (a shell that exits at once), to a Python start-up, and to importing
// Nova's nova-manage (thousands of files read through the sandbox's
// mounts).
func BenchmarkIsolation(b *testing.B) {
	for _, mode := range []string{"off", "netns", "auto"} {
		iso, err := setupIsolation(mode, "nobody")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(iso.close)
		if err := iso.prepare(sandboxInputs{Socket: "/dev/null"}); err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct{ name, cmd string }{{"shell", "exit 0"}, {"python", "/usr/bin/python3 -c 'import json'"},
			{"nova-import", "/usr/bin/python3 -c 'import nova.cmd.manage'"}} {
			cmd := c.cmd
			b.Run(mode+"/"+c.name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					res := iso.run(context.Background(), Command{Shell: cmd, Timeout: time.Minute}, nil)
					if res.exit != 0 {
						b.Fatalf("%s: %s %s", mode, res.why(), res.output)
					}
				}
			})
		}
	}
}

// BenchmarkNovaStep: real nova-manage steps (api_db sync, then db sync
// to Nova's first main revision, on fresh databases) under --isolation
// netns, in the sandbox with the server as it is, and in the sandbox
// with the server in its own (what gate runs). Each iteration runs the
// three in turn, so that the machine's load swings hit all alike; the
// metrics are seconds per step in each.
func BenchmarkNovaStep(b *testing.B) {
	manage, err := filepath.Abs("../examples/nova/nova-manage")
	if err != nil {
		b.Fatal(err)
	}
	type setup struct {
		name  string
		iso   *Isolation
		db    *sql.DB
		cmd   string
		total time.Duration
	}
	var setups []*setup
	for _, c := range []struct {
		name, mode string
		confined   bool
	}{{"netns", "netns", false}, {"sandbox-step", "auto", false}, {"sandbox", "auto", true}} {
		iso, err := setupIsolation(c.mode, "nobody")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(iso.close)
		var wrap func(string) []string
		if c.confined {
			wrap = iso.serverWrap()
		}
		srv, err := dbserver.Start(context.Background(), dbserver.Options{BufferPoolSize: 256 << 20, Wrap: wrap})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { srv.Close() })
		os.Chmod(srv.Dir(), 0o755)
		os.Chmod(srv.Socket(), 0o777)
		if err := iso.prepare(sandboxInputs{Socket: srv.Socket()}); err != nil {
			b.Fatal(err)
		}
		conf := filepath.Join(openTempDir(b), "nova.conf")
		url := "mysql+pymysql://root@localhost/%s?unix_socket=" + srv.Socket() + "&charset=utf8mb4"
		os.WriteFile(conf, []byte(fmt.Sprintf("[DEFAULT]\nstate_path = /tmp\n[database]\nconnection = "+url+"\n[api_database]\nconnection = "+url+"\n", "nova", "nova_api")), 0o644)
		db, err := sql.Open("mysql", srv.DSN(""))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		cmd := manage + " --config-file " + conf
		setups = append(setups, &setup{name: c.name, iso: iso, db: db, cmd: cmd + " api_db sync && " + cmd + " db sync --local_cell 8f2f1571d55b"})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range setups {
			b.StopTimer()
			if _, err := s.db.Exec("DROP DATABASE IF EXISTS nova; DROP DATABASE IF EXISTS nova_api; CREATE DATABASE nova; CREATE DATABASE nova_api"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			res := s.iso.run(context.Background(), Command{Shell: s.cmd, Timeout: 10 * time.Minute}, nil)
			s.total += time.Since(start)
			if res.exit != 0 {
				b.Fatalf("%s: %s\n%s", s.name, res.why(), res.output)
			}
		}
	}
	for _, s := range setups {
		b.ReportMetric(s.total.Seconds()/float64(b.N), s.name+"-s/step")
	}
}
