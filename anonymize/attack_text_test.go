package anonymize_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
)

// TestTextRepeatsHaveNoCount replays the red team's finding on free text:
// "session expired" written 1,200 times had one fake, and the fake seen
// 1,200 times was it (the second most frequent the next message, and
// so on). The attacker ranks the output's texts by count and matches
// them with the messages a deployment is known to log most. Free text
// joins nothing, so equal texts of two rows get two fakes: no fake is
// frequent. A text column that a relation ties to another keeps equal
// texts equal (joins join), and a row's shadow_ copy gets its fake.
func TestTextRepeatsHaveNoCount(t *testing.T) {
	freq := []struct {
		msg string
		n   int
	}{{"Session expired, please log in again.", 1200}, {"Disk full on the storage node.", 500}, {"Quota exceeded for the project.", 200}}
	var b strings.Builder
	b.WriteString("CREATE TABLE `faults` (`id` int NOT NULL, `message` text, `code` varchar(64), PRIMARY KEY (`id`));\n")
	b.WriteString("CREATE TABLE `shadow_faults` (`id` int NOT NULL, `message` text, `code` varchar(64), PRIMARY KEY (`id`));\n")
	b.WriteString("CREATE TABLE `codes` (`code` varchar(64) NOT NULL, `label` varchar(64), PRIMARY KEY (`code`));\n")
	id := 0
	for _, f := range freq {
		for i := 0; i < f.n; i++ {
			id++
			fmt.Fprintf(&b, "INSERT INTO `faults` VALUES (%d,'%s','Error code %d');\n", id, f.msg, i%3)
		}
	}
	for i := 0; i < 300; i++ {
		id++
		fmt.Fprintf(&b, "INSERT INTO `faults` VALUES (%d,'Unique failure number %d happened.','Error code 1');\n", id, i)
	}
	b.WriteString("INSERT INTO `shadow_faults` VALUES (1,'Session expired, please log in again.','Error code 0');\n")
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "INSERT INTO `codes` VALUES ('Error code %d','label %d');\n", i, i)
	}
	rulesDoc := "tables:\n  faults: {message: text, code: text}\n  shadow_faults: {message: text, code: text}\n  codes: {code: text}\n" +
		"relations:\n  - faults.code -> codes.code\n"
	out, _, err := run(t, []byte(b.String()), rulesDoc, key(t, "text-repeats"), 2)
	if err != nil {
		t.Fatal(err)
	}
	rows := dumptest.Rows(t, out, "faults")
	if len(rows) != id {
		t.Fatalf("%d rows, want %d", len(rows), id)
	}
	count := map[string]int{}
	codes := map[string]int{}
	for _, r := range rows {
		count[r["message"]]++
		codes[r["code"]]++
	}
	top := 0
	for _, n := range count {
		top = max(top, n)
	}
	// the attacker: the most frequent fake stands for the most frequent
	// message; by chance two rows may share a fake, never hundreds
	if top > 3 {
		t.Errorf("the most frequent fake message appears %d times: the 1,200 repeats keep their count", top)
	}
	if len(codes) != 3 {
		t.Errorf("a text column a relation joins has %d distinct fakes, want 3 (equal texts stay equal)", len(codes))
	}
	joined := map[string]bool{}
	for _, r := range dumptest.Rows(t, out, "codes") {
		joined[r["code"]] = true
	}
	for c := range codes {
		if !joined[c] {
			t.Errorf("faults.code %q joins no codes.code", c)
		}
	}
	shadow := dumptest.Rows(t, out, "shadow_faults")
	if len(shadow) != 1 || shadow[0]["message"] != rows[0]["message"] {
		t.Errorf("the shadow_ copy of row 1 got %v, the row %q", shadow, rows[0]["message"])
	}
}

