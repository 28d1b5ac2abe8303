package gate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fuzzyduck/fuzzyduck/internal/proctree"
)

// Isolation says how migration commands are confined.
type Isolation struct {
	// Mode: "sandbox" (bubblewrap: the command sees only its code tree,
	// the paths it names and the database socket; no network; bounded),
	// "netns" (a new network namespace only: weaker, the command sees the
	// worker's files) or "off".
	Mode string
	// RunAs is the unprivileged user commands run as when gate runs as
	// root ("" keeps the current user).
	RunAs  string
	prefix []string            // netns: the command's prefix
	cred   *syscall.Credential // sandbox: the run-as user, when gate is root
	sb     *sandbox
}

// setupIsolation checks what this machine allows. mode "auto" (or
// "sandbox") requires bubblewrap and user namespaces and fails without
// them; "netns" requires a network namespace; "off" runs commands as they
// are, and the report says so.
func setupIsolation(mode, runAs string) (*Isolation, error) {
	switch mode {
	case "", "auto", "sandbox":
		return setupSandbox(runAs)
	case "netns":
	case "off":
		return &Isolation{Mode: "off"}, nil
	default:
		return nil, fmt.Errorf("--isolation %q: want auto (the sandbox), netns or off", mode)
	}
	iso := &Isolation{Mode: "netns"}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return nil, fmt.Errorf("isolation: unshare(1) not found (apt-get install util-linux), or run with --isolation=off")
	}
	// A PID namespace too, so that stopping the step (killing its init)
	// stops every process it started, even one that left its group.
	iso.prefix = []string{unshare, "--net", "--pid", "--kill-child", "--"}
	if os.Geteuid() != 0 {
		// An unprivileged user can have these namespaces inside a user
		// namespace.
		iso.prefix = []string{unshare, "--net", "--pid", "--kill-child", "--map-root-user", "--"}
	}
	if out, err := exec.Command(iso.prefix[0], append(iso.prefix[1:], "true")...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("isolation: cannot create a network namespace here (%v: %s); run with --isolation=off to run migrations with network", err, strings.TrimSpace(string(out)))
	}
	if os.Geteuid() == 0 && runAs != "" && runAs != "root" {
		setpriv, err := exec.LookPath("setpriv")
		if err == nil {
			if u, err := user.Lookup(runAs); err == nil {
				iso.prefix = append(iso.prefix, setpriv, "--reuid="+u.Uid, "--regid="+u.Gid, "--clear-groups", "--")
				iso.RunAs = runAs
			}
		}
	}
	return iso, nil
}

func (iso *Isolation) String() string {
	switch iso.Mode {
	case "off":
		return "off: migrations ran with the machine's network and files"
	case "sandbox":
		return iso.sb.String()
	}
	s := "network and PID namespaces only (weaker than the sandbox: migrations saw the worker's files and environment; the database over its unix socket)"
	if iso.RunAs != "" {
		s += ", as user " + iso.RunAs
	}
	return s
}

// note is what the report says about a weak isolation ("" for the
// sandbox).
func (iso *Isolation) note() string {
	switch iso.Mode {
	case "off":
		return "isolation was off (--isolation=off): migrations could reach the network and read the worker's files"
	case "netns":
		return "isolation was netns (--isolation=netns), weaker than the sandbox: migrations had no network but could read the worker's world-readable files, and through the database server (not confined in this mode) reach the network, write files and learn the machine's name"
	}
	return ""
}

// close removes what the isolation made (scratch trees).
func (iso *Isolation) close() {
	if iso.sb != nil {
		iso.sb.close()
	}
}

// line is one line of a command's output with when it was seen.
type line struct {
	at   time.Time
	text string
}

type cmdResult struct {
	exit     int
	timedOut bool
	seconds  float64
	output   []byte
	// setup is why the sandbox could not start ("" when it did); bound
	// is the sandbox bound the command went over ("" if none); hint says
	// which bound a failed command probably ran into.
	setup, bound, hint string
	// peak is the most the sandbox saw in use (sandbox only).
	peak *Usage
}

// why says how a failed command ended, for a verdict ("" if it did not
// fail): "exit status 1", "exceeded its memory bound ...".
func (r cmdResult) why() string {
	switch {
	case r.setup != "":
		return "could not start its sandbox: " + r.setup
	case r.bound != "":
		return r.bound
	case r.exit != 0 && r.hint != "":
		return fmt.Sprintf("exit status %d, %s", r.exit, r.hint)
	case r.exit != 0:
		return fmt.Sprintf("exit status %d", r.exit)
	}
	return ""
}

// maxOutput bounds the output kept per command (the rest is counted).
const maxOutput = 64 << 20

// Command is one run of a project command (a migration step, a
// versions-from listing, a drift-check migration): everything the
// confinement needs to know to let it see the right code tree.
type Command struct {
	// Phase is the plan phase it belongs to (trunk, patch, downgrade,
	// reupgrade, ...; "drift" for the drift check).
	Phase string
	// Dir is the phase's code tree: the command runs there.
	Dir string
	// Shell is the command line, placeholders expanded; run by /bin/sh -c.
	Shell string
	// Env is added to gate's environment (database variables); in the
	// sandbox, to a clean one.
	Env     []string
	Timeout time.Duration
}

