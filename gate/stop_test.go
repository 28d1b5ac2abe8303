package gate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStopKillsTheWholeStep: a step stopped (by a signal to gate, its
// timeout or a bound) at any moment, even while bwrap is still setting
// up the sandbox, is over within a few seconds and leaves no process
// behind: in the sandbox and in netns mode not even one that left the
// step's process group and tree (setsid in a subshell that exits).
func TestStopKillsTheWholeStep(t *testing.T) {
	// From cancelling before bwrap has cloned its child, through its
	// setup (about 10-30 ms; its init asks to die with its parent only
	// at the end), to the step itself running.
	var delays []time.Duration
	for d := time.Duration(0); d <= 40*time.Millisecond; d += time.Millisecond {
		delays = append(delays, d)
	}
	delays = append(delays, 80*time.Millisecond, 200*time.Millisecond, 500*time.Millisecond)
	for _, mode := range []string{"auto", "netns", "off"} {
		t.Run(mode, func(t *testing.T) {
			iso, err := setupIsolation(mode, "nobody")
			if err != nil {
				t.Fatal(err)
			}
			defer iso.close()
			if err := iso.prepare(sandboxInputs{Socket: "/dev/null"}); err != nil {
				t.Fatal(err)
			}
			for _, d := range delays {
				// Unique sleep lengths mark the step's processes.
				step := fmt.Sprintf("60.%09d", rand.IntN(1e9))
				escapee := fmt.Sprintf("60.%09d", rand.IntN(1e9))
				shell := "sleep " + step
				if mode != "off" {
					// Out of reach of the group and the tree; only the
					// PID namespace holds it.
					shell = "(setsid sleep " + escapee + " &); " + shell
				}
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(d, cancel)
				start := time.Now()
				res := iso.run(ctx, Command{Shell: shell, Timeout: 2 * time.Minute}, nil)
				took := time.Since(start)
				cancel()
				if took > killGrace+5*time.Second {
					t.Errorf("cancelled after %s: the step took %s to stop", d, took)
				}
				if res.exit == 0 {
					t.Errorf("cancelled after %s: exit 0", d)
				}
				var left []string
				for wait := time.Now().Add(2 * time.Second); time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
					if left = append(leftovers(step), leftovers(escapee)...); len(left) == 0 {
						break
					}
				}
				if len(left) > 0 {
					for i, l := range left {
						if len(l) > 100 {
							left[i] = l[:100] + "..."
						}
					}
					t.Errorf("cancelled after %s: left running: %s", d, strings.Join(left, "; "))
					for _, m := range []string{step, escapee} {
						killMarked(m)
					}
				}
			}
		})
	}
}

// TestStopTimeout: a step over its wall time is killed at it, with its
// tree, and says so.
func TestStopTimeout(t *testing.T) {
	for _, mode := range []string{"auto", "netns", "off"} {
		iso, err := setupIsolation(mode, "nobody")
		if err != nil {
			t.Fatal(err)
		}
		defer iso.close()
		iso.prepare(sandboxInputs{Socket: "/dev/null"})
		step := fmt.Sprintf("60.%09d", rand.IntN(1e9))
		start := time.Now()
		res := iso.run(context.Background(), Command{Shell: "echo started; sleep " + step + " & sleep " + step, Timeout: 2 * time.Second}, nil)
		if !res.timedOut || res.exit == 0 || !strings.Contains(string(res.output), "started") {
			t.Errorf("%s: timed out %v, exit %d, output %q", mode, res.timedOut, res.exit, res.output)
		}
		if took := time.Since(start); took > 2*time.Second+killGrace+5*time.Second {
			t.Errorf("%s: a 2 s timeout took %s", mode, took)
		}
		time.Sleep(200 * time.Millisecond)
		if left := leftovers(step); len(left) > 0 {
			t.Errorf("%s: left running: %v", mode, left)
			killMarked(step)
		}
	}
}

// killMarked kills what a failed test left running.
func killMarked(marker string) {
	for _, l := range leftovers(marker) {
		if pid, err := strconv.Atoi(l[:strings.IndexByte(l, ':')]); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
