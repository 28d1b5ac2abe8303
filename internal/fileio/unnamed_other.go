//go:build !linux

package fileio

import (
	"errors"
	"os"
)

var errNoUnnamed = errors.New("unnamed files need Linux's O_TMPFILE")

// openUnnamed is Linux only; elsewhere outputs are named temp files.
func openUnnamed(dir string) (*os.File, error) { return nil, errNoUnnamed }

func fdPath(f *os.File) string { return f.Name() }

func linkUnnamed(f *os.File, target string) error { return errNoUnnamed }
