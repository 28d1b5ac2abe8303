package sqldump

import "strings"

// versioning marks a system-versioned table's period columns: the
// explicit ones (GENERATED ALWAYS AS ROW START/END) and, when the table is
// WITH SYSTEM VERSIONING without them, MariaDB's implicit invisible
// row_start and row_end, which --dump-history dumps by name. INVISIBLE
// columns are marked too. Rules can then name these columns like any.
func versioning(t *Table, sql string) {
	toks, err := Lex([]byte(sql), nil)
	if err != nil {
		return
	}
	var words []string // upper-cased code words and punctuation, names unquoted
	for _, tk := range toks {
		if tk.IsCode() {
			words = append(words, string(TokenValue(nil, []byte(sql), tk)))
		}
	}
	up := func(i int) string {
		if i < 0 || i >= len(words) {
			return ""
		}
		return strings.ToUpper(words[i])
	}
	versioned, explicit := false, false
	depth, elem := 0, -1 // elem: index of the current column definition's name
	for i := range words {
		switch up(i) {
		case "(":
			depth++
			if depth == 1 {
				elem = i + 1
			}
			continue
		case ")":
			depth--
			continue
		case ",":
			if depth == 1 {
				elem = i + 1
			}
			continue
		}
		if depth == 0 && up(i) == "WITH" && up(i+1) == "SYSTEM" && up(i+2) == "VERSIONING" {
			versioned = true
		}
		if depth != 1 || elem < 0 {
			continue
		}
		c, _ := t.Column(words[elem])
		if c == nil {
			continue
		}
		switch {
		case up(i) == "AS" && up(i+1) == "ROW" && (up(i+2) == "START" || up(i+2) == "END"):
			c.SystemTime = strings.ToLower(up(i + 2))
			explicit = true
		case up(i) == "INVISIBLE":
			c.Invisible = true
		}
	}
	if versioned && !explicit {
		for _, n := range []string{"start", "end"} {
			t.Columns = append(t.Columns, Column{Name: "row_" + n, Type: "timestamp", Length: 6, Decimals: -1, SystemTime: n, Invisible: true})
		}
	}
}
