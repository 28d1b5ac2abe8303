package scrub

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/klauspost/compress/gzip"
)

// ScrubFiles scrubs inputs (paths, "-" for stdin; none: stdin) in order
// into output ("-" for stdout), as plain text: a gzipped input is
// inflated and written scrubbed and inflated. check writes nothing. On
// an error the output is not left behind (stdout excepted).
func (s *Scrubber) ScrubFiles(inputs []string, output string, check bool) (*Report, error) {
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	total := &Report{Counts: map[string]int{}}
	var out *fileio.File
	var w io.Writer = io.Discard
	if !check {
		var err error
		if out, err = fileio.Create(output); err != nil {
			return nil, err
		}
		w = out
	}
	for _, name := range inputs {
		rep, err := s.scrubFile(w, name)
		if err != nil {
			if out != nil {
				out.Abort()
			}
			return nil, err
		}
		total.Add(rep)
	}
	if out != nil {
		if err := out.Commit(); err != nil {
			return nil, err
		}
	}
	return total, nil
}

// scrubFile scrubs one input into w.
func (s *Scrubber) scrubFile(w io.Writer, name string) (*Report, error) {
	r, _, err := fileio.Open(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	label := name
	if label == "" || label == "-" {
		label = "stdin"
	}
	in, err := NewInput(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	defer in.Close()
	rep, err := s.Scrub(w, in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return rep, nil
}

// ScrubTree scrubs every file under dir in place: each is written to an
// unnamed (or temp) file beside it and put over it, mode kept, so none is
// ever half-scrubbed; a gzipped file is written back gzipped. Nothing is
// skipped silently: a symbolic link whose target is not in the tree (it
// would be published unscrubbed, or scrubbing would change a file
// outside), a link to nothing, a special file (pipe, socket, device) or
// a file gate scrub cannot read inside (NewInput) is an error naming it.
// Links, special files and files of formats it cannot read are refused
// before any file is changed. check changes nothing.
func (s *Scrubber) ScrubTree(dir string, check bool) (*Report, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("--in-place: %w", err)
	}
	if st, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("--in-place: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("--in-place: %s is not a directory", dir)
	}
	var files []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch t := d.Type(); {
		case t.IsDir():
		case t.IsRegular():
			files = append(files, p)
		case t&fs.ModeSymlink != 0:
			return linkInTree(root, p)
		default:
			return fmt.Errorf("%s: not a regular file (%v): --in-place scrubs files; remove it or scrub it apart", p, t.Type())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Every file's format is checked before any is changed: stopping at
	// an archive halfway would leave the files before it scrubbed and
	// those after it as they were, and a step that publishes its
	// artifacts whatever the exit code would publish those.
	for _, p := range files {
		if err := readable(p); err != nil {
			return nil, err
		}
	}
	total := &Report{Counts: map[string]int{}}
	for _, p := range files {
		rep, err := s.scrubInPlace(p, check)
		if err != nil {
			return nil, err
		}
		total.Add(rep)
	}
	return total, nil
}

// linkInTree accepts a link whose target is a file or directory of the
// tree (scrubbed as itself).
func linkInTree(root, p string) error {
	t, err := filepath.EvalSymlinks(p)
	if err != nil {
		return fmt.Errorf("%s: a symbolic link to nothing: remove it or put the file there", p)
	}
	rel, err := filepath.Rel(root, t)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s: a symbolic link out of the tree: what it points to would be published unscrubbed; put a copy there instead", p)
	}
	st, err := os.Stat(t)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		return fmt.Errorf("%s: a symbolic link to a special file: remove it", p)
	}
	return nil
}

// readable: p opens and NewInput takes its format.
func readable(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	in, err := NewInput(f)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return in.Close()
}

// scrubInPlace scrubs one file of a tree.
func (s *Scrubber) scrubInPlace(p string, check bool) (*Report, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	in, err := NewInput(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	defer in.Close()
	if check {
		rep, err := s.Scrub(io.Discard, in)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return rep, nil
	}
	out, err := fileio.Create(p)
	if err != nil {
		return nil, err
	}
	out.Mode = st.Mode().Perm()
	var w io.Writer = out
	var zw *gzip.Writer
	if in.Gzipped {
		zw = gzip.NewWriter(out)
		w = zw
	}
	rep, err := s.Scrub(w, in)
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err != nil {
		out.Abort()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	return rep, nil
}
