package anonymize_test

import (
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
)

// TestBodyLiteralsAroundAColumn: a literal compared with a marked column
// through a function, a CASE, BETWEEN or a list in a string is a value of
// that column as much as one compared directly; the attacker reads the
// original names straight from the trigger unless each is faked. A
// literal the kind cannot read (a date format) stays.
func TestBodyLiteralsAroundAColumn(t *testing.T) {
	const schema = "CREATE TABLE `users` (`id` int NOT NULL, `name` varchar(100), `host` varchar(100), `created` datetime, `tier` varchar(9), PRIMARY KEY (`id`));\n"
	const rulesDoc = "tables:\n  users: {name: person_name, host: hostname, created: datetime}\n"
	for _, tc := range []struct {
		name, cond string
		originals  []string // must not survive (any case)
		stays      []string // must survive as written
	}{
		{"function", "LOWER(NEW.name) = 'vera ip'", []string{"vera ip"}, nil},
		{"function on the right", "'sam second' = LOWER(TRIM(NEW.name))", []string{"sam second"}, nil},
		{"between", "NEW.name BETWEEN 'Aaron Alpha' AND 'Zed Zulu'", []string{"aaron alpha", "zed zulu"}, nil},
		{"regexp", "NEW.name REGEXP 'Kim Kappa'", []string{"kim kappa"}, nil},
		{"coalesce", "COALESCE(NEW.name, 'Una Upsilon') = 'Una Upsilon'", []string{"una upsilon"}, nil},
		{"find_in_set", "FIND_IN_SET(NEW.name, 'Rho Rita,Sig Ma')", []string{"rho rita", "sig ma"}, nil},
		{"if()", "IF(NEW.name = '', 'Tau Tim', NEW.name) = 'x'", []string{"tau tim"}, nil},
		{"a variable", "TRUE; BEGIN DECLARE who VARCHAR(99) DEFAULT 'Vic Victor'; SET @whom = 'Wes West'; SET NEW.name = IF(NEW.name = who OR @whom = NEW.name, 'x', NEW.name); END; IF TRUE", []string{"vic victor", "wes west"}, nil},
		{"a case after another", "TRUE THEN CASE NEW.host WHEN 'h.example.org' THEN BEGIN END; END CASE; CASE NEW.name WHEN 'Yul Ypsilon' THEN BEGIN END; END CASE; END IF; IF TRUE", []string{"yul ypsilon"}, nil},
		{"insert select", "TRUE THEN INSERT INTO users (id, name, host) SELECT NEW.id + 1, 'Xia Xi', NEW.host FROM DUAL; END IF; IF TRUE", []string{"xia xi"}, nil},
		{"a date format stays", "DATE_FORMAT(NEW.created, '%Y-%m-%d') = DATE_FORMAT(NOW(), '%Y-%m-%d')", nil, []string{"'%Y-%m-%d'"}},
		{"an unmarked column's literal stays", "UPPER(NEW.tier) = 'GOLD'", nil, []string{"'GOLD'"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dump := schema + "DELIMITER ;;\nCREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW BEGIN\n  IF " + tc.cond + " THEN SET NEW.tier = 'gold'; END IF;\n" +
				"  CASE NEW.name WHEN 'Jane Donor' THEN SET NEW.tier = 'a'; WHEN 'Olga Other' THEN SET NEW.tier = 'b'; ELSE BEGIN END; END CASE;\nEND;;\nDELIMITER ;\n"
			out, stats, err := runWith(t, []byte(dump), rulesDoc, anonymize.Options{Key: key(t, "around")})
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(string(out))
			for _, o := range append(tc.originals, "jane donor", "olga other") {
				if strings.Contains(low, o) {
					t.Errorf("the original %q survives in the trigger:\n%s", o, out)
				}
			}
			for _, s := range tc.stays {
				if !strings.Contains(string(out), s) {
					t.Errorf("%s was rewritten:\n%s", s, out)
				}
			}
			if !strings.Contains(strings.Join(stats.Warnings, "\n"), "users.name got fakes no row has") {
				t.Errorf("no warning for the unlinked literals: %q", stats.Warnings)
			}
		})
	}
}

// TestCheckLiteralsAroundAColumn: a CHECK compares a literal with a
// function of a marked column. Where it excludes the value the literal
// gets the rows' fake (the rows still pass), a LIKE pattern keeps its
// wildcards; a DEFAULT expression's pieces are the column's value too.
func TestCheckLiteralsAroundAColumn(t *testing.T) {
	for _, tc := range []struct {
		name, def string
		originals []string
		stays     []string
	}{
		{"not equal", "`nick2` int, CONSTRAINT c CHECK (LOWER(`name`) <> 'jane donor')", []string{"jane donor"}, nil},
		{"not in", "`nick2` int, CONSTRAINT c CHECK (TRIM(`name`) NOT IN ('Jane Donor', 'Olga Other'))", []string{"jane donor", "olga other"}, nil},
		{"like", "`nick2` int, CONSTRAINT c CHECK (LOWER(`email`) LIKE '%@%')", nil, []string{"'%@%'"}},
		{"default expression", "`nick2` varchar(99) DEFAULT concat('Jane',' Donor')", []string{"jane", " donor"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dump := "CREATE TABLE `users` (`id` int NOT NULL, `name` varchar(100), `email` varchar(100), `nick` varchar(99), " + tc.def + ", PRIMARY KEY (`id`));\n"
			out, _, err := runWith(t, []byte(dump), "tables:\n  users: {name: person_name, email: email, nick: string, nick2: string}\n", anonymize.Options{Key: key(t, "around")})
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(string(out))
			for _, o := range tc.originals {
				if strings.Contains(low, o) {
					t.Errorf("the original %q survives:\n%s", o, out)
				}
			}
			for _, s := range tc.stays {
				if !strings.Contains(string(out), s) {
					t.Errorf("%s was rewritten:\n%s", s, out)
				}
			}
		})
	}
}