// TestLongHexKeepsNoPiece replays red team fuzzatk4's finding: a hex run
// longer than a Keystone id (a SHA-1, a SHA-256, a token) inside free
// text, JSON or a URL was mapped as a 32-digit id followed by hex the
// kinds left alone, so a SHA-1 kept its last 8 digits, and a SHA-256's
// two halves were mapped alike (equal halves stayed equal). The
// attacker looks for any 8 digits of the original in the output, and
// for a fake whose halves repeat where the original's did.
func TestLongHexKeepsNoPiece(t *testing.T) {
	hexes := []string{
		"da39a3ee5e6b4b0d3255bfef95601890afd80709",                         // SHA-1
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", // SHA-256 of repeating halves
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", // SHA-256
		"3f2a1b4c5d6e7f8091a2b3c4d5e6f708192",                              // 35 digits
		strings.Repeat("c0ffee42", 16),                                     // 128
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE `t` (`id` int NOT NULL, `note` text, `u` varchar(400), `j` text, PRIMARY KEY (`id`));\n")
	for i, h := range hexes {
		fmt.Fprintf(&b, "INSERT INTO `t` VALUES (%d,'checksum %s verified','https://cdn.example.org/blobs/%s/data?sig=%s','{\"data\": {\"digest\": \"%s\", \"note\": \"sha %s x\"}}');\n", i+1, h, h, h, h, h)
	}
	out, _, err := runWith(t, []byte(b.String()), "tables:\n  t:\n    note: text\n    u: url\n    j: json\n", anonymize.Options{Key: key(t, "long-hex")})
	if err != nil {
		t.Fatal(err)
	}
	rows := dumptest.Rows(t, out, "t")
	kept := 0
	for i, h := range hexes {
		for _, col := range []string{"note", "u", "j"} {
			v := rows[i][col]
			for k := 0; k+8 <= len(h); k++ {
				if strings.Contains(v, h[k:k+8]) {
					kept++
					t.Errorf("%s of row %d keeps %q of %s: %s", col, i+1, h[k:k+8], h, v)
					break
				}
			}
		}
	}
	for _, col := range []string{"note", "u", "j"} {
		v := rows[1][col]
		if repeatsHalf(v) {
			t.Errorf("%s: the fake of %s repeats its half as the original does: %s", col, hexes[1], v)
		}
	}
	t.Logf("%d of %d hex values keep 8 digits somewhere", kept, 3*len(hexes))
}

// repeatsHalf: whether s holds a 64-digit hex run made of two equal
// halves.
func repeatsHalf(s string) bool {
	for i := 0; i+64 <= len(s); i++ {
		if isHex(s[i:i+64]) && s[i:i+32] == s[i+32:i+64] {
			return true
		}
	}
	return false
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// TestJSONListedKeyAnyDepth replays red team fuzzatk4's finding: with
// json:keys=qos_specs, the leaves of the object under qos_specs
// ("consumer": "summit", a customer's name) stayed, though a listed key
// covers every leaf under it, at any depth, in arrays too.
func TestJSONListedKeyAnyDepth(t *testing.T) {
	doc := `{"data": {"qos_specs": {"consumer": "summit", "tiers": ["goldcust", {"owner": "acmecorp"}]}, "other": "keepme"}}`
	dump := "CREATE TABLE `t` (`id` int NOT NULL, `j` text, PRIMARY KEY (`id`));\nINSERT INTO `t` VALUES (1,'" + doc + "');\n"
	out, _, err := runWith(t, []byte(dump), "tables:\n  t:\n    j: \"json:keys=qos_specs\"\n", anonymize.Options{Key: key(t, "json-listed")})
	if err != nil {
		t.Fatal(err)
	}
	got := dumptest.Rows(t, out, "t")[0]["j"]
	for _, v := range []string{"summit", "goldcust", "acmecorp"} {
		if strings.Contains(got, v) {
			t.Errorf("%q under the listed key survives: %s", v, got)
		}
	}
	if !strings.Contains(got, `"keepme"`) || !strings.Contains(got, `"consumer"`) {
		t.Errorf("a leaf outside the listed key, or a key, changed: %s", got)
	}
}
