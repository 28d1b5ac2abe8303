package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The rules file:
//
//	lower_case_table_names: 1   # the donor server's setting (default 0)
//	tables:                     # rules for every database of a dump
//	  instances:
//	    hostname: hostname
//	    network_info: json:paths=network.label
//	    display_name: {kind: string, note: free text}
//	databases:                  # rules for one database of a multi-database dump
//	  nova_api:
//	    tables:
//	      instance_group_policy:
//	        rules: json
//	relations:
//	  - block_device_mapping.instance_uuid -> instances.uuid
//	  - {from: migrations.instance_uuid, to: instances.uuid}
//
// Every error names the file, line and column.

// LoadFile reads a YAML rules file.
func LoadFile(path string) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return Parse(path, b)
}

// reader reads one rules document.
type reader struct {
	name string
	src  []byte
}

func (r *reader) at(n *yaml.Node) string { return fmt.Sprintf("%s:%d:%d", r.name, n.Line, n.Column) }

func (r *reader) errf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s: %s", r.at(n), fmt.Sprintf(format, args...))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// syntaxError gives YAML's own errors a line and column: yaml.v3 names
// the line only; the column is where that line's text starts.
func (r *reader) syntaxError(err error) error {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = "yaml: " + msg[len(m[0]):]
	}
	if line == 0 {
		line = bytes.Count(r.src, []byte("\n")) + 1
	}
	col := 1
	lines := bytes.SplitN(r.src, []byte("\n"), line+1)
	if line-1 < len(lines) {
		l := lines[line-1]
		col = len(l) - len(bytes.TrimLeft(l, " \t")) + 1
	}
	return fmt.Errorf("%s:%d:%d: %s", r.name, line, col, msg)
}

// Parse reads a YAML rules document; name is used in errors and sources.
func Parse(name string, data []byte) (*Set, error) {
	r := &reader{name: name, src: data}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, r.syntaxError(err)
	}
	s := NewSet()
	if len(doc.Content) == 0 {
		return s, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, r.errf(root, "the rules file must be a mapping with tables:, databases: and relations:")
	}
	if err := r.noAliases(root); err != nil {
		return nil, err
	}
	if err := r.noDuplicates(root, "the rules file"); err != nil {
		return nil, err
	}
	// lower_case_table_names first: it decides how table names compare.
	for i := 0; i+1 < len(root.Content); i += 2 {
		if key, val := root.Content[i], root.Content[i+1]; key.Value == "lower_case_table_names" {
			v, err := strconv.Atoi(val.Value)
			if err != nil || v < 0 || v > 2 || val.Kind != yaml.ScalarNode {
				return nil, r.errf(val, "lower_case_table_names: want 0, 1 or 2, as the donor server's setting")
			}
			s.LowerCaseTableNames = v
		}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "lower_case_table_names":
		case "tables":
			if err := r.tables(s, "", val); err != nil {
				return nil, err
			}
		case "databases":
			if val.Kind != yaml.MappingNode {
				return nil, r.errf(val, "databases: must map database names to sections with tables:")
			}
			for j := 0; j+1 < len(val.Content); j += 2 {
				db, sec := val.Content[j], val.Content[j+1]
				if db.Kind != yaml.ScalarNode || db.Value == "" {
					return nil, r.errf(db, "databases: a database name must be a plain name")
				}
				if sec.Kind != yaml.MappingNode {
					return nil, r.errf(sec, "database %s: want a mapping with tables:", db.Value)
				}
				if d := s.Database(db.Value); d != nil && d.source != "" {
					return nil, r.errf(db, "database %s is given twice (first at %s)", db.Value, d.source)
				}
				s.section(db.Value).source = r.at(db)
				for k := 0; k+1 < len(sec.Content); k += 2 {
					sk, sv := sec.Content[k], sec.Content[k+1]
					switch sk.Value {
					case "tables":
						if err := r.tables(s, db.Value, sv); err != nil {
							return nil, err
						}
					case "relations":
						return nil, r.errf(sk, "database %s: relations: go at the top level (they apply in each database that has the tables)", db.Value)
					default:
						return nil, r.errf(sk, "database %s: unknown key %q (want tables)%s", db.Value, sk.Value, suggest(sk.Value, []string{"tables"}))
					}
				}
			}
		case "relations":
			if val.Kind != yaml.SequenceNode {
				return nil, r.errf(val, "relations: must be a list")
			}
			for _, item := range val.Content {
				rel, err := relationFromNode(item)
				if err != nil {
					return nil, r.errf(item, "%v", err)
				}
				rel.Source = r.at(item)
				rel.Implicit = true
				s.Relations = append(s.Relations, rel)
			}
		default:
			return nil, r.errf(key, "unknown section %q (want tables, databases, relations or lower_case_table_names)%s", key.Value,
				suggest(key.Value, []string{"tables", "databases", "relations", "lower_case_table_names"}))
		}
	}
	return s, nil
}

