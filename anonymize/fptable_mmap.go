//go:build unix && !linux

package anonymize

import (
	"syscall"
	"unsafe"
)

// mapTable returns size bytes of zeroed memory outside Go's heap, as on
// Linux (fptable_linux.go), without the huge-page hint.
func mapTable(size int) (unsafe.Pointer, bool) {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, false
	}
	return unsafe.Pointer(&b[0]), true
}

// unmapTable returns what mapTable(size) mapped at p (syscall.Munmap
// takes back exactly the slice Mmap returned).
func unmapTable(p unsafe.Pointer, size int) {
	syscall.Munmap(unsafe.Slice((*byte)(p), size))
}

// reserveSlots: no reservations here (tables are copied as they grow).
func reserveSlots(n, factor int) (unsafe.Pointer, int, bool) { return nil, 0, false }

func commitSlots(p unsafe.Pointer, old, n int) bool { return false }

func unreserveSlots(p unsafe.Pointer, n int) {}
