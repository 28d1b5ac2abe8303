package gate

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
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
// inside. This file builds bwrap's argv from a step; command.go runs it.

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
	scratch   map[string]string // tree -> its scratch copy
}

// systemLinks are the top-level names that are links into /usr on a
// merged-/usr system (or directories to bind read-only on others).
var systemLinks = []string{"bin", "sbin", "lib", "lib32", "lib64", "libx32"}

// etcEntries are the /etc files a Python or shell program needs: the
// dynamic linker, name service files for localhost only, TLS
// certificates, alternatives links, time zone, MIME and service tables.
// passwd, group, hosts, hostname and nsswitch.conf are synthetic.
var etcEntries = []string{
	"ld.so.cache", "ld.so.conf", "ld.so.conf.d", "host.conf", "gai.conf",
	"localtime", "timezone", "ssl/certs", "ssl/openssl.cnf", "ca-certificates.conf",
	"pki/tls/certs", "alternatives", "mime.types", "protocols", "services",
	"os-release", "debian_version", "python3", "python3.9", "python3.10",
	"python3.11", "python3.12", "python3.13",
}

// sandboxHostname is the name a step sees for its machine.
const sandboxHostname = "gate-sandbox"

// writeEtc makes the synthetic /etc files: only root and the step's user
// exist, only localhost resolves.
func (s *sandbox) writeEtc() error {
	dir := filepath.Join(s.base, "etc")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	name := s.user
	passwd := "root:x:0:0:root:/root:/usr/sbin/nologin\n"
	group := "root:x:0:\n"
	if s.uid != 0 {
		passwd += fmt.Sprintf("%s:x:%d:%d:%s:/tmp:/usr/sbin/nologin\n", name, s.uid, s.gid, name)
	}
	if s.gid != 0 {
		group += fmt.Sprintf("%s:x:%d:\n", name, s.gid)
	}
	files := map[string]string{
		"passwd":        passwd,
		"group":         group,
		"hosts":         "127.0.0.1\tlocalhost " + sandboxHostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n",
		"hostname":      sandboxHostname + "\n",
		"nsswitch.conf": "passwd: files\ngroup: files\nshadow: files\nhosts: files\nnetworks: files\nprotocols: files\nservices: files\n",
	}
	for n, text := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(s.base, "empty"), nil, 0o444)
}

// step is what one command may see beyond the run-wide paths.
type sandboxStep struct {
	Tree  string // the code tree ("" for none); the command starts there
	Shell string // the command line (absolute paths in it are bound)
}

// argv is bwrap's command line for a step; the command itself follows
// as /bin/sh -c. Output goes to fd 3 and bwrap's info to fd 4 (see
// command.go), so that bwrap's own messages on stderr stay apart from
// the step's.
func (s *sandbox) argv(st sandboxStep) ([]string, error) {
	l := s.limits
	a := []string{s.bwrap,
		"--unshare-all", "--unshare-user", "--unshare-cgroup-try", "--disable-userns",
		"--uid", strconv.Itoa(s.uid), "--gid", strconv.Itoa(s.gid),
		"--hostname", sandboxHostname,
		"--die-with-parent", "--new-session", "--cap-drop", "ALL", "--info-fd", "4",
		"--ro-bind", "/usr", "/usr",
	}
	for _, n := range systemLinks {
		p := "/" + n
		if target, err := os.Readlink(p); err == nil {
			a = append(a, "--symlink", target, p)
		} else if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			a = append(a, "--ro-bind", p, p)
		}
	}
	a = append(a, "--proc", "/proc", "--dev", "/dev",
		"--size", strconv.FormatInt(64<<20, 10), "--tmpfs", "/dev/shm",
		"--size", strconv.FormatInt(l.TmpMB<<20, 10), "--tmpfs", "/tmp")
	for _, e := range etcEntries {
		p := "/etc/" + e
		if target, err := os.Readlink(p); err == nil {
			a = append(a, "--symlink", target, p)
		} else if _, err := os.Stat(p); err == nil {
			a = append(a, "--ro-bind", p, p)
		}
	}
	etc := filepath.Join(s.base, "etc")
	for _, n := range []string{"group", "hostname", "hosts", "nsswitch.conf", "passwd"} {
		a = append(a, "--ro-bind", filepath.Join(etc, n), "/etc/"+n)
	}
	binds, err := s.binds(st)
	if err != nil {
		return nil, err
	}
	for _, b := range binds {
		a = append(a, b.args()...)
	}
	chdir := "/tmp"
	if st.Tree != "" {
		chdir = absolute(st.Tree)
	}
	a = append(a, "--chdir", chdir, "--",
		s.prlimit,
		"--as="+strconv.FormatInt(l.AddressSpaceMB<<20, 10),
		"--nproc="+strconv.FormatInt(l.Processes, 10),
		"--fsize="+strconv.FormatInt(l.TmpMB<<20, 10),
		"--core=0", "--",
		"/bin/sh", "-c", `exec >&3 2>&3 3>&- 4>&-; exec /bin/sh -c "$1"`, "sh", st.Shell)
	return a, nil
}

