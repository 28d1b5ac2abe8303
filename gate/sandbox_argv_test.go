package gate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testSandbox is a sandbox over a fixture: a code tree, a dataset with
// its seed, an --out, a rendered config and a socket path.
func testSandbox(t testing.TB) (*sandbox, map[string]string) {
	root := t.TempDir()
	p := map[string]string{
		"tree":    filepath.Join(root, "src"),
		"inner":   filepath.Join(root, "src", "datasets", "nova"), // a dataset inside the tree
		"dataset": filepath.Join(root, "ds"),
		"seed":    filepath.Join(root, "ds", "seed.sql"),
		"out":     filepath.Join(root, "src", "gate-out"),
		"conf":    filepath.Join(root, "etc", "nova.conf"),
		"sock":    filepath.Join(root, "db", "mysqld.sock"),
		"tool":    filepath.Join(root, "bin", "manage"),
		"link":    filepath.Join(root, "bin", "seed-link"),
	}
	for _, d := range []string{"tree", "inner", "dataset", "out"} {
		os.MkdirAll(p[d], 0o755)
	}
	for _, f := range []string{"seed", "conf", "sock", "tool"} {
		os.MkdirAll(filepath.Dir(p[f]), 0o755)
		os.WriteFile(p[f], []byte("x"), 0o644)
	}
	os.Symlink(p["seed"], p["link"])
	s := &sandbox{bwrap: "/usr/bin/bwrap", prlimit: "/usr/bin/prlimit", limits: SandboxConfig{}.withDefaults(),
		uid: 65534, gid: 65534, user: "nobody", base: t.TempDir(), scratch: map[string]string{}, gitcfg: map[string][]mount{}}
	if err := s.writeEtc(); err != nil {
		t.Fatal(err)
	}
	iso := &Isolation{Mode: "sandbox", sb: s}
	if err := iso.prepare(sandboxInputs{Socket: p["sock"], Shared: []string{p["conf"]},
		Protected: []string{p["dataset"], p["seed"], p["inner"], p["out"]}}); err != nil {
		t.Fatal(err)
	}
	return s, p
}

