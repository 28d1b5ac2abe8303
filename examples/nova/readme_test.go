package nova_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The README's examples run as written. Its `sh` blocks are run in
// order, in one shell, from a directory that looks like a fresh clone
// after `make demo`: the repository's files, bin/ built, demo-out/ made
// by the pipeline. A block is left out only when the line before it says
// why (`<!-- not run by the README test: REASON -->`); `text` blocks are
// synopses. Nothing here knows the README's sections: it keeps up with
// them as they change.

// readmeBlock is one fenced code block of the README.
type readmeBlock struct {
	line int    // of the opening fence
	lang string // the fence's info string
	text string
	skip string // why it is not run, if it is not
}

var skipMark = regexp.MustCompile(`^<!--\s*not run by the README test:\s*(.*?)\s*-->\s*$`)

func readmeBlocks(path string) ([]readmeBlock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	var body strings.Builder
	prev := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			if cur == nil {
				cur = &readmeBlock{line: n, lang: strings.TrimSpace(strings.TrimPrefix(line, "```"))}
				if m := skipMark.FindStringSubmatch(prev); m != nil {
					cur.skip = m[1]
					if cur.skip == "" {
						cur.skip = "?"
					}
				}
				body.Reset()
			} else {
				cur.text = body.String()
				blocks = append(blocks, *cur)
				cur = nil
			}
		} else if cur != nil {
			body.WriteString(line + "\n")
		}
		prev = line
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: a code block is not closed", path, cur.line)
	}
	return blocks, sc.Err()
}

func isShell(lang string) bool { return lang == "sh" || lang == "bash" || lang == "shell" }

// readmeScript is the README's sh blocks as one bash script; each block
// announces its line on stderr before it runs.
func readmeScript(t *testing.T, root string) (string, int) {
	t.Helper()
	blocks, err := readmeBlocks(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("set -euo pipefail\n")
	n := 0
	for _, bl := range blocks {
		if !isShell(bl.lang) {
			continue
		}
		if bl.skip != "" {
			if bl.skip == "?" {
				t.Errorf("README.md:%d: a block left out of the README test must say why", bl.line)
			}
			continue
		}
		fmt.Fprintf(&b, "echo '@@ README.md:%d' >&2\n%s", bl.line, bl.text)
		n++
	}
	return b.String(), n
}

// TestREADMEBlocks: the README's shell blocks parse as bash, and each
// that is left out says why (the run itself needs make demo's outputs:
// TestPipeline runs it).
func TestREADMEBlocks(t *testing.T) {
	root, _ := filepath.Abs("../..")
	script, n := readmeScript(t, root)
	if n < 5 {
		t.Fatalf("only %d runnable blocks in the README", n)
	}
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the README's shell blocks do not parse: %v\n%s", err, out)
	}
}

// runREADME runs the README's examples after the pipeline left its
// outputs in demo (make demo's demo-out/, smaller).
func runREADME(t *testing.T, root, demo string) {
	script, n := readmeScript(t, root)
	// A fresh clone: the repository's files, bin/ and demo-out/. Not
	// t.TempDir: gate runs nova-manage as an unprivileged user, who must
	// read what the examples render here.
	work, err := os.MkdirTemp("", "readme-")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { t.Logf("README work dir %s", work) }()
	os.Chmod(work, 0o755)
	ls := exec.Command("git", "ls-files")
	ls.Dir = root
	files, err := ls.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	top := map[string]bool{"bin": true}
	for _, f := range strings.Split(strings.TrimSpace(string(files)), "\n") {
		first, _, _ := strings.Cut(f, "/")
		top[first] = true
	}
	for name := range top {
		if name == "demo-out" {
			continue
		}
		if err := os.Symlink(filepath.Join(root, name), filepath.Join(work, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(demo, filepath.Join(work, "demo-out")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = work
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	if err != nil {
		at := "README.md"
		lines := strings.Split(stderr.String(), "\n")
		for i := len(lines) - 1; i >= 0; i-- {
			if rest, ok := strings.CutPrefix(lines[i], "@@ "); ok {
				at = rest
				break
			}
		}
		// What a failed gate run logged (scrubbed), to see why.
		var logs strings.Builder
		paths, _ := filepath.Glob(filepath.Join(work, "*", "logs", "*"))
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				fmt.Fprintf(&logs, "--- %s\n%s\n", strings.TrimPrefix(p, work+"/"), tail(string(b), 15))
			}
		}
		t.Fatalf("%s: the block starting here failed as written (%v):\n%s\n%s\n%s", at, err, tail(stdout.String(), 40), tail(stderr.String(), 60), logs.String())
	}
	t.Logf("%d README blocks ran as written in %s", n, time.Since(start).Round(time.Second))
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"... (" + strconv.Itoa(len(lines)-n) + " lines)"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
