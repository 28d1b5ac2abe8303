package verify_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub"
	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/fuzzyduck/fuzzyduck/verify"
)

// The originals a test index holds.
var originals = map[string]string{
	"email":    "maria.gonzalez@acme-corp.com",
	"hostname": "db7.fra2.acme-corp.com",
	"uuid":     "5d3a9c1e-7b2f-4e8a-9c41-2f6b8d0e1a77",
	"string":   "Project Zanzibar ledger",
}

func index(t *testing.T) *scrub.Scrubber {
	t.Helper()
	ix := scrub.NewIndex()
	for kind, v := range originals {
		ix.Add(kind, v)
	}
	ix.Finish()
	s, err := scrub.New(scrub.Options{Index: ix, NoBuiltin: true, NoPieces: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// indexOf is a scrubber of an index of kind, value pairs.
func indexOf(t *testing.T, kv ...string) *scrub.Scrubber {
	t.Helper()
	ix := scrub.NewIndex()
	for i := 0; i+1 < len(kv); i += 2 {
		ix.Add(kv[i], kv[i+1])
	}
	ix.Finish()
	s, err := scrub.New(scrub.Options{Index: ix, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// columnsOf lists the hits' columns ("a;b;"), each with whether it is a
// word of a value ("atrue;") when words.
func columnsOf(hits []verify.Hit, words bool) string {
	var b strings.Builder
	for _, h := range hits {
		b.WriteString(h.Column)
		if words {
			fmt.Fprint(&b, h.Word)
		}
		b.WriteString(";")
	}
	return b.String()
}

func check(t *testing.T, s *scrub.Scrubber, dump []byte, opts verify.Options) ([]verify.Hit, *verify.Report) {
	t.Helper()
	r, err := sqldump.NewReader(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	var hits []verify.Hit
	rep, err := verify.Dump(r, s, opts, func(h verify.Hit) { hits = append(hits, h) })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bytes != int64(len(dump)) {
		t.Errorf("read %d of %d bytes", rep.Bytes, len(dump))
	}
	return hits, rep
}

// The real mariadb-dump output of sqldump's tests, which holds none of
// the originals above.
func cleanDump(t *testing.T) []byte {
	b, err := os.ReadFile("../sqldump/testdata/dumps/routines.sql")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPlanted plants one original in each place a dump can carry it and
// in each form gate scrub decodes, and wants each found at its line,
// column, table and column, with the value nowhere in what is reported.
func TestPlanted(t *testing.T) {
	s := index(t)
	base := cleanDump(t)
	if hits, rep := check(t, s, base, verify.Options{}); len(hits) != 0 || rep.Failed(verify.Options{}) {
		t.Fatalf("clean dump: %d hits: %v", len(hits), hits)
	}
	email, host := originals["email"], originals["hostname"]
	enc := map[string]string{
		"plain":     email,
		"upper":     strings.ToUpper(email),
		"sql-quote": "x'' " + email,
		"json":      strings.ReplaceAll(email, "@", `\\u0040`),
		"url":       url.QueryEscape("mailto:" + email + "?x=1"),
		"base64":    base64.StdEncoding.EncodeToString([]byte("user=" + email)),
		"hex":       "0x" + hex.EncodeToString([]byte(email)),
	}
	type place struct {
		name          string
		stmt          string // appended to the dump; %s is the value
		table, column string
		context       string
		row           int
	}
	places := []place{
		{"comment", "-- Host: %s    Database: shop\n", "", "", "comment", 0},
		{"default", "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `mail` varchar(255) DEFAULT '%s',\n  PRIMARY KEY (`id`)\n);\n", "users", "mail", "DEFAULT string literal", 0},
		{"column comment", "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `note` text COMMENT 'ask %s',\n  PRIMARY KEY (`id`)\n);\n", "users", "note", "COMMENT string literal", 0},
		{"table comment", "CREATE TABLE `users` (\n  `id` int NOT NULL\n) ENGINE=InnoDB COMMENT='owner %s';\n", "users", "", "table COMMENT string literal", 0},
		{"data row", "INSERT INTO `t1` VALUES (1,'ok'),(2,'%s');\n", "t1", "c", "row", 2},
		{"trigger body", "DELIMITER ;;\nCREATE TRIGGER `trg` BEFORE INSERT ON `t1` FOR EACH ROW SET NEW.c = '%s' ;;\nDELIMITER ;\n", "", "", "string literal in trigger trg", 0},
		{"view", "CREATE VIEW `v` AS SELECT * FROM `t1` WHERE `c` = '%s';\n", "v", "", "string literal in view v", 0},
	}
	for _, p := range places {
		for form, v := range enc {
			if p.name == "data row" && form == "hex" {
				v = "'), (3," + v + ");\n-- " // a hex literal is a value of its own
			}
			t.Run(p.name+"/"+form, func(t *testing.T) {
				if p.name == "comment" && form == "json" {
					v = strings.ReplaceAll(email, "@", `\u0040`) // no SQL string around it
				}
				stmt := strings.Replace(p.stmt, "%s", v, 1)
				if p.name == "data row" {
					// t1's columns come from a CREATE TABLE before it.
					stmt = "CREATE TABLE `t1` (`id` int, `c` varchar(255));\n" + stmt
				}
				dump := append(append([]byte{}, base...), stmt...)
				hits, rep := check(t, s, dump, verify.Options{})
				if len(hits) == 0 || !rep.Failed(verify.Options{}) {
					t.Fatalf("not found in:\n%s", stmt)
				}
				h := hits[0]
				at := bytes.Index(dump[len(base):], []byte(v))
				line := bytes.Count(base, []byte{'\n'}) + 1 + bytes.Count(dump[len(base):len(base)+max(at, 0)], []byte{'\n'})
				if at >= 0 && h.Line != line {
					t.Errorf("line %d, want %d (%v)", h.Line, line, h)
				}
				if h.Offset < int64(len(base)) || h.Offset >= int64(len(dump)) {
					t.Errorf("offset %d outside the planted statement (%v)", h.Offset, h)
				}
				row := p.row
				if p.name == "data row" && form == "hex" {
					row = 3
				}
				if h.Table != p.table || h.Column != p.column || h.Row != row {
					t.Errorf("at %s.%s row %d, want %s.%s row %d (%v)", h.Table, h.Column, h.Row, p.table, p.column, row, h)
				}
				if form == "plain" && h.Context != p.context {
					t.Errorf("context %q, want %q", h.Context, p.context)
				}
				if h.Kind != "email" {
					t.Errorf("kind %q", h.Kind)
				}
				// What is printed holds nothing of the value.
				msg := strings.ToLower(h.String())
				for _, piece := range []string{"maria", "gonzalez", "acme", email[:6]} {
					if strings.Contains(msg, piece) {
						t.Errorf("the report shows %q: %s", piece, msg)
					}
				}
			})
		}
	}
	// Two originals in one row: both found, in their own columns.
	dump := append(append([]byte{}, base...), "CREATE TABLE `t2` (`a` varchar(99), `b` varchar(99), `c` text);\nINSERT INTO `t2` VALUES ('x','"+host+"','see "+email+"');\n"...)
	hits, _ := check(t, s, dump, verify.Options{})
	if len(hits) != 2 || hits[0].Column != "b" || hits[0].Kind != "hostname" || hits[1].Column != "c" || hits[1].Kind != "email" {
		t.Errorf("hits %v", hits)
	}
}

// TestWordsAndShortValues: a word of a multi-word original is a warning
// (fatal with FailOnWords), never when it is a name in the DDL; matches
// of values under MinLength are counted apart.
func TestWordsAndShortValues(t *testing.T) {
	s := index(t)
	base := cleanDump(t)
	dump := append(append([]byte{}, base...), "CREATE TABLE `zanzibar` (`ledgers` int, `zanzibar` int);\nINSERT INTO `zanzibar` VALUES (1,2);\n"...)
	hits, rep := check(t, s, dump, verify.Options{})
	if len(hits) != 0 || rep.Words != 0 {
		t.Errorf("names in the DDL reported: %v", hits)
	}
	dump = append(append([]byte{}, base...), "CREATE TABLE `t3` (`c` text);\nINSERT INTO `t3` VALUES ('the zanzibar build');\n"...)
	hits, rep = check(t, s, dump, verify.Options{})
	if len(hits) != 1 || !hits[0].Word || rep.Words != 1 || rep.Hits != 0 || rep.Failed(verify.Options{}) || !rep.Failed(verify.Options{FailOnWords: true}) {
		t.Errorf("word: hits %v, report %+v", hits, rep)
	}
	ix := scrub.NewIndex()
	ix.Add("integer", "7")
	ix.Add("email", originals["email"])
	ix.Finish()
	s2, _ := scrub.New(scrub.Options{Index: ix, NoBuiltin: true, NoPieces: true})
	dump = append(append([]byte{}, base...), "CREATE TABLE `t4` (`n` int);\nINSERT INTO `t4` VALUES (7),(17),(7);\n"...)
	hits, rep = check(t, s2, dump, verify.Options{})
	if len(hits) != 0 || rep.Short != 2 || rep.Failed(verify.Options{}) {
		t.Errorf("short values: hits %v, report %+v", hits, rep)
	}
	// A long integer is a hit as a number of its own, chance inside other
	// text (a UUID's digits).
	ix = scrub.NewIndex()
	ix.Add("integer", "73519046228")
	ix.Finish()
	s3, _ := scrub.New(scrub.Options{Index: ix, NoBuiltin: true, NoPieces: true})
	dump = append(append([]byte{}, base...), "CREATE TABLE `t5` (`n` bigint, `u` varchar(36));\nINSERT INTO `t5` VALUES (73519046228,'a0b1c2d3-e4f5-4a6b-8c7d-073519046228');\n"...)
	hits, rep = check(t, s3, dump, verify.Options{})
	if rep.Hits != 1 || len(hits) != 1 || hits[0].Column != "n" {
		t.Errorf("integers: hits %v, report %+v", hits, rep)
	}
	// An IP is a hit as an address (also base64-encoded), not as the
	// digits of a date that fold to the same skeleton; a piece of a
	// table's name in a comment is chance, a whole name is not.
	ix = scrub.NewIndex()
	ix.Add("ip_address", "10.194.55.9")
	ix.Add("string", "caches")
	ix.Add("hostname", "db1.acme-corp.com")
	ix.Finish()
	s4, _ := scrub.New(scrub.Options{Index: ix, NoBuiltin: true, NoPieces: true})
	dump = append(append([]byte{}, base...), ("-- Dumping data for table `instance_info_caches`\n" +
		"CREATE TABLE `t6` (`a` varchar(99), `b` varchar(99), `c` varchar(99));\n" +
		"INSERT INTO `t6` VALUES ('2022-10-10 19:45:59','10.194.55.9','" + base64.StdEncoding.EncodeToString([]byte("host=10.194.55.9 up")) + "');\n" +
		"/*!50017 DEFINER=`app`@`db1.acme-corp.com`*/;\n")...)
	hits, rep = check(t, s4, dump, verify.Options{})
	cols := ""
	for _, h := range hits {
		cols += h.Column + h.Context + ";"
	}
	if rep.Hits != 3 || cols != "brow;crow;name;" || rep.Chance < 1 {
		t.Errorf("shapes: %q, report %+v, hits %v", cols, rep, hits)
	}
	// A UUID's first eight hex digits are a hit as a token (a short id)
	// or glued to a word, chance inside a generated IPv6 address across a
	// ':' (the nova pipeline's scaled dump, 1 run in 300).
	s5 := indexOf(t, "text", "5bce176f-76c0-43b4-ad6c-d82b5279bb85")
	dump = append(append([]byte{}, base...), ("CREATE TABLE `t7` (`a` varchar(99), `b` varchar(99), `c` varchar(99));\n" +
		"INSERT INTO `t7` VALUES ('fd29:bfa:5bce:176f:1c8a:d67f:230e:ea58','instance-5bce176f','5bce176f');\n")...)
	hits, rep = check(t, s5, dump, verify.Options{})
	if cols = columnsOf(hits, false); rep.Hits != 2 || cols != "b;c;" || rep.Chance != 1 {
		t.Errorf("hex: %q, report %+v, hits %v", cols, rep, hits)
	}
	// A value of common words inside prose is a word of it (duckface's
	// generated text said "key summit" of an original "key-summit", 1
	// nova pipeline run in 100); the value as a string of its own, or a
	// value with a word no text has, inside prose, is a hit.
	s6 := indexOf(t, "key_name", "key-summit", "string", originals["string"])
	dump = append(append([]byte{}, base...), ("CREATE TABLE `t8` (`a` varchar(99), `b` varchar(99), `c` varchar(99));\n" +
		"INSERT INTO `t8` VALUES ('Plant close hence key summit bread a','key-summit','see project zanzibar ledger now'),('x','y','ask Key Summit now'),('iqn.2010-10.org.openstack:safetyspeak-key:summit-97b8c69c','{\\\"name\\\": \\\"key-summit\\\"}','z');\n")...)
	hits, rep = check(t, s6, dump, verify.Options{})
	if cols = columnsOf(hits, true); rep.Hits != 4 || rep.Words != 2 || cols != "atrue;bfalse;cfalse;cfalse;atrue;bfalse;" {
		t.Errorf("prose: %q, report %+v, hits %v", cols, rep, hits)
	}
}

// TestEveryForm: each original in every form of the attack corpus that
// a log line shows it in (scrub/attack), inside a row's string as
// mariadb-dump escapes it, is found as a whole original value in that
// column. (Not the forms that show a value's first bytes only, nor a
// UUID's forms that do not write it as a UUID: verify counts a match
// out of its kind's shape as chance: its bytes or glued into a word.)
func TestEveryForm(t *testing.T) {
	s := index(t)
	base := cleanDump(t)
	sqlEscape := strings.NewReplacer(`\`, `\\`, `'`, `\'`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\x00", `\0`, "\x1a", `\Z`)
	for kind, v := range originals {
		for _, f := range attack.Forms {
			// (A value a character a line is read down a log's column,
			// not inside one cell: ansible-loop.)
			if f.Bare || f.Applies != nil && !f.Applies(v) || strings.HasPrefix(f.Name, "split") || strings.HasSuffix(f.Name, "-cut") || f.Name == "ansible-loop" ||
				kind == "uuid" && (strings.HasPrefix(f.Name, "html-") && f.Name != "html-named" || strings.HasPrefix(f.Name, "utf16") || f.Name == "zero-width" || f.Name == "soft-hyphen" ||
					f.Name == "code-points" || strings.HasPrefix(f.Name, "codepoints-") || f.Name == "pg-bytea-hex" || f.Name == "utf8-bytes" || f.Name == "xxd-p-groups" || f.Name == "sql-char" || f.Name == "homoglyph" ||
					f.Name == "glued-both" || f.Name == "c-octal-punct" || f.Name == "go-bytes" || f.Name == "java-bytes" ||
					f.Name == "base85" || f.Name == "z85" || f.Name == "ascii85") {
				continue
			}
			t.Run(kind+"/"+f.Name, func(t *testing.T) {
				stmt := "CREATE TABLE `t7` (`id` int, `note` text);\nINSERT INTO `t7` VALUES (1,'ok'),(2,'" + sqlEscape.Replace(f.Render(v)) + "');\n"
				hits, rep := check(t, s, append(append([]byte{}, base...), stmt...), verify.Options{})
				// (Ascii85 of a text holds '"', which mariadb-dump writes
				// \": the run is read in parts, and a word of the value
				// is what is found; still a hit.)
				if f.Name == "ascii85" && len(hits) > 0 && hits[0].Word && hits[0].Column == "note" && hits[0].Row == 2 {
					return
				}
				if rep.Hits == 0 || len(hits) == 0 || hits[0].Word || hits[0].Column != "note" || hits[0].Row != 2 || hits[0].Kind != kind {
					t.Errorf("not found whole in row 2's note (hits %v, report %+v):\n%s", hits, rep, stmt)
				}
			})
		}
	}
}

// TestDates: a date or time equal to an original one in a row, or a day
// anywhere, is counted apart (in a dump of many rows a fake date is often
// another row's original), a hit with FailOnDates; other kinds in the
// same row still are hits. A time to the second outside the rows (a
// DEFAULT, a comment, an event's schedule) is a hit: fuzzy writes few,
// one equal to an original is the donor's.
func TestDates(t *testing.T) {
	base := cleanDump(t)
	ix := scrub.NewIndex()
	ix.Add("date_of_birth", "1969-08-14")
	ix.Add("datetime", "2019-03-14 09:12:44")
	ix.Add("email", originals["email"])
	ix.Finish()
	s, _ := scrub.New(scrub.Options{Index: ix, NoBuiltin: true, NoPieces: true})
	dump := append(append([]byte{}, base...), "CREATE TABLE `t7` (`b` date, `c` datetime, `e` varchar(99));\nINSERT INTO `t7` VALUES ('1969-08-14','2019-03-14 09:12:44','x'),('1970-01-02','2020-01-01 00:00:00','"+originals["email"]+"');\n"...)
	hits, rep := check(t, s, dump, verify.Options{})
	if rep.Dates != 2 || rep.Hits != 1 || len(hits) != 1 || hits[0].Column != "e" {
		t.Errorf("dates: hits %v, report %+v", hits, rep)
	}
	hits, rep = check(t, s, dump, verify.Options{FailOnDates: true})
	if rep.Dates != 0 || rep.Hits != 3 || len(hits) != 3 || !rep.Failed(verify.Options{FailOnDates: true}) {
		t.Errorf("dates as hits: hits %v, report %+v", hits, rep)
	}
	if rep.DatesBy != nil && len(rep.DatesBy) != 0 {
		t.Errorf("dates counted apart with FailOnDates: %v", rep.DatesBy)
	}
	for _, tc := range []struct {
		name, sql string
		hit       bool
	}{
		{"DEFAULT time", "CREATE TABLE `t8` (`c` datetime DEFAULT '2019-03-14 09:12:44');\n", true},
		{"comment time", "/* last run 2019-03-14 09:12:44 */ SELECT 1;\n", true},
		{"event time", "DELIMITER ;;\nCREATE EVENT e ON SCHEDULE EVERY 1 DAY STARTS '2019-03-14 09:12:44' DO DELETE FROM t7;;\nDELIMITER ;\n", true},
		{"DEFAULT day", "CREATE TABLE `t8` (`b` date DEFAULT '1969-08-14');\n", false},
		{"row time", "INSERT INTO `t7` VALUES ('1970-01-02','2019-03-14 09:12:44','x');\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, rep := check(t, s, append(append([]byte{}, dump...), tc.sql...), verify.Options{})
			if got := rep.Hits == 2 && len(hits) == 2; got != tc.hit || rep.Hits != 1 && rep.Hits != 2 {
				t.Errorf("a date %s: hit %v, want %v (hits %v, report %+v)", tc.name, got, tc.hit, hits, rep)
			}
			if !tc.hit && rep.Dates != 3 {
				t.Errorf("a date %s is not counted apart: %+v", tc.name, rep)
			}
		})
	}
	if _, rep := check(t, s, dump, verify.Options{}); rep.DatesBy["t7.b"] != 1 || rep.DatesBy["t7.c"] != 1 {
		t.Errorf("dates apart by column: %v", rep.DatesBy)
	}
}
