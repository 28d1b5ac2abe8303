package anonymize_test

import (
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// ddlLiterals returns the string literals of the dump's CREATE TABLEs.
func ddlLiterals(t *testing.T, dump []byte) []string {
	t.Helper()
	var out []string
	eachToken(t, dump, func(st *sqldump.Statement, tk sqldump.Token) {
		if st.Kind == sqldump.KindCreateTable && tk.Kind == sqldump.TokString {
			out = append(out, string(sqldump.TokenValue(nil, st.Raw, tk)))
		}
	})
	return out
}

// TestDDLLiteralNamesNoRow replays F11.3 (the red team's hdr.sql): a
// CHECK excludes the VIP's address, a DEFAULT is the bank's no-reply
// address, a DEFAULT date is her sign-up day. With the rows' fakes the
// CHECK's literal equals her anonymized row's e-mail (the DDL names the
// row), the DEFAULT's domain is the rows' fake of the bank's domain and
// the DEFAULT date equals her row's fake date: a known-plaintext pair
// for the date warp. The attacker counts DDL literals equal to a row's
// value or to the domain of a row's e-mail. By default none; with
// --keep-body-linkage the rows' fakes, as opted in.
func TestDDLLiteralNamesNoRow(t *testing.T) {
	const dump = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
		"  `email` varchar(100) DEFAULT 'noreply@sparkasse-nh.de',\n" +
		"  `created_at` datetime DEFAULT '2019-03-14 00:00:00',\n" +
		"  `gen` varchar(120) AS (concat(`email`, ' <vip.customer@bigbank.com>')) VIRTUAL,\n" +
		"  `x` int(11) DEFAULT 17 CHECK (`email` <> 'vip.customer@bigbank.com'),\n" +
		"  CONSTRAINT `c2` CHECK (`email` NOT IN ('ceo@bigbank.com', 'cfo@bigbank.com')),\n" +
		"  CONSTRAINT `c3` CHECK (`email` NOT LIKE '%@blocked.example'),\n" +
		"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n" +
		"INSERT INTO `t` VALUES (1,'vip.customer@bigbank.com','2019-03-14 00:00:00',NULL,1),(2,'noreply@sparkasse-nh.de','2020-01-01 00:00:00',NULL,2)," +
		"(3,'ceo@bigbank.com','2021-01-01 00:00:00',NULL,3),(4,'x@blocked.example','2021-02-01 00:00:00',NULL,4);\n"
	const rulesDoc = "tables:\n  t:\n    email: email\n    created_at: datetime\n"
	for _, tc := range []struct {
		name string
		keep bool
		min  int // DDL literals that name rows at least
		max  int
	}{
		{"default", false, 0, 0},
		{"keep-body-linkage", true, 5, 99},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := runWith(t, []byte(dump), rulesDoc, anonymize.Options{Key: key(t, "ddl-attack"), KeepBodyLinkage: tc.keep})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), "bigbank") || strings.Contains(string(out), "sparkasse") || strings.Contains(string(out), "2019-03-14") {
				t.Errorf("an original survives:\n%s", out)
			}
			rows := dumptest.Rows(t, out, "t")
			named := 0
			for _, l := range ddlLiterals(t, out) {
				for _, r := range rows {
					_, domain, _ := strings.Cut(r["email"], "@")
					ld := l[strings.LastIndexAny(l, "@%")+1:]
					if l == r["email"] || l == r["created_at"] || strings.ContainsAny(l, "@%") && ld == domain {
						named++
						t.Logf("DDL literal %q names row %s", l, r["id"])
					}
				}
			}
			t.Logf("%s: %d DDL literals name a row", tc.name, named)
			if named < tc.min || named > tc.max {
				t.Errorf("%d DDL literals name a row, want %d..%d:\n%s", named, tc.min, tc.max, out)
			}
		})
	}
}