// command builds the process for c. In the sandbox the step's output
// comes on an extra descriptor (fd 3), so that bwrap's own messages
// (stdout and stderr, into diag) stay apart from it; bwrap tells the pid
// of the sandbox's init on info (fd 4).
func (iso *Isolation) command(c Command, out, info *os.File, diag io.Writer) (*exec.Cmd, error) {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if iso.sb == nil {
		argv := append(append([]string{}, iso.prefix...), "/bin/sh", "-c", c.Shell)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = c.Dir
		cmd.Env = append(os.Environ(), c.Env...)
		cmd.SysProcAttr = attr
		cmd.Stdout, cmd.Stderr = out, out
		return cmd, nil
	}
	argv, err := iso.sb.argv(sandboxStep{Tree: c.Dir, Shell: c.Shell})
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = "/"
	cmd.Env = iso.sb.env(c.Env)
	attr.Credential = iso.cred
	cmd.SysProcAttr = attr
	cmd.Stdout, cmd.Stderr = diag, diag
	cmd.ExtraFiles = []*os.File{out, info}
	// bwrap's messages come through a pipe Go copies from: once bwrap is
	// gone, a process still holding it must not hold up Wait.
	cmd.WaitDelay = killGrace
	return cmd, nil
}

// killGrace is how long a killed command's output may stay open before
// gate closes its end and goes on.
const killGrace = 3 * time.Second

// stopCommand kills a command and waits for it, at most killGrace for
// its output to close: its processes are dead by then, or, if one
// survived out of reach, it no longer holds the run up.
func stopCommand(kill func(), finished <-chan error, output *os.File) error {
	kill()
	select {
	case err := <-finished:
		return err
	case <-time.After(killGrace):
		output.Close()
		return <-finished
	}
}

// run runs a command confined by iso, killing its whole process group at
// its timeout. In the sandbox, a watchdog kills it when it goes over its
// memory or process bound.
// onLine sees every output line as it comes (for markers).
func (iso *Isolation) run(ctx context.Context, c Command, onLine func(line)) cmdResult {
	pr, pw, err := os.Pipe()
	if err != nil {
		return cmdResult{exit: -1, output: []byte("cannot start: " + err.Error() + "\n")}
	}
	defer pr.Close()
	var diag bytes.Buffer
	ir, iw, err := os.Pipe()
	if err != nil {
		pw.Close()
		return cmdResult{exit: -1, output: []byte("cannot start: " + err.Error() + "\n")}
	}
	defer ir.Close()
	cmd, err := iso.command(c, pw, iw, &diag)
	if err != nil {
		pw.Close()
		iw.Close()
		msg := "gate: " + err.Error()
		return cmdResult{exit: -1, setup: err.Error(), output: []byte(msg + "\n")}
	}
	var out []byte
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			l := line{at: time.Now(), text: sc.Text()}
			mu.Lock()
			if len(out) < maxOutput {
				out = append(out, l.text...)
				out = append(out, '\n')
			}
			mu.Unlock()
			if onLine != nil {
				onLine(l)
			}
		}
		io.Copy(io.Discard, pr)
	}()
	start := time.Now()
	res := cmdResult{}
	err = cmd.Start()
	pw.Close()
	iw.Close()
	if err != nil {
		<-done
		return cmdResult{exit: -1, output: []byte("cannot start: " + err.Error() + "\n")}
	}
	var once sync.Once
	kill := func() { once.Do(func() { proctree.Kill(cmd.Process) }) }
	var w *watchdog
	if iso.sb != nil {
		w = startWatchdog(sandboxInit(ir), iso.sb.limits, kill)
	}
	// The command is over when it has exited and its output is closed
	// (by the last process that held it).
	finished := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		<-done
		finished <- err
	}()
	timer := time.NewTimer(c.Timeout)
	defer timer.Stop()
	select {
	case err = <-finished:
	case <-timer.C:
		res.timedOut = true
		err = stopCommand(kill, finished, pr)
	case <-ctx.Done():
		err = stopCommand(kill, finished, pr)
	}
	res.seconds = time.Since(start).Seconds()
	if w != nil {
		res.bound, res.peak = w.stop()
	}
	if err != nil {
		res.exit = -1
		if ee, ok := err.(*exec.ExitError); ok {
			res.exit = ee.ExitCode()
		}
	}
	mu.Lock()
	res.output = out
	mu.Unlock()
	if iso.sb != nil && res.exit != 0 && res.bound == "" {
		res.hint = iso.sb.limits.hint(res.peak, res.output)
	}
	if d := strings.TrimSpace(diag.String()); d != "" {
		// bwrap and prlimit speak only when something is wrong.
		if res.exit != 0 && res.bound == "" && !res.timedOut {
			res.setup = d
			if strings.Contains(d, "Permission denied") && iso.cred != nil {
				res.setup += fmt.Sprintf(" (the sandbox runs as %s, who must be able to reach every path it is shown: make their parent directories searchable, chmod o+x, or choose another --run-as)", iso.RunAs)
			}
		}
		res.output = append(res.output, "gate: sandbox: "+d+"\n"...)
	}
	return res
}

// expand substitutes {placeholders}.
func expand(tmpl string, p map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		name := tmpl[i+1 : i+j]
		if v, ok := p[name]; ok {
			b.WriteString(tmpl[:i])
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[:i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
}
