package main

import (
	"fmt"
	"io"
	"os"

	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/modelmarkup"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/urfave/cli/v2"
)

var (
	modelsFlag = &cli.StringSliceFlag{Name: "models", Usage: "SQLAlchemy models file with markup (repeatable)"}
	rulesFlag  = &cli.StringSliceFlag{Name: "rules", Usage: "YAML rules file, applied over the models (repeatable; later wins)"}
)

// loadRules merges the models' markup and the rules files, reporting
// overridden rules on w.
func loadRules(c *cli.Context, w io.Writer) (*rules.Set, error) {
	set := rules.NewSet()
	if models := c.StringSlice("models"); len(models) > 0 {
		s, _, err := modelmarkup.Load(models...)
		if err != nil {
			return nil, err
		}
		set = s
	}
	for _, f := range c.StringSlice("rules") {
		overlay, err := rules.LoadFile(f)
		if err != nil {
			return nil, err
		}
		for _, conflict := range set.Merge(overlay) {
			fmt.Fprintln(w, "note:", conflict)
		}
	}
	if set.Len() == 0 && len(c.StringSlice("models")) == 0 && len(c.StringSlice("rules")) == 0 {
		return nil, cli.Exit("give --models and/or --rules: without them there is nothing to anonymize", 2)
	}
	if err := set.Check(set.Tables); err != nil {
		return nil, err
	}
	return set, nil
}

// dumpSchema reads a dump's CREATE TABLE statements (and only those).
func dumpSchema(path string) (*sqldump.Schema, error) {
	in, _, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	r, err := sqldump.NewReader(in)
	if err != nil {
		return nil, err
	}
	for {
		_, err := r.Next()
		if err == io.EOF {
			return r.Schema(), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// schemaRelations lists a dump's FOREIGN KEYs as relations.
func schemaRelations(s *sqldump.Schema) []rules.Relation {
	var out []rules.Relation
	for _, t := range s.Tables() {
		for _, fk := range t.ForeignKeys {
			out = append(out, rules.Relation{Table: t.Name, Columns: fk.Columns, RefTable: fk.RefTable, RefColumns: fk.RefColumns, Source: "dump: FOREIGN KEY " + fk.Name})
		}
	}
	return out
}

func schemaTables(s *sqldump.Schema) map[string][]string {
	out := map[string][]string{}
	for _, t := range s.Tables() {
		out[t.Name] = t.ColumnNames()
	}
	return out
}

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "print the effective rules (models markup + rules files + foreign-key propagation) as YAML",
		Flags: []cli.Flag{modelsFlag, rulesFlag,
			&cli.StringFlag{Name: "dump", Usage: "also propagate through this dump's FOREIGN KEYs and check rules against its tables"},
		},
		Action: func(c *cli.Context) error {
			set, err := loadRules(c, os.Stderr)
			if err != nil {
				return err
			}
			var extra []rules.Relation
			if d := c.String("dump"); d != "" {
				schema, err := dumpSchema(d)
				if err != nil {
					return err
				}
				if err := set.Check(schemaTables(schema)); err != nil {
					return err
				}
				extra = schemaRelations(schema)
			}
			set.Propagate(extra)
			return set.WriteYAML(os.Stdout)
		},
	}
}
