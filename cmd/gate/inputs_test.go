package main

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// truncated cuts a gzip stream short (its trailer and some data).
func truncated(b []byte) []byte { return b[:len(b)-12] }

const binValues = "name\tZoë Ångström\npassword\tS3cr3t!#&/@:pw\n"

var binSecrets = []string{"Zoë Ångström", "S3cr3t!#&/@:pw"}

// TestScrubGzipAndBinary (finding 3): gzip is inflated and scrubbed (the
// output is plain text), a NUL or a byte that is not UTF-8 next to a
// value hides nothing, and what gate scrub cannot read inside is an
// error, never passed through.
func TestScrubGzipAndBinary(t *testing.T) {
	text := []byte("user Zoë Ångström logged in with S3cr3t!#&/@:pw\n")
	tests := []struct {
		name  string
		input []byte
		stdin bool
		fail  string // the error names this, exit 2, no output left
	}{
		{"gzip on stdin", gz(text), true, ""},
		{"gzip file", gz(text), false, ""},
		{"gzip of gzip", gz(gz(text)), false, ""},
		{"gzip members", append(gz([]byte("first line\n")), gz(text)...), true, ""},
		{"NUL after a value", []byte("\x00\x01Zoë Ångström\x00binary S3cr3t!#&/@:pw\x00x\n"), false, ""},
		{"NUL padding", []byte("S3cr3t!#&/@:pw\x00\x00\x00\x00\nZoë Ångström\x00\x00\n"), true, ""},
		{"bytes not UTF-8", []byte("\xffZoë Ångström\xff \xc3S3cr3t!#&/@:pw\xc3\n"), false, ""},
		{"bzip2", []byte("BZh91AY&SY\x77\x4b\xb0\x14\x00\x00"), false, "bzip2"},
		{"xz", []byte("\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46"), true, "xz"},
		{"zstd", []byte("\x28\xb5\x2f\xfd\x04\x00"), false, "zstd"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), false, "zip"},
		{"xz inside gzip", gz([]byte("\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46")), false, "xz"},
		{"truncated gzip", truncated(gz(bytes.Repeat(text, 200))), false, "gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"v.txt": binValues, "in.log": string(tt.input)})
			args := []string{"scrub", "--values", "v.txt", "-o", "out.log", "in.log"}
			stdin := ""
			if tt.stdin {
				args[len(args)-1], stdin = "-", string(tt.input)
			}
			r := run(t, dir, stdin, gateBin, args...)
			out, err := os.ReadFile(filepath.Join(dir, "out.log"))
			if tt.fail != "" {
				if r.code != 2 || !strings.Contains(r.stderr, tt.fail) || err == nil {
					t.Errorf("exit %d, output left: %v, stderr: %s", r.code, err == nil, r.stderr)
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := recovered(string(out), binSecrets...); len(got) > 0 {
				t.Errorf("recovered %q from %q", got, out)
			}
			if bytes.HasPrefix(out, []byte{0x1f, 0x8b}) {
				t.Errorf("output is gzip, want plain text")
			}
			check := run(t, dir, stdin, gateBin, append([]string{"scrub", "--check"}, args[1:]...)...)
			if check.code != 1 {
				t.Errorf("--check: exit %d, want 1: %s", check.code, check.stderr)
			}
		})
	}
}

