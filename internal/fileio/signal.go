package fileio

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// The named temp files alive now, removed when a signal stops the run.
// The lock also keeps a signal from exiting between a temp file's
// creation (or rename) and its bookkeeping.
var (
	mu      sync.Mutex
	live    = map[string]bool{}
	onStop  = map[int]func(){}
	stopSeq int
	once    sync.Once
)

func track(fn func()) {
	mu.Lock()
	defer mu.Unlock()
	fn()
}

// OnSignal registers fn to run when CleanupOnSignal's handler stops the
// process (removing a temp directory, say); the returned func unregisters
// it.
func OnSignal(fn func()) (unregister func()) {
	mu.Lock()
	defer mu.Unlock()
	stopSeq++
	id := stopSeq
	onStop[id] = fn
	return func() {
		mu.Lock()
		delete(onStop, id)
		mu.Unlock()
	}
}

// CleanupOnSignal makes SIGINT and SIGTERM remove every named temp file
// of this package and run the OnSignal functions, then exit with 128 +
// the signal's number. Unnamed outputs need nothing: the kernel drops
// them with the process. Commands that write outputs call it first.
func CleanupOnSignal() {
	once.Do(func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		go func() {
			sig := <-ch
			mu.Lock() // held until exit: nothing new starts
			for name := range live {
				os.Remove(name)
			}
			for _, fn := range onStop {
				fn()
			}
			code := 1
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			os.Exit(code)
		}()
	})
}
