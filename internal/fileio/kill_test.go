package fileio

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKilledCommandsLeaveNothing stops the real fuzzy anonymize, fuzzy
// index, duckface scale and gate scrub (to a file and --in-place) in the
// middle of their work with SIGINT, SIGTERM and SIGKILL, and finds no
// file left in the output directory nor in TMPDIR (where stdin is
// spooled): not even SIGKILL leaves a partial output.
func TestKilledCommandsLeaveNothing(t *testing.T) {
	root, _ := filepath.Abs("../..")
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/fuzzy", "./cmd/duckface", "./cmd/gate", "./bench/gendump")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := t.TempDir()
	dump := filepath.Join(data, "nova.sql")
	// Big enough that every command is still writing when polled.
	if out, err := exec.Command(filepath.Join(bin, "gendump"), "-size", "48M", "-o", dump).CombinedOutput(); err != nil {
		t.Fatalf("gendump: %v\n%s", err, out)
	}
	st, _ := os.Stat(dump)
	rules := filepath.Join(root, "testdata/demo/rules.yaml")
	key := filepath.Join(data, "key")
	os.WriteFile(key, []byte("000102030405060708090a0b0c0d0e0f"), 0o600)
	index := filepath.Join(data, "nova.index")
	if out, err := exec.Command(filepath.Join(bin, "fuzzy"), "index", "--rules", rules, "-o", index, dump).CombinedOutput(); err != nil {
		t.Fatalf("fuzzy index: %v\n%s", err, out)
	}

	type job struct {
		name  string
		args  func(out string) []string
		stdin bool // read the dump from stdin (spooled to TMPDIR)
		// logs: the output directory starts with copies of the dump as
		// logs, scrubbed in place.
		logs bool
		// readOnly: the output is written at the end; the command is
		// stopped while it reads (its input offset is past 10%).
		readOnly bool
	}
	jobs := []job{
		{name: "fuzzy anonymize", args: func(out string) []string {
			return []string{"fuzzy", "anonymize", "--rules", rules, "--key-file", key, "-o", filepath.Join(out, "anon.sql"), dump}
		}},
		{name: "fuzzy anonymize stdin gzip", stdin: true, args: func(out string) []string {
			return []string{"fuzzy", "anonymize", "--rules", rules, "--key-file", key, "-o", filepath.Join(out, "anon.sql.gz"), "-"}
		}},
		{name: "duckface scale", args: func(out string) []string {
			return []string{"duckface", "scale", "--factor", "3", "--rules", rules, "--key-file", key, "-o", filepath.Join(out, "x3.sql"), dump}
		}},
		{name: "fuzzy index", readOnly: true, args: func(out string) []string {
			return []string{"fuzzy", "index", "--rules", rules, "-o", filepath.Join(out, "nova.index"), dump}
		}},
		{name: "gate scrub", args: func(out string) []string {
			return []string{"gate", "scrub", "--index", index, "-o", filepath.Join(out, "scrubbed.log"), dump}
		}},
		{name: "gate scrub --in-place", logs: true, args: func(out string) []string {
			return []string{"gate", "scrub", "--index", index, "--in-place", out}
		}},
	}
	for _, j := range jobs {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
			t.Run(j.name+"/"+sig.String(), func(t *testing.T) {
				out, tmp := t.TempDir(), t.TempDir()
				var logs []string
				if j.logs {
					for i := range 2 {
						p := filepath.Join(out, fmt.Sprintf("step%d.log", i))
						if err := os.Link(dump, p); err != nil {
							copyFile(t, dump, p)
						}
						logs = append(logs, p)
					}
				}
				args := j.args(out)
				cmd := exec.Command(filepath.Join(bin, args[0]), args[1:]...)
				cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
				if j.stdin {
					in, err := os.Open(dump)
					if err != nil {
						t.Fatal(err)
					}
					defer in.Close()
					cmd.Stdin = in
				}
				var stderr strings.Builder
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				pid := cmd.Process.Pid
				var what string
				deadline := time.Now().Add(60 * time.Second)
				for what == "" && time.Now().Before(deadline) {
					if j.readOnly {
						what = readingPast(pid, dump, st.Size()/10)
					} else {
						what = writingInto(pid, out)
					}
					if what == "" {
						time.Sleep(2 * time.Millisecond)
					}
				}
				if what == "" {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("never caught %s mid-run\n%s", j.name, stderr.String())
				}
				cmd.Process.Signal(sig)
				err := cmd.Wait()
				ee, ok := err.(*exec.ExitError)
				if !ok {
					t.Fatalf("%s was not stopped by %v (%v); caught while %s\n%s", j.name, sig, err, what, stderr.String())
				}
				if sig != syscall.SIGKILL && ee.ExitCode() != 128+int(sig) {
					t.Errorf("exit status %d after %v, want %d\n%s", ee.ExitCode(), sig, 128+int(sig), stderr.String())
				}
				for _, dir := range []string{out, tmp} {
					ents, _ := os.ReadDir(dir)
					var left []string
					for _, e := range ents {
						if !contains(logs, filepath.Join(dir, e.Name())) {
							left = append(left, e.Name())
						}
					}
					if len(left) > 0 {
						t.Errorf("%v while %s left %v in %s", sig, what, left, dir)
					}
				}
				t.Logf("stopped while %s", what)
			})
		}
	}
}

// writingInto reports an open file of process pid inside dir with data
// in it (an unnamed output shows as "dir/#NNN (deleted)").
func writingInto(pid int, dir string) string {
	fds := fmt.Sprintf("/proc/%d/fd", pid)
	ents, _ := os.ReadDir(fds)
	for _, e := range ents {
		link, err := os.Readlink(filepath.Join(fds, e.Name()))
		if err != nil || !strings.HasPrefix(link, dir+"/") || strings.HasSuffix(link, ".log") && !strings.Contains(link, "#") {
			continue
		}
		if st, err := os.Stat(filepath.Join(fds, e.Name())); err == nil && st.Size() > 1<<20 {
			return fmt.Sprintf("writing %s (%d bytes so far)", link, st.Size())
		}
	}
	return ""
}

// readingPast reports process pid reading path beyond offset min.
func readingPast(pid int, path string, min int64) string {
	fds := fmt.Sprintf("/proc/%d/fd", pid)
	ents, _ := os.ReadDir(fds)
	for _, e := range ents {
		if link, _ := os.Readlink(filepath.Join(fds, e.Name())); link != path {
			continue
		}
		info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, e.Name()))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "pos:"); ok {
				pos, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				if pos > min {
					return fmt.Sprintf("reading the dump at byte %d", pos)
				}
			}
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
