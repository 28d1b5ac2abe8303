package anonymize_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
)

// bodyKindColumns are marked columns of every kind family a body's
// literal can be a value of, each with an original an attacker would
// read back from the published body.
var bodyKindColumns = []struct{ col, typ, kind, lit string }{
	{"created_at", "datetime", "datetime", "'2019-03-14 00:00:00'"},
	{"signup_day", "date", "datetime", "'2019-03-15'"},
	{"born", "date", "date_of_birth", "'1985-02-11'"},
	{"n", "int", "integer", "734512"},
	{"amount", "decimal(10,2)", "integer", "1999.95"},
	{"last_ip", "varchar(45)", "ip_address", "'10.20.30.40'"},
	{"ref", "char(36)", "uuid", "'c0ffee00-1234-4abc-8def-0123456789ab'"},
	{"host", "varchar(99)", "hostname", "'db7.corp-bigbank.example'"},
	{"phone", "varchar(30)", "phone", "'+49 30 1234567'"},
	{"card", "varchar(19)", "card_number", "'4111111111111111'"},
	{"nick", "varchar(40)", "string", "'vipnick77'"},
}

// TestBodyLiteralOfAnyKind replays F11.2: a trigger assigns a date to a
// marked datetime column through IF() on the VIP's e-mail. The e-mail
// was faked, the date passed verbatim: the attacker reads her sign-up
// date (and a known plaintext for the date warp) from the body. Every
// literal assigned to a marked column through IF(), CASE or COALESCE,
// of every kind family, must be gone, and the body must still parse.
func TestBodyLiteralOfAnyKind(t *testing.T) {
	var schema, rulesDoc strings.Builder
	schema.WriteString("CREATE TABLE `users` (`id` int NOT NULL, `email` varchar(100)")
	rulesDoc.WriteString("tables:\n  users:\n    email: email\n")
	for _, c := range bodyKindColumns {
		fmt.Fprintf(&schema, ", `%s` %s", c.col, c.typ)
		fmt.Fprintf(&rulesDoc, "    %s: %s\n", c.col, c.kind)
	}
	schema.WriteString(", PRIMARY KEY (`id`));\n")
	forms := map[string]string{
		"if":       "SET NEW.%[1]s = IF(NEW.email = 'vip@bigbank.example', %[2]s, NEW.%[1]s);",
		"case":     "SET NEW.%[1]s = CASE WHEN NEW.email = 'vip@bigbank.example' THEN %[2]s ELSE NEW.%[1]s END;",
		"coalesce": "SET NEW.%[1]s = COALESCE(NEW.%[1]s, %[2]s);",
		"list":     "SET NEW.id = NEW.id, NEW.%[1]s = IF(NEW.id = 1, %[2]s, NEW.%[1]s);",
	}
	for form, tmpl := range forms {
		t.Run(form, func(t *testing.T) {
			var body strings.Builder
			for _, c := range bodyKindColumns {
				body.WriteString("  " + fmt.Sprintf(tmpl, c.col, c.lit) + "\n")
			}
			dump := schema.String() + "DELIMITER ;;\nCREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW BEGIN\n" + body.String() + "END;;\nDELIMITER ;\n"
			out, _, err := runWith(t, []byte(dump), rulesDoc.String(), anonymize.Options{Key: key(t, "bodykinds")})
			if err != nil {
				t.Fatal(err)
			}
			trig := string(out[strings.Index(string(out), "CREATE TRIGGER"):])
			left := 0
			for _, c := range bodyKindColumns {
				if strings.Contains(trig, c.lit) {
					left++
					t.Errorf("%s (%s): the original %s survives in the body", c.col, c.kind, c.lit)
				}
			}
			if strings.Contains(trig, "vip@bigbank") {
				t.Errorf("the e-mail survives")
			}
			t.Logf("%s: %d of %d originals left", form, left, len(bodyKindColumns))
		})
	}
}