// TestScrubInPlaceNothingSkipped (finding 3): --in-place scrubs every
// file, gzip (written back gzipped) and binary ones too, follows links
// inside the tree, and refuses, before changing anything, what it
// cannot scrub in place: a link out of the tree or to nothing, a special
// file; a format it cannot read is an error naming the file.
func TestScrubInPlaceNothingSkipped(t *testing.T) {
	secretLog := "db user Zoë Ångström pw S3cr3t!#&/@:pw\n"
	tree := func(t *testing.T) string {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"v.txt":            binValues,
			"outside.log":      secretLog,
			"d/a.log":          secretLog,
			"d/bin.dat":        "\x00\x01Zoë Ångström\x00binary S3cr3t!#&/@:pw\x00",
			"d/c.log.gz":       string(gz([]byte(secretLog))),
			"d/sub/e.log.gz":   string(gz(gz([]byte(secretLog)))),
			"d/f.log.tmp-1234": secretLog,
		})
		os.Chmod(filepath.Join(dir, "d/a.log"), 0o600)
		if err := os.Symlink("a.log", filepath.Join(dir, "d/link-in.log")); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	files := []string{"a.log", "bin.dat", "c.log.gz", "sub/e.log.gz", "f.log.tmp-1234"}

	t.Run("check finds a secret only a gzip file holds", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"v.txt": binValues, "d/clean.log": "nothing here\n", "d/c.log.gz": string(gz([]byte(secretLog)))})
		if r := run(t, dir, "", gateBin, "scrub", "--values", "v.txt", "--check", "--in-place", "d"); r.code != 1 {
			t.Errorf("--check: exit %d, want 1: %s", r.code, r.stderr)
		}
	})
	for _, via := range []string{"d", "link-to-d"} {
		t.Run("scrubs every file via "+via, func(t *testing.T) {
			dir := tree(t)
			os.Symlink("d", filepath.Join(dir, "link-to-d"))
			r := run(t, dir, "", gateBin, "scrub", "--values", "v.txt", "--in-place", via)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			for _, f := range files {
				b, err := os.ReadFile(filepath.Join(dir, "d", f))
				if err != nil {
					t.Fatal(err)
				}
				if got := recovered(string(b), binSecrets...); len(got) > 0 {
					t.Errorf("%s: recovered %q", f, got)
				}
				if strings.HasSuffix(f, ".gz") && !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
					t.Errorf("%s is no longer gzip", f)
				}
			}
			if st, _ := os.Stat(filepath.Join(dir, "d/a.log")); st.Mode().Perm() != 0o600 {
				t.Errorf("a.log mode %v, want 0600", st.Mode().Perm())
			}
			if fi, _ := os.Lstat(filepath.Join(dir, "d/link-in.log")); fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("link-in.log is no longer a link")
			}
			if r := run(t, dir, "", gateBin, "scrub", "--values", "v.txt", "--check", "--in-place", via); r.code != 0 {
				t.Errorf("--check after scrubbing: exit %d: %s", r.code, r.stderr)
			}
		})
	}
	refused := []struct {
		name  string
		setup func(t *testing.T, dir string)
		names string
	}{
		{"a link out of the tree", func(t *testing.T, dir string) { os.Symlink("../outside.log", filepath.Join(dir, "d/out.log")) }, "out.log"},
		{"a link to nothing", func(t *testing.T, dir string) { os.Symlink("gone.log", filepath.Join(dir, "d/sub/dangling.log")) }, "dangling.log"},
		{"a link to a directory outside", func(t *testing.T, dir string) { os.Symlink("..", filepath.Join(dir, "d/up")) }, "up"},
		{"a named pipe", func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "d/sub/pipe"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "pipe"},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			dir := tree(t)
			tt.setup(t, dir)
			r := run(t, dir, "", gateBin, "scrub", "--values", "v.txt", "--in-place", "d")
			if r.code != 2 || !strings.Contains(r.stderr, tt.names) {
				t.Errorf("exit %d, want 2 naming %s: %s", r.code, tt.names, r.stderr)
			}
			for _, f := range []string{"d/a.log", "outside.log"} {
				if b, _ := os.ReadFile(filepath.Join(dir, f)); string(b) != secretLog {
					t.Errorf("%s changed although the run was refused", f)
				}
			}
		})
	}
	// A file gate scrub cannot read inside is refused before any file
	// changes: those before it in the walk and those after it stay as
	// they were (scrubatk7's finding 16), and a tar, which scrubbing as
	// text would corrupt, is one of them.
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "step.log", Mode: 0o644, Size: int64(len(secretLog))})
	tw.Write([]byte(secretLog))
	tw.Close()
	for name, content := range map[string]string{"d/m.log.xz": "\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46", "d/m.tar": tb.String(), "d/m.tgz": string(gz(tb.Bytes()))} {
		t.Run("refuses "+name+" before changing any file", func(t *testing.T) {
			dir := tree(t)
			writeFiles(t, dir, map[string]string{name: content, "d/z/step.log": secretLog})
			r := run(t, dir, "", gateBin, "scrub", "--values", "v.txt", "--in-place", "d")
			if r.code != 2 || !strings.Contains(r.stderr, name) {
				t.Errorf("exit %d, want 2 naming %s: %s", r.code, name, r.stderr)
			}
			for _, f := range []string{"d/a.log", "d/z/step.log"} {
				if b, _ := os.ReadFile(filepath.Join(dir, f)); string(b) != secretLog {
					t.Errorf("%s changed although the run was refused", f)
				}
			}
		})
	}
	t.Run("an xz file is an error naming it", func(t *testing.T) {
		dir := tree(t)
		writeFiles(t, dir, map[string]string{"d/old.log.xz": "\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46"})
		if r := run(t, dir, "", gateBin, "scrub", "--values", "v.txt", "--in-place", "d"); r.code != 2 || !strings.Contains(r.stderr, "old.log.xz") || !strings.Contains(r.stderr, "xz") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("no other input with --in-place", func(t *testing.T) {
		dir := tree(t)
		if r := run(t, dir, "", gateBin, "scrub", "--values", "v.txt", "--in-place", "d", "outside.log"); r.code != 2 {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "outside.log")); string(b) != secretLog {
			t.Errorf("outside.log changed")
		}
	})
}

// TestScrubInPlaceNotADirectory: --in-place names a directory; a file
// is an error that quotes nothing of it.
func TestScrubInPlaceNotADirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f": "Hunter2Qz9Vk7Lm"})
	r := run(t, dir, "", gateBin, "scrub", "--builtin-only", "--in-place", "f")
	if r.code != 2 || !strings.Contains(r.stderr, "--in-place") || len(recovered(r.stdout+r.stderr, "Hunter2Qz9Vk7Lm")) > 0 {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}