// mount is one bind (or mask) in the sandbox.
type mount struct {
	src, dest string
	rw        bool
	mask      bool // an empty directory or file over a protected path
	dir       bool
}

func (m mount) args() []string {
	switch {
	case m.mask && m.dir:
		return []string{"--tmpfs", m.dest, "--remount-ro", m.dest}
	case m.rw:
		return []string{"--bind", m.src, m.dest}
	default:
		return []string{"--ro-bind", m.src, m.dest}
	}
}

// binds lists the step's mounts, parents before children: the tree, the
// paths its command names, the shared paths, the socket, then masks over
// every protected path inside any of them.
func (s *sandbox) binds(st sandboxStep) ([]mount, error) {
	var ms []mount
	seen := map[string]bool{}
	add := func(src, dest string, rw bool) {
		if !seen[dest] {
			seen[dest] = true
			ms = append(ms, mount{src: src, dest: dest, rw: rw})
		}
	}
	if st.Tree != "" {
		tree := absolute(st.Tree)
		st.Tree = tree
		fi, err := os.Stat(tree)
		if err != nil {
			return nil, fmt.Errorf("code tree: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("code tree %s is not a directory", tree)
		}
		if p := s.protectedBy(tree); p != "" {
			// The tree is (inside) something kept from migrations, such
			// as the dataset directory gate defaults to: an empty
			// directory stands in for it.
			ms = append(ms, mount{dest: tree, mask: true, dir: true})
			seen[tree] = true
		} else if s.limits.WritableTree {
			cp, err := s.scratchCopy(tree)
			if err != nil {
				return nil, err
			}
			add(cp, tree, true)
		} else {
			add(tree, tree, false)
		}
	}
	named, err := s.namedPaths(st.Shell, st.Tree)
	if err != nil {
		return nil, err
	}
	for _, p := range append(named, s.shared...) {
		if st.Tree != "" && within(p, st.Tree) {
			continue // already visible
		}
		add(p, p, false)
	}
	if s.socket != "" {
		add(s.socket, s.socket, true)
	}
	// Masks: protected paths under anything bound. A protected file gets
	// an empty file over it, a directory an empty read-only tmpfs.
	var masks []mount
	for _, m := range ms {
		if m.mask {
			continue
		}
		for _, p := range s.protected {
			if p != m.dest && within(p, m.dest) && !seen[p] {
				fi, err := os.Stat(p)
				if err != nil {
					continue
				}
				seen[p] = true
				masks = append(masks, mount{src: filepath.Join(s.base, "empty"), dest: p, mask: true, dir: fi.IsDir()})
			}
		}
	}
	ms = append(ms, masks...)
	sort.SliceStable(ms, func(i, j int) bool { return pathLess(ms[i].dest, ms[j].dest) })
	return ms, nil
}

// pathLess orders paths so that a directory comes before what is in it.
func pathLess(a, b string) bool {
	return strings.ReplaceAll(a, "/", "\x00") < strings.ReplaceAll(b, "/", "\x00")
}

// within reports whether p is dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// absolute is p made absolute and clean.
func absolute(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// resolved is p with its symlinks resolved (p itself when that fails).
func resolved(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

// protectedBy returns the protected path that p is or lies inside ("" if
// none).
func (s *sandbox) protectedBy(p string) string {
	rp := resolved(p)
	for _, q := range s.protected {
		if within(rp, q) || within(p, q) {
			return q
		}
	}
	return ""
}

// sandboxOwn are the paths the sandbox provides itself: a command naming
// them (or what is under /usr, /proc, /dev) needs no bind.
var sandboxOwn = []string{"/usr", "/proc", "/dev"}

// namedPaths are the existing absolute paths a command line names, as
// words or inside words (--config-file=/x, PATH=/a:/b, unix(/x/sock)).
// Naming a protected path, or a directory holding one, is an error: gate
// will not show it. (The code tree may hold one: it is masked there.)
func (s *sandbox) namedPaths(shell, tree string) ([]string, error) {
	var out []string
	fields := strings.FieldsFunc(shell, func(r rune) bool {
		return strings.ContainsRune(" \t\n;|&<>()'\"`=:,", r)
	})
	for _, f := range fields {
		if !strings.HasPrefix(f, "/") {
			continue
		}
		p := filepath.Clean(f)
		switch p {
		case "/", "/tmp", "/etc":
			continue // the sandbox's own
		}
		if _, err := os.Lstat(p); err != nil {
			continue // a path the command makes, or no path at all
		}
		own := false
		for _, d := range sandboxOwn {
			if within(resolved(p), d) {
				own = true
			}
		}
		for _, e := range append(etcEntries, "passwd", "group", "hosts", "hostname", "nsswitch.conf") {
			// The sandbox has its own (a synthetic passwd, not the
			// worker's).
			if within(p, "/etc/"+e) {
				own = true
			}
		}
		if own || p == s.socket {
			continue
		}
		if q := s.protectedBy(p); q != "" {
			return nil, fmt.Errorf("the command names %s, which gate keeps from migrations (it is or is inside %s: the dataset, its seed, the scrub inputs, --out or the database's files)", p, q)
		}
		if tree != "" && within(p, tree) {
			continue // visible with the tree, its protected parts masked
		}
		// A directory holding one of them would show what lies beside it
		// (a key file next to the dataset): name narrower paths.
		for _, q := range s.protected {
			if within(q, resolved(p)) {
				return nil, fmt.Errorf("the command names %s, which holds %s, which gate keeps from migrations (and whatever lies beside it); name the files the migration needs instead", p, q)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// scratchCopy copies a tree once per run into the sandbox's base
// directory, owned by the step's user, leaving out protected paths.
func (s *sandbox) scratchCopy(tree string) (string, error) {
	if cp, ok := s.scratch[tree]; ok {
		return cp, nil
	}
	cp := filepath.Join(s.base, "tree"+strconv.Itoa(len(s.scratch)))
	err := filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != tree && s.protectedBy(p) != "" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(tree, p)
		dst := filepath.Join(cp, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			err = os.Mkdir(dst, info.Mode().Perm()|0o700)
		case d.Type()&fs.ModeSymlink != 0:
			var target string
			if target, err = os.Readlink(p); err == nil {
				err = os.Symlink(target, dst)
			}
		case d.Type().IsRegular():
			err = copyFile(p, dst, info.Mode().Perm())
		default:
			return nil // sockets, devices, fifos stay behind
		}
		if err != nil {
			return err
		}
		return os.Lchown(dst, s.uid, s.gid)
	})
	if err != nil {
		return "", fmt.Errorf("scratch copy of the code tree: %w", err)
	}
	s.scratch[tree] = cp
	return cp, nil
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
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
	s := &sandbox{bwrap: bwrap, prlimit: prlimit, limits: SandboxConfig{}.withDefaults(), uid: os.Getuid(), gid: os.Getgid(), scratch: map[string]string{}}
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
