package anonymize_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/rules"
)

// One pass either writes what two passes write or says, naming the
// table and column, why it cannot; each way a later table can change an
// earlier one is caught.
func TestOnePass(t *testing.T) {
	for _, tc := range []struct {
		name, dump, rules string
		want              string // "" : one pass suffices
	}{
		{"child before parent", "CREATE TABLE a (id int PRIMARY KEY, p varchar(36), FOREIGN KEY (p) REFERENCES b (u));\n" +
			"INSERT INTO a VALUES (1,'0b1f5a6e-0000-4000-8000-000000000001');\n" +
			"CREATE TABLE b (u varchar(36) PRIMARY KEY, n varchar(20));\nINSERT INTO b VALUES ('0b1f5a6e-0000-4000-8000-000000000001','x');\n",
			"tables:\n  b: {u: uuid}\n", ""},
		{"a later foreign key gives an earlier column a rule",
			"CREATE TABLE a (id int PRIMARY KEY, p varchar(20), FOREIGN KEY (p) REFERENCES b (u));\nINSERT INTO a VALUES (1,'secret-host.corp');\n" +
				"CREATE TABLE b (u varchar(20) PRIMARY KEY, FOREIGN KEY (u) REFERENCES c (h));\n" +
				"CREATE TABLE c (h varchar(20) PRIMARY KEY);\nINSERT INTO c VALUES ('secret-host.corp');\n",
			"tables:\n  c: {h: hostname}\n", "changes how a.p is anonymized (was: no rule"},
		{"a later unique key makes a kind collision-checked",
			"CREATE TABLE a (id int PRIMARY KEY, e varchar(40));\nINSERT INTO a VALUES (1,'ann@example.com');\n" +
				"CREATE TABLE b (id int PRIMARY KEY, e varchar(40), UNIQUE KEY (e));\nINSERT INTO b VALUES (1,'bob@example.com');\n",
			"tables:\n  a: {e: email}\n  b: {e: email}\n", "changes how a.e is anonymized (was: kind email, family a.e; now: kind email, collision-checked"},
		{"a later table joins an earlier family", // a.x's root moves from b.y to c.z: integer permutations differ
			"CREATE TABLE a (x int PRIMARY KEY, FOREIGN KEY (x) REFERENCES b (y));\nINSERT INTO a VALUES (7);\n" +
				"CREATE TABLE b (y int PRIMARY KEY, FOREIGN KEY (y) REFERENCES c (z));\nINSERT INTO b VALUES (7);\n" +
				"CREATE TABLE c (z int PRIMARY KEY);\nINSERT INTO c VALUES (7);\n",
			"tables:\n  a: {x: integer}\n  b: {y: integer}\n  c: {z: integer}\n", "changes how a.x is anonymized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := rules.Parse("rules.yaml", []byte(tc.rules))
			if err != nil {
				t.Fatal(err)
			}
			base := set.Clone()
			two, _, err := runTwoPass(t, []byte(tc.dump), set, anonymize.Options{Key: key(t, "k")})
			if err != nil {
				t.Fatal(err)
			}
			one, _, err := runOnePass([]byte(tc.dump), base, anonymize.Options{Key: key(t, "k")})
			var sp *anonymize.SecondPassError
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("one pass: %v", err)
			case tc.want == "" && string(one) != string(two):
				t.Fatalf("one pass:\n%s\ntwo passes:\n%s", one, two)
			case tc.want != "" && (!errors.As(err, &sp) || !strings.Contains(sp.Reason, tc.want)):
				t.Fatalf("one pass: %v; want a second pass because %q", err, tc.want)
			}
		})
	}
}
