package clitest

import (
	"os/exec"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		script, stdout, stderr string
		code                   int
	}{
		{"echo out; echo err >&2", "out\n", "err\n", 0},
		{"echo out; echo err >&2; exit 3", "out\n", "err\n", 3},
		{"exit 1", "", "", 1},
	}
	for _, tt := range tests {
		o, e, code := Run(t, exec.Command("sh", "-c", tt.script))
		if o != tt.stdout || e != tt.stderr || code != tt.code {
			t.Errorf("%q: stdout %q, stderr %q, exit %d; want %q, %q, %d", tt.script, o, e, code, tt.stdout, tt.stderr, tt.code)
		}
	}
}
