// Command fuzzy anonymizes MySQL/MariaDB dumps. See the README.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

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
	if err := app.Run(flagsFirst(app, os.Args)); err != nil {
		fmt.Fprintln(os.Stderr, "fuzzy:", err)
		var ec cli.ExitCoder
		if errors.As(err, &ec) {
			os.Exit(ec.ExitCode())
		}
		os.Exit(1)
	}
}

// flagsFirst moves a command's flags written after its arguments before
// them: the flag parser stops at the first argument, so "fuzzy anonymize
// dump.sql.gz -o anon.sql.gz" would otherwise write the dump to stdout
// and ignore -o. A flag's value moves with it; "--" ends the flags.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	cmd := app.Command(args[1])
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, rest []string
	for i := 2; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return append(append(append([]string{}, args[:2]...), flags...), rest...)
}
