package rules

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The rules file:
//
//	tables:
//	  instances:
//	    hostname: hostname
//	    network_info: json:paths=network.label
//	    display_name: {kind: string}
//	relations:
//	  - block_device_mapping.instance_uuid -> instances.uuid
//	  - {from: migrations.instance_uuid, to: instances.uuid}

// LoadFile reads a YAML rules file.
func LoadFile(path string) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return Parse(path, b)
}

// Parse reads a YAML rules document; name is used in errors and sources.
func Parse(name string, data []byte) (*Set, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := NewSet()
	if len(doc.Content) == 0 {
		return s, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d:%d: the rules file must be a mapping with tables: and relations:", name, root.Line, root.Column)
	}
	at := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d:%d", name, n.Line, n.Column) }
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "tables":
			if val.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("%s: tables: must map table names to columns", at(val))
			}
			for j := 0; j+1 < len(val.Content); j += 2 {
				table, cols := val.Content[j], val.Content[j+1]
				if cols.Kind != yaml.MappingNode {
					return nil, fmt.Errorf("%s: table %s: must map column names to kinds", at(cols), table.Value)
				}
				for k := 0; k+1 < len(cols.Content); k += 2 {
					col, spec := cols.Content[k], cols.Content[k+1]
					kind, err := kindFromNode(spec)
					if err != nil {
						return nil, fmt.Errorf("%s: %s.%s: %w", at(spec), table.Value, col.Value, err)
					}
					s.Add(Rule{Table: table.Value, Column: col.Value, Kind: kind, Source: at(col)})
				}
			}
		case "relations":
			if val.Kind != yaml.SequenceNode {
				return nil, fmt.Errorf("%s: relations: must be a list", at(val))
			}
			for _, item := range val.Content {
				rel, err := relationFromNode(item)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", at(item), err)
				}
				rel.Source = at(item)
				rel.Implicit = true
				s.Relations = append(s.Relations, rel)
			}
		default:
			return nil, fmt.Errorf("%s: unknown section %q (want tables or relations)", at(key), key.Value)
		}
	}
	return s, nil
}

func kindFromNode(n *yaml.Node) (Kind, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return ParseKind(n.Value)
	case yaml.MappingNode:
		var name string
		params := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			var value string
			switch v.Kind {
			case yaml.ScalarNode:
				value = v.Value
			case yaml.SequenceNode:
				var parts []string
				for _, it := range v.Content {
					parts = append(parts, it.Value)
				}
				value = strings.Join(parts, ",")
			default:
				return Kind{}, fmt.Errorf("parameter %s: want a value or a list", k)
			}
			if k == "kind" {
				name = value
			} else if k != "note" {
				params[k] = value
			}
		}
		kind, err := ParseKind(name)
		if err != nil {
			return Kind{}, err
		}
		if len(params) > 0 {
			kind.Params = params
		}
		if err := checkParams(kind); err != nil {
			return Kind{}, err
		}
		return kind, nil
	}
	return Kind{}, fmt.Errorf("want a kind name or {kind: ..., param: ...}")
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
			switch n.Content[i].Value {
			case "from":
				from = n.Content[i+1].Value
			case "to":
				to = n.Content[i+1].Value
			}
		}
	}
	ft, fc, ok1 := strings.Cut(strings.TrimSpace(from), ".")
	tt, tc, ok2 := strings.Cut(strings.TrimSpace(to), ".")
	if !ok1 || !ok2 || ft == "" || fc == "" || tt == "" || tc == "" {
		return Relation{}, fmt.Errorf("relation %q -> %q: want table.column on both sides", from, to)
	}
	return Relation{Table: ft, Columns: strings.Split(fc, ","), RefTable: tt, RefColumns: strings.Split(tc, ",")}, nil
}

// WriteYAML prints the effective rules for a reviewer: every rule with its
// source, propagated rules marked with where they come from, and the
// relations. The output is itself a valid rules file.
func (s *Set) WriteYAML(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("# Effective fuzzy rules: what will be anonymized, and how.\n")
	fmt.Fprintf(&b, "# %d rules, %d relations.\n", s.Len(), len(s.Relations))
	if s.Len() == 0 {
		b.WriteString("tables: {}\n")
	} else {
		b.WriteString("tables:\n")
	}
	var tables []string
	for t := range s.rules {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		fmt.Fprintf(&b, "  %s:\n", yamlKey(t))
		for _, r := range s.TableRules(t) {
			comment := r.Source
			if r.Via != "" {
				comment = "propagated from " + r.Via
				if r.Source != "" {
					comment += " (" + r.Source + ")"
				}
			}
			fmt.Fprintf(&b, "    %s: %s", yamlKey(r.Column), yamlScalar(r.Kind.String()))
			if comment != "" {
				fmt.Fprintf(&b, "  # %s", comment)
			}
			b.WriteByte('\n')
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

func yamlKey(s string) string { return yamlScalar(s) }

// yamlScalar quotes s when plain YAML would read it differently.
func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
