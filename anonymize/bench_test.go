package anonymize_test

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/dumpgen"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// NovaBenchRules marks the confidential columns of dumpgen's Nova-like
// dump (about a third of its bytes).
const NovaBenchRules = `
tables:
  instances: {uuid: uuid, hostname: hostname, host: hostname, node: hostname, display_name: string,
              display_description: text, access_ip_v4: ip_address, access_ip_v6: ip_address_v6,
              user_id: uuid, project_id: uuid, key_name: key_name}
  instance_info_caches: {network_info: json}
  block_device_mapping: {connection_info: json}
  instance_metadata: {value: text}
  compute_nodes: {hypervisor_hostname: hostname, host_ip: ip_address, host: hostname}
relations:
  - instance_info_caches.instance_uuid -> instances.uuid
  - block_device_mapping.instance_uuid -> instances.uuid
  - instance_metadata.instance_uuid -> instances.uuid
`

var benchDump = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := dumpgen.Write(&b, dumpgen.Options{Size: 64 << 20}); err != nil {
		panic(err)
	}
	return b.Bytes()
})

// BenchmarkAnonymize: the whole engine on a Nova-like dump. Target:
// >= 150 MB/s with two workers.
func BenchmarkAnonymize(b *testing.B) {
	dump := benchDump()
	set, err := rules.Parse("bench", []byte(NovaBenchRules))
	if err != nil {
		b.Fatal(err)
	}
	schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		b.Fatal(err)
	}
	k := key(b, "bench")
	b.SetBytes(int64(len(dump)))
	for b.Loop() {
		eng, err := anonymize.New(anonymize.Options{Rules: set, Key: k, Schema: schema})
		if err != nil {
			b.Fatal(err)
		}
		r, _ := sqldump.NewReader(bytes.NewReader(dump))
		w := sqldump.NewWriter(io.Discard)
		if _, err := eng.Run(r, w); err != nil {
			b.Fatal(err)
		}
	}
}
