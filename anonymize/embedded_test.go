package anonymize_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/rules"
)

// TestEmbeddedFollowsRederived: a value of a collision-checked kind gets
// the fake its column gets, re-derived or not, wherever it stands: as a
// JSON leaf of its own row and of another row, as a URL's path segment
// (the row's copy), in a trigger's literal, and in rows written before
// the column's (which the first occurrence claims). The codes are short
// words, so the string kind's fakes collide and many are re-derived.
func TestEmbeddedFollowsRederived(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 13))
	seen := map[string]bool{}
	var codes []string
	for len(codes) < 1500 {
		b := make([]byte, 4)
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		if !seen[string(b)] {
			seen[string(b)] = true
			codes = append(codes, string(b))
		}
	}
	var d strings.Builder
	// A table written first that names the codes inside JSON only.
	d.WriteString("CREATE TABLE `a_notes` (`id` int NOT NULL, `doc` text, PRIMARY KEY (`id`));\nINSERT INTO `a_notes` VALUES ")
	for i := 0; i < 200; i++ {
		if i > 0 {
			d.WriteString(",")
		}
		fmt.Fprintf(&d, "(%d,'{\"code\": \"%s\"}')", i+1, codes[len(codes)-1-i])
	}
	d.WriteString(";\nCREATE TABLE `t` (`id` int NOT NULL, `code` varchar(32) NOT NULL, `doc` text, `link` text, PRIMARY KEY (`id`), UNIQUE KEY `code` (`code`));\n")
	for s := 0; s < len(codes); s += 500 { // several statements: several jobs
		d.WriteString("INSERT INTO `t` VALUES ")
		for i := s; i < s+500 && i < len(codes); i++ {
			if i > s {
				d.WriteString(",")
			}
			prev := codes[(i+len(codes)-1)%len(codes)]
			fmt.Fprintf(&d, "(%d,'%s','{\"code\": \"%s\", \"prev\": \"%s\"}','https://h.example/x/%s')", i+1, codes[i], codes[i], prev, codes[i])
		}
		d.WriteString(";\n")
	}
	d.WriteString("DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`a`@`%`*/ /*!50003 TRIGGER vip BEFORE INSERT ON t FOR EACH ROW BEGIN IF NEW.code = '" + codes[0] + "' THEN SET NEW.doc = NULL; END IF; END */;;\nDELIMITER ;\n")
	rulesDoc := "tables:\n  t:\n    code: string\n    doc: \"json:keys=code,prev\"\n    link: url\n  a_notes:\n    doc: \"json:keys=code\"\n"
	// --keep-body-linkage: the trigger's literal is the rows' fake
	out, stats, err := runWith(t, []byte(d.String()), rulesDoc, anonymize.Options{Key: key(t, "embedded"), Workers: 2, KeepBodyLinkage: true})
	if err != nil {
		t.Fatal(err)
	}
	var rederived int64
	for _, c := range stats.Columns {
		if c.Table == "t" && c.Column == "code" {
			rederived = c.Rederived
		}
	}
	if rederived < 5 {
		t.Fatalf("only %d codes re-derived: the test shows nothing", rederived)
	}
	rows := tableRows(t, out)
	fake := map[string]string{} // original code -> its column's fake
	for i, f := range rows["t"]["code"] {
		fake[codes[i]] = f
	}
	leaf := regexp.MustCompile(`"(code|prev)": "([^"]*)"`)
	for i := range codes {
		doc := leaf.FindAllStringSubmatch(rows["t"]["doc"][i], -1)
		if len(doc) != 2 || doc[0][2] != fake[codes[i]] || doc[1][2] != fake[codes[(i+len(codes)-1)%len(codes)]] {
			t.Errorf("row %d: code %q became %q, its JSON says %v", i+1, codes[i], fake[codes[i]], doc)
		}
		if link := rows["t"]["link"][i]; !strings.HasSuffix(link, "/"+fake[codes[i]]) {
			t.Errorf("row %d: code %q became %q, its URL %q", i+1, codes[i], fake[codes[i]], link)
		}
	}
	for i, doc := range rows["a_notes"]["doc"] {
		if m := leaf.FindStringSubmatch(doc); m == nil || m[2] != fake[codes[len(codes)-1-i]] {
			t.Errorf("a_notes row %d: %q is %q in its column, the note says %q", i+1, codes[len(codes)-1-i], fake[codes[len(codes)-1-i]], doc)
		}
	}
	if !strings.Contains(string(out), "NEW.code = '"+fake[codes[0]]+"'") {
		t.Errorf("the trigger's literal is not %q, the column's fake of %q", fake[codes[0]], codes[0])
	}
	// Distinct codes still have distinct fakes: the column is unique.
	back := map[string]string{}
	for c, f := range fake {
		if o, ok := back[f]; ok {
			t.Errorf("%q and %q both became %q", o, c, f)
		}
		back[f] = c
	}
}

// TestEmbeddedBeforeTheirKindIsChecked: one pass writes JSON holding
// values of a kind before a later table makes that kind collision-checked;
// those fakes were not claimed, so one pass stops and says why (from a
// file fuzzy then reads the schema first), and two passes give the note
// its column's fake.
func TestEmbeddedBeforeTheirKindIsChecked(t *testing.T) {
	dump := "CREATE TABLE `a_notes` (`id` int NOT NULL, `doc` text, PRIMARY KEY (`id`));\n" +
		"INSERT INTO `a_notes` VALUES (1,'{\"code\": \"alpha-one\"}'),(2,'{\"code\": \"bravo-two\"}');\n" +
		"CREATE TABLE `t` (`id` int NOT NULL, `code` varchar(32) NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `code` (`code`));\n" +
		"INSERT INTO `t` VALUES (1,'bravo-two'),(2,'charlie-three');\n"
	set, err := rules.Parse("rules.yaml", []byte("tables:\n  t:\n    code: string\n  a_notes:\n    doc: \"json:keys=code\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	opts := anonymize.Options{Key: key(t, "embedded-one-pass"), Workers: 2}
	_, _, err = runOnePass([]byte(dump), set.Clone(), opts)
	var sp *anonymize.SecondPassError
	if !errors.As(err, &sp) || !strings.Contains(sp.Reason, "string values collision-checked") || !strings.Contains(sp.Reason, "a_notes") {
		t.Fatalf("one pass: %v", err)
	}
	two, _, err := runSet(t, []byte(dump), set, opts)
	if err != nil {
		t.Fatal(err)
	}
	rows := tableRows(t, two)
	if f := rows["t"]["code"][0]; !strings.Contains(rows["a_notes"]["doc"][1], `"`+f+`"`) {
		t.Errorf("bravo-two is %q in its column, the note says %s", f, rows["a_notes"]["doc"][1])
	}
}
