package anonymize_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
)

const dtLayout = "2006-01-02 15:04:05"

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(dtLayout, s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// TestDatetimeShiftCannotBeRecovered attacks the datetime kind as the
// threat model says: the attacker holds the anonymized dump, knows the
// tool, and knows one original date (the day the first instance was
// created) or sees a sentinel. Neither may give away other entities'
// dates; dates in one row keep their order, an entity's children move
// with it, and sentinels stay exactly.
func TestDatetimeShiftCannotBeRecovered(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `instances` (`id` int NOT NULL, `uuid` varchar(36) NOT NULL, `created_at` datetime, `updated_at` datetime, `deleted_at` datetime, `expires` datetime, `seen` timestamp NULL, PRIMARY KEY (`id`), UNIQUE KEY (`uuid`));\n")
	b.WriteString("CREATE TABLE `instance_actions` (`id` int NOT NULL, `instance_uuid` varchar(36), `start_time` datetime, PRIMARY KEY (`id`), CONSTRAINT `fk` FOREIGN KEY (`instance_uuid`) REFERENCES `instances` (`uuid`));\n")
	const n = 300
	base := time.Date(2019, 3, 4, 8, 0, 0, 0, time.UTC)
	type inst struct{ created, updated, deleted time.Time }
	orig := make([]inst, n)
	for i := range orig {
		c := base.Add(time.Duration(i) * 7 * time.Hour)
		orig[i] = inst{c, c.Add(time.Duration(i%50) * time.Minute), c.Add(time.Duration(i%50+1) * time.Hour)}
		seen := "'2038-01-18 23:00:00'" // near TIMESTAMP's end: the shift must clamp, not wrap
		if i%2 == 0 {
			seen = "'1970-01-01 00:00:01'"
		}
		fmt.Fprintf(&b, "INSERT INTO `instances` VALUES (%d,'00000000-0000-4000-8000-%012d','%s','%s','%s','9999-12-31 23:59:59',%s);\n",
			i+1, i+1, orig[i].created.Format(dtLayout), orig[i].updated.Format(dtLayout), orig[i].deleted.Format(dtLayout), seen)
		fmt.Fprintf(&b, "INSERT INTO `instance_actions` VALUES (%d,'00000000-0000-4000-8000-%012d','%s');\n", i+1, i+1, orig[i].created.Format(dtLayout))
	}
	doc := "tables:\n  instances: {created_at: datetime, updated_at: datetime, deleted_at: datetime, expires: datetime, seen: datetime}\n  instance_actions: {start_time: \"datetime:window=30d\"}\n"
	out, _, err := run(t, []byte(b.String()), doc, key(t, "dates"), 2)
	if err != nil {
		t.Fatal(err)
	}
	rows := dumptest.Rows(t, out, "instances")
	acts := dumptest.Rows(t, out, "instance_actions")
	if len(rows) != n || len(acts) != n {
		t.Fatalf("%d instances, %d actions", len(rows), len(acts))
	}
	shifts := map[time.Duration]int{}
	for i, r := range rows {
		c, u, d := mustTime(t, r["created_at"]), mustTime(t, r["updated_at"]), mustTime(t, r["deleted_at"])
		if c.After(u) || u.After(d) {
			t.Errorf("row %d: order lost: %s %s %s", i+1, r["created_at"], r["updated_at"], r["deleted_at"])
		}
		if r["expires"] != "9999-12-31 23:59:59" {
			t.Errorf("row %d: sentinel 9999-12-31 23:59:59 became %s", i+1, r["expires"])
		}
		if i%2 == 0 && r["seen"] != "1970-01-01 00:00:01" {
			t.Errorf("row %d: sentinel 1970-01-01 00:00:01 became %s", i+1, r["seen"])
		}
		if i%2 == 1 && mustTime(t, r["seen"]).After(time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)) {
			t.Errorf("row %d: TIMESTAMP out of range: %s", i+1, r["seen"])
		}
		s := c.Sub(orig[i].created)
		shifts[s]++
		if a := mustTime(t, acts[i]["start_time"]); a.Sub(orig[i].created) != s {
			t.Errorf("row %d: the instance moved by %v, its action by %v: a family must move together", i+1, s, a.Sub(orig[i].created))
		}
		if s > 6*365*24*time.Hour || s < -6*365*24*time.Hour {
			t.Errorf("row %d: shifted by %v, beyond what the warp and window allow", i+1, s)
		}
	}
	// Attack 1: the attacker knows instance 1 was created at its original
	// date, derives the offset and applies it to every other row.
	known := mustTime(t, rows[0]["created_at"]).Sub(orig[0].created)
	// Attack 2: a sentinel kept its value, so the offset it shows is 0.
	for _, guess := range []time.Duration{known, 0} {
		recovered := 0
		for i := 1; i < n; i++ {
			for k, o := range []time.Time{orig[i].created, orig[i].updated, orig[i].deleted} {
				if mustTime(t, rows[i][[]string{"created_at", "updated_at", "deleted_at"}[k]]).Add(-guess).Equal(o) {
					recovered++
				}
			}
		}
		if recovered > 3 {
			t.Errorf("offset %v recovers %d of %d other dates exactly", guess, recovered, 3*(n-1))
		}
	}
	if len(shifts) < n*9/10 {
		t.Errorf("only %d distinct offsets over %d entities", len(shifts), n)
	}
}
