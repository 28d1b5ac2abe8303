package anonymize_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
	"github.com/fuzzyduck/fuzzyduck/rules"
)

// TestBodyLiteralSinglesOutARow replays the red team's VIP linkage
// (attack1, F5): a trigger written for one customer compares NEW.email
// with her address; anonymize gives the literal the column's fake so the
// trigger still fires, which points the attacker at her anonymized row,
// and what the rules left unmarked there (her balance, plan, login
// count) is published as hers. The attacker recovers her balance; audit
// must report the body, the row it names and the unmarked columns; once
// the operator gives those columns rules, as the finding suggests, the
// recovery fails and the finding goes.
func TestBodyLiteralSinglesOutARow(t *testing.T) {
	const vipBalance = 231041
	var b strings.Builder
	b.WriteString("CREATE TABLE `users` (`id` int NOT NULL, `email` varchar(190) NOT NULL, `plan` varchar(16) NOT NULL, `login_count` int NOT NULL, `balance_cents` bigint NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `uq_email` (`email`));\n")
	for id := 1; id <= 60; id++ {
		email, bal := fmt.Sprintf("customer%d@shop.example", id), 1000+id*37
		if id == 1 {
			email, bal = "vip.customer@bigbank.example", vipBalance
		}
		fmt.Fprintf(&b, "INSERT INTO `users` VALUES (%d,'%s','pro',%d,%d);\n", id, email, 4000+id, bal)
	}
	b.WriteString("DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`app`@`%`*/ /*!50003 TRIGGER users_vip BEFORE UPDATE ON users FOR EACH ROW BEGIN\n" +
		"  IF NEW.email = 'vip.customer@bigbank.example' THEN SET NEW.plan = 'enterprise'; END IF;\nEND */;;\nDELIMITER ;\n")
	dump := []byte(b.String())

	// the attacker: the trigger's literal, the row holding it, its balance
	recover := func(out []byte) (balance string, found bool) {
		m := regexp.MustCompile(`NEW\.email = '([^']+)'`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("no trigger literal in the output")
		}
		for _, r := range dumptest.Rows(t, out, "users") {
			if r["email"] == string(m[1]) {
				return r["balance_cents"], true
			}
		}
		return "", false
	}
	findings := func(doc string) []string {
		set, err := rules.Parse("rules.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range audit(t, dump, set).Findings {
			if f.Table == "users" && f.Column == "" {
				out = append(out, f.String())
			}
		}
		return out
	}

	before := "tables:\n  users: {email: email}\n"
	out, _, err := run(t, dump, before, key(t, "vip"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if bal, ok := recover(out); !ok || bal != fmt.Sprint(vipBalance) {
		t.Fatalf("the replay does not reproduce the leak (balance %q, row found %v): the test tests nothing", bal, ok)
	}
	fs := findings(before)
	if len(fs) != 1 {
		t.Fatalf("audit: %d findings on users naming a row, want 1: %q", len(fs), fs)
	}
	for _, want := range []string{"TRIGGER", "users.email", "exactly one row", "balance_cents", "login_count", "plan", "Suggested"} {
		if !strings.Contains(fs[0], want) {
			t.Errorf("the finding does not say %q: %s", want, fs[0])
		}
	}
	if strings.Contains(fs[0], "vip.customer") || strings.Contains(fs[0], "bigbank") {
		t.Errorf("the finding shows the literal: %s", fs[0])
	}

	after := "tables:\n  users: {email: email, login_count: integer, balance_cents: integer, plan: keep}\n"
	out, _, err = run(t, dump, after, key(t, "vip"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if bal, ok := recover(out); !ok || bal == fmt.Sprint(vipBalance) {
		t.Errorf("with the columns marked, the trigger still leads to the VIP's real balance (%q, row found %v)", bal, ok)
	}
	if fs := findings(after); len(fs) != 0 {
		t.Errorf("audit still reports the body once every column has a rule: %q", fs)
	}
}
