// Command gate runs database migrations against a sanitised dataset and
// publishes scrubbed logs. See the README.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	app := &cli.App{
		Name:  "gate",
		Usage: "test database migrations on a real dataset; publish only scrubbed logs",
		Commands: []*cli.Command{
			runCommand(),
			scrubCommand(),
			thresholdsCommand(),
			historyCommand(),
		},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "gate:", err)
		var ec cli.ExitCoder
		if errors.As(err, &ec) {
			os.Exit(ec.ExitCode())
		}
		os.Exit(2)
	}
}
