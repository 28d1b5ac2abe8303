// Package glance_test checks fuzzy on real OpenStack Glance: a database
// made by Debian's glance-manage on a private MariaDB, filled with images
// whose swift locations name their tenant, credentials and image id.
package glance_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/gate"
	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
	"github.com/fuzzyduck/fuzzyduck/internal/gatecmp"
	"github.com/fuzzyduck/fuzzyduck/internal/glance"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fill writes a small cloud's images: owners, members, tags, properties,
// and locations in swift (tenant, user and key in the URL), rbd and
// file stores, half of them with Train's pre-migration {"backend": ...}
// metadata. It returns every confidential value it wrote.
func fill(t *testing.T, db *sql.DB, n int) []string {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	var planted []string
	plant := func(v string) string {
		if len(v) >= 6 {
			planted = append(planted, v)
		}
		return v
	}
	hexs := func(k int) string {
		b := make([]byte, (k+1)/2)
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return hex.EncodeToString(b)[:k]
	}
	uuid := func() string {
		h := hexs(32)
		return plant(h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:])
	}
	words := strings.Fields("ledger payroll orion vega falcon kestrel harbor summit granite cedar willow quartz cobalt")
	word := func() string { return words[r.IntN(len(words))] }
	exec := func(q string, args ...any) {
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	type tenant struct{ id, user, key, site string }
	var tenants []tenant
	for i := 0; i < 12; i++ {
		site := plant(fmt.Sprintf("%s-%s.example", word(), hexs(4)))
		tenants = append(tenants, tenant{plant(hexs(32)), plant(fmt.Sprintf("svc-%s%d", word(), i)), plant("K" + hexs(23)), site})
	}
	fsid := uuid()
	now := time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		o := tenants[r.IntN(len(tenants))]
		id := uuid()
		created := now.Add(time.Duration(i) * 37 * time.Minute)
		sum := md5.Sum([]byte(id))
		public := r.IntN(3) == 0
		visibility := "private"
		if public {
			visibility = "public"
		}
		// A quarter of the images are deleted, with all that is theirs
		// (glance-manage db purge removes them).
		deleted, deletedAt, status := 0, any(nil), "active"
		if i%4 == 3 {
			deleted, deletedAt, status = 1, created.Add(3*time.Hour), "deleted"
		}
		exec(`INSERT INTO images (id, name, size, status, visibility, created_at, updated_at, deleted_at, deleted, disk_format, container_format, checksum, owner, min_disk, min_ram, protected, virtual_size)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'qcow2', 'bare', ?, ?, 0, 512, 0, ?)`,
			id, plant(fmt.Sprintf("%s-%s-base-%d", word(), word(), 2000+i)), 1<<30+r.IntN(1<<30), status, visibility, created, created.Add(time.Hour), deletedAt, deleted,
			plant(hex.EncodeToString(sum[:])), o.id, 10<<30)
		var loc, meta string
		switch i % 3 {
		case 0, 1:
			loc = fmt.Sprintf("swift+https://%s:%s:%s@swift.%s:5000/v2.0/glance/%s", o.id, o.user, o.key, o.site, id)
		default:
			loc = fmt.Sprintf("rbd://%s/images-%s/%s/snap", fsid, plant(word()+"pool"), id)
		}
		if i%7 == 0 {
			loc = fmt.Sprintf("file:///srv/%s/glance/images/%s", plant(strings.Split(o.site, ".")[0]), id)
		}
		plant(loc)
		if i%2 == 0 {
			meta = fmt.Sprintf(`{"backend": "store-%s"}`, word())
		} else {
			meta = "{}"
		}
		exec(`INSERT INTO image_locations (image_id, value, created_at, deleted_at, deleted, meta_data, status) VALUES (?, ?, ?, ?, ?, ?, ?)`, id, loc, created, deletedAt, deleted, meta, status)
		if !public && r.IntN(2) == 0 {
			exec(`UPDATE images SET visibility = 'shared' WHERE id = ?`, id)
			m := tenants[r.IntN(len(tenants))]
			exec(`INSERT INTO image_members (image_id, member, can_share, created_at, deleted_at, deleted, status) VALUES (?, ?, 0, ?, ?, ?, 'accepted')`, id, m.id, created, deletedAt, deleted)
		}
		for k := 0; k < 1+r.IntN(3); k++ {
			exec(`INSERT INTO image_tags (image_id, value, created_at, deleted_at, deleted) VALUES (?, ?, ?, ?, ?)`, id, plant(fmt.Sprintf("team-%s-%d", word(), k)), created, deletedAt, deleted)
		}
		for _, p := range [][2]string{{"os_distro", "ubuntu"}, {"kernel_id", uuid()}, {"owner_contact", plant(fmt.Sprintf("ops-%s@%s", word(), o.site))}, {"build_host", plant(fmt.Sprintf("builder-%02d.%s", r.IntN(40), o.site))}} {
			exec(`INSERT INTO image_properties (image_id, name, value, created_at, deleted_at, deleted) VALUES (?, ?, ?, ?, ?, ?)`, id, p[0], p[1], created, deletedAt, deleted)
		}
	}
	return planted
}

