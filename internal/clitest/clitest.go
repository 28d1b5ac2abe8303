// Package clitest is what the tests of fuzzyduck's commands share: each
// command built once per test binary, and run as a user runs it, its
// standard output, standard error and exit status kept apart.
package clitest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Main is a command test's TestMain: it builds each main package (named
// as go build takes it, from the test's directory) into a temporary
// directory, under the name of the package's directory, sets the
// package's variable to the binary's path, runs the tests and removes the
// binaries. A build that fails stops the test binary with go build's
// output.
func Main(m *testing.M, bins map[*string]string) {
	dir, err := os.MkdirTemp("", "clitest-bin-")
	if err != nil {
		panic(err)
	}
	for bin, pkg := range bins {
		abs, err := filepath.Abs(pkg)
		if err != nil {
			os.RemoveAll(dir)
			panic(err)
		}
		*bin = filepath.Join(dir, filepath.Base(abs))
		if out, err := exec.Command("go", "build", "-o", *bin, pkg).CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			panic(string(out))
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Run runs cmd (its Dir, Env and Stdin are the caller's) and returns what
// it wrote to stdout and stderr and its exit code: a command that exits
// non-zero is a result to check, one that cannot be run fails the test.
func Run(t testing.TB, cmd *exec.Cmd) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}
