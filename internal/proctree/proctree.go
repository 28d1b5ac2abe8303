// Package proctree stops a process and everything it started, also what
// left its process group or runs in a PID namespace of its own.
package proctree

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// Killing a process group is not enough: a sandbox's init (bubblewrap's
// child) and whatever a command starts with setsid are in groups of
// their own, and bubblewrap's child only asks to die with its parent
// (PR_SET_PDEATHSIG) once its setup is done, so one killed while bwrap
// sets up runs on, orphaned. So Kill stops the whole tree top-down with
// SIGSTOP (a stopped process forks no more and reaps nothing, so the
// pids it holds stay its own), waits until each level has stopped, and
// only then kills them all. When the tree holds the init of a PID
// namespace, the kernel kills everything in the namespace with it, even
// a process that left the tree.

// stopWait bounds how long Kill waits for one level of the tree to stop
// (a process in uninterruptible sleep stops when the kernel lets it).
const stopWait = 500 * time.Millisecond

// Kill kills p (the caller's child, signalled through p to be sure it
// is still that process), its process group and all its descendants.
func Kill(p *os.Process) {
	if p.Signal(syscall.SIGSTOP) != nil {
		return // already reaped: its pid may be another process's now
	}
	tree := stopTree(p.Pid)
	syscall.Kill(-p.Pid, syscall.SIGKILL)
	p.Signal(syscall.SIGKILL)
	for _, pid := range tree[1:] {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// stopTree stops the descendants of root (already sent SIGSTOP) a level
// at a time and returns root and them.
func stopTree(root int) []int {
	tree := []int{root}
	level := []int{root}
	seen := map[int]bool{root: true}
	for len(level) > 0 {
		waitStopped(level)
		inLevel := map[int]bool{}
		for _, pid := range level {
			inLevel[pid] = true
		}
		var next []int
		for pid, ppid := range parents() {
			if inLevel[ppid] && !seen[pid] {
				seen[pid] = true
				syscall.Kill(pid, syscall.SIGSTOP)
				next = append(next, pid)
			}
		}
		tree = append(tree, next...)
		level = next
	}
	return tree
}

// waitStopped waits (at most stopWait) until every thread of the pids
// has stopped or is gone.
func waitStopped(pids []int) {
	deadline := time.Now().Add(stopWait)
	for _, pid := range pids {
		for !stopped(pid) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
}

// stopped reports whether every thread of pid is stopped, a zombie or
// gone.
func stopped(pid int) bool {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	ents, err := os.ReadDir(dir)
	if err != nil {
		return true
	}
	for _, e := range ents {
		if s := procState(dir + "/" + e.Name() + "/stat"); s != 0 && s != 'T' && s != 't' && s != 'Z' && s != 'X' {
			return false
		}
	}
	return true
}

// procState is the state letter in a /proc stat file (0 when gone).
func procState(path string) byte {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	// pid (comm) S ppid ...: comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0
	}
	return b[i+2]
}

// Children are the processes whose parent is pid.
func Children(pid int) []int {
	var c []int
	for p, pp := range parents() {
		if pp == pid {
			c = append(c, p)
		}
	}
	return c
}

// parents maps every process on the machine to its parent.
// (/proc/PID/task/TID/children needs CONFIG_PROC_CHILDREN, which not
// every kernel has.)
func parents() map[int]int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	m := make(map[int]int, len(ents))
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(b[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(string(f[1])); err == nil {
			m[pid] = ppid
		}
	}
	return m
}
