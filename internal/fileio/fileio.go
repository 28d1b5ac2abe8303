// Package fileio opens the tools' inputs (a path or "-" for stdin) and
// writes their outputs atomically: to a temp file beside the target, renamed
// into place only on success, so a failed run never leaves a half-written
// result.
package fileio

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Open opens path for reading; "-" or "" is stdin. size is the file's size,
// or -1 when unknown (stdin, pipes).
func Open(path string) (rc io.ReadCloser, size int64, err error) {
	if path == "" || path == "-" {
		return io.NopCloser(os.Stdin), -1, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return f, -1, nil
	}
	return f, st.Size(), nil
}

// File is an output being written. Commit renames it into place; Abort
// (safe after Commit) removes it.
type File struct {
	*os.File
	// Mode is the permission the file gets when committed (default 0644;
	// secrets such as indexes use 0600).
	Mode   os.FileMode
	target string
	done   bool
	stdout bool
}

// Create starts writing path atomically; "-" or "" is stdout (written
// directly: a pipe cannot be un-written, so callers should fail loudly).
func Create(path string) (*File, error) {
	if path == "" || path == "-" {
		return &File{File: os.Stdout, stdout: true}, nil
	}
	// A device or pipe (/dev/null, a FIFO) is written in place: renaming
	// a temp file over it would replace the device.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return nil, fmt.Errorf("create output: %s is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("create output: %w", err)
		}
		return &File{File: f, stdout: true}, nil
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	return &File{File: f, target: path, Mode: 0o644}, nil
}

// Commit syncs, closes and renames the file into place.
func (f *File) Commit() error {
	if f.stdout {
		f.done = true
		if f.File != os.Stdout {
			return f.File.Close()
		}
		return nil
	}
	if f.done {
		return fmt.Errorf("output %s: already finished", f.target)
	}
	f.done = true
	if err := f.File.Chmod(f.Mode); err != nil {
		f.File.Close()
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	if err := os.Rename(f.File.Name(), f.target); err != nil {
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	return nil
}

// Abort discards the output unless it was committed.
func (f *File) Abort() {
	if f.done || f.stdout {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}
