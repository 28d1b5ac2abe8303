package anonymize_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
)

// TestIntegerColumnsDoNotShareAPermutation: the attacker looks for
// equalities between columns of the anonymized dump (one permutation for
// every column would keep them all, so a known value in one column would
// reveal the rows holding it in every other). Unrelated columns must lose
// them; a FOREIGN KEY and a rules relation must keep theirs.
func TestIntegerColumnsDoNotShareAPermutation(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `accounts` (`id` int NOT NULL, `pin` int, `badge` int, `legacy_no` bigint, PRIMARY KEY (`id`), UNIQUE KEY (`legacy_no`));\n")
	b.WriteString("CREATE TABLE `cards` (`id` int NOT NULL, `owner_no` bigint, `copy_no` bigint, PRIMARY KEY (`id`), CONSTRAINT `fk` FOREIGN KEY (`owner_no`) REFERENCES `accounts` (`legacy_no`));\n")
	b.WriteString("CREATE TABLE `shadow_cards` (`id` int NOT NULL, `owner_no` bigint, `copy_no` bigint, PRIMARY KEY (`id`));\n")
	const n = 200
	for i := 1; i <= n; i++ {
		v := 100000 + i*37 // pin and badge hold the same number on every row
		fmt.Fprintf(&b, "INSERT INTO `accounts` VALUES (%d,%d,%d,%d);\n", i, v, v, 5000000000+int64(i)*7919)
		fmt.Fprintf(&b, "INSERT INTO `cards` VALUES (%d,%d,%d);\n", i, 5000000000+int64(i)*7919, 5000000000+int64(i)*7919)
		fmt.Fprintf(&b, "INSERT INTO `shadow_cards` VALUES (%d,%d,%d);\n", i, 5000000000+int64(i)*7919, 5000000000+int64(i)*7919)
	}
	doc := "tables:\n  accounts: {pin: integer, badge: integer, legacy_no: integer}\n  cards: {copy_no: integer}\nrelations:\n  - shadow_cards.owner_no -> accounts.legacy_no\n"
	out, _, err := run(t, []byte(b.String()), doc, key(t, "ints"), 2)
	if err != nil {
		t.Fatal(err)
	}
	acc := dumptest.Rows(t, out, "accounts")
	cards := dumptest.Rows(t, out, "cards")
	shadow := dumptest.Rows(t, out, "shadow_cards")
	legacy := map[string]bool{}
	same := 0
	for _, r := range acc {
		if r["pin"] == r["badge"] {
			same++
		}
		legacy[r["legacy_no"]] = true
		if len(r["pin"]) != 6 || len(r["legacy_no"]) != 10 {
			t.Errorf("digit count changed: %v", r)
		}
	}
	if same > n/50 {
		t.Errorf("%d of %d rows still have pin = badge after anonymization", same, n)
	}
	var joined, copies int
	for i, r := range cards {
		if legacy[r["owner_no"]] {
			joined++
		}
		if r["owner_no"] == r["copy_no"] {
			copies++
		}
		if shadow[i]["owner_no"] != r["owner_no"] {
			t.Errorf("row %d: shadow_cards.owner_no %s, cards.owner_no %s (both reference accounts.legacy_no)", i+1, shadow[i]["owner_no"], r["owner_no"])
		}
	}
	if joined != n {
		t.Errorf("%d of %d cards still join their account through the FOREIGN KEY", joined, n)
	}
	if copies > n/50 {
		t.Errorf("cards.copy_no (no relation) still equals owner_no on %d of %d rows", copies, n)
	}
}
