package gate

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// What a step sees: bwrap's command line, built from the run-wide
// sandbox and the step (its tree, the paths its command names), with
// masks over what must stay out of sight; the synthetic /etc files.

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
		"--proc", "/proc",
	}
	a = s.system(a, l.TmpMB)
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

// system adds what every sandbox (a step's, the server's) sees: /usr and
// its links, a minimal /dev, a private /tmp of tmpMB and the few /etc
// files, passwd and hosts synthetic.
func (s *sandbox) system(a []string, tmpMB int64) []string {
	a = append(a, "--ro-bind", "/usr", "/usr")
	for _, n := range systemLinks {
		p := "/" + n
		if target, err := os.Readlink(p); err == nil {
			a = append(a, "--symlink", target, p)
		} else if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			a = append(a, "--ro-bind", p, p)
		}
	}
	a = append(a, "--dev", "/dev",
		"--size", strconv.FormatInt(64<<20, 10), "--tmpfs", "/dev/shm",
		"--size", strconv.FormatInt(tmpMB<<20, 10), "--tmpfs", "/tmp")
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
	return a
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
			gits, err := s.gitConfigs(tree)
			if err != nil {
				return nil, err
			}
			for _, m := range gits {
				add(m.src, m.dest, false)
			}
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
