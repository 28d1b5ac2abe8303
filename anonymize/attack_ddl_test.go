package anonymize_test

import (
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
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

// checkPolarityCases: CHECKs on t.email around the VIP's address V, and
// whether rows must match V (the literal must be the rows' fake) or
// are kept away from it (a fake no row has, or the DDL names the VIP
// whose address is a row of another table).
var checkPolarityCases = []struct {
	check  string
	linked bool
}{
	{"`email` = 'V'", true},
	{"`email` <> 'V'", false},
	{"NOT (`email` = 'V')", false},
	{"NOT `email` = 'V'", false},
	{"!(`email` = 'V')", false},
	{"(`email` = 'V') IS FALSE", false},
	{"(`email` = 'V') IS NOT TRUE", false},
	{"(`email` = 'V') = 0", false},
	{"(`email` = 'V') IS TRUE", true},
	{"NOT (NOT (`email` = 'V'))", true},
	{"NOT (`email` <> 'V')", true},
	{"NOT (`email` IN ('V', 'other@bigbank.com'))", false},
	{"NOT (LOWER(`email`) = 'V')", false},
	{"`id` > 0 AND NOT (`email` = 'V' OR `email` IS NULL)", false},
	{"NOT (`id` BETWEEN 100 AND 200 OR `email` = 'V')", false},
	{"(`id` > 0 AND (NOT (`email` = 'V')))", false},
}

const (
	checkVIP   = "vip.customer@bigbank.com"
	checkRules = "tables:\n  t:\n    email: email\n  u:\n    email: email\n"
)

// checkPolarityDump: t under the CHECK, with a row that passes it (the
// VIP where rows must match her, someone else where they must not), and
// u holding the VIP's address as a row.
func checkPolarityDump(check string, linked bool) string {
	row := "someone.else@bigbank.com"
	if linked {
		row = checkVIP
	}
	return "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `email` varchar(100) DEFAULT NULL,\n" +
		"  CONSTRAINT `c` CHECK (" + strings.ReplaceAll(check, "V", checkVIP) + "),\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n" +
		"INSERT INTO `t` VALUES (1,'" + row + "');\n" +
		"CREATE TABLE `u` (`id` int(11) NOT NULL, `email` varchar(100), PRIMARY KEY (`id`)) ENGINE=InnoDB;\n" +
		"INSERT INTO `u` VALUES (1,'" + checkVIP + "');\n"
}

// checkNamesVIP anonymizes dump and reports whether a CREATE TABLE
// literal is the rows' fake of the VIP.
func checkNamesVIP(t *testing.T, dump []byte) ([]byte, bool) {
	t.Helper()
	out, _, err := runWith(t, dump, checkRules, anonymize.Options{Key: key(t, "check-polarity")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "bigbank") {
		t.Fatalf("an original survives:\n%s", out)
	}
	fake := dumptest.Rows(t, out, "u")[0]["email"]
	named := false
	for _, l := range ddlLiterals(t, out) {
		named = named || l == fake
	}
	return out, named
}

// TestCheckPolarity: a negation around the comparison (NOT (email =
// '...'), IS FALSE, = 0) excludes the value as `<>` does; a double
// negation, or one around `<>`, makes it a value rows must match.
func TestCheckPolarity(t *testing.T) {
	for _, tc := range checkPolarityCases {
		t.Run(tc.check, func(t *testing.T) {
			out, named := checkNamesVIP(t, []byte(checkPolarityDump(tc.check, tc.linked)))
			if named != tc.linked {
				t.Errorf("CHECK (%s): the literal is the rows' fake of the VIP: %v, want %v\n%s", tc.check, named, tc.linked, out)
			}
		})
	}
}

// TestCheckPolarityRealServer: the same CHECKs as MariaDB writes them
// back (mariadb-dump of a real server: most negations become <>, but
// `email = '...' is false`, `is not true` and `= 0` stay), and the
// anonymized dump loads: its rows pass every CHECK.
func TestCheckPolarityRealServer(t *testing.T) {
	s := dbtest.Shared(t)
	for _, tc := range checkPolarityCases {
		t.Run(tc.check, func(t *testing.T) {
			_, name := dbtest.NewDB(t, s)
			dbtest.Client(t, s, name, checkPolarityDump(tc.check, tc.linked))
			dump := dbtest.Dump(t, s, name)
			out, named := checkNamesVIP(t, dump)
			if named != tc.linked {
				t.Errorf("CHECK (%s) as dumped: the literal is the rows' fake of the VIP: %v, want %v\n%s", tc.check, named, tc.linked, out)
			}
			_, name2 := dbtest.NewDB(t, s)
			dbtest.Client(t, s, name2, string(out))
		})
	}
}
