// Package cliutil holds what the fuzzyduck commands share: keys, inputs
// read twice, atomic outputs, progress bars, and the rules flags.
package cliutil

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/modelmarkup"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// KeyFileFlag is --key-file.
var KeyFileFlag = &cli.StringFlag{Name: "key-file", Usage: "file holding the anonymization key (hex, >= 128 bits); default: env FUZZY_KEY, else a new key is generated and saved"}

// LoadKey finds the key: --key-file, env FUZZY_KEY, or a new one saved
// to a file whose name (never the key) is reported.
func LoadKey(c *cli.Context, errw io.Writer) (*anonymize.Key, error) {
	if f := c.String("key-file"); f != "" {
		return anonymize.LoadKeyFile(f)
	}
	if k := os.Getenv("FUZZY_KEY"); k != "" {
		key, err := anonymize.ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("FUZZY_KEY: %w", err)
		}
		return key, nil
	}
	prog := c.App.Name
	path := fmt.Sprintf("%s-%s.key", prog, time.Now().UTC().Format("20060102-150405.000000"))
	key, err := anonymize.GenerateKeyFile(path)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(errw, "%s: no key given: generated a new 256-bit key and saved it to %s (mode 0600).\n"+
		"%s: keep it private; pass --key-file %s to get the same output again.\n", prog, path, prog, path)
	return key, nil
}

// Spooled is an input that can be read twice: a file, or stdin copied to
// a temp file.
type Spooled struct {
	Path    string
	Size    int64
	Cleanup func()
}

// Spool makes an input readable twice.
func Spool(arg string) (*Spooled, error) {
	if arg != "" && arg != "-" {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		return &Spooled{Path: arg, Size: st.Size(), Cleanup: func() {}}, nil
	}
	// Unnamed on Linux: the spooled original never outlives the run.
	f, err := fileio.CreateScratch("")
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, os.Stdin)
	if err != nil {
		f.Remove()
		return nil, fmt.Errorf("spool stdin: %w", err)
	}
	return &Spooled{Path: f.Path, Size: n, Cleanup: f.Remove}, nil
}

// Open starts a read of the input.
func (s *Spooled) Open() (*sqldump.Reader, io.Closer, error) {
	f, err := os.Open(s.Path)
	if err != nil {
		return nil, nil, err
	}
	r, err := sqldump.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, f, nil
}

// NewOutput opens -o atomically, gzip when asked or when it ends in .gz.
func NewOutput(c *cli.Context) (*fileio.File, *sqldump.Writer, error) {
	out := c.String("output")
	f, err := fileio.Create(out)
	if err != nil {
		return nil, nil, err
	}
	return f, NewOutputWriter(c, f), nil
}

// NewOutputWriter is the dump writer for an output: gzip when asked or
// when -o ends in .gz.
func NewOutputWriter(c *cli.Context, f io.Writer) *sqldump.Writer {
	if c.Bool("gzip") || strings.HasSuffix(c.String("output"), ".gz") {
		return sqldump.NewGzipWriter(f)
	}
	return sqldump.NewWriter(f)
}

// OutputFlags are -o and --gzip.
var OutputFlags = []cli.Flag{
	&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "output file (written to a temp file, renamed on success); - for stdout"},
	&cli.BoolFlag{Name: "gzip", Usage: "gzip the output (implied by a .gz output name)"},
}

// Progress returns a progress callback (a bar on a terminal) and its
// finisher.
func Progress(size int64, what string) (func(int64), func()) {
	if size <= 0 || !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil, func() {}
	}
	bar := progressbar.DefaultBytes(size, what)
	return func(n int64) { bar.Set64(n) }, func() { bar.Finish(); fmt.Fprintln(os.Stderr) }
}

var (
	// ModelsFlag and RulesFlag read rules.
	ModelsFlag = &cli.StringSliceFlag{Name: "models", Usage: "SQLAlchemy models file with markup (repeatable)"}
	RulesFlag  = &cli.StringSliceFlag{Name: "rules", Usage: "YAML rules file, applied over the models (repeatable; later wins)"}
)

// LoadRules merges the models' markup and the rules files, reporting
// overridden rules on w.
func LoadRules(c *cli.Context, w io.Writer) (*rules.Set, error) {
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
	return set, nil
}
