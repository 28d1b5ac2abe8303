package dbserver_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
)

func TestStartQueryClose(t *testing.T) {
	s := dbtest.Start(t, dbserver.Options{BufferPoolSize: 32 << 20})
	db, _ := dbtest.NewDB(t, s)
	var pool int64
	if err := db.QueryRow("SELECT @@innodb_buffer_pool_size").Scan(&pool); err != nil {
		t.Fatal(err)
	}
	if pool != 32<<20 {
		t.Errorf("buffer pool = %d, want %d", pool, 32<<20)
	}
	var networking int
	if err := db.QueryRow("SELECT @@skip_networking").Scan(&networking); err != nil {
		t.Fatal(err)
	}
	if networking != 1 {
		t.Errorf("skip_networking = %d, want 1 (no TCP)", networking)
	}
	dir := s.Dir()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("datadir %s still exists after Close (err=%v)", dir, err)
	}
}

func TestParallelServers(t *testing.T) {
	var wg sync.WaitGroup
	servers := make([]*dbserver.Server, 3)
	errs := make([]error, 3)
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers[i], errs[i] = dbserver.Start(context.Background(), dbserver.Options{})
		}()
	}
	wg.Wait()
	for i, s := range servers {
		if errs[i] != nil {
			t.Fatalf("server %d: %v", i, errs[i])
		}
		defer s.Close()
	}
	// Each is its own server: a table made in one is absent from the others.
	for i, s := range servers {
		dsn, err := s.CreateDatabase(context.Background(), "p")
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("CREATE TABLE x (i int)"); err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
	}
}

func TestRestartKeepsData(t *testing.T) {
	s := dbtest.Start(t, dbserver.Options{})
	db, _ := dbtest.NewDB(t, s)
	if _, err := db.Exec("CREATE TABLE k (i int) ENGINE=InnoDB; INSERT INTO k VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	var i int
	if err := db.QueryRow("SELECT i FROM k").Scan(&i); err != nil || i != 7 {
		t.Fatalf("after restart: i=%d err=%v", i, err)
	}
}

func TestKeepDatadir(t *testing.T) {
	s, err := dbserver.Start(context.Background(), dbserver.Options{KeepDatadir: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(s.Dir())
	if _, err := os.Stat(s.ErrorLog()); err != nil {
		t.Errorf("error log not kept: %v", err)
	}
}

func TestMissingBinary(t *testing.T) {
	_, err := dbserver.Start(context.Background(), dbserver.Options{Binary: "no-such-mariadbd"})
	if !errors.Is(err, dbserver.ErrNoServer) {
		t.Fatalf("err = %v, want ErrNoServer", err)
	}
	if want := "apt-get install mariadb-server"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name the package (%q)", err, want)
	}
}

func TestBadFlagFailsClearly(t *testing.T) {
	_, err := dbserver.Start(context.Background(), dbserver.Options{ExtraFlags: []string{"--no-such-option-xyz=1"}})
	if err == nil {
		t.Fatal("server with a bad flag started")
	}
	if !strings.Contains(err.Error(), "no-such-option-xyz") {
		t.Errorf("error does not show the server's complaint: %v", err)
	}
}
