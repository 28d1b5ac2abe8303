package anonymize_test

import (
	"bytes"
	"io"
	"strconv"
	"strings"
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
	benchRun(b, dump, set)
}

// usersDump is a mariadb-dump-like shop.users table of n rows, shaped as
// the peer comparison's users1m.sql (bench/run.sh): a name, a unique
// e-mail, a phone (5% NULL), an avatar blob and JSON prefs.
func usersDump(n int) []byte {
	first := []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "José", "Zoë", "Søren", "Łukasz", "Yūki", "Aisha"}
	last := []string{"Smith", "Johnson", "Williams", "Brown", "O'Brien", "Müller", "Kowalski", "Tanaka", "Nguyen", "Patel", "Lefèvre", "Peña"}
	doms := []string{"gmail.com", "yahoo.com", "example.org", "mail.example.net", "corp.example.com", "proton.me"}
	var b bytes.Buffer
	b.WriteString("CREATE TABLE `users` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `name` varchar(255) DEFAULT NULL,\n" +
		"  `email` varchar(255) NOT NULL,\n  `phone` varchar(32) DEFAULT NULL,\n  `avatar` blob DEFAULT NULL,\n" +
		"  `prefs` longtext DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `email` (`email`)\n) ENGINE=InnoDB;\n")
	x := uint64(20240601)
	rnd := func(k int) int { x = x*6364136223846793005 + 1442695040888963407; return int(x>>33) % k }
	for i := 1; i <= n; i++ {
		if i%9000 == 1 {
			if i > 1 {
				b.WriteString(";\n")
			}
			b.WriteString("INSERT INTO `users` VALUES ")
		} else {
			b.WriteString(",")
		}
		f, l := first[rnd(len(first))], last[rnd(len(last))]
		b.WriteString("(" + strconv.Itoa(i) + ",'" + strings.ReplaceAll(f+" "+l, "'", "\\'") + "','" +
			strings.ToLower(strings.ReplaceAll(f+"."+l, "'", "")) + strconv.FormatInt(int64(i), 36) + "@" + doms[rnd(len(doms))] + "',")
		if rnd(20) == 0 {
			b.WriteString("NULL,")
		} else {
			b.WriteString("'+1-" + strconv.Itoa(200+rnd(800)) + "-" + strconv.Itoa(100+rnd(900)) + "-" + strconv.Itoa(1000+rnd(9000)) + "',")
		}
		if rnd(2) == 0 {
			b.WriteString("NULL,")
		} else {
			b.WriteString("'\\0\\Z" + strings.Repeat(string(rune('a'+rnd(26))), 36) + "',")
		}
		if rnd(10) < 7 {
			b.WriteString("NULL)")
		} else {
			b.WriteString("'{\\\"theme\\\":\\\"dark\\\",\\\"lang\\\":\\\"en\\\"}')")
		}
	}
	b.WriteString(";\n")
	return b.Bytes()
}

var usersBench = sync.OnceValue(func() []byte { return usersDump(250000) })

// UsersBenchRules marks what the peer comparison marks (name, email,
// phone), as ../shared/peers/models_users.py does.
const UsersBenchRules = "tables:\n  users: {name: string, email: email, phone: string}\n"

// BenchmarkUsers: the peer comparison's shape (three short columns a row,
// one of them unique, so every e-mail goes through the collision stage).
func BenchmarkUsers(b *testing.B) {
	dump := usersBench()
	set, err := rules.Parse("bench", []byte(UsersBenchRules))
	if err != nil {
		b.Fatal(err)
	}
	benchRun(b, dump, set)
}

func benchRun(b *testing.B, dump []byte, set *rules.Set) {
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
