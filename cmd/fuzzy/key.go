package main

import (
	"fmt"
	"os"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/urfave/cli/v2"
)

func keyCommand() *cli.Command {
	return &cli.Command{
		Name:  "key",
		Usage: "make a new 256-bit key in a file only you can read (hex, mode 0600); the key is never printed",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "the key file to create (an existing file is never overwritten)"},
		},
		Action: func(c *cli.Context) error {
			path := c.String("output")
			if _, err := anonymize.GenerateKeyFile(path); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "fuzzy: wrote a new 256-bit key to %s (mode 0600); keep it private and pass --key-file %s to fuzzy and duckface\n", path, path)
			return nil
		},
	}
}
