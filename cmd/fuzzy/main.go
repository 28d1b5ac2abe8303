// Command fuzzy anonymizes MySQL/MariaDB dumps. See the README.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/fuzzyduck/fuzzyduck/internal/fileio"

	"github.com/urfave/cli/v2"
)

func main() {
	fileio.CleanupOnSignal()
	app := &cli.App{
		Name:  "fuzzy",
		Usage: "read and anonymize MySQL/MariaDB dumps",
		Commands: []*cli.Command{
			checkCommand(),
			rulesCommand(),
			modelsCommand(),
			keyCommand(),
			anonymizeCommand(),
			indexCommand(),
			auditCommand(),
			verifyCommand(),
		},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "fuzzy:", err)
		var ec cli.ExitCoder
		if errors.As(err, &ec) {
			os.Exit(ec.ExitCode())
		}
		os.Exit(1)
	}
}