// TestGlance: anonymized with the Glance models and the example rules,
// no original value is left anywhere in the dump, every location still
// names its own image's anonymized id and owner, and Glance's real
// upgrade (expand, data migration, contract) reads and changes as many
// rows on the copy as on the original.
func TestGlance(t *testing.T) {
	if err := glance.Check(); err != nil {
		t.Fatalf("%v (make test installs it)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	srv := dbtest.Start(t, dbserver.Options{})
	if _, err := glance.Prepare(ctx, srv, t.TempDir(), "glance", glance.Base); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", srv.DSN("glance"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	planted := fill(t, db, 150)
	orig := dbtest.Dump(t, srv, "glance")

	anon := dumptest.Anonymize(t, orig, "glance-example-key-0123456789abcdef", "rules.yaml", glance.Models)

	// Zero originals anywhere (case ignored, as an attacker would search).
	low := bytes.ToLower(anon)
	left := 0
	for _, v := range planted {
		if bytes.Contains(low, []byte(strings.ToLower(v))) {
			if left++; left <= 10 {
				t.Errorf("the original %q survives", v)
			}
		}
	}
	t.Logf("%d planted values checked, %d left", len(planted), left)

	// Each location names its own image's anonymized id and owner.
	imgs := dumptest.Rows(t, anon, "images")
	owner := map[string]string{}
	for _, r := range imgs {
		owner[r["id"]] = r["owner"]
	}
	locs := dumptest.Rows(t, anon, "image_locations")
	if len(locs) != 150 || len(owner) != 150 {
		t.Fatalf("%d locations, %d images", len(locs), len(owner))
	}
	swift := 0
	for _, l := range locs {
		id, v := l["image_id"], l["value"]
		if _, ok := owner[id]; !ok {
			t.Errorf("location %s: image_id %s is no image's", l["id"], id)
		}
		if !strings.Contains(v, "/"+id) {
			t.Errorf("location %s: %s does not name its image %s", l["id"], v, id)
		}
		if strings.HasPrefix(v, "swift+https://") {
			swift++
			if !strings.HasPrefix(v, "swift+https://"+owner[id]+":") {
				t.Errorf("location %s: %s does not name its owner %s", l["id"], v, owner[id])
			}
		}
	}
	if swift < 80 {
		t.Errorf("only %d swift locations", swift)
	}

	// The copy tests what the original does: same plan, same rows per step.
	a, b := gateRun(t, ctx, orig), gateRun(t, ctx, anon)
	t.Logf("gate on the original and on the anonymized dump:\n%s", gatecmp.Table(a, b))
	if a.Status != "SUCCESS" || b.Status != "SUCCESS" {
		for _, st := range a.Steps {
			t.Logf("%s: %s", st.Name(), st.Log)
		}
		t.Fatalf("gate: %s on the original (%v), %s on the copy (%v)", a.Status, a.Messages, b.Status, b.Messages)
	}
	changed := int64(0)
	for _, st := range a.Steps {
		changed += st.Counters["XInnodb_rows_changed"]
	}
	if changed < 200 {
		t.Errorf("the upgrade changed %d rows: the comparison would show nothing", changed)
	}
	for _, d := range gatecmp.Compare(a, b, 0.02, 20) {
		t.Error(d)
	}
}

// gateRun runs Glance's upgrade from the base revision (expand, data
// migration, contract, each a measured step) on dump with gate.
func gateRun(t *testing.T, ctx context.Context, dump []byte) *gate.Result {
	t.Helper()
	dir := t.TempDir()
	seed := filepath.Join(dir, "glance.sql")
	if err := os.WriteFile(seed, dump, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := "project: openstack/glance\ntype: mysql\ndatabase: glance\ndb_user: glance\ndb_pass: gate-glance-pass\nseed_data: glance.sql\n" +
		"plan:\n  downgrade: false\n  idempotence: false\ndrift: off\n"
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := gate.LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("glance-manage")
	tmpl, _ := filepath.Abs("glance-manage.conf.in")
	conf := filepath.Join(dir, "glance-manage.conf")
	// The base is where the seed already is; then the rolling upgrade,
	// then the purge of deleted rows operators run (it follows the
	// foreign keys, and the deleted_at dates).
	gm := script + " --config-file " + conf
	migrate := fmt.Sprintf(`case {version} in %s) %s db version;; purge*) %s db {version} --age_in_days 1 --max_rows -1;; *) %s db {version};; esac`, glance.Base, gm, gm, gm)
	res, err := gate.Run(ctx, gate.Options{Config: c, Migrate: migrate, Versions: []string{glance.Base, "expand", "migrate", "contract", "purge", "purge_images_table"},
		Render: []string{tmpl + ":" + conf}, Isolation: "off", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
