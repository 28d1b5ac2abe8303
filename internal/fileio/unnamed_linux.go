package fileio

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// openUnnamed opens an unnamed file in dir (O_TMPFILE): it has no name
// until linkUnnamed gives it one, and the kernel frees it when the
// process ends, however it ends. Some filesystems refuse O_TMPFILE; the
// caller then falls back to a named temp file.
func openUnnamed(dir string) (*os.File, error) {
	// linkat needs /proc/self/fd (AT_EMPTY_PATH would need
	// CAP_DAC_READ_SEARCH): without it an unnamed file could not be kept.
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		return nil, err
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), dir), nil
}

func fdPath(f *os.File) string { return fmt.Sprintf("/proc/self/fd/%d", f.Fd()) }

// linkUnnamed names the unnamed file f target. linkat cannot replace a
// file: over an existing target the file is linked under a temp name
// first, then renamed (the signal lock covers both, so a signal cannot
// leave the temp name behind).
func linkUnnamed(f *os.File, target string) error {
	link := func(name string) error {
		return unix.Linkat(unix.AT_FDCWD, fdPath(f), unix.AT_FDCWD, name, unix.AT_SYMLINK_FOLLOW)
	}
	err := link(target)
	if !errors.Is(err, unix.EEXIST) {
		return err
	}
	track(func() {
		var tmp string
		for range 10 {
			var b [6]byte
			rand.Read(b[:])
			tmp = filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".tmp-"+hex.EncodeToString(b[:]))
			if err = link(tmp); !errors.Is(err, unix.EEXIST) {
				break
			}
		}
		if err != nil {
			return
		}
		if err = os.Rename(tmp, target); err != nil {
			os.Remove(tmp)
		}
	})
	return err
}