// tables reads a tables: mapping, for every database (db "") or one.
func (r *reader) tables(s *Set, db string, val *yaml.Node) error {
	if val.Kind != yaml.MappingNode {
		if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
			return nil
		}
		return r.errf(val, "tables: must map table names to columns")
	}
	for j := 0; j+1 < len(val.Content); j += 2 {
		table, cols := val.Content[j], val.Content[j+1]
		if table.Kind != yaml.ScalarNode || table.Value == "" {
			return r.errf(table, "a table name must be a plain name")
		}
		if cols.Kind != yaml.MappingNode {
			return r.errf(cols, "table %s: must map column names to kinds", table.Value)
		}
		for k := 0; k+1 < len(cols.Content); k += 2 {
			col, spec := cols.Content[k], cols.Content[k+1]
			if col.Kind != yaml.ScalarNode || col.Value == "" {
				return r.errf(col, "table %s: a column name must be a plain name", table.Value)
			}
			kind, err := r.kind(spec)
			if err != nil {
				return fmt.Errorf("%s: %s.%s: %s", err.pos, table.Value, col.Value, err.msg)
			}
			s.Add(Rule{Database: db, Table: table.Value, Column: col.Value, Kind: kind, Source: r.at(col), TableSource: r.at(table)})
		}
	}
	// Names compare as MySQL's: the same table or column twice (in any
	// case for columns) is a mistake, not an override.
	seenT := map[string]*yaml.Node{}
	for j := 0; j+1 < len(val.Content); j += 2 {
		table := val.Content[j]
		tk := s.TableKey(table.Value)
		if first, ok := seenT[tk]; ok {
			return r.errf(table, "table %s is given twice (first at %s)", table.Value, r.at(first))
		}
		seenT[tk] = table
		seenC := map[string]*yaml.Node{}
		cols := val.Content[j+1]
		for k := 0; k+1 < len(cols.Content); k += 2 {
			col := cols.Content[k]
			ck := ColumnKey(col.Value)
			if first, ok := seenC[ck]; ok {
				return r.errf(col, "%s.%s is given twice (first at %s; column names match in any case)", table.Value, col.Value, r.at(first))
			}
			seenC[ck] = col
		}
	}
	return nil
}

// noAliases refuses YAML aliases and anchors: a rules file is read as
// written, line by line.
func (r *reader) noAliases(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return r.errf(n, "YAML anchors and aliases are not supported in a rules file: write each rule out")
	}
	for _, c := range n.Content {
		if err := r.noAliases(c); err != nil {
			return err
		}
	}
	return nil
}

func (r *reader) noDuplicates(m *yaml.Node, what string) error {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if first, ok := seen[k.Value]; ok {
			return r.errf(k, "%s: %s is given twice (first at %s)", what, k.Value, r.at(first))
		}
		seen[k.Value] = k
	}
	return nil
}

type kindErr struct{ pos, msg string }

// kind reads a kind: "name:param=value" or {kind: name, param: value}.
func (r *reader) kind(n *yaml.Node) (Kind, *kindErr) {
	fail := func(at *yaml.Node, err error) *kindErr {
		pos := r.at(at)
		var ke *KindError
		if errors.As(err, &ke) && at.Kind == yaml.ScalarNode && !strings.Contains(at.Value, "\n") {
			// The column of the offending part inside a one-line scalar.
			shift := 0
			switch at.Style {
			case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
				shift = 1
			case 0:
			default:
				shift = -1
			}
			if shift >= 0 && !strings.ContainsAny(at.Value, "\\'\"") {
				pos = fmt.Sprintf("%s:%d:%d", r.name, at.Line, at.Column+shift+utf8.RuneCountInString(at.Value[:ke.Offset]))
			}
		}
		return &kindErr{pos, err.Error()}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		k, err := ParseKind(n.Value)
		if err != nil {
			return Kind{}, fail(n, err)
		}
		return k, nil
	case yaml.MappingNode:
		var name string
		var nameNode *yaml.Node
		params := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, v := n.Content[i], n.Content[i+1]
			k := kn.Value
			var value string
			switch v.Kind {
			case yaml.ScalarNode:
				value = v.Value
			case yaml.SequenceNode:
				var parts []string
				for _, it := range v.Content {
					if it.Kind != yaml.ScalarNode {
						return Kind{}, &kindErr{r.at(it), fmt.Sprintf("parameter %s: want a list of plain values", k)}
					}
					parts = append(parts, it.Value)
				}
				value = strings.Join(parts, ",")
			default:
				return Kind{}, &kindErr{r.at(v), fmt.Sprintf("parameter %s: want a value or a list", k)}
			}
			if _, dup := params[k]; dup || k == "kind" && nameNode != nil {
				return Kind{}, &kindErr{r.at(kn), fmt.Sprintf("%s is given twice", k)}
			}
			switch k {
			case "kind":
				name, nameNode = value, v
			case "note":
			default:
				params[k] = value
				if nameNode == nil {
					// kind: may come after its parameters
					for j := i + 2; j+1 < len(n.Content); j += 2 {
						if n.Content[j].Value == "kind" {
							nameNode = n.Content[j+1]
							name = nameNode.Value
						}
					}
				}
				if nameNode == nil {
					return Kind{}, &kindErr{r.at(n), "want {kind: NAME, ...}: the kind is missing"}
				}
				kind, err := ParseKind(name)
				if err != nil {
					return Kind{}, fail(nameNode, err)
				}
				if err := checkParamName(kind.Name, k); err != nil {
					return Kind{}, &kindErr{r.at(kn), err.Error()}
				}
			}
		}
		if nameNode == nil {
			return Kind{}, &kindErr{r.at(n), "want {kind: NAME, ...}: the kind is missing"}
		}
		kind, err := ParseKind(name)
		if err != nil {
			return Kind{}, fail(nameNode, err)
		}
		if len(params) > 0 {
			kind.Params = params
		}
		if err := checkParams(kind); err != nil {
			return Kind{}, &kindErr{r.at(n), err.Error()}
		}
		return kind, nil
	}
	return Kind{}, &kindErr{r.at(n), "want a kind name or {kind: ..., param: ...}"}
}

