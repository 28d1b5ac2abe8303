package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fuzzyduck/fuzzyduck/gate"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/urfave/cli/v2"
)

func historyCommand() *cli.Command {
	return &cli.Command{
		Name:  "history",
		Usage: "write one HTML page of every dataset's and step's measurements over time, with the limits gate thresholds would propose",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "history", Required: true, Usage: "history directory (written by gate run --history)"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "directory for index.html"},
		},
		Action: func(c *cli.Context) error {
			samples, err := gate.LoadHistory(c.String("history"), "")
			if err != nil {
				return cli.Exit(err.Error(), 2)
			}
			if len(samples) == 0 {
				return cli.Exit(fmt.Sprintf("gate history: no samples in %s", c.String("history")), 2)
			}
			if err := os.MkdirAll(c.String("out"), 0o755); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			page := filepath.Join(c.String("out"), "index.html")
			f, err := fileio.Create(page)
			if err != nil {
				return cli.Exit(err.Error(), 2)
			}
			defer f.Abort()
			if _, err := f.WriteString(gate.HistoryHTML(samples)); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			if err := f.Commit(); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			fmt.Printf("%d samples: %s\n", len(samples), page)
			return nil
		},
	}
}
