package sqldump_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// readErrors reads a dump to its end or first error and returns what a
// user would see: the error and every warning.
func readErrors(input []byte) (error, string) {
	r, err := sqldump.NewReader(bytes.NewReader(input))
	if err != nil {
		return err, err.Error()
	}
	var msgs []string
	for {
		_, err = r.Next()
		if err != nil {
			break
		}
	}
	for _, w := range r.Warnings() {
		msgs = append(msgs, w.String())
	}
	if err == io.EOF {
		err = nil
	} else {
		msgs = append(msgs, err.Error())
	}
	return err, strings.Join(msgs, "\n")
}

// TestErrorsShowNoData: a malformed dump's error names where (line,
// column, byte, table, the statement's head) and never the cells around
// the problem; the SQL parser's warnings do not quote the DDL's literals.
func TestErrorsShowNoData(t *testing.T) {
	const secret = "alice.cooper@example.com"
	tests := []struct {
		name, input, want string
	}{
		{"expression after an e-mail", "INSERT INTO `users` VALUES (1,'" + secret + "',NOW());\n", "line 1, column 58 (byte 57), table users: value NOW is not a literal"},
		{"e-mail unquoted", "INSERT INTO `users` VALUES (1," + secret + ");\n", "value a word is not a literal"},
		{"e-mail after a broken quote", "INSERT INTO `users` VALUES (1,'x''y' " + secret + "');\n", "expected ',' or ')' after a value, found a word"},
		{"garbage after a row", "INSERT INTO users VALUES (1,'" + secret + "') " + secret + ";\n", "found a word"},
		{"number glued to text", "INSERT INTO users VALUES (4111" + secret + ");\n", "malformed number"},
		{"hex digit", "INSERT INTO users VALUES (X'4G" + secret + "');\n", "invalid digit"},
		{"introducer", "INSERT INTO users VALUES (_binary " + secret + ");\n", "introducer must be followed"},
		{"unterminated", "INSERT INTO users VALUES (1,'" + secret, "unterminated"},
		{"truncated statement", "SET @x='" + secret + "'", "not terminated"},
		{"name expected", "INSERT INTO users ('" + secret + "') VALUES (1);\n", "expected a name, found a quoted string"},
		{"definer", "/*!50003 CREATE*/ /*!50017 DEFINER=`" + secret + "`@`db1.example.com`*/ /*!50003 TRIGGER t", "not terminated"},
		{"rejected DDL default", "CREATE TABLE `u` (\n  `email` varchar(64) DEFAULT '" + secret + "',\n  `x` int NOT NULL SOMETHINGODD '" + secret + "'\n);\n", "tolerant"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, msg := readErrors([]byte(tc.input))
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message does not say %q:\n%s", tc.want, msg)
			}
			for _, piece := range []string{secret, "alice", "cooper", "example.com", "db1"} {
				if strings.Contains(strings.ToLower(msg), piece) {
					t.Errorf("message shows %q:\n%s", piece, msg)
				}
			}
		})
	}
	err, _ := readErrors([]byte("INSERT INTO `users` VALUES (1,'" + secret + "',NOW());\n"))
	var pe *sqldump.ParseError
	if !errors.As(err, &pe) || pe.Statement != "INSERT INTO `users` VALUES" || pe.Table != "users" || pe.Offset != 57 {
		t.Errorf("ParseError = %+v", pe)
	}
}

// FuzzErrorsShowNoData: a literal planted after a '(' anywhere in any
// input never appears in the reader's error or warnings. (Names may be
// shown, so the input has no `quoted` names that could swallow it.)
func FuzzErrorsShowNoData(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		data = bytes.ReplaceAll(data, []byte("`"), []byte(" "))
		// The secret's letters and the cut come from the input's own
		// first bytes, so the corpus explores both.
		secret := make([]byte, 12)
		for i := range secret {
			secret[i] = 'q' + (data[i%len(data)]+byte(i))%8 // q..x
		}
		cut := int(data[0]) * len(data) / 256
		if bytes.Contains(bytes.ToLower(data), secret) {
			return
		}
		in := append(append(append([]byte{}, data[:cut]...), "('"+string(secret)+"'"...), data[cut:]...)
		_, msg := readErrors(in)
		if strings.Contains(strings.ToLower(msg), string(secret)) {
			t.Fatalf("the planted literal %s is in the message:\n%s\ninput: %q", secret, msg, in)
		}
	})
}
