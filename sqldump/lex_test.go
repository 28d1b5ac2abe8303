package sqldump_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// show renders the code tokens as kind:text, space and comments left out.
func show(src []byte, toks []sqldump.Token) string {
	var parts []string
	for _, t := range toks {
		if t.Kind == sqldump.TokSpace {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s:%s", t.Kind, t.Text(src)))
	}
	return strings.Join(parts, " ")
}

func TestLex(t *testing.T) {
	for _, tc := range []struct{ in, delim, want string }{
		{"SET @a = 'x''y', @@global.gtid_slave_pos='0-1-2';", "",
			"word:SET variable:@a punct:= string:'x''y' punct:, variable:@@global.gtid_slave_pos punct:= string:'0-1-2' delimiter:;"},
		{"/*!50013 DEFINER=`root`@`local``host` SQL SECURITY DEFINER */", "",
			"cond-open:/*!50013 word:DEFINER punct:= ident:`root` punct:@ ident:`local``host` word:SQL word:SECURITY word:DEFINER cond-close:*/"},
		{"DEFINER=root@localhost x", "", "word:DEFINER punct:= word:root variable:@localhost word:x"},
		{"a<=>b<>c!=d:=e->>'$.x' 1.5e3 .5 0x1F X'41' b'01' 0b1 1abc N'n' _utf8mb4'u'", "",
			"word:a punct:<=> word:b punct:<> word:c punct:!= word:d punct::= word:e punct:->> string:'$.x' number:1.5e3 number:.5 hex:0x1F hex:X'41' bit:b'01' bit:0b1 word:1abc string:N'n' word:_utf8mb4 string:'u'"},
		{"-- c\n# d\n/* e */ /*+ hint */x--y", "", "comment:-- c comment:# d comment:/* e */ comment:/*+ hint */ word:x punct:- punct:- word:y"},
		{"BEGIN SELECT ';'; END ;;\n", ";;", "word:BEGIN word:SELECT string:';' punct:; word:END delimiter:;;"},
		{`'a\'b' "c\"d" 'e\\'`, "", `string:'a\'b' string:"c\"d" string:'e\\'`},
		{"/*M!100005 SET x=1 */ */", "", "cond-open:/*M!100005 word:SET word:x punct:= number:1 cond-close:*/ punct:* punct:/"},
	} {
		toks, err := sqldump.Lex([]byte(tc.in), []byte(tc.delim))
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := show([]byte(tc.in), toks); got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestLexErrors(t *testing.T) {
	for _, in := range []string{"SELECT 'abc", "x /* y", "/*!50003 CREATE", "`id"} {
		_, err := sqldump.Lex([]byte(in), nil)
		var le *sqldump.LexError
		if !errors.As(err, &le) {
			t.Errorf("%q: got %v, want a LexError", in, err)
		}
	}
}

func TestTokenValue(t *testing.T) {
	src := []byte(`'it''s\n' "q\"" X'616263' 0x6465 ` + "`a``b`" + ` N'n' b'1000001'`)
	toks, err := sqldump.Lex(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		if tk.IsCode() {
			got = append(got, string(sqldump.TokenValue(nil, src, tk)))
		}
	}
	want := []string{"it's\n", `q"`, "abc", "de", "a`b", "n", "A"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if h := sqldump.AppendHex(nil, []byte("abc")); string(h) != "X'616263'" {
		t.Errorf("AppendHex: %s", h)
	}
	if q := sqldump.QuoteIdent(nil, "a`b"); string(q) != "`a``b`" {
		t.Errorf("QuoteIdent: %s", q)
	}
}

// FuzzLex: the lexer never panics; the tokens it returns tile the input
// (every byte in exactly one token, in order), and string tokens decode.
func FuzzLex(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		toks, err := sqldump.Lex(data, []byte(";;"))
		if err != nil {
			var le *sqldump.LexError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a LexError", err)
			}
		}
		at := 0
		for _, tk := range toks {
			if tk.Start != at || tk.End <= tk.Start || tk.End > len(data) {
				t.Fatalf("token %v does not continue at %d", tk, at)
			}
			at = tk.End
			sqldump.TokenValue(nil, data, tk)
		}
		if err == nil && at != len(data) {
			t.Fatalf("tokens end at %d of %d", at, len(data))
		}
		var b bytes.Buffer
		for _, tk := range toks {
			b.Write(tk.Text(data))
		}
		if !bytes.HasPrefix(data, b.Bytes()) {
			t.Fatal("tokens do not spell the input")
		}
	})
}

// The tolerant scanner keeps unquoted names as written (--skip-quote-names
// dumps): a rule for `prices`.`valid_from` must find them.
func TestTolerantScannerKeepsUnquotedCase(t *testing.T) {
	tb, warning, err := sqldump.ParseCreateTable("CREATE TABLE prices (\n  `id` int(11) NOT NULL,\n  Sku varchar(40) NOT NULL,\n" +
		"  valid_from timestamp(6) GENERATED ALWAYS AS ROW START,\n  valid_to timestamp(6) GENERATED ALWAYS AS ROW END,\n" +
		"  PRIMARY KEY (`id`,valid_to),\n  PERIOD FOR SYSTEM_TIME (valid_from, valid_to)\n) ENGINE=InnoDB WITH SYSTEM VERSIONING")
	if err != nil || warning == "" {
		t.Fatalf("want the tolerant scanner: %v %q", err, warning)
	}
	if tb.Name != "prices" || fmt.Sprint(tb.ColumnNames()) != "[id Sku valid_from valid_to]" || fmt.Sprint(tb.PrimaryKey) != "[id valid_to]" {
		t.Errorf("got table %s columns %v key %v", tb.Name, tb.ColumnNames(), tb.PrimaryKey)
	}
}
