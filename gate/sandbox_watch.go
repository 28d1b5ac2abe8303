package gate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// The kernel bounds each sandboxed process's address space (RLIMIT_AS)
// and the sandbox's processes (RLIMIT_NPROC counts per user namespace,
// and each sandbox has its own); what it cannot bound without cgroups,
// which are not delegated on every worker (this one has v1 controllers
// owned by its container runtime, CI runners have v2 only under
// systemd), is the memory of all the processes together. A watchdog
// does: every watchInterval it sums the anonymous and shared-memory
// resident pages of the sandbox's processes, read from the sandbox's own
// /proc (through its init's root: only its processes, so a scan costs
// microseconds), and kills the sandbox over the bound. Pages of files
// (the interpreter, libraries) are left out: they are shared and
// reclaimable. It also stops a step that sits at its process bound (a
// fork bomb would otherwise spin until the step's timeout).

// Usage is what a sandboxed step had at its peak.
type Usage struct {
	MemoryMB  float64 `json:"memory_mb"` // resident, all processes together
	Processes int     `json:"processes"` // processes and threads
}

const watchInterval = 50 * time.Millisecond

type watchdog struct {
	stopc chan struct{}
	done  chan struct{}
	mu    sync.Mutex
	peak  Usage
	bound string
}

// startWatchdog watches the sandbox whose init's pid (outside) comes on
// child, until stop.
func startWatchdog(child <-chan int, l SandboxConfig, kill func()) *watchdog {
	w := &watchdog{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(watchInterval)
		defer t.Stop()
		procs := ""
		for {
			if procs == "" {
				select {
				case pid := <-child:
					procs = "/proc/" + strconv.Itoa(pid) + "/root/proc"
				default:
				}
			}
			kb, tasks := sandboxUsage(procs)
			mb := float64(kb) / 1024
			w.mu.Lock()
			w.peak.MemoryMB = max(w.peak.MemoryMB, mb)
			w.peak.Processes = max(w.peak.Processes, tasks)
			switch {
			case w.bound != "":
			case mb > float64(l.MemoryMB):
				w.bound = fmt.Sprintf("exceeded its memory bound (%.0f MB resident > sandbox.memory_mb %d) and was killed", mb, l.MemoryMB)
			case int64(tasks) >= l.Processes:
				w.bound = fmt.Sprintf("reached its process bound (%d processes and threads = sandbox.processes) and was killed", tasks)
			}
			hit := w.bound != ""
			w.mu.Unlock()
			if hit {
				kill()
				return
			}
			select {
			case <-w.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends the watch and says which bound was hit ("" for none).
func (w *watchdog) stop() (string, *Usage) {
	close(w.stopc)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.peak
	return w.bound, &p
}

var hostProcDev = procDev("/proc")

func procDev(p string) uint64 {
	var st syscall.Stat_t
	if syscall.Stat(p, &st) != nil {
		return 0
	}
	return st.Dev
}

// sandboxUsage sums RssAnon + RssShmem (kB) and the threads of every
// process in a sandbox's /proc. Until the sandbox has its own /proc
// (bwrap is still setting up, nothing of the step runs yet) it is zero.
func sandboxUsage(procs string) (kb int64, tasks int) {
	if procs == "" || procDev(procs) == hostProcDev {
		return 0, 0
	}
	ents, err := os.ReadDir(procs)
	if err != nil {
		return 0, 0
	}
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile(procs + "/" + e.Name() + "/status")
		if err != nil {
			continue // gone meanwhile
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			name, val, ok := bytes.Cut(l, []byte(":"))
			if !ok {
				continue
			}
			f := bytes.Fields(val)
			if len(f) == 0 {
				continue
			}
			n, _ := strconv.ParseInt(string(f[0]), 10, 64)
			switch string(name) {
			case "RssAnon", "RssShmem":
				kb += n
			case "Threads":
				tasks += int(n)
			}
		}
	}
	return kb, tasks
}

// allocFailed matches what programs print when an allocation fails.
var allocFailed = regexp.MustCompile(`MemoryError|Cannot allocate memory|std::bad_alloc|(?i:out of memory)|OutOfMemoryError|Resource temporarily unavailable|Cannot fork|fork: retry`)

// hint says which bound a failed step probably ran into: the kernel
// refuses a fork over the process bound and an allocation over the
// address space bound, and the program fails in its own words.
func (l SandboxConfig) hint(peak *Usage, output []byte) string {
	if peak != nil && int64(peak.Processes) >= l.Processes-1 {
		return fmt.Sprintf("at its process bound (sandbox.processes %d)", l.Processes)
	}
	if m := allocFailed.Find(output); m != nil {
		return fmt.Sprintf("after %q: the sandbox allows %d processes and threads and %d MB of address space per process (sandbox.processes, sandbox.address_space_mb)", m, l.Processes, l.AddressSpaceMB)
	}
	return ""
}

// sandboxInit reads the pid of the sandbox's init from bwrap's --info-fd
// JSON.
func sandboxInit(info io.Reader) <-chan int {
	ch := make(chan int, 1)
	go func() {
		var v struct {
			Pid int `json:"child-pid"`
		}
		if json.NewDecoder(info).Decode(&v) == nil && v.Pid > 0 {
			ch <- v.Pid
		}
		io.Copy(io.Discard, info)
	}()
	return ch
}
