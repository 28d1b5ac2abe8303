package anonymize_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/dumpgen"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// The memory of fakes changes no byte: dumps whose columns repeat their
// values (every remembered kind, with the golden files' inputs, among
// rows whose other values and datetimes differ; the Nova-like dump; the
// users dump) come out the same with it and without it, and it was used.
func TestMemoSameBytes(t *testing.T) {
	kindsDump, kindsRules := memoKindsDump(t)
	var nova bytes.Buffer
	if err := dumpgen.Write(&nova, dumpgen.Options{Size: 6 << 20, StatementSize: 64 << 10}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		dump  []byte
		rules string
	}{
		{"kinds", kindsDump, kindsRules},
		{"nova", nova.Bytes(), NovaBenchRules},
		{"users", usersDump(30000), UsersBenchRules},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer anonymize.SetMemo(true)
			before := anonymize.SetMemo(true)
			with, _, err := run(t, tc.dump, tc.rules, key(t, "memo"), 2)
			if err != nil {
				t.Fatal(err)
			}
			hits := anonymize.SetMemo(false) - before
			without, _, err := run(t, tc.dump, tc.rules, key(t, "memo"), 2)
			if err != nil {
				t.Fatal(err)
			}
			if hits == 0 {
				t.Fatalf("no value was taken from the memory: the test compares nothing")
			}
			if !bytes.Equal(with, without) {
				a, b := strings.Split(string(with), "\n"), strings.Split(string(without), "\n")
				for i := range min(len(a), len(b)) {
					if a[i] != b[i] {
						t.Fatalf("with the memory, line %d differs (%d values from it):\n with    %.300s\n without %.300s", i+1, hits, a[i], b[i])
					}
				}
				t.Fatalf("with the memory, %d lines; without, %d", len(a), len(b))
			}
		})
	}
}

// memoKindsDump: a table with a column per kind of the golden files
// (url, json, datetime too: they are not remembered but sit in the same
// rows), 4000 rows each drawing one of its kind's inputs.
func memoKindsDump(t *testing.T) ([]byte, string) {
	files, _ := filepath.Glob("testdata/kinds_*.golden")
	inputs := map[string][]string{}
	var kinds []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			parts := strings.Split(sc.Text(), "\t")
			if len(parts) < 2 || strings.Contains(parts[0], " ") || parts[0] == "fixed" || parts[0] == "secret" {
				continue // a kind with parameters, none to remember, one rules do not name
			}
			if inputs[parts[0]] == nil {
				kinds = append(kinds, parts[0])
			}
			inputs[parts[0]] = append(inputs[parts[0]], parts[1])
		}
		fh.Close()
	}
	if len(kinds) < 20 {
		t.Fatalf("only %d kinds in the golden files", len(kinds))
	}
	var ddl, rls strings.Builder
	ddl.WriteString("CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `at` datetime DEFAULT NULL,\n")
	rls.WriteString("tables:\n  t: {at: datetime")
	for i, k := range kinds {
		fmt.Fprintf(&ddl, "  `c%d` text DEFAULT NULL,\n", i)
		fmt.Fprintf(&rls, ", c%d: %s", i, k)
	}
	ddl.WriteString("  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
	rls.WriteString("}\n")
	r := rand.New(rand.NewPCG(7, 9))
	var b bytes.Buffer
	b.WriteString(ddl.String())
	for row := 1; row <= 4000; row++ {
		if row%500 == 1 {
			if row > 1 {
				b.WriteString(";\n")
			}
			b.WriteString("INSERT INTO `t` VALUES ")
		} else {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "(%d,'2021-%02d-%02d 10:%02d:00'", row, 1+r.IntN(12), 1+r.IntN(28), r.IntN(60))
		for _, k := range kinds {
			b.WriteByte(',')
			b.Write(sqldump.AppendQuoted(nil, []byte(inputs[k][r.IntN(len(inputs[k]))])))
		}
		b.WriteByte(')')
	}
	b.WriteString(";\n")
	return b.Bytes(), rls.String()
}
