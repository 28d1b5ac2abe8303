package gate

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Paths: which a command names (bound for it), which are protected
// (never shown, even inside a shown tree), and the scratch copy of a
// tree for steps that write into it.

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
	if err == nil {
		// Its git configs reduced as in a read-only tree.
		var gits []mount
		gits, err = s.gitConfigs(tree)
		for _, m := range gits {
			rel, _ := filepath.Rel(tree, m.dest)
			if b, rerr := os.ReadFile(m.src); rerr != nil {
				err = rerr
			} else if werr := os.WriteFile(filepath.Join(cp, rel), b, 0o644); werr != nil {
				err = werr
			}
		}
	}
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

// gitKeep are the git config settings a step's tree keeps: how to read
// the repository. Remotes (a CI token can sit in their URLs), http
// headers (actions/checkout keeps its token in http.extraheader),
// credential helpers, user names and everything else are left out.
var gitKeep = map[string]bool{
	"core.repositoryformatversion": true, "core.filemode": true, "core.bare": true,
	"core.logallrefupdates": true, "core.ignorecase": true, "core.precomposeunicode": true,
	"core.symlinks": true, "core.autocrlf": true, "core.eol": true,
}

// gitConfigs are the mounts that show the step reduced copies of the git
// configs inside a tree (the repository's, its submodules', its
// worktrees'), made once per run.
func (s *sandbox) gitConfigs(tree string) ([]mount, error) {
	if ms, ok := s.gitcfg[tree]; ok {
		return ms, nil
	}
	var ms []mount
	gitdir := filepath.Join(tree, ".git")
	if fi, err := os.Lstat(gitdir); err != nil || !fi.IsDir() {
		s.gitcfg[tree] = nil
		return nil, nil // no repository, or a worktree's pointer to one out of sight
	}
	err := filepath.WalkDir(gitdir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch name := d.Name(); {
		case d.IsDir() && (name == "objects" || name == "refs" || name == "logs" || name == "hooks" || name == "lfs"):
			return filepath.SkipDir
		case !d.Type().IsRegular() || (name != "config" && name != "config.worktree"):
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		cp := filepath.Join(s.base, "gitconfig"+strconv.Itoa(len(s.gitcfg))+"-"+strconv.Itoa(len(ms)))
		if err := os.WriteFile(cp, reduceGitConfig(b), 0o644); err != nil {
			return err
		}
		ms = append(ms, mount{src: cp, dest: p})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("git config in the code tree: %w", err)
	}
	s.gitcfg[tree] = ms
	return ms, nil
}

// reduceGitConfig keeps the gitKeep settings and the [extensions]
// section (the object format) of a git config file.
func reduceGitConfig(b []byte) []byte {
	var out strings.Builder
	section, wrote := "", ""
	for _, l := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			section = ""
			if end := strings.IndexByte(t, ']'); end > 0 {
				// A subsection ([remote "origin"]) never matches.
				section = strings.ToLower(strings.TrimSpace(t[1:end]))
			}
			continue
		}
		key, _, _ := strings.Cut(t, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		if key == "" || strings.HasPrefix(key, "#") || strings.HasPrefix(key, ";") || strings.HasSuffix(t, "\\") {
			continue
		}
		if section == "extensions" || gitKeep[section+"."+key] {
			if wrote != section {
				out.WriteString("[" + section + "]\n")
				wrote = section
			}
			out.WriteString("\t" + t + "\n")
		}
	}
	return []byte(out.String())
}
