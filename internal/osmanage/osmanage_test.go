package osmanage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tool that fails says which one, with what arguments, and what it
// printed; the files are where Env says.
func TestManageFails(t *testing.T) {
	dir := t.TempDir()
	e, err := NewEnv(dir, "nosuchproject", "x.conf", "[DEFAULT]\n")
	if err != nil {
		t.Fatal(err)
	}
	if e.Script != filepath.Join(dir, "nosuchproject-manage") || e.Conf != filepath.Join(dir, "x.conf") {
		t.Fatalf("env = %+v", e)
	}
	if b, err := os.ReadFile(e.Conf); err != nil || string(b) != "[DEFAULT]\n" {
		t.Fatalf("conf = %q, %v", b, err)
	}
	out, err := e.Manage(context.Background(), "db", "sync")
	if err == nil {
		t.Fatal("a wrapper of a missing module ran")
	}
	if !strings.HasPrefix(err.Error(), "nosuchproject-manage [db sync]: ") || !strings.Contains(string(out), "No module named 'nosuchproject'") {
		t.Errorf("err = %v\nout = %s", err, out)
	}
}

func TestURL(t *testing.T) {
	if got, want := URL("/tmp/s.sock", "nova"), "mysql+pymysql://root@localhost/nova?unix_socket=/tmp/s.sock&charset=utf8mb4"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}