func relationFromNode(n *yaml.Node) (Relation, error) {
	var from, to string
	switch n.Kind {
	case yaml.ScalarNode:
		var ok bool
		from, to, ok = strings.Cut(n.Value, "->")
		if !ok {
			return Relation{}, fmt.Errorf("relation %q: want \"table.column -> table.column\"", n.Value)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch k := n.Content[i].Value; k {
			case "from":
				from = n.Content[i+1].Value
			case "to":
				to = n.Content[i+1].Value
			default:
				return Relation{}, fmt.Errorf("relation: unknown key %q (want from and to)%s", k, suggest(k, []string{"from", "to"}))
			}
		}
	default:
		return Relation{}, fmt.Errorf("relation: want \"table.column -> table.column\" or {from: ..., to: ...}")
	}
	ft, fc, ok1 := strings.Cut(strings.TrimSpace(from), ".")
	tt, tc, ok2 := strings.Cut(strings.TrimSpace(to), ".")
	if !ok1 || !ok2 || ft == "" || fc == "" || tt == "" || tc == "" {
		return Relation{}, fmt.Errorf("relation %q -> %q: want table.column on both sides", from, to)
	}
	cols, refs := splitList(fc), splitList(tc)
	if len(cols) != len(refs) {
		return Relation{}, fmt.Errorf("relation %q -> %q: as many columns on both sides", from, to)
	}
	return Relation{Table: ft, Columns: cols, RefTable: tt, RefColumns: refs}, nil
}

func splitList(s string) []string {
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// WriteYAML prints the effective rules for a reviewer: every rule with its
// source, propagated rules marked with where they come from, and the
// relations. The output is itself a valid rules file.
func (s *Set) WriteYAML(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("# Effective fuzzy rules: what will be anonymized, and how.\n")
	fmt.Fprintf(&b, "# %d rules, %d relations.\n", s.Len(), len(s.Relations))
	if s.LowerCaseTableNames > 0 {
		fmt.Fprintf(&b, "lower_case_table_names: %d\n", s.LowerCaseTableNames)
	}
	if len(s.own()) == 0 {
		b.WriteString("tables: {}\n")
	} else {
		b.WriteString("tables:\n")
		s.writeTables(&b, "  ")
	}
	if len(s.Databases) > 0 {
		b.WriteString("databases:\n")
		for _, db := range s.sectionNames() {
			d := s.Databases[db]
			fmt.Fprintf(&b, "  %s:\n", yamlKey(d.database))
			if len(d.own()) == 0 {
				b.WriteString("    tables: {}\n")
				continue
			}
			b.WriteString("    tables:\n")
			d.writeTables(&b, "      ")
		}
	}
	if len(s.Relations) > 0 {
		b.WriteString("relations:\n")
		rels := append([]Relation(nil), s.Relations...)
		sort.Slice(rels, func(i, j int) bool { return rels[i].String() < rels[j].String() })
		for _, r := range rels {
			fmt.Fprintf(&b, "  - %s", yamlScalar(r.String()))
			src := r.Source
			if !r.Implicit {
				src = "foreign key, " + src
			}
			fmt.Fprintf(&b, "  # %s\n", strings.TrimSuffix(src, ", "))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeTables prints this set's own rules, a table per key.
func (s *Set) writeTables(b *bytes.Buffer, indent string) {
	var last string
	for _, r := range s.own() {
		if tk := s.TableKey(r.Table); tk != last || last == "" {
			fmt.Fprintf(b, "%s%s:\n", indent, yamlKey(r.Table))
			last = tk
		}
		comment := r.Source
		if r.Via != "" {
			comment = "propagated from " + r.Via
			if r.Source != "" {
				comment += " (" + r.Source + ")"
			}
		}
		fmt.Fprintf(b, "%s  %s: %s", indent, yamlKey(r.Column), yamlScalar(r.Kind.String()))
		if comment != "" {
			fmt.Fprintf(b, "  # %s", comment)
		}
		b.WriteByte('\n')
	}
}

func yamlKey(s string) string { return yamlScalar(s) }

// yamlScalar quotes s when plain YAML would read it differently.
func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
