package modelmarkup

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// What was read, for a user to check before trusting it: `fuzzy models`
// prints it as text or JSON.

// ModelJSON is one model as `fuzzy models --json` prints it.
type ModelJSON struct {
	Table       string           `json:"table"`
	Class       string           `json:"class,omitempty"`
	File        string           `json:"file"`
	Line        int              `json:"line"`
	Columns     []ColumnJSON     `json:"columns"`
	ForeignKeys []ForeignKeyJSON `json:"foreign_keys"`
}

// ColumnJSON is one column of a ModelJSON.
type ColumnJSON struct {
	Name       string `json:"name"`
	Attr       string `json:"attr,omitempty"`
	Type       string `json:"type,omitempty"`
	PrimaryKey bool   `json:"primary_key"`
	Nullable   bool   `json:"nullable"`
	Kind       string `json:"kind,omitempty"`
	// File is set when the column is declared in another file than its
	// table (a mixin in a sibling module).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// ForeignKeyJSON is one foreign key of a ModelJSON.
type ForeignKeyJSON struct {
	Columns    []string `json:"columns"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns"`
}

// JSON converts models to what `fuzzy models --json` prints.
func JSON(models []*Model) []ModelJSON {
	out := make([]ModelJSON, 0, len(models))
	for _, m := range models {
		pk := map[string]bool{}
		for _, c := range m.PrimaryKey {
			pk[c] = true
		}
		j := ModelJSON{Table: m.Table, Class: m.Class, File: m.Pos.File, Line: m.Pos.Line, Columns: []ColumnJSON{}, ForeignKeys: []ForeignKeyJSON{}}
		for _, c := range m.Columns {
			cj := ColumnJSON{Name: c.Name, Attr: c.Attr, Type: c.Type, PrimaryKey: c.PrimaryKey || pk[c.Name], Nullable: c.Nullable, Line: c.Pos.Line}
			if c.Kind != nil {
				cj.Kind = c.Kind.String()
			}
			if c.Pos.File != m.Pos.File {
				cj.File = c.Pos.File
			}
			j.Columns = append(j.Columns, cj)
		}
		for _, fk := range m.ForeignKeys {
			j.ForeignKeys = append(j.ForeignKeys, ForeignKeyJSON{Columns: fk.Columns, RefTable: fk.RefTable, RefColumns: fk.RefColumns})
		}
		out = append(out, j)
	}
	return out
}

// WriteJSON prints models as an indented JSON list.
func WriteJSON(w io.Writer, models []*Model) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(JSON(models))
}

// WriteText prints models for a reader: each table with where it is
// declared, its columns (name, attribute, type, primary key, markup)
// and its foreign keys.
func WriteText(w io.Writer, models []*Model) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for i, j := range JSON(models) {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		class := ""
		if j.Class != "" {
			class = "class " + j.Class + ", "
		}
		fmt.Fprintf(tw, "%s\t(%s%s:%d)\n", j.Table, class, j.File, j.Line)
		for _, c := range j.Columns {
			var notes []string
			if c.Attr != "" && c.Attr != c.Name {
				notes = append(notes, "attribute "+c.Attr)
			}
			if c.PrimaryKey {
				notes = append(notes, "primary key")
			}
			if c.Kind != "" {
				notes = append(notes, "kind "+c.Kind)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Name, c.Type, strings.Join(notes, ", "))
		}
		for _, fk := range j.ForeignKeys {
			fmt.Fprintf(tw, "  foreign key\t(%s) -> %s(%s)\t\n", strings.Join(fk.Columns, ", "), fk.RefTable, strings.Join(fk.RefColumns, ", "))
		}
	}
	return tw.Flush()
}
