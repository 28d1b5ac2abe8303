package anonymize_test

import (
	"fmt"
	"strings"
	"testing"

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
