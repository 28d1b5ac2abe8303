package anonymize_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
)

// TestIDsInsideURLsFollowTheirRow: Glance's image_locations.value names
// the image (its own image_id) and the owner's tenant; after
// anonymization each location must name its own image's anonymized id
// and owner, and none of the originals.
func TestIDsInsideURLsFollowTheirRow(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `image_locations` (`id` int NOT NULL, `image_id` varchar(36) NOT NULL, `value` text, `account` varchar(64), PRIMARY KEY (`id`), CONSTRAINT `fk_il` FOREIGN KEY (`image_id`) REFERENCES `images` (`id`));\n")
	b.WriteString("CREATE TABLE `images` (`id` varchar(36) NOT NULL, `owner` varchar(255), `name` varchar(255), PRIMARY KEY (`id`));\n")
	const n = 60
	var originals []string
	for i := 1; i <= n; i++ {
		img := fmt.Sprintf("%08x-1111-4222-8333-%012x", i*7919, i)
		owner := fmt.Sprintf("%032x", uint64(i)*0x9e3779b97f4a7c15)
		account := fmt.Sprintf("acct%04dcorp", i) // a tenant name: no id shape, only the row says what it is
		originals = append(originals, img, owner, account, fmt.Sprintf("K3y%04dsecret", i))
		fmt.Fprintf(&b, "INSERT INTO `image_locations` VALUES (%d,'%s','swift+https://%s:%s:K3y%04dsecret@auth.acme.example:5000/v2.0/glance/%s','%s');\n", i, img, owner, account, i, img, account)
		fmt.Fprintf(&b, "INSERT INTO `images` VALUES ('%s','%s','image %d');\n", img, owner, i)
	}
	doc := "tables:\n  images: {id: uuid, owner: uuid, name: string}\n  image_locations: {value: url, account: username}\n"
	out, _, err := run(t, []byte(b.String()), doc, key(t, "glance-urls"), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range originals {
		if strings.Contains(string(out), o) {
			t.Errorf("original %q survives", o)
		}
	}
	imgs := dumptest.Rows(t, out, "images")
	locs := dumptest.Rows(t, out, "image_locations")
	for i, l := range locs {
		id, owner, url, account := l["image_id"], imgs[i]["owner"], l["value"], l["account"]
		if id != imgs[i]["id"] {
			t.Fatalf("row %d: image_id %s, images.id %s", i+1, id, imgs[i]["id"])
		}
		if !strings.HasSuffix(url, "/glance/"+id) {
			t.Errorf("row %d: %s does not end in its image's id %s", i+1, url, id)
		}
		if !strings.HasPrefix(url, "swift+https://"+owner+":"+account+":") {
			t.Errorf("row %d: %s does not name its owner %s and account %s", i+1, url, owner, account)
		}
	}
}

// A JSON leaf that copies another marked column of its row (a display
// name, a tenant name) takes that column's fake, as ids in URLs do.
func TestJSONCopiesFollowTheirRow(t *testing.T) {
	dump := "CREATE TABLE `instances` (`id` int NOT NULL, `display_name` varchar(255), `account` varchar(64), `extra` text, PRIMARY KEY (`id`));\n" +
		"INSERT INTO `instances` VALUES (1,'Payroll Runner','acmecorp7','{\"name\": \"Payroll Runner\", \"tags\": [\"acmecorp7\"], \"note\": \"keep\"}');\n"
	doc := "tables:\n  instances: {display_name: string, account: username, extra: json}\n"
	out, _, err := run(t, []byte(dump), doc, key(t, "json-row"), 1)
	if err != nil {
		t.Fatal(err)
	}
	r := dumptest.Rows(t, out, "instances")[0]
	if !strings.Contains(r["extra"], `"name": "`+r["display_name"]+`"`) || !strings.Contains(r["extra"], `["`+r["account"]+`"]`) {
		t.Errorf("%s does not hold the row's fakes %q and %q", r["extra"], r["display_name"], r["account"])
	}
	if strings.Contains(string(out), "Payroll") || strings.Contains(string(out), "acmecorp7") {
		t.Errorf("an original survives: %s", out)
	}
}

// TestURLNumbersTellNoCount: the red team read the row count from the
// digit count of ids inside URLs (/events/1234: thousands of events).
// A number copying a marked integer column of its row takes that
// column's fake (the link still names its row); any other number gets a
// digit count that does not follow the original's: the attacker's guess
// of an id's magnitude from its fake's length is no better than chance,
// and one number keeps one fake wherever it appears.
func TestURLNumbersTellNoCount(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `hooks` (`id` int NOT NULL, `ext_id` int NOT NULL, `link` varchar(255), PRIMARY KEY (`id`));\n")
	const n = 400
	for i := 1; i <= n; i++ {
		ev := i * 7 // 1 to 4 digits
		if i%2 == 0 {
			ev = 100000 + i*997 // 6 digits
		}
		fmt.Fprintf(&b, "INSERT INTO `hooks` VALUES (%d,%d,'https://hooks.acme.example/v2/events/%d?ext=%d&marker=%d');\n", i, 5000+i, ev, 5000+i, ev)
	}
	doc := "tables:\n  hooks: {ext_id: integer, link: url}\n"
	out, _, err := run(t, []byte(b.String()), doc, key(t, "url-numbers"), 2)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for i, r := range dumptest.Rows(t, out, "hooks") {
		link := r["link"]
		q := strings.Index(link, "?")
		seg := link[strings.LastIndex(link[:q], "/")+1 : q]
		if !strings.Contains(link, "ext="+r["ext_id"]+"&") {
			t.Errorf("row %d: %s does not name its ext_id's fake %s", i+1, link, r["ext_id"])
		}
		if !strings.HasSuffix(link, "marker="+seg) {
			t.Errorf("row %d: %s: one number, two fakes", i+1, link)
		}
		long := (i+1)%2 == 0
		if (len(seg) >= 5) == long { // the attacker: a long fake stands for a long id
			right++
		}
	}
	if rate := float64(right) / n; rate > 0.65 {
		t.Errorf("the fakes' digit counts tell 6-digit ids from short ones %.0f%% of the time", 100*rate)
	}
}
