// Package fileio opens the tools' inputs (a path or "-" for stdin) and
// writes their outputs so that nothing half-written is ever left behind:
// on Linux an output is an unnamed file (O_TMPFILE) in the target's
// directory, linked into place only on success, so even SIGKILL leaves
// nothing; elsewhere it is a temp file beside the target, renamed on
// success and removed on failure or on SIGINT/SIGTERM (CleanupOnSignal).
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

// File is an output being written. Commit puts it into place; Abort
// (safe after Commit) discards it.
type File struct {
	*os.File
	// Mode is the permission the file gets when committed (default 0644;
	// secrets such as indexes use 0600).
	Mode   os.FileMode
	target string
	temp   string // the named temp file, when the output is not unnamed
	done   bool
	stdout bool
	start  int64 // where a written-in-place output began (Rewind)
}

// Create starts writing path atomically; "-" or "" is stdout (written
// directly: a pipe cannot be un-written, so callers should fail loudly).
func Create(path string) (*File, error) {
	if path == "" || path == "-" {
		start, _ := os.Stdout.Seek(0, io.SeekCurrent)
		return &File{File: os.Stdout, stdout: true, start: start}, nil
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
	if f, err := tryUnnamed(dir); err == nil {
		return &File{File: f, target: path, Mode: 0o644}, nil
	}
	f, err := createNamed(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	return &File{File: f, target: path, temp: f.Name(), Mode: 0o644}, nil
}

// namedOnly makes outputs named temp files even on Linux (the tests of
// the fallback set it).
var namedOnly bool

func tryUnnamed(dir string) (*os.File, error) {
	if namedOnly {
		return nil, os.ErrInvalid
	}
	return openUnnamed(dir)
}

// createNamed makes a named temp file that a signal removes.
func createNamed(dir, pattern string) (*os.File, error) {
	var f *os.File
	var err error
	track(func() {
		f, err = os.CreateTemp(dir, pattern)
		if err == nil {
			live[f.Name()] = true
		}
	})
	return f, err
}

// removeNamed removes a named temp file and stops tracking it.
func removeNamed(name string) {
	track(func() {
		os.Remove(name)
		delete(live, name)
	})
}

// Commit syncs the file and puts it into place (linked, or renamed over
// the target).
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
	fail := func(err error) error {
		f.File.Close()
		if f.temp != "" {
			removeNamed(f.temp)
		}
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	if err := f.File.Chmod(f.Mode); err != nil {
		return fail(err)
	}
	if err := f.File.Sync(); err != nil {
		return fail(err)
	}
	if f.temp == "" {
		if err := linkUnnamed(f.File, f.target); err != nil {
			return fail(err)
		}
		if err := f.File.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.target, err)
		}
		return nil
	}
	if err := f.File.Close(); err != nil {
		return fail(err)
	}
	var err error
	track(func() {
		if err = os.Rename(f.temp, f.target); err == nil {
			delete(live, f.temp)
		}
	})
	if err != nil {
		return fail(err)
	}
	return nil
}

// Rewindable reports whether what was written can be discarded: an
// output written to a temp file, a regular file (stdout redirected to
// one) or /dev/null, not a pipe or a terminal.
func (f *File) Rewindable() bool {
	if f.done {
		return false
	}
	if !f.stdout {
		return true
	}
	st, err := f.File.Stat()
	if err != nil {
		return false
	}
	if st.Mode().IsRegular() {
		return true
	}
	null, err := os.Stat(os.DevNull)
	return err == nil && os.SameFile(st, null)
}

// Rewind discards what was written so that the output starts again (a
// run that must begin anew); it fails when the output is not Rewindable.
func (f *File) Rewind() error {
	if !f.Rewindable() {
		return fmt.Errorf("output cannot be rewound: it is a pipe or a terminal, or finished")
	}
	if st, err := f.File.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil // /dev/null
	}
	if err := f.File.Truncate(f.start); err != nil {
		return fmt.Errorf("rewind output: %w", err)
	}
	if _, err := f.File.Seek(f.start, io.SeekStart); err != nil {
		return fmt.Errorf("rewind output: %w", err)
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
	if f.temp != "" {
		removeNamed(f.temp)
	}
}

// Scratch is a temp file for data read more than once (stdin spooled for
// a two-pass command): unnamed on Linux, so that nothing of it outlives
// the process; Path reopens it from the start.
type Scratch struct {
	*os.File
	// Path opens the file again (/proc/self/fd/N for an unnamed file).
	Path string
	temp string
}

// CreateScratch makes a scratch file in dir ("" for the system's temp
// directory).
func CreateScratch(dir string) (*Scratch, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	if f, err := tryUnnamed(dir); err == nil {
		return &Scratch{File: f, Path: fdPath(f)}, nil
	}
	f, err := createNamed(dir, "fuzzyduck-scratch-*")
	if err != nil {
		return nil, fmt.Errorf("scratch file: %w", err)
	}
	return &Scratch{File: f, Path: f.Name(), temp: f.Name()}, nil
}

// Remove closes and deletes the scratch file.
func (s *Scratch) Remove() {
	s.File.Close()
	if s.temp != "" {
		removeNamed(s.temp)
	}
}
