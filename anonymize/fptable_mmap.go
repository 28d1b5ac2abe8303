//go:build unix && !linux

package anonymize

import (
	"syscall"
	"unsafe"
)

// The collision sets' tables live outside Go's heap, as on Linux
// (fptable_linux.go), without the huge-page hint.
func allocSlots(n int) ([]fpSlot, bool) {
	size := n * int(unsafe.Sizeof(fpSlot{}))
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]fpSlot, n), false
	}
	return unsafe.Slice((*fpSlot)(unsafe.Pointer(&b[0])), n), true
}

func freeSlots(s []fpSlot, mapped bool) {
	if !mapped || len(s) == 0 {
		return
	}
	// syscall.Munmap takes back exactly the slice Mmap returned.
	syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(fpSlot{}))))
}
