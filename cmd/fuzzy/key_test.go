package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyCLI(t *testing.T) {
	dir := t.TempDir()
	r := fuzzy(t, dir, nil, "key", "-o", "nova.key")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	path := filepath.Join(dir, "nova.key")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	b, _ := os.ReadFile(path)
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) != 32 {
		t.Fatalf("the key file does not hold 256 hex bits: %v", err)
	}
	if strings.Contains(r.stdout+r.stderr, strings.TrimSpace(string(b))) {
		t.Error("the key was printed")
	}
	// The key works: the same key gives the same output.
	os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(cliRules), 0o644)
	var outs []string
	for i := 0; i < 2; i++ {
		r := fuzzy(t, dir, nil, "anonymize", "--rules", "rules.yaml", "--key-file", "nova.key", dumpFile)
		if r.code != 0 {
			t.Fatalf("anonymize with the key: %s", r.stderr)
		}
		outs = append(outs, r.stdout)
	}
	if outs[0] != outs[1] || outs[0] == "" {
		t.Error("the same key file gave different outputs")
	}
	// An existing file is never overwritten.
	if r := fuzzy(t, dir, nil, "key", "-o", "nova.key"); r.code == 0 {
		t.Error("an existing key file was overwritten")
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Error("the key file changed")
	}
	if r := fuzzy(t, dir, nil, "key"); r.code == 0 {
		t.Error("fuzzy key without -o succeeded")
	}
}
