package scale

import (
	"fmt"
	"strings"
	"testing"
)

// TestEqualTextsStayEqual: a row that holds one text in two columns (an
// email and a contact address) holds one new text in both, in every copy.
func TestEqualTextsStayEqual(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `users` (\n  `id` int(11) NOT NULL,\n  `email` varchar(64) NOT NULL,\n  `contact` varchar(64) DEFAULT NULL,\n  `note` varchar(64) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n);\nINSERT INTO `users` VALUES ")
	for i := 1; i <= 300; i++ {
		if i > 1 {
			b.WriteString(",")
		}
		contact := fmt.Sprintf("'user%d@example.org'", i)
		if i%10 == 0 {
			contact = "NULL"
		}
		fmt.Fprintf(&b, "(%d,'user%d@example.org',%s,'note %d for user%d@example.org')", i, i, contact, i, i)
	}
	b.WriteString(";\n")
	for _, f := range []float64{3, 0.5} {
		d := parseDump(t, scaleDump(t, []byte(b.String()), Options{Factor: f, Exact: true, Key: testKey(t)}))
		rows := d.tables["users"].rows
		distinct := map[string]bool{}
		unequal := 0
		for _, r := range rows {
			distinct[r[1]] = true
			if r[2] != attackNull && r[2] != r[1] {
				unequal++
			}
		}
		if unequal > 0 {
			t.Errorf("x%v: %d of %d rows hold two texts where the original held one", f, unequal, len(rows))
		}
		if f > 1 && len(distinct) < len(rows)*9/10 {
			t.Errorf("x%v: %d distinct emails in %d rows: copies repeat them", f, len(distinct), len(rows))
		}
	}
}
