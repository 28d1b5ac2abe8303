package scale

import (
	"bytes"
	"io"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/dumpgen"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

const demoRelations = `
relations:
  - instance_info_caches.instance_uuid -> instances.uuid
  - block_device_mapping.instance_uuid -> instances.uuid
  - instance_metadata.instance_uuid -> instances.uuid
`

// BenchmarkScaleUp10 writes x10 of a 16 MB Nova-like dump; SetBytes is
// the output size (the figure is MB/s written).
func BenchmarkScaleUp10(b *testing.B) {
	var in bytes.Buffer
	dumpgen.Write(&in, dumpgen.Options{Size: 16 << 20})
	set, _ := rules.Parse("r", []byte(demoRelations))
	k := testKey(&testing.T{})
	var written int64
	for b.Loop() {
		r, _ := sqldump.NewReader(bytes.NewReader(in.Bytes()))
		plan, err := NewPlan(r, Options{Factor: 10, Key: k, Rules: set})
		if err != nil {
			b.Fatal(err)
		}
		r, _ = sqldump.NewReader(bytes.NewReader(in.Bytes()))
		w := sqldump.NewWriter(io.Discard)
		if err := plan.Write(r, w); err != nil {
			b.Fatal(err)
		}
		w.Close()
		written = w.Written()
	}
	b.SetBytes(written)
}
