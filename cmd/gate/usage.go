package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// flagInMsg finds the flag a parse error is about (the flag package's
// "invalid value "X" for flag -name: ...", "flag needs an argument:
// -name").
var flagInMsg = regexp.MustCompile(`(?:for flag|for|argument:) -{1,2}([A-Za-z][A-Za-z0-9-]*)`)

// usageError reports a bad command line without what was given: the
// flag package quotes a bad value ("invalid value "Hunter2..." for
// flag -min-length"), and a mistyped flag may be a secret pasted in the
// wrong place. It names the flag only when it is one of the command's.
// gate run's own flags (--phase, ...) keep their messages: they quote
// the plan, not secrets.
func usageError(c *cli.Context, err error, _ bool) error {
	name := c.Command.Name
	msg := err.Error()
	var flag string
	scrubs := name == "scrub"
	if m := flagInMsg.FindStringSubmatch(msg); m != nil {
		for _, f := range c.Command.Flags {
			if slices.Contains(f.Names(), m[1]) {
				flag = m[1]
			}
		}
		for _, f := range scrubFlags {
			scrubs = scrubs || slices.Contains(f.Names(), m[1])
		}
	}
	if flag != "" && !scrubs && !strings.Contains(msg, "provided but not defined") {
		return cli.Exit(fmt.Sprintf("gate %s: %v", name, err), 2)
	}
	switch {
	case strings.Contains(msg, "provided but not defined"):
		msg = "an unknown flag"
	case flag != "" && strings.Contains(msg, "needs an argument"):
		msg = fmt.Sprintf("--%s needs a value", flag)
	case flag != "":
		msg = fmt.Sprintf("--%s: not a valid value", flag)
	default:
		msg = "the command line is not understood"
	}
	return cli.Exit(fmt.Sprintf("gate %s: %s (see gate %s --help)", name, msg, name), 2)
}