func TestSandboxBinds(t *testing.T) {
	s, p := testSandbox(t)
	cases := []struct {
		name, tree, shell string
		want              []string // "ro SRC", "rw SRC", "mask DEST" in order
		err               string
	}{
		{"tree, named tool and config", p["tree"], p["tool"] + " --config-file=" + p["conf"] + " db sync",
			[]string{"ro " + p["conf"], "ro " + p["tool"], "rw " + p["sock"], "ro " + p["tree"], "mask " + p["inner"], "mask " + p["out"]}, ""},
		{"no tree; system paths, the sandbox's /etc files, /tmp and missing paths are not bound", "", "/usr/bin/python3 /tmp /nonexistent/x /etc/passwd /etc/hosts; cd / && " + p["tool"],
			[]string{"ro " + p["conf"], "ro " + p["tool"], "rw " + p["sock"]}, ""},
		{"paths inside words", "", "PATH=" + filepath.Dir(p["tool"]) + ":/usr/bin DSN='app@unix(" + p["sock"] + ")/app' x,\"" + p["conf"] + "\"",
			// (bin's link to the seed points at nothing in the sandbox)
			[]string{"ro " + filepath.Dir(p["tool"]), "ro " + p["conf"], "rw " + p["sock"]}, ""},
		{"the dataset as tree is an empty directory", p["dataset"], "./migrate",
			[]string{"mask " + p["dataset"], "ro " + p["conf"], "rw " + p["sock"]}, ""},
		{"naming the seed", "", "cat " + p["seed"], nil, "names " + p["seed"] + ", which gate keeps from migrations"},
		{"naming the seed through a link", "", "cat " + p["link"], nil, "names " + p["link"] + ", which gate keeps"},
		{"naming a directory holding the dataset", "", "ls " + filepath.Dir(p["dataset"]), nil, "which gate keeps"},
		{"naming the tree that holds --out", p["tree"], "PYTHONPATH=" + p["tree"] + " " + p["tree"] + "/manage",
			[]string{"ro " + p["conf"], "rw " + p["sock"], "ro " + p["tree"], "mask " + p["inner"], "mask " + p["out"]}, ""},
		{"naming --out inside the tree", p["tree"], "cat " + p["out"], nil, "names " + p["out"] + ", which gate keeps"},
		{"naming what does not exist inside a hidden --out", p["tree"], "cat " + p["out"] + "/result.json",
			[]string{"ro " + p["conf"], "rw " + p["sock"], "ro " + p["tree"], "mask " + p["inner"], "mask " + p["out"]}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := s.binds(sandboxStep{Tree: tc.tree, Shell: tc.shell})
			if tc.err != "" || err != nil {
				if err == nil || !strings.Contains(err.Error(), tc.err) || tc.err == "" {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			var got []string
			for _, m := range ms {
				switch {
				case m.mask:
					got = append(got, "mask "+m.dest)
				case m.rw:
					got = append(got, "rw "+m.src)
				default:
					got = append(got, "ro "+m.src)
				}
				if !m.mask && m.src != m.dest && !s.limits.WritableTree {
					t.Errorf("%s bound at %s", m.src, m.dest)
				}
			}
			sortMounts(got)
			want := append([]string(nil), tc.want...)
			sortMounts(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("mounts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			// Parents before what is in them.
			for i := range ms {
				for j := i + 1; j < len(ms); j++ {
					if within(ms[i].dest, ms[j].dest) && ms[i].dest != ms[j].dest {
						t.Errorf("%s comes before its parent %s", ms[i].dest, ms[j].dest)
					}
				}
			}
		})
	}
}

func sortMounts(l []string) {
	for i := range l {
		for j := i + 1; j < len(l); j++ {
			if l[j] < l[i] {
				l[i], l[j] = l[j], l[i]
			}
		}
	}
}

// TestSandboxArgv: the namespaces, the user, the bounds, and nothing of
// the machine but /usr, the links into it and the /etc files listed.
func TestSandboxArgv(t *testing.T) {
	s, p := testSandbox(t)
	a, err := s.argv(sandboxStep{Tree: p["tree"], Shell: "./migrate 2"})
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(a, " ")
	for _, want := range []string{"--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
		"--uid 65534 --gid 65534", "--hostname " + sandboxHostname, "--size 536870912 --tmpfs /tmp", "--proc /proc", "--dev /dev",
		"--chdir " + p["tree"] + " -- /usr/bin/prlimit --as=8589934592 --nproc=256 --fsize=536870912 --core=0 --",
		"--ro-bind " + filepath.Join(s.base, "etc", "passwd") + " /etc/passwd"} {
		if !strings.Contains(line, want) {
			t.Errorf("argv lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "--share-net") || strings.Contains(line, "--dev-bind") {
		t.Errorf("argv shares the network or devices:\n%s", line)
	}
	allowed := []string{"/usr", "/etc", s.base, p["tree"], p["conf"], p["sock"]}
	for i := 0; i+2 < len(a); i++ {
		if a[i] != "--ro-bind" && a[i] != "--bind" {
			continue
		}
		src, ok := a[i+1], false
		for _, d := range allowed {
			ok = ok || within(src, d)
		}
		for _, d := range []string{"/etc/shadow", "/etc/ssl/private", "/etc/mysql", "/etc/passwd", "/etc/hostname"} {
			ok = ok && src != d && !within(src, d)
		}
		if !ok {
			t.Errorf("the sandbox shows %s", src)
		}
	}
}

// FuzzNamedPaths: whatever the command line, the paths bound are
// absolute, clean, existing, and never a protected one or inside one.
func FuzzNamedPaths(f *testing.F) {
	for _, s := range []string{"/usr/bin/python3 -c 'x'", "a=/etc/x:/tmp/y b", "cat /proc/self/x; ls /", "x(/a/b)/c,'/d'", "--config-file=/x/../y"} {
		f.Add(s)
	}
	s, p := testSandbox(f)
	for _, k := range []string{"seed", "tool", "conf", "dataset", "tree", "link"} {
		f.Add("run " + p[k] + " --x=" + filepath.Dir(p[k]) + "/../" + filepath.Base(filepath.Dir(p[k])))
	}
	f.Fuzz(func(t *testing.T, shell string) {
		paths, err := s.namedPaths(shell, p["tree"])
		if err != nil {
			if !strings.Contains(err.Error(), "which gate keeps from migrations") {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, q := range paths {
			if !filepath.IsAbs(q) || filepath.Clean(q) != q || q == "/" {
				t.Fatalf("bound %q", q)
			}
			if _, err := os.Lstat(q); err != nil {
				t.Fatalf("bound a missing path %q", q)
			}
			if s.protectedBy(q) != "" {
				t.Fatalf("bound %q, protected", q)
			}
			for _, pr := range s.protected {
				if within(pr, q) {
					t.Fatalf("bound %q, which holds protected %s", q, pr)
				}
			}
		}
	})
}
