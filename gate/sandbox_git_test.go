package gate

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSandboxGitConfig: a CI checkout keeps its token in the tree's git
// config (actions/checkout in http.extraheader, GitLab in the remote's
// URL, others through a credential helper); the step reads the config
// and prints it base64-encoded. It sees the repository format and none of
// the tokens, in a read-only tree and in a writable scratch copy, also in
// a submodule's config.
func TestSandboxGitConfig(t *testing.T) {
	tree := filepath.Join(openTempDir(t), "repo")
	os.MkdirAll(tree, 0o755)
	if out, err := exec.Command("git", "init", "-q", tree).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	tokens := []string{"zq" + randomToken(t) + "-header", "zq" + randomToken(t) + "-url", "zq" + randomToken(t) + "-helper", "zq" + randomToken(t) + "-sub"}
	cfg := filepath.Join(tree, ".git", "config")
	b, _ := os.ReadFile(cfg)
	b = append(b, []byte(`[remote "origin"]
	url = https://gitlab-ci-token:`+tokens[1]+`@gitlab.example.org/group/project.git
	fetch = +refs/heads/*:refs/remotes/origin/*
[http "https://github.com/"]
	extraheader = AUTHORIZATION: basic `+tokens[0]+`
[credential]
	helper = "!f() { echo password=`+tokens[2]+`; }; f"
[user]
	email = ci@example.org
`)...)
	os.WriteFile(cfg, b, 0o644)
	sub := filepath.Join(tree, ".git", "modules", "lib")
	os.MkdirAll(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
	os.WriteFile(filepath.Join(sub, "config"), []byte("[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = https://x:"+tokens[3]+"@example.org/lib.git\n"), 0o644)
	filepath.Walk(tree, func(p string, info os.FileInfo, err error) error {
		if err == nil {
			os.Chmod(p, info.Mode()|0o044|(info.Mode()&0o100)>>6)
		}
		return nil
	})
	// No database here: a plain file stands in for its socket.
	sock := filepath.Join(openTempDir(t), "sock")
	os.WriteFile(sock, nil, 0o666)
	for _, writable := range []bool{false, true} {
		iso, err := setupIsolation("auto", "nobody")
		if err != nil {
			t.Fatal(err)
		}
		defer iso.close()
		if err := iso.prepare(sandboxInputs{Socket: sock, Limits: SandboxConfig{WritableTree: writable}}); err != nil {
			t.Fatal(err)
		}
		res := iso.run(context.Background(), Command{Dir: tree, Timeout: time.Minute,
			Shell: `echo "format $(git config --file .git/config core.repositoryformatversion)"; cat .git/config .git/modules/lib/config | base64 -w0; echo`}, nil)
		if res.exit != 0 {
			t.Fatalf("writable %v: %s %s", writable, res.why(), res.output)
		}
		lines := strings.Split(strings.TrimSpace(string(res.output)), "\n")
		seen, _ := base64.StdEncoding.DecodeString(lines[len(lines)-1])
		if lines[0] != "format 0" || !strings.Contains(string(seen), "[core]") {
			t.Errorf("writable %v: the step does not see the repository format:\n%s\n%s", writable, res.output, seen)
		}
		for _, tok := range tokens {
			if strings.Contains(string(seen), tok) {
				t.Errorf("writable %v: the step read a token from the tree's git config:\n%s", writable, seen)
			}
		}
	}
	// The tree itself is as it was.
	if b, _ := os.ReadFile(cfg); !strings.Contains(string(b), tokens[0]) {
		t.Error("the tree's own git config was changed")
	}
}

func TestReduceGitConfig(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tsshCommand = ssh -i /k\n", "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n"},
		{"[Core]\n\tBare = false\n[extensions]\n\tobjectformat = sha256\n", "[core]\n\tBare = false\n[extensions]\n\tobjectformat = sha256\n"},
		{"[remote \"origin\"]\n\turl = https://t:s@h/r\n[http]\n\textraheader = x\n", ""},
		// A subsection never matches, nor does a continued line.
		{"[core \"x\"]\n\tbare = true\n[core]\n\teol = lf \\\n\textraheader = y\n", ""},
		{"; comment\n# comment\n[core]\n\tignorecase = true ; inline\n", "[core]\n\tignorecase = true ; inline\n"},
	} {
		if got := string(reduceGitConfig([]byte(tc.in))); got != tc.want {
			t.Errorf("reduceGitConfig(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzReduceGitConfig: whatever the config, the reduced one holds only
// the [core] and [extensions] sections, in [core] only kept settings,
// and reducing it again changes nothing.
func FuzzReduceGitConfig(f *testing.F) {
	f.Add("[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = https://t:s@h/r\n")
	f.Add("[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic x\n[extensions]\n\tobjectformat = sha256\n")
	f.Add("[core]\n\teol = lf \\\n\tsshCommand = x\n[Core]bare=true\n")
	f.Fuzz(func(t *testing.T, in string) {
		out := reduceGitConfig([]byte(in))
		section := ""
		for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
			if l == "" {
				continue
			}
			if l == "[core]" || l == "[extensions]" {
				section = l[1 : len(l)-1]
				continue
			}
			key, _, _ := strings.Cut(strings.TrimSpace(l), "=")
			if section == "" || (section == "core" && !gitKeep["core."+strings.ToLower(strings.TrimSpace(key))]) {
				t.Fatalf("reduced %q to %q: keeps %q", in, out, l)
			}
		}
		if again := reduceGitConfig(out); string(again) != string(out) {
			t.Fatalf("reducing %q twice: %q then %q", in, out, again)
		}
	})
}
