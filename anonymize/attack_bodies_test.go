package anonymize_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// bodyLiterals returns every string literal of the dump's statements
// that are not rows (views, triggers, routines, events): what a reader
// of the published dump can match against the rows.
func bodyLiterals(t *testing.T, dump []byte) []string {
	t.Helper()
	var out []string
	eachToken(t, dump, func(st *sqldump.Statement, tk sqldump.Token) {
		if st.Kind == sqldump.KindInsert || st.Kind == sqldump.KindCreateTable || tk.Kind != sqldump.TokString {
			return
		}
		if v := string(sqldump.TokenValue(nil, st.Raw, tk)); v != "" {
			out = append(out, v)
		}
	})
	return out
}

// singledOut is the attacker: the rows of users a body names, by a
// literal equal to one of their values, or by a LIKE pattern's domain
// (what follows its last '@' or '%') equal to their e-mail's domain.
func singledOut(t *testing.T, dump []byte) map[string]string {
	t.Helper()
	lits := bodyLiterals(t, dump)
	named := map[string]string{} // id -> balance
	for _, r := range dumptest.Rows(t, dump, "users") {
		_, domain, _ := strings.Cut(r["email"], "@")
		for _, l := range lits {
			hit := false
			for _, v := range r {
				hit = hit || v == l
			}
			if i := strings.LastIndexAny(l, "@%"); strings.Contains(l, "%") && i >= 0 && l[i+1:] == domain {
				hit = true
			}
			if hit {
				named[r["id"]] = r["balance_cents"]
			}
		}
	}
	return named
}

// TestBodyLiteralSinglesOutARow replays the red team's VIP linkage
// (attack1, F5): a trigger written for one customer compares NEW.email
// with her address, a view selects a bank's customers by their domain.
// Given the rows' fakes (--keep-body-linkage) the trigger's literal
// points the attacker at her anonymized row, and what the rules left
// unmarked there (her balance, plan, login count) is published as hers;
// the view's pattern points at the bank's customers. By default no body
// literal names a row: the attacker finds none, the bodies still load
// (TestAroundTheRowsRealDumps). Audit warns of the bodies by default,
// and with --keep-body-linkage reports them as findings until the
// row's columns have rules.
func TestBodyLiteralSinglesOutARow(t *testing.T) {
	const vipBalance = 231041
	var b strings.Builder
	b.WriteString("CREATE TABLE `users` (`id` int NOT NULL, `email` varchar(190) NOT NULL, `plan` varchar(16) NOT NULL, `login_count` int NOT NULL, `balance_cents` bigint NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `uq_email` (`email`));\n")
	bank := map[string]bool{}
	for id := 1; id <= 60; id++ {
		email, bal := fmt.Sprintf("customer%d@shop.example", id), 1000+id*37
		switch {
		case id == 1:
			email, bal = "vip.customer@bigbank.example", vipBalance
		case id%10 == 0:
			email = fmt.Sprintf("client%d@bigbank.example", id)
		}
		if strings.HasSuffix(email, "@bigbank.example") {
			bank[fmt.Sprint(id)] = true
		}
		fmt.Fprintf(&b, "INSERT INTO `users` VALUES (%d,'%s','pro',%d,%d);\n", id, email, 4000+id, bal)
	}
	b.WriteString("DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`app`@`%`*/ /*!50003 TRIGGER users_vip BEFORE UPDATE ON users FOR EACH ROW BEGIN\n" +
		"  IF NEW.email = 'vip.customer@bigbank.example' THEN SET NEW.plan = 'enterprise'; END IF;\nEND */;;\nDELIMITER ;\n")
	// a spotted literal (no column the engine can tie it to) names the
	// row as well as a tied one
	b.WriteString("/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */ /*!50001 VIEW `bank` AS select `id` from `users` where `email` like '%@bigbank.example' or lower(`email`) = 'vip.customer@bigbank.example' */;\n")
	dump := []byte(b.String())
	if named := singledOut(t, dump); len(named) != len(bank) || named["1"] != fmt.Sprint(vipBalance) {
		t.Fatalf("on the original dump the attacker names %d rows (%v), want the %d bank customers and the VIP: the attack is broken", len(named), named, len(bank))
	}
	auditRules := func(doc string, keep bool) *anonymize.AuditReport {
		set, err := rules.Parse("rules.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return auditWith(t, dump, set, anonymize.AuditOptions{Sample: 1000, KeepBodyLinkage: keep})
	}
	findings := func(rep *anonymize.AuditReport) []string {
		var out []string
		for _, f := range rep.Findings {
			if f.Table == "users" && f.Column == "" {
				out = append(out, f.String())
			}
		}
		return out
	}
	before := "tables:\n  users: {email: email}\n"
	after := "tables:\n  users: {email: email, login_count: integer, balance_cents: integer, plan: keep}\n"
	for _, tc := range []struct {
		name  string
		rules string
		keep  bool
	}{
		{"default", before, false},
		{"keep linkage", before, true},
		{"keep linkage, columns marked", after, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stats, err := runWith(t, dump, tc.rules, anonymize.Options{Key: key(t, "vip"), Workers: 2, KeepBodyLinkage: tc.keep})
			if err != nil {
				t.Fatal(err)
			}
			named := singledOut(t, out)
			rep := auditRules(tc.rules, tc.keep)
			fs := findings(rep)
			warned := strings.Join(stats.Warnings, "\n")
			switch tc.name {
			case "default":
				if len(named) != 0 {
					t.Errorf("the published bodies name %d rows of users (%v): a body literal still equals a row's value or its domain", len(named), named)
				}
				if !strings.Contains(warned, "CREATE TRIGGER: literals compared with or assigned to users.email got fakes no row has") || !strings.Contains(warned, "CREATE VIEW") {
					t.Errorf("anonymize does not warn that it unlinked the bodies' literals:\n%s", warned)
				}
				if len(fs) != 0 {
					t.Errorf("audit reports unlinked bodies as findings: %q", fs)
				}
				if w := strings.Join(rep.Warnings, "\n"); !strings.Contains(w, "a fake no row has") || !strings.Contains(w, "--keep-body-linkage") {
					t.Errorf("audit does not warn of the bodies: %s", w)
				}
			case "keep linkage":
				if named["1"] != fmt.Sprint(vipBalance) || len(named) != len(bank) {
					t.Fatalf("the replay does not reproduce the leak (named %v): the test tests nothing", named)
				}
				if len(fs) != 1 {
					t.Fatalf("audit: %d findings on users naming a row, want 1: %q", len(fs), fs)
				}
				for _, want := range []string{"TRIGGER", "VIEW", "users.email", "exactly one row", "balance_cents", "login_count", "plan", "Suggested", "--keep-body-linkage"} {
					if !strings.Contains(fs[0], want) {
						t.Errorf("the finding does not say %q: %s", want, fs[0])
					}
				}
				if strings.Contains(fs[0], "vip.customer") || strings.Contains(fs[0], "bigbank") {
					t.Errorf("the finding shows the literal: %s", fs[0])
				}
			default:
				if named["1"] == fmt.Sprint(vipBalance) {
					t.Errorf("with the columns marked, the trigger still leads to the VIP's real balance")
				}
				if len(fs) != 0 {
					t.Errorf("audit still reports the body once every column has a rule: %q", fs)
				}
			}
		})
	}
}
