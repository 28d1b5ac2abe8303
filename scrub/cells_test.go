package scrub

import (
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestTableCells: every corpus value wrapped over a table cell's rows
// (cut at the width or at spaces) loses every distinctive piece, known
// as plaintext and through an index; an ordinary table stays as it is.
func TestTableCells(t *testing.T) {
	clean := "+--------------------------------------+--------+--------+\n" +
		"| ID                                   | Name   | Status |\n" +
		"+--------------------------------------+--------+--------+\n" +
		"| 3f1c2a9e-8d7b-4c1e-9f0a-1b2c3d4e5f60 | web-01 | ACTIVE |\n" +
		"| 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d | db-02  | ERROR  |\n" +
		"+--------------------------------------+--------+--------+\n"
	formsHold(t, "table-", clean)
}

// TestPythonCodecs: Python's namereplace handler and UTF-7 (plain and
// IMAP's) hide no corpus value; ordinary '+' and '&' stay.
func TestPythonCodecs(t *testing.T) {
	formsHold(t, "py-", "GET /v2/servers?name=web+01&status=ACTIVE HTTP/1.1\nC++ a&&b +0000 x+y=z &amp; \\N{not a name}\n")
	formsHold(t, "utf7", "")
	formsHold(t, "imap-utf7", "")
	formsHold(t, "hex-", "regs: 0x00 0x1f 0x20 0x7f flags 0x0a 0x0b\nsha1=005a006f00eb002000c5006e0067\n")
	formsHold(t, "c-octal", "CSS: .x::before { content: \"\\0000eb \\201C\" } printf(\"%s\\056\\n\")\n")
}

// formsHold scrubs every corpus value in every attack form named with
// prefix, knowing the values as plaintext and through an index, and
// fails on any piece the attacker finds; clean must come out as it is.
func formsHold(t *testing.T, prefix, clean string) {
	t.Helper()
	formsHoldIn(t, attack.Forms, prefix, clean)
}

// formsHoldIn is formsHold with the forms of a list of forms.
func formsHoldIn(t *testing.T, forms []attack.Form, prefix, clean string) {
	t.Helper()
	holdsIn(t, attack.Corpus, forms, prefix, clean)
}

// TestPGAndRTFEscapes: PostgreSQL's U&” strings (\XXXX, \+XXXXXX,
// UESCAPE) and RTF's \'XX and \uN? escapes hide no corpus value; SQL,
// JSON and C escapes around them stay as they are.
func TestPGAndRTFEscapes(t *testing.T) {
	formsHold(t, "pg-uescape", "SELECT U&'d\\0061t\\+000061' FROM t; x = 'U&a' ; json \"\\u00fc\" rtf \\u -5 \\'zz\n")
	formsHold(t, "rtf-", "{\\rtf1\\ansi\\ansicpg1252\\deff0 {\\fonttbl {\\f0 Arial;}} \\uc1 Hello \\'e9t\\'e9 \\u8364? \\par}\n")
}

// TestTagCharacters: a value spelled in Unicode tag characters (spaces
// too, between a language tag and a cancel tag, or as JSON's surrogate
// pairs) hides no corpus value.
func TestTagCharacters(t *testing.T) {
	formsHoldIn(t, attack.LookalikeForms, "tag-chars", "flag \U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F ok\n")
}
