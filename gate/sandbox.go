package gate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The sandbox: each project command runs in bubblewrap (bwrap) with new
// user, mount, PID, IPC, UTS, cgroup and network namespaces, as an
// unprivileged user, with no new privileges. It sees /usr and a few /etc
// files read-only, the step's code tree, the paths its command names, the
// rendered config files and the database socket (alone), and writes only
// a private size-limited /tmp (and, when asked, a scratch copy of the
// tree). Everything else on the worker (home directories, /srv, /var, the
// real /tmp, the dataset, the seed, the index, --out) does not exist
// inside. This file: its bounds and setup; sandbox_argv.go builds
// bwrap's argv for a step, sandbox_paths.go decides what paths it shows,
// command.go runs it, sandbox_watch.go watches its bounds.

// SandboxConfig is the dataset config's "sandbox:" section: the bounds of
// one step and what else it may see.
type SandboxConfig struct {
	// MemoryMB bounds the resident memory of all the step's processes
	// together (default 2048); gate kills the step when it goes over.
	MemoryMB int64 `json:"memory_mb" yaml:"memory_mb"`
	// AddressSpaceMB bounds each process's virtual memory (RLIMIT_AS;
	// default 8192; the kernel refuses allocations beyond it).
	AddressSpaceMB int64 `json:"address_space_mb" yaml:"address_space_mb"`
	// Processes bounds the step's processes and threads together
	// (RLIMIT_NPROC inside the sandbox's own user namespace; default 256).
	Processes int64 `json:"processes" yaml:"processes"`
	// TmpMB sizes the private /tmp (tmpfs; default 512); it also bounds
	// any one file the step writes.
	TmpMB int64 `json:"tmp_mb" yaml:"tmp_mb"`
	// WritableTree gives the step a scratch copy of its code tree,
	// writable, at the tree's path (made once per run; the tree itself
	// is never written).
	WritableTree bool `json:"writable_tree" yaml:"writable_tree"`
	// Bind lists more paths the step may read (a virtualenv, a JDK).
	Bind []string `json:"bind" yaml:"bind"`
	// Env names environment variables of gate's passed in (the sandbox
	// starts from a clean environment).
	Env []string `json:"env" yaml:"env"`
}

// Defaults, sane for Nova's nova-manage (about 150 MB resident, one
// process, a few threads).
const (
	DefaultSandboxMemoryMB       = 2048
	DefaultSandboxAddressSpaceMB = 8192
	DefaultSandboxProcesses      = 256
	DefaultSandboxTmpMB          = 512
)

// withDefaults fills the unset bounds.
func (s SandboxConfig) withDefaults() SandboxConfig {
	if s.MemoryMB <= 0 {
		s.MemoryMB = DefaultSandboxMemoryMB
	}
	if s.AddressSpaceMB <= 0 {
		s.AddressSpaceMB = DefaultSandboxAddressSpaceMB
	}
	if s.Processes <= 0 {
		s.Processes = DefaultSandboxProcesses
	}
	if s.TmpMB <= 0 {
		s.TmpMB = DefaultSandboxTmpMB
	}
	return s
}

// sandbox is the run-wide part of the confinement: who the steps run as,
// what every step may see, what none may.
type sandbox struct {
	bwrap, prlimit string
	limits         SandboxConfig
	uid, gid       int
	user           string
	// etc holds the synthetic /etc files (passwd, group, hosts, ...) and
	// an empty file for masking; trees holds scratch copies.
	base string
	// shared are read-only paths every step sees (rendered configs,
	// sandbox.bind); socket is the database's unix socket.
	shared []string
	socket string
	// protected are paths no step may see, even inside its tree.
	protected []string
	scratch   map[string]string  // tree -> its scratch copy
	gitcfg    map[string][]mount // tree -> reduced copies of its git configs
}

