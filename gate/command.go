package gate

import (
	"bufio"
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
)

// Isolation says how migration commands are confined.
type Isolation struct {
	// Mode: "netns" (a new network namespace: no network but loopback,
	// which is down), or "off".
	Mode string
	// RunAs is the unprivileged user commands run as when gate runs as
	// root ("" keeps the current user).
	RunAs  string
	prefix []string
}

// setupIsolation checks what this machine allows. mode "auto" (or
// "netns") requires a network namespace and fails without one; "off"
// runs commands as they are, and the report says so.
func setupIsolation(mode, runAs string) (*Isolation, error) {
	iso := &Isolation{Mode: mode}
	if mode == "off" {
		return iso, nil
	}
	iso.Mode = "netns"
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return nil, fmt.Errorf("isolation: unshare(1) not found (apt-get install util-linux), or run with --isolation=off")
	}
	iso.prefix = []string{unshare, "--net", "--"}
	if os.Geteuid() != 0 {
		// An unprivileged user can have a network namespace inside a user
		// namespace.
		iso.prefix = []string{unshare, "--net", "--map-root-user", "--"}
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
	if iso.Mode == "off" {
		return "off: migrations ran with the machine's network"
	}
	s := "network namespace without network (database over its unix socket)"
	if iso.RunAs != "" {
		s += ", as user " + iso.RunAs
	}
	return s
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
	// Env is added to gate's environment (database variables).
	Env     []string
	Timeout time.Duration
}

// run runs a command confined by iso, killing its whole process group at
// its timeout. onLine sees every output line as it comes (for markers).
func (iso *Isolation) run(ctx context.Context, c Command, onLine func(line)) cmdResult {
	argv := append(append([]string{}, iso.prefix...), "/bin/sh", "-c", c.Shell)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), c.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
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
	if err := cmd.Start(); err != nil {
		pw.Close()
		<-done
		return cmdResult{exit: -1, output: []byte("cannot start: " + err.Error() + "\n")}
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var err error
	select {
	case err = <-waited:
	case <-time.After(c.Timeout):
		res.timedOut = true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		err = <-waited
	case <-ctx.Done():
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		err = <-waited
	}
	res.seconds = time.Since(start).Seconds()
	pw.Close()
	<-done
	if err != nil {
		res.exit = -1
		if ee, ok := err.(*exec.ExitError); ok {
			res.exit = ee.ExitCode()
		}
	}
	mu.Lock()
	res.output = out
	mu.Unlock()
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
