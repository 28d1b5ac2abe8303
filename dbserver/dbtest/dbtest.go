// Package dbtest gives tests a real, private MariaDB/MySQL server. A server
// that cannot start fails the test with the reason; it never skips.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
)

// Start starts a fresh server for this test; it is closed (and its datadir
// removed) when the test ends, also when the test fails.
func Start(t testing.TB, opts dbserver.Options) *dbserver.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := dbserver.Start(ctx, opts)
	if err != nil {
		t.Fatalf("cannot start a test MariaDB server (the tests need it; run `make test`, which installs mariadb-server): %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing test server: %v", err)
		}
	})
	return s
}

var dbSeq atomic.Int64

// NewDB creates a fresh database on s and returns an open handle plus its
// name. The handle is closed at the end of the test.
func NewDB(t testing.TB, s *dbserver.Server) (*sql.DB, string) {
	t.Helper()
	name := fmt.Sprintf("t%d_%s", dbSeq.Add(1), sanitize(t.Name()))
	if len(name) > 60 {
		name = name[:60]
	}
	dsn, err := s.CreateDatabase(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, name
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// Client runs the command-line client (mariadb, else mysql) against s with
// stdin as input, failing the test on error.
func Client(t testing.TB, s *dbserver.Server, db string, stdin string, extra ...string) string {
	t.Helper()
	out, err := RunTool(s, []string{"mariadb", "mysql"}, stdin, append(extra, db)...)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return out
}

// Dump runs mariadb-dump (else mysqldump) with args against s.
func Dump(t testing.TB, s *dbserver.Server, args ...string) []byte {
	t.Helper()
	out, err := RunTool(s, []string{"mariadb-dump", "mysqldump"}, "", args...)
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return []byte(out)
}

// RunTool runs the first of names found on PATH with the server's client
// arguments followed by args.
func RunTool(s *dbserver.Server, names []string, stdin string, args ...string) (string, error) {
	var bin string
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return "", fmt.Errorf("none of %v on PATH (apt-get install mariadb-client)", names)
	}
	cmd := exec.Command(bin, append(s.ClientArgs(), args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

var shared struct {
	once sync.Once
	s    *dbserver.Server
	err  error
}

// Shared returns a server shared by the tests of one package, started on
// first use. The package's TestMain must call Main so it is stopped.
func Shared(t testing.TB) *dbserver.Server {
	t.Helper()
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared.s, shared.err = dbserver.Start(ctx, dbserver.Options{BufferPoolSize: 128 << 20})
	})
	if shared.err != nil {
		t.Fatalf("cannot start the shared test MariaDB server (the tests need it; run `make test`, which installs mariadb-server): %v", shared.err)
	}
	return shared.s
}

// Main runs the tests and then stops the shared server, if one started.
func Main(m *testing.M) {
	code := m.Run()
	if shared.s != nil {
		shared.s.Close()
	}
	os.Exit(code)
}
