package verify_test

import (
	"bytes"
	"os"
	"sync"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/dumpgen"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/scrub"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/fuzzyduck/fuzzyduck/verify"
)

// benchCase: a 32 MB Nova-like dump anonymized with the demo rules, and
// the index of its originals.
var benchCase = sync.OnceValues(func() ([]byte, *scrub.Scrubber) {
	var orig bytes.Buffer
	if err := dumpgen.Write(&orig, dumpgen.Options{Size: 32 << 20}); err != nil {
		panic(err)
	}
	doc, err := os.ReadFile("../testdata/demo/rules.yaml")
	if err != nil {
		panic(err)
	}
	set, err := rules.Parse("rules.yaml", doc)
	if err != nil {
		panic(err)
	}
	schema, err := anonymize.ReadSchema(bytes.NewReader(orig.Bytes()))
	if err != nil {
		panic(err)
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		panic(err)
	}
	ix := scrub.NewIndex()
	r, _ := sqldump.NewReader(bytes.NewReader(orig.Bytes()))
	if err := anonymize.Collect(r, set, func(kind string, v []byte) { ix.Add(kind, string(v)) }); err != nil {
		panic(err)
	}
	ix.Finish()
	key, _ := anonymize.NewKey([]byte("bench key, bench key, bench key!"))
	eng, err := anonymize.New(anonymize.Options{Rules: set, Key: key, Schema: schema})
	if err != nil {
		panic(err)
	}
	var out bytes.Buffer
	w := sqldump.NewWriter(&out)
	r, _ = sqldump.NewReader(bytes.NewReader(orig.Bytes()))
	if _, err := eng.Run(r, w); err != nil {
		panic(err)
	}
	w.Close()
	s, err := scrub.New(scrub.Options{Index: ix, NoBuiltin: true, NoPieces: true})
	if err != nil {
		panic(err)
	}
	return out.Bytes(), s
})

// BenchmarkVerify: fuzzy verify's whole check of an anonymized dump (all
// CPUs); its speed is in BENCHMARKS.md. (The demo rules leave
// instance_metadata.key unmarked, and dumpgen draws it from the words its
// marked display names are made of: verify finds those, rightly.)
func BenchmarkVerify(b *testing.B) {
	dump, s := benchCase()
	b.SetBytes(int64(len(dump)))
	b.ResetTimer()
	for b.Loop() {
		r, _ := sqldump.NewReader(bytes.NewReader(dump))
		rep, err := verify.Dump(r, s, verify.Options{}, func(verify.Hit) {})
		if err != nil || rep.Statements == 0 {
			b.Fatalf("%v %+v", err, rep)
		}
	}
}
