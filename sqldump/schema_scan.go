package sqldump

import (
	"fmt"
	"strconv"
	"strings"
)

// The tolerant scanner reads CREATE TABLE statements the SQL parser
// rejects (MariaDB's INET6/UUID types, SYSTEM VERSIONING, ...): it only
// needs the shape mysqldump prints — columns, keys, foreign keys and the
// AUTO_INCREMENT option — and skips what it does not know.

type tok struct {
	s     string // identifier or keyword as written, literal body or punctuation
	kw    string // an unquoted word upper-cased (keywords compare by it), punctuation; "" when quoted
	quote byte   // '`' for quoted identifiers, '\'' or '"' for strings, 0 otherwise
	pos   int
}

func (t tok) is(kw string) bool { return t.quote == 0 && t.kw == kw }

func tokenize(sql string) ([]tok, error) {
	var toks []tok
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case isSpace(c):
			i++
		case c == '#' || c == '-' && strings.HasPrefix(sql[i:], "-- "):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			if strings.HasPrefix(sql[i:], "/*!") || strings.HasPrefix(sql[i:], "/*M!") {
				i += 3 // executable comment: read its contents as code
				for i < len(sql) && sql[i] >= '0' && sql[i] <= '9' {
					i++
				}
				continue
			}
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("byte %d: unterminated comment", i)
			}
			i += end + 4
		case c == '*' && strings.HasPrefix(sql[i:], "*/"):
			i += 2
		case c == '`' || c == '\'' || c == '"':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(sql) {
					return nil, fmt.Errorf("byte %d: unterminated %c", i, c)
				}
				if sql[j] == '\\' && c != '`' && j+1 < len(sql) {
					b.WriteString(string(unescape(nil, []byte(sql[j:j+2]), c)))
					j += 2
					continue
				}
				if sql[j] == c {
					if j+1 < len(sql) && sql[j+1] == c {
						b.WriteByte(c)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(sql[j])
				j++
			}
			toks = append(toks, tok{s: b.String(), quote: c, pos: i})
			i = j + 1
		case isIdentByte(c):
			j := i
			for j < len(sql) && (isIdentByte(sql[j]) || sql[j] == '.' && j > i && sql[i] >= '0' && sql[i] <= '9') {
				j++
			}
			// Unquoted names keep their case (--skip-quote-names writes
			// them so); keywords compare upper-cased.
			word := sql[i:j]
			toks = append(toks, tok{s: word, kw: strings.ToUpper(word), pos: i})
			i = j
		default:
			toks = append(toks, tok{s: string(c), kw: string(c), pos: i})
			i++
		}
	}
	return toks, nil
}

// scanCreateTable reads a CREATE TABLE statement tolerantly.
func scanCreateTable(sql string) (*Table, error) {
	toks, err := tokenize(sql)
	if err != nil {
		return nil, err
	}
	i := 0
	if i >= len(toks) || !toks[i].is("CREATE") {
		return nil, fmt.Errorf("not a CREATE statement")
	}
	for i < len(toks) && !toks[i].is("TABLE") {
		i++
	}
	i++
	for i+1 < len(toks) && (toks[i].is("IF") || toks[i].is("NOT") || toks[i].is("EXISTS")) {
		i++
	}
	if i >= len(toks) || toks[i].quote == '\'' || toks[i].quote == '"' {
		return nil, fmt.Errorf("no table name")
	}
	t := &Table{Name: toks[i].s}
	i++
	if i+1 < len(toks) && toks[i].s == "." && toks[i].quote == 0 {
		t.Database, t.Name = t.Name, toks[i+1].s
		i += 2
	}
	if i >= len(toks) || toks[i].s != "(" {
		return nil, fmt.Errorf("expected '(' after the table name")
	}
	i++
	// Split the definitions at top-level commas.
	var parts [][]tok
	depth, begin := 0, i
	for ; i < len(toks); i++ {
		s := toks[i]
		if s.quote != 0 {
			continue
		}
		switch s.s {
		case "(":
			depth++
		case ")":
			if depth == 0 {
				parts = append(parts, toks[begin:i])
				goto options
			}
			depth--
		case ",":
			if depth == 0 {
				parts = append(parts, toks[begin:i])
				begin = i + 1
			}
		}
	}
	return nil, fmt.Errorf("unbalanced parentheses")
options:
	for j := i + 1; j < len(toks); j++ {
		if toks[j].is("AUTO_INCREMENT") {
			k := j + 1
			if k < len(toks) && toks[k].s == "=" {
				k++
			}
			if k < len(toks) {
				n, err := strconv.ParseUint(toks[k].s, 10, 64)
				if err == nil {
					t.AutoIncrement = n
				}
			}
		}
	}
	for _, p := range parts {
		if len(p) == 0 {
			return nil, fmt.Errorf("empty definition")
		}
		if err := t.scanDefinition(p); err != nil {
			return nil, fmt.Errorf("byte %d: %w", p[0].pos, err)
		}
	}
	if len(t.Columns) == 0 {
		return nil, fmt.Errorf("no columns found")
	}
	return t, nil
}

// parenList reads ( a, b(10), c ) at p[i] and returns the names and the
// index after ')'.
func parenList(p []tok, i int) ([]string, int, error) {
	if i >= len(p) || p[i].s != "(" {
		return nil, i, fmt.Errorf("expected '('")
	}
	var names []string
	depth := 0
	for i++; i < len(p); i++ {
		s := p[i]
		if s.quote == 0 {
			switch s.s {
			case "(":
				depth++
				continue
			case ")":
				if depth == 0 {
					return names, i + 1, nil
				}
				depth--
				continue
			case ",":
				continue
			}
		}
		if depth == 0 && (s.quote == '`' || s.quote == 0) && !(s.s >= "0" && s.s <= "9") {
			switch s.kw {
			case "ASC", "DESC":
				if s.quote == 0 {
					continue
				}
			}
			names = append(names, s.s)
		}
	}
	return nil, i, fmt.Errorf("unbalanced parentheses")
}

