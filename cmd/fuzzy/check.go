package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/urfave/cli/v2"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "read a dump end to end and report what fuzzy understood (tables, rows, warnings)",
		ArgsUsage: "[DUMP|-]",
		Action: func(c *cli.Context) error {
			in, _, err := fileio.Open(c.Args().First())
			if err != nil {
				return err
			}
			defer in.Close()
			return check(in, os.Stdout, os.Stderr)
		},
	}
}

func check(in io.Reader, out, errw io.Writer) error {
	r, err := sqldump.NewReader(in)
	if err != nil {
		return err
	}
	rows := map[string]int{}
	stmts := map[sqldump.Kind]int{}
	for {
		st, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		stmts[st.Kind]++
		if ins := st.Insert(); ins != nil {
			rows[ins.Table()] += ins.Rows()
		}
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "table\tcolumns\trows\tprimary key\tforeign keys\t")
	seen := map[string]bool{}
	for _, t := range r.Schema().Tables() {
		seen[t.Name] = true
		fmt.Fprintf(tw, "%s\t%d\t%d\t%v\t%d\t\n", t.Name, len(t.Columns), rows[t.Name], t.PrimaryKey, len(t.ForeignKeys))
	}
	var extra []string
	for name := range rows {
		if !seen[name] {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		fmt.Fprintf(tw, "%s\t?\t%d\t(no CREATE TABLE)\t\t\n", name, rows[name])
	}
	tw.Flush()
	fmt.Fprintf(out, "%d bytes, %d INSERT, %d CREATE TABLE, %d other statements\n", r.Offset(), stmts[sqldump.KindInsert], stmts[sqldump.KindCreateTable], stmts[sqldump.KindOther]+stmts[sqldump.KindUse]+stmts[sqldump.KindCommand])
	for _, w := range r.Warnings() {
		fmt.Fprintln(errw, "warning:", w)
	}
	return nil
}