// setupSandbox finds bubblewrap, the run-as user, and makes sure a
// sandbox can be made here, with an actionable error when it cannot.
func setupSandbox(runAs string) (*Isolation, error) {
	alt := "or run with --isolation=netns (weaker: no network, but the migration reads the worker's files) or --isolation=off (trusted local runs only)"
	bwrap, err := exec.LookPath("bwrap")
	if err != nil {
		return nil, fmt.Errorf("isolation: bubblewrap (bwrap) not found: install it (apt-get install bubblewrap; scripts/install-deps.sh does), %s", alt)
	}
	prlimit, err := exec.LookPath("prlimit")
	if err == nil {
		prlimit, err = filepath.EvalSymlinks(prlimit)
	}
	if err != nil || !within(prlimit, "/usr") {
		return nil, fmt.Errorf("isolation: prlimit (util-linux) not found under /usr, where the sandbox can run it; install util-linux, %s", alt)
	}
	iso := &Isolation{Mode: "sandbox"}
	s := &sandbox{bwrap: bwrap, prlimit: prlimit, limits: SandboxConfig{}.withDefaults(), uid: os.Getuid(), gid: os.Getgid(), scratch: map[string]string{}, gitcfg: map[string][]mount{}}
	if u, err := user.Current(); err == nil {
		s.user = u.Username
	}
	if os.Geteuid() == 0 && runAs != "" && runAs != "root" {
		u, err := user.Lookup(runAs)
		if err != nil {
			return nil, fmt.Errorf("isolation: --run-as %s: %w", runAs, err)
		}
		s.uid, _ = strconv.Atoi(u.Uid)
		s.gid, _ = strconv.Atoi(u.Gid)
		s.user = u.Username
		iso.cred = &syscall.Credential{Uid: uint32(s.uid), Gid: uint32(s.gid), Groups: []uint32{}}
		iso.RunAs = runAs
	}
	if s.user == "" {
		s.user = "sandbox"
	}
	if s.base, err = os.MkdirTemp("", "gate-sandbox-"); err != nil {
		return nil, fmt.Errorf("isolation: %w", err)
	}
	// The step's user reaches the synthetic files, but cannot list them.
	os.Chmod(s.base, 0o711)
	iso.sb = s
	if err := s.writeEtc(); err != nil {
		s.close()
		return nil, fmt.Errorf("isolation: %w", err)
	}
	res := iso.run(context.Background(), Command{Phase: "check", Shell: "exit 0", Timeout: time.Minute}, nil)
	if res.exit != 0 {
		s.close()
		why := strings.TrimSpace(res.setup)
		if why == "" {
			why = strings.TrimSpace(string(res.output))
		}
		return nil, fmt.Errorf("isolation: bubblewrap cannot make a sandbox here (%s). It needs unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1 (Debian), kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap (Ubuntu 23.10+), user.max_user_namespaces > 0; in a container, a seccomp profile that allows them. Otherwise %s", why, alt)
	}
	return iso, nil
}

// String names the isolation for the report and result.json.
func (s *sandbox) String() string {
	l := s.limits
	tree := "read-only"
	if l.WritableTree {
		tree = "a writable scratch copy"
	}
	return fmt.Sprintf("sandbox (bubblewrap): no network, only the code tree (%s), the paths the command names, the rendered files and the database socket visible, private /tmp of %d MB; as user %s; bounds per step: %d MB memory, %d MB address space per process, %d processes",
		tree, l.TmpMB, s.user, l.MemoryMB, l.AddressSpaceMB, l.Processes)
}

// sandboxInputs is what a run adds to the sandbox once its server is up.
type sandboxInputs struct {
	Limits SandboxConfig
	Socket string   // the database's unix socket ("" for none)
	Shared []string // read-only for every step (rendered files)
	// Protected: never visible (dataset, seed, scrub inputs, --out, the
	// server's directory).
	Protected []string
}

// prepare completes the sandbox for a run.
func (iso *Isolation) prepare(in sandboxInputs) error {
	s := iso.sb
	if s == nil {
		return nil
	}
	s.limits = in.Limits.withDefaults()
	if in.Socket == "" {
		return fmt.Errorf("sandbox: the migration would have no way to the database: the sandbox has no network, so --dsn must name a unix socket (user@unix(/path/to/socket)/), or use --isolation=netns or off")
	}
	for _, p := range in.Protected {
		if p != "" {
			p = absolute(p)
			s.protected = append(s.protected, p, resolved(p))
		}
	}
	s.socket = in.Socket
	for _, p := range in.Shared {
		p = absolute(p)
		if q := s.protectedBy(p); q != "" && q == p {
			return fmt.Errorf("sandbox: %s is kept from migrations (the dataset, its seed, the scrub inputs, --out or the database's files); it cannot also be shown to them", p)
		}
		s.shared = append(s.shared, p)
	}
	for _, p := range s.limits.Bind {
		if !filepath.IsAbs(p) {
			return fmt.Errorf("sandbox.bind: %s is not an absolute path", p)
		}
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("sandbox.bind: %w", err)
		}
		if q := s.protectedBy(p); q != "" {
			return fmt.Errorf("sandbox.bind: %s is or is inside %s, which gate keeps from migrations", p, q)
		}
		s.shared = append(s.shared, filepath.Clean(p))
	}
	return nil
}

// env is the step's whole environment: a clean one, the database
// variables, and the variables the config passes in.
func (s *sandbox) env(extra []string) []string {
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/tmp", "TMPDIR=/tmp", "USER=" + s.user, "LOGNAME=" + s.user, "LANG=C.UTF-8"}
	for _, n := range s.limits.Env {
		if v, ok := os.LookupEnv(n); ok {
			env = append(env, n+"="+v)
		}
	}
	return append(env, extra...)
}

func (s *sandbox) close() {
	if s.base != "" {
		os.RemoveAll(s.base)
	}
}

// sandboxInputsFor gathers a run's sandbox inputs: the rendered files,
// the server's socket, and what must stay out of sight.
func sandboxInputsFor(o Options, e *engine) sandboxInputs {
	c := o.Config
	in := sandboxInputs{Limits: c.Sandbox, Protected: append([]string{c.Dir, c.SeedPath(), e.tmp}, o.Protect...)}
	for _, spec := range o.Render {
		if _, path, ok := strings.Cut(spec, ":"); ok {
			in.Shared = append(in.Shared, path)
		}
	}
	if e.srv != nil {
		in.Protected = append(in.Protected, e.srv.Dir())
	}
	if e.cfg.Net == "unix" {
		in.Socket = e.cfg.Addr
	}
	return in
}
