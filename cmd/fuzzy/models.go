package main

import (
	"os"

	"github.com/fuzzyduck/fuzzyduck/modelmarkup"
	"github.com/urfave/cli/v2"
)

func modelsCommand() *cli.Command {
	return &cli.Command{
		Name:      "models",
		Usage:     "print what fuzzy reads from SQLAlchemy models: tables, columns, keys, markup",
		ArgsUsage: "MODELS.py...",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print a JSON list of {table, class, file, line, columns, foreign_keys}"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.Exit("give the models files to read (the project's files are read together)", 2)
			}
			models, err := modelmarkup.Read(c.Args().Slice()...)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return modelmarkup.WriteJSON(os.Stdout, models)
			}
			return modelmarkup.WriteText(os.Stdout, models)
		},
	}
}
