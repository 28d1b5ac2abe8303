package sqldump_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

type stmtInfo struct {
	kind    sqldump.Kind
	keyword string
}

func readAll(t *testing.T, input string) ([]*sqldump.Statement, []string, error) {
	t.Helper()
	r, err := sqldump.NewReader(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	var sts []*sqldump.Statement
	var raws []string
	for {
		st, err := r.Next()
		if err == io.EOF {
			return sts, raws, nil
		}
		if err != nil {
			return sts, raws, err
		}
		cp := *st
		sts = append(sts, &cp)
		raws = append(raws, string(st.Raw))
	}
}

// statements yields each statement r reads, to the end of the dump; a
// read error fails the test.
func statements(t testing.TB, r *sqldump.Reader) iter.Seq[*sqldump.Statement] {
	return func(yield func(*sqldump.Statement) bool) {
		for {
			st, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !yield(st) {
				return
			}
		}
	}
}

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []stmtInfo
		raws  []string // optional exact split
	}{
		{
			name:  "comments attach to the next statement",
			input: "-- header\n\n/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `t`;\n",
			want:  []stmtInfo{{sqldump.KindOther, "/*!"}, {sqldump.KindOther, "DROP"}},
			raws:  []string{"-- header\n\n/*!40101 SET NAMES utf8mb4 */;\n", "DROP TABLE IF EXISTS `t`;\n"},
		},
		{
			name:  "trailing comment is trivia",
			input: "SET x=1;\n-- Dump completed\n",
			want:  []stmtInfo{{sqldump.KindOther, "SET"}, {sqldump.KindTrivia, ""}},
		},
		{
			name:  "delimiters inside strings, identifiers and comments",
			input: "SELECT ';', \";\", `;`, 'a\\';' /* ; */ # ;\n -- ;\n;\nSET @a='x';",
			want:  []stmtInfo{{sqldump.KindOther, "SELECT"}, {sqldump.KindOther, "SET"}},
		},
		{
			name:  "dash dash without space is not a comment",
			input: "SELECT 1--1;\nSELECT 2;\n",
			want:  []stmtInfo{{sqldump.KindOther, "SELECT"}, {sqldump.KindOther, "SELECT"}},
		},
		{
			name: "delimiter blocks",
			input: "DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET @a = ';'; SET @b = 1; END */;;\n" +
				"DELIMITER ;\nCREATE PROCEDURE p() BEGIN END;\n",
			want: []stmtInfo{{sqldump.KindCommand, "DELIMITER"}, {sqldump.KindOther, "/*!"}, {sqldump.KindCommand, "DELIMITER"}, {sqldump.KindOther, "CREATE"}},
		},
		{
			name:  "mariadb sandbox line",
			input: "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump\n/*!40101 SET NAMES utf8mb4 */;\n",
			want:  []stmtInfo{{sqldump.KindCommand, "SANDBOX"}, {sqldump.KindOther, "/*!"}},
		},
		{
			name:  "use and create table",
			input: "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\nUSE `d`;\nCREATE TABLE `t` (`a` int) ENGINE=InnoDB;\ncreate or replace table u (a int);\nCREATE VIEW v AS SELECT 1;\n",
			want:  []stmtInfo{{sqldump.KindOther, "CREATE"}, {sqldump.KindUse, "USE"}, {sqldump.KindCreateTable, "CREATE"}, {sqldump.KindCreateTable, "CREATE"}, {sqldump.KindOther, "CREATE"}},
		},
		{
			name:  "insert variants",
			input: "INSERT INTO t VALUES (1);\ninsert   ignore\n into `t` values(1);\nREPLACE t VALUE (1);\nINSERT LOW_PRIORITY IGNORE INTO d.t (a) VALUES (1),(2);\n",
			want:  []stmtInfo{{sqldump.KindInsert, "INSERT"}, {sqldump.KindInsert, "INSERT"}, {sqldump.KindInsert, "REPLACE"}, {sqldump.KindInsert, "INSERT"}},
		},
		{
			name:  "CRLF line ends",
			input: "SET a=1;\r\nINSERT INTO t VALUES (1,'x');\r\n",
			want:  []stmtInfo{{sqldump.KindOther, "SET"}, {sqldump.KindInsert, "INSERT"}},
			raws:  []string{"SET a=1;\r\n", "INSERT INTO t VALUES (1,'x');\r\n"},
		},
		{
			name:  "empty input",
			input: "",
			want:  nil,
		},
		{
			name:  "custom delimiter of two slashes",
			input: "DELIMITER //\nCREATE FUNCTION f() RETURNS int RETURN 1 // \nDELIMITER ;\n",
			want:  []stmtInfo{{sqldump.KindCommand, "DELIMITER"}, {sqldump.KindOther, "CREATE"}, {sqldump.KindCommand, "DELIMITER"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sts, raws, err := readAll(t, tc.input)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(raws, "") != tc.input {
				t.Errorf("statements do not cover the input:\n%q", raws)
			}
			var got []stmtInfo
			for _, st := range sts {
				got = append(got, stmtInfo{st.Kind, st.Keyword})
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v (raws %q)", got, tc.want, raws)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("statement %d: got %v, want %v (raw %q)", i, got[i], tc.want[i], raws[i])
				}
			}
			if tc.raws != nil && strings.Join(tc.raws, "|") != strings.Join(raws, "|") {
				t.Errorf("raws = %q, want %q", raws, tc.raws)
			}
		})
	}
}