func (t *Table) scanDefinition(p []tok) error {
	first := p[0]
	if first.quote == 0 {
		switch first.kw {
		case "PRIMARY":
			for i := range p {
				if p[i].s == "(" && p[i].quote == 0 {
					cols, _, err := parenList(p, i)
					if err != nil {
						return err
					}
					t.PrimaryKey = cols
					for _, n := range cols {
						if c, _ := t.Column(n); c != nil {
							c.Nullable = false
						}
					}
					return nil
				}
			}
			return fmt.Errorf("PRIMARY KEY without columns")
		case "UNIQUE":
			i, name := 1, ""
			if i < len(p) && (p[i].is("KEY") || p[i].is("INDEX")) {
				i++
			}
			if i < len(p) && p[i].s != "(" {
				name = p[i].s
				i++
			}
			cols, _, err := parenList(p, i)
			if err != nil {
				return err
			}
			t.UniqueKeys = append(t.UniqueKeys, Key{Name: name, Columns: cols})
			return nil
		case "CONSTRAINT", "FOREIGN":
			name := ""
			i := 0
			if first.is("CONSTRAINT") {
				i = 1
				if i < len(p) && !p[i].is("FOREIGN") && !p[i].is("UNIQUE") && !p[i].is("PRIMARY") && !p[i].is("CHECK") {
					name = p[i].s
					i++
				}
				if i < len(p) && (p[i].is("UNIQUE") || p[i].is("PRIMARY")) {
					return t.scanDefinition(p[i:])
				}
				if i >= len(p) || !p[i].is("FOREIGN") {
					return nil // CHECK constraint
				}
			}
			i++ // FOREIGN
			if i < len(p) && p[i].is("KEY") {
				i++
			}
			if i < len(p) && p[i].s != "(" {
				i++ // index name
			}
			cols, i, err := parenList(p, i)
			if err != nil {
				return err
			}
			if i >= len(p) || !p[i].is("REFERENCES") || i+1 >= len(p) {
				return fmt.Errorf("FOREIGN KEY without REFERENCES")
			}
			i++
			ref := p[i].s
			i++
			if i+1 < len(p) && p[i].s == "." && p[i].quote == 0 {
				ref = p[i+1].s
				i += 2
			}
			refCols, _, err := parenList(p, i)
			if err != nil {
				return err
			}
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Name: name, Columns: cols, RefTable: ref, RefColumns: refCols})
			return nil
		case "KEY", "INDEX", "FULLTEXT", "SPATIAL", "CHECK", "PERIOD", "VECTOR":
			return nil
		}
	}
	return t.scanColumn(p)
}

func (t *Table) scanColumn(p []tok) error {
	if p[0].quote == '\'' || p[0].quote == '"' {
		return fmt.Errorf("byte %d: a quoted string where a column name belongs", p[0].pos)
	}
	if len(p) < 2 {
		return fmt.Errorf("column %q without a type", p[0].s)
	}
	c := Column{Name: p[0].s, Type: strings.ToLower(p[1].s), Nullable: true, Length: -1, Decimals: -1}
	i := 2
	if i < len(p) && p[i].s == "(" && p[i].quote == 0 {
		var args []tok
		for i++; i < len(p) && !(p[i].s == ")" && p[i].quote == 0); i++ {
			if p[i].s != "," || p[i].quote != 0 {
				args = append(args, p[i])
			}
		}
		i++
		if c.Type == "enum" || c.Type == "set" {
			for _, a := range args {
				c.Elems = append(c.Elems, a.s)
			}
		} else {
			if len(args) > 0 {
				c.Length, _ = strconv.Atoi(args[0].s)
			}
			if len(args) > 1 {
				c.Decimals, _ = strconv.Atoi(args[1].s)
			}
		}
	}
	if c.Type == "timestamp" {
		c.Nullable = false
	}
	for ; i < len(p); i++ {
		s := p[i]
		if s.quote != 0 {
			continue
		}
		switch s.kw {
		case "UNSIGNED":
			c.Unsigned = true
		case "NOT":
			if i+1 < len(p) && p[i+1].is("NULL") {
				c.Nullable = false
				i++
			}
		case "NULL":
			c.Nullable = true
		case "AUTO_INCREMENT":
			c.AutoIncrement = true
		case "PRIMARY":
			t.PrimaryKey = []string{c.Name}
			c.Nullable = false
		case "UNIQUE":
			t.UniqueKeys = append(t.UniqueKeys, Key{Name: c.Name, Columns: []string{c.Name}})
		case "DEFAULT":
			if i+1 >= len(p) {
				return fmt.Errorf("column %s: DEFAULT without a value", c.Name)
			}
			c.HasDefault = true
			v := p[i+1]
			i++
			switch {
			case v.quote == '\'' || v.quote == '"':
				c.Default = v.s
			case v.is("NULL"):
				c.DefaultNull = true
			case v.s == "-" && i+1 < len(p):
				c.Default = "-" + p[i+1].s
				i++
			default:
				c.Default = strings.ToLower(v.s)
				if i+2 < len(p) && p[i+1].s == "(" && p[i+2].s == ")" {
					c.Default += "()"
					i += 2
				}
			}
		}
	}
	t.Columns = append(t.Columns, c)
	return nil
}
