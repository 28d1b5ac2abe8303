package proctree

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// marked lists the processes whose command line holds marker.
func marked(marker string) []string {
	var got []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && bytes.Contains(b, []byte(marker)) {
			got = append(got, e.Name())
		}
	}
	return got
}

// TestKill: the whole tree dies, also a child that made its own session
// (out of the process group) and one that keeps forking.
func TestKill(t *testing.T) {
	marker := fmt.Sprintf("60.%09d", rand.IntN(1e9))
	script := `setsid sh -c 'sleep ` + marker + `' & sleep ` + marker + ` &
while :; do sleep ` + marker + ` & sleep 0.01; done`
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); len(marked(marker)) < 5 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	Kill(cmd.Process)
	cmd.Wait()
	var left []string
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if left = marked(marker); len(left) == 0 {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("left running: %v", left)
		for _, p := range left {
			var pid int
			fmt.Sscan(p, &pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	// A reaped process is not signalled again (its pid may be reused).
	Kill(cmd.Process)
}