func TestLineNumbers(t *testing.T) {
	sts, _, err := readAll(t, "-- a\n-- b\nSET a=1;\nINSERT INTO t VALUES\n(1),\n(2);\nSET b=2;\n")
	if err != nil {
		t.Fatal(err)
	}
	lines := []int{sts[0].Line, sts[1].Line, sts[2].Line}
	if lines[0] != 1 || lines[1] != 4 || lines[2] != 7 {
		t.Errorf("lines = %v, want [1 4 7]", lines)
	}
	if sts[1].Offset != int64(len("-- a\n-- b\nSET a=1;\n")) {
		t.Errorf("offset = %d", sts[1].Offset)
	}
}

func TestInsertValues(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		table   string
		db      string
		columns []string
		rows    [][]string // decoded values; "<NULL>" for NULL
		kinds   []sqldump.ValueKind
	}{
		{
			name:  "numbers",
			input: "INSERT INTO `n` VALUES (1,-2,+3,4.5,-0.25,.5,1e10,1.5E-3,-2e+7,18446744073709551615);",
			table: "n",
			rows:  [][]string{{"1", "-2", "+3", "4.5", "-0.25", ".5", "1e10", "1.5E-3", "-2e+7", "18446744073709551615"}},
		},
		{
			name:  "escapes",
			input: `INSERT INTO t VALUES ('\0\'\"\b\n\r\t\Z\\\%\_\x','it''s',"say ""hi"" 'x'",'');`,
			table: "t",
			rows:  [][]string{{"\x00'\"\b\n\r\t\x1a\\\\%\\_x", "it's", `say "hi" 'x'`, ""}},
		},
		{
			name:  "nulls and case",
			input: "insert into t values (NULL,null,NuLl,'NULL');",
			table: "t",
			rows:  [][]string{{"<NULL>", "<NULL>", "<NULL>", "NULL"}},
			kinds: []sqldump.ValueKind{sqldump.KindNull, sqldump.KindNull, sqldump.KindNull, sqldump.KindString},
		},
		{
			name:  "hex and bit",
			input: "INSERT INTO t VALUES (0x00FF41,X'4142',x'',b'101',B'11111111',0b1,0xABC);",
			table: "t",
			rows:  [][]string{{"\x00\xffA", "AB", "", "\x05", "\xff", "\x01", "\x0a\xbc"}},
			kinds: []sqldump.ValueKind{sqldump.KindHex, sqldump.KindHex, sqldump.KindHex, sqldump.KindBit, sqldump.KindBit, sqldump.KindBit, sqldump.KindHex},
		},
		{
			name:  "introducers",
			input: "INSERT INTO t VALUES (_binary 'a\\'b',_utf8mb4'x',_binary 0x41,_latin1 X'42',_binary b'1');",
			table: "t",
			rows:  [][]string{{"a'b", "x", "A", "B", "\x01"}},
			kinds: []sqldump.ValueKind{sqldump.KindString, sqldump.KindString, sqldump.KindHex, sqldump.KindHex, sqldump.KindBit},
		},
		{
			name:    "column list, qualified name, many lines, comments",
			input:   "INSERT /* hint */ IGNORE INTO `db`.`t``x` (`a`, b ,`c d`)\nVALUES\n  (1, 'x', NULL) , -- first\n  (2,'y',3)\n;",
			table:   "t`x",
			db:      "db",
			columns: []string{"a", "b", "c d"},
			rows:    [][]string{{"1", "x", "<NULL>"}, {"2", "y", "3"}},
		},
		{
			name:  "replace and 4-byte unicode",
			input: "REPLACE INTO t VALUES ('😀 𝄞','é');",
			table: "t",
			rows:  [][]string{{"😀 𝄞", "é"}},
		},
		{
			name:  "empty row",
			input: "INSERT INTO t VALUES (),();",
			table: "t",
			rows:  [][]string{{}, {}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sts, _, err := readAll(t, tc.input)
			if err != nil {
				t.Fatal(err)
			}
			r, _ := sqldump.NewReader(strings.NewReader(tc.input))
			st, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			_ = sts
			in := st.Insert()
			if in == nil {
				t.Fatalf("not an insert: %v", st.Kind)
			}
			if in.Table() != tc.table || in.Database() != tc.db {
				t.Errorf("table = %q.%q, want %q.%q", in.Database(), in.Table(), tc.db, tc.table)
			}
			if strings.Join(in.Columns(), ",") != strings.Join(tc.columns, ",") {
				t.Errorf("columns = %q, want %q", in.Columns(), tc.columns)
			}
			if in.Rows() != len(tc.rows) {
				t.Fatalf("rows = %d, want %d", in.Rows(), len(tc.rows))
			}
			for i, row := range tc.rows {
				if in.Width() != len(row) {
					t.Fatalf("width = %d, want %d", in.Width(), len(row))
				}
				for j, want := range row {
					v := in.Value(i, j)
					got := v.String()
					if v.IsNull() {
						got = "<NULL>"
					}
					if got != want {
						t.Errorf("row %d value %d (%s %q): got %q, want %q", i, j, v.Kind, v.Raw, got, want)
					}
					if tc.kinds != nil && v.Kind != tc.kinds[j] {
						t.Errorf("row %d value %d: kind %v, want %v", i, j, v.Kind, tc.kinds[j])
					}
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		line, col int
		msg       string
		table     string
	}{
		{"expression in values", "SET a=1;\nINSERT INTO `t` VALUES (1,NOW());\n", 2, 27, "not a literal", "t"},
		{"function in second row", "INSERT INTO t VALUES (1),\n(CONCAT('a','b'));", 2, 2, "not a literal", "t"},
		{"insert select", "INSERT INTO t SELECT * FROM u;", 1, 15, "INSERT ... SELECT", "t"},
		{"insert set", "INSERT INTO t SET a=1;", 1, 15, "not supported", "t"},
		{"on duplicate key", "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a=2;", 1, 26, "ON DUPLICATE KEY", "t"},
		{"truncated insert", "INSERT INTO t VALUES (1,'abc", 1, 25, "unterminated", "t"},
		{"truncated after row", "INSERT INTO t VALUES (1,'abc')", 1, 31, "end of input", "t"},
		{"truncated other", "SET a=1;\nCREATE TABLE t (\n  a int", 2, 1, "not terminated", ""},
		{"unterminated comment", "SET a=1; /* oops", 1, 10, "unterminated /*", ""},
		{"ragged rows", "INSERT INTO t VALUES (1,2),(3);", 1, 30, "row 2 has 1 values", "t"},
		{"bad number", "INSERT INTO t VALUES (1.2.3);", 1, 23, "malformed number", "t"},
		{"bad exponent", "INSERT INTO t VALUES (1e);", 1, 23, "exponent", "t"},
		{"odd hex quoted", "INSERT INTO t VALUES (X'ABC');", 1, 23, "even number", "t"},
		{"bad hex digit", "INSERT INTO t VALUES (X'AG');", 1, 26, "invalid digit", "t"},
		{"garbage after row", "INSERT INTO t VALUES (1) garbage;", 1, 26, "after a row", "t"},
		{"missing paren", "INSERT INTO t VALUES 1;", 1, 22, "'(' to start a row", "t"},
		{"bare word value", "INSERT INTO t VALUES (abc);", 1, 23, "not a literal", "t"},
		{"introducer without literal", "INSERT INTO t VALUES (_binary NULL);", 1, 31, "introducer", "t"},
		{"empty delimiter", "DELIMITER \nSELECT 1;", 1, 1, "DELIMITER without", ""},
		{"multi-line position", "INSERT INTO t VALUES\n(1,\n 'ok',\n   @var);", 4, 4, "not a literal", "t"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.input)
			var pe *sqldump.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if pe.Line != tc.line || pe.Column != tc.col {
				t.Errorf("at %d:%d, want %d:%d (%v)", pe.Line, pe.Column, tc.line, tc.col, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
			if pe.Table != tc.table {
				t.Errorf("table = %q, want %q", pe.Table, tc.table)
			}
			if pe.Statement == "" || !strings.Contains(err.Error(), "statement starting at line") {
				t.Errorf("error does not quote the statement: %v", err)
			}
		})
	}
}

func TestErrorOffsetAndStickiness(t *testing.T) {
	input := "SET a=1;\nINSERT INTO t VALUES (x);\nSET b=2;\n"
	r, _ := sqldump.NewReader(strings.NewReader(input))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := r.Next()
	var pe *sqldump.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
	if want := int64(strings.Index(input, "x)")); pe.Offset != want {
		t.Errorf("offset = %d, want %d", pe.Offset, want)
	}
	if _, err2 := r.Next(); err2 != err {
		t.Errorf("error not sticky: %v", err2)
	}
}

func TestSmallReadsAndGzip(t *testing.T) {
	input := "-- c\nINSERT INTO t VALUES (1,'a\\'b;c'),(2,0x41);\nDELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1; END ;;\nDELIMITER ;\n"
	// One byte at a time exercises every refill path.
	r, err := sqldump.NewReader(iotest.OneByteReader(strings.NewReader(input)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := sqldump.NewWriter(&out)
	n := 0
	for st := range statements(t, r) {
		n++
		w.Write(st)
	}
	w.Close()
	if out.String() != input || n != 4 {
		t.Fatalf("one-byte reads: %d statements, output %q", n, out.String())
	}

	var gz bytes.Buffer
	zw := sqldump.NewGzipWriter(&gz)
	zw.WriteRaw([]byte(input))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != input {
		t.Fatal("gzip writer output differs")
	}
	_, raws, err := readAllBytes(gz.Bytes())
	if err != nil || strings.Join(raws, "") != input {
		t.Fatalf("gzip input: %v %q", err, raws)
	}
	// A corrupt gzip stream is an error with a position, not a short dump.
	bad := append([]byte(nil), gz.Bytes()...)
	bad = bad[:len(bad)-6]
	if _, _, err := readAllBytes(bad); err == nil {
		t.Fatal("truncated gzip read without error")
	}
}

func readAllBytes(b []byte) (int, []string, error) {
	r, err := sqldump.NewReader(bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	var raws []string
	for {
		st, err := r.Next()
		if err == io.EOF {
			return len(raws), raws, nil
		}
		if err != nil {
			return len(raws), raws, err
		}
		raws = append(raws, string(st.Raw))
	}
}

func TestWriterReplacesOnlyChangedValues(t *testing.T) {
	input := "/* keep */ INSERT INTO `t` (`a`,`b`,`c`) VALUES\n(1, 'se\\'cret',  _binary 'x'),\n(2,NULL,0x00);\n"
	r, _ := sqldump.NewReader(strings.NewReader(input))
	st, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	in := st.Insert()
	in.SetString(0, 1, []byte("it's new\n"))
	in.SetString(0, 2, []byte("y"))
	in.Set(1, 2, sqldump.Hex([]byte{0xab, 0x01}))
	in.Set(1, 0, sqldump.Number("-7"))
	in.Set(1, 1, sqldump.Null())
	if !in.Changed() {
		t.Fatal("Changed() = false")
	}
	var out bytes.Buffer
	w := sqldump.NewWriter(&out)
	w.Write(st)
	w.Close()
	want := "/* keep */ INSERT INTO `t` (`a`,`b`,`c`) VALUES\n(1, 'it\\'s new\\n',  _binary 'y'),\n(-7,NULL,0xAB01);\n"
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
	if got := in.Value(0, 1).String(); got != "it's new\n" {
		t.Errorf("replaced value reads back as %q", got)
	}
	// the originals stay readable, of their own kinds
	for _, o := range []struct {
		row, col int
		kind     sqldump.ValueKind
		want     string
	}{{0, 1, sqldump.KindString, "se'cret"}, {0, 2, sqldump.KindString, "x"}, {1, 2, sqldump.KindHex, "\x00"}, {1, 0, sqldump.KindNumber, "2"}, {1, 1, sqldump.KindNull, ""}} {
		if v := in.Original(o.row, o.col); v.Kind != o.kind || v.String() != o.want {
			t.Errorf("Original(%d, %d) = %v %q, want %v %q", o.row, o.col, v.Kind, v.String(), o.kind, o.want)
		}
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "\x00\n\r\\'\"\x1a", "\\%\\_", strings.Repeat("é'", 100)} {
		v := sqldump.String([]byte(s))
		input := "INSERT INTO t VALUES (" + string(v.Raw) + ");"
		r, _ := sqldump.NewReader(strings.NewReader(input))
		st, err := r.Next()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got := st.Insert().Value(0, 0).String(); got != s {
			t.Errorf("%q read back as %q", s, got)
		}
	}
}

func TestMaxStatement(t *testing.T) {
	r, _ := sqldump.NewReader(strings.NewReader("INSERT INTO t VALUES ('" + strings.Repeat("x", 1<<20) + "');"))
	r.MaxStatement = 300 << 10
	_, err := r.Next()
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

func TestSchemaFromInserts(t *testing.T) {
	input := "CREATE TABLE `t` (`id` int NOT NULL, `name` varchar(10)) ENGINE=InnoDB;\nINSERT INTO `t` VALUES (1,'a');\nUSE `other`;\nINSERT INTO `t` VALUES (2,'b');\n"
	r, _ := sqldump.NewReader(strings.NewReader(input))
	var ins []*sqldump.Table
	for st := range statements(t, r) {
		if in := st.Insert(); in != nil {
			ins = append(ins, in.Schema())
			if in.Schema() != nil && strings.Join(in.ColumnNames(), ",") != "id,name" {
				t.Errorf("column names = %v", in.ColumnNames())
			}
		}
	}
	if len(ins) != 2 || ins[0] == nil || ins[1] != nil {
		t.Errorf("schema lookups = %v (the second INSERT is in another database)", ins)
	}
}

func TestValueAt(t *testing.T) {
	sts, _, err := readAll(t, "-- c\nINSERT INTO t VALUES (1,'ab'),(_binary 'x',NULL);\n")
	if err != nil {
		t.Fatal(err)
	}
	st := sts[len(sts)-1]
	in := st.Insert()
	raw := string(st.Raw)
	for _, tc := range []struct {
		at       string
		row, col int
		ok       bool
	}{
		{"1,", 0, 0, true}, {"'ab'", 0, 1, true}, {"b'", 0, 1, true}, {"_binary", 1, 0, true},
		{"'x'", 1, 0, true}, {"NULL", 1, 1, true}, {"VALUES", 0, 0, false}, {"),(", 0, 0, false}, {"-- c", 0, 0, false},
	} {
		off := strings.Index(raw, tc.at)
		row, col, ok := in.ValueAt(off)
		if ok != tc.ok || ok && (row != tc.row || col != tc.col) {
			t.Errorf("ValueAt(%q) = %d, %d, %v; want %d, %d, %v", tc.at, row, col, ok, tc.row, tc.col, tc.ok)
		}
	}
}

// Strings end where they end whatever their length and wherever an
// escape, a doubled quote or the closing quote falls against the reader's
// eight-byte steps and its buffer's end (whole input, or one byte a read).
func TestQuotedEveryPosition(t *testing.T) {
	for _, q := range []string{"'", `"`} {
		other := map[string]string{"'": `"`, `"`: "'"}[q]
		for _, mid := range []string{"", `\` + q, q + q, `\\`, `\n`, `\0`, other, "`", ";", ")"} {
			for pre := 0; pre < 80; pre += 1 + pre/16 {
				for post := 0; post < 20; post += 3 {
					body := strings.Repeat("a", pre) + mid + strings.Repeat("b", post)
					want := strings.NewReplacer(`\`+q, q, q+q, q, `\\`, `\`, `\n`, "\n", `\0`, "\x00").Replace(body)
					dump := "INSERT INTO `t` VALUES (" + q + body + q + ",'after');\n"
					for _, one := range []bool{false, true} {
						var src io.Reader = strings.NewReader(dump)
						if one {
							src = iotest.OneByteReader(src)
						}
						r, err := sqldump.NewReader(src)
						if err != nil {
							t.Fatal(err)
						}
						st, err := r.Next()
						if err != nil {
							t.Fatalf("%q: %v", dump, err)
						}
						in := st.Insert()
						if in == nil || in.Rows() != 1 || in.Width() != 2 {
							t.Fatalf("%q: not one row of two values", dump)
						}
						if got := string(in.Value(0, 0).Bytes(nil)); got != want {
							t.Fatalf("%q (one byte a read: %v): value %q, want %q", dump, one, got, want)
						}
						if got := string(in.Value(0, 1).Bytes(nil)); got != "after" {
							t.Fatalf("%q: second value %q", dump, got)
						}
					}
				}
			}
		}
	}
}

// TestMoveInto: a statement moved out of the reader (spans handed over,
// the reader given the recycled ones) holds the same values as a clone,
// stays valid while the reader reads on into the recycled buffers, and
// rewrites as a clone does.
func TestMoveInto(t *testing.T) {
	var in strings.Builder
	for s := 0; s < 6; s++ {
		in.WriteString("INSERT INTO `t` VALUES ")
		for row := 0; row < 40+s*7; row++ {
			if row > 0 {
				in.WriteString(",")
			}
			fmt.Fprintf(&in, "(%d,'%s\\'%d',NULL,0x%02X)", row, strings.Repeat("v", s+1), row, row) // (offsets differ between statements)
		}
		in.WriteString(";\n")
	}
	values := func(st *sqldump.Statement) []string {
		var out []string
		ins := st.Insert()
		for row := 0; row < ins.Rows(); row++ {
			for col := 0; col < ins.Width(); col++ {
				v := ins.Value(row, col)
				out = append(out, fmt.Sprintf("%d:%s", v.Kind, v.Bytes(nil)))
			}
		}
		return out
	}
	r, err := sqldump.NewReader(strings.NewReader(in.String()))
	if err != nil {
		t.Fatal(err)
	}
	var moved, clones []*sqldump.Statement
	var spare *sqldump.Statement
	for st := range statements(t, r) {
		if n := len(moved); n > 0 { // the reader has parsed st into its buffers
			if got, want := values(moved[n-1]), values(clones[n-1]); !slices.Equal(got, want) {
				t.Fatalf("statement %d changed when the reader read on: %q, want %q", n-1, got, want)
			}
		}
		c := st.Clone()
		m := st.MoveInto(spare)
		if got, want := values(m), values(c); !slices.Equal(got, want) {
			t.Fatalf("statement %d: moved values %q, cloned %q", len(moved), got, want)
		}
		moved, clones = append(moved, m), append(clones, c)
		if len(moved) >= 2 {
			spare = moved[len(moved)-2] // recycled: its buffers go back to the reader
			moved[len(moved)-2] = nil
		}
	}
	last := moved[len(moved)-1]
	if got, want := values(last), values(clones[len(clones)-1]); !slices.Equal(got, want) {
		t.Fatalf("the last moved statement changed after the reader read on: %q, want %q", got, want)
	}
	last.Insert().SetString(0, 1, []byte("new"))
	clones[len(clones)-1].Insert().SetString(0, 1, []byte("new"))
	var a, b bytes.Buffer
	wa, wb := sqldump.NewWriter(&a), sqldump.NewWriter(&b)
	if err := wa.Write(last); err != nil {
		t.Fatal(err)
	}
	if err := wb.Write(clones[len(clones)-1]); err != nil {
		t.Fatal(err)
	}
	wa.Close()
	wb.Close()
	if a.String() != b.String() || !strings.Contains(a.String(), "(0,'new',NULL,0x00)") {
		t.Fatalf("the moved statement writes %q, the clone %q", a.String(), b.String())
	}
}

// TestAppendQuotedEveryPosition: AppendQuoted (eight bytes at a time
// until a word may hold an escape) escapes as the byte-by-byte rule does,
// for every byte at every position of strings of 0 to 40 bytes.
func TestAppendQuotedEveryPosition(t *testing.T) {
	ref := func(s []byte) []byte {
		out := []byte{'\''}
		for _, c := range s {
			if e := strings.IndexByte("\x00\n\r\\'\"\x1a", c); e >= 0 {
				out = append(out, '\\', "0nr\\'\"Z"[e])
			} else {
				out = append(out, c)
			}
		}
		return append(out, '\'')
	}
	for n := 0; n <= 40; n++ {
		for p := 0; p < max(n, 1); p++ {
			for b := 0; b < 256; b++ {
				s := []byte(strings.Repeat("a", n))
				if n > 0 {
					s[p] = byte(b)
					if p+3 < n {
						s[p+3] = '\'' // a second escape after the first
					}
				}
				if got, want := sqldump.AppendQuoted([]byte("x"), s), append([]byte("x"), ref(s)...); !bytes.Equal(got, want) {
					t.Fatalf("%q: %q, want %q", s, got, want)
				}
			}
		}
	}
}
