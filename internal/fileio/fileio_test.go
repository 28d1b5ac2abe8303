package fileio

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// both runs a test with unnamed outputs (Linux) and with the named
// temp-file fallback.
func both(t *testing.T, fn func(t *testing.T)) {
	for _, named := range []bool{false, true} {
		t.Run(fmt.Sprintf("named=%v", named), func(t *testing.T) {
			old := namedOnly
			namedOnly = named
			defer func() { namedOnly = old }()
			fn(t)
		})
	}
}

func TestCommitAndAbort(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "out.sql")
		os.WriteFile(target, []byte("old"), 0o644)

		f, err := Create(target)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("half")
		f.Abort()
		if b, _ := os.ReadFile(target); string(b) != "old" {
			t.Fatalf("aborted write changed the target: %q", b)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Fatalf("temp file left behind: %v", ents)
		}

		f, err = Create(target)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("new")
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		f.Abort() // no-op after commit
		if b, _ := os.ReadFile(target); string(b) != "new" {
			t.Fatalf("target = %q", b)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Fatalf("temp file left behind: %v", ents)
		}
		// A fresh target (no file to replace), with a secret's mode.
		fresh := filepath.Join(dir, "index")
		f, err = Create(fresh)
		if err != nil {
			t.Fatal(err)
		}
		f.Mode = 0o600
		f.WriteString("fp")
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(fresh)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v (%v)", st.Mode(), err)
		}
	})
}

// While an output is being written, nothing is visible in its directory
// on Linux: a crash cannot leave a partial file.
func TestUnnamedWhileWriting(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("O_TMPFILE is Linux only; the named fallback is tested everywhere")
	}
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "out.sql"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partly anonymized")
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("an output being written is visible: %v (this filesystem refused O_TMPFILE?)", ents)
	}
	f.Abort()
}

func TestScratchReadTwice(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		s, err := CreateScratch(dir)
		if err != nil {
			t.Fatal(err)
		}
		s.WriteString("spooled stdin")
		for range 2 {
			b, err := os.ReadFile(s.Path)
			if err != nil || string(b) != "spooled stdin" {
				t.Fatalf("reread: %q %v", b, err)
			}
		}
		s.Remove()
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("scratch left behind: %v", ents)
		}
	})
}

func TestOpenSize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "in")
	os.WriteFile(p, []byte("12345"), 0o644)
	rc, n, err := Open(p)
	if err != nil || n != 5 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	rc.Close()
	if _, _, err := Open(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("missing file opened")
	}
}

func TestDeviceWrittenInPlace(t *testing.T) {
	f, err := Create(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(os.DevNull)
	if err != nil || st.Mode().IsRegular() {
		t.Fatalf("%s was replaced by a regular file (%v)", os.DevNull, err)
	}
}

// TestSignalRemovesNamedTemp: the fallback's named temp files (an output
// and a scratch file) are removed by SIGINT and SIGTERM, and the process
// exits 128+signal. This test re-runs its own binary as the writer.
func TestSignalRemovesNamedTemp(t *testing.T) {
	if os.Getenv("FILEIO_WRITER") != "" {
		writer(os.Getenv("FILEIO_WRITER"))
		return
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run", "^TestSignalRemovesNamedTemp$")
			cmd.Env = append(os.Environ(), "FILEIO_WRITER="+dir)
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(out).ReadString('\n')
			if line != "writing\n" {
				cmd.Process.Kill()
				t.Fatalf("writer said %q", line)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 2 {
				t.Fatalf("the writer's temp files are not there: %v", ents)
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != 128+int(sig) {
				t.Fatalf("exit: %v, want %d", err, 128+int(sig))
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Fatalf("left behind after %v: %v", sig, ents)
			}
		})
	}
}

func writer(dir string) {
	namedOnly = true
	CleanupOnSignal()
	f, err := Create(filepath.Join(dir, "out.sql"))
	if err != nil {
		panic(err)
	}
	s, err := CreateScratch(dir)
	if err != nil {
		panic(err)
	}
	f.WriteString("partial")
	s.WriteString("stdin")
	fmt.Println("writing")
	time.Sleep(time.Minute)
	io.WriteString(f, "never")
	os.Exit(3)
}

// Rewind discards what was written: the committed file holds only what
// came after; /dev/null rewinds too.
func TestRewind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.sql")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Rewindable() {
		t.Fatal("a new output is not rewindable")
	}
	f.WriteString("first try, to be discarded\n")
	if err := f.Rewind(); err != nil {
		t.Fatal(err)
	}
	f.WriteString("second\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "second\n" {
		t.Fatalf("committed %q", b)
	}
	if f.Rewindable() {
		t.Error("a committed output says it is rewindable")
	}
	null, err := Create(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if err := null.Rewind(); err != nil {
		t.Errorf("/dev/null: %v", err)
	}
	null.Commit()
}
