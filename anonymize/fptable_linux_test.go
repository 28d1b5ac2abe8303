package anonymize

import (
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A table of 2 MB and more is mapped 2 MB-aligned, and freeing a table
// unmaps it: the collision stage grows its tables many times, and a
// growth that kept the old mapping would hold every size the table had.
func TestSlotsMappedAndFreed(t *testing.T) {
	for _, n := range []int{1000, 1 << 17, 3<<17 + 5} {
		s, mapped := allocSlots(n)
		if !mapped {
			t.Fatalf("%d slots: not mapped", n)
		}
		for i := range s {
			s[i] = fpSlot{uint64(i) + 1, uint64(i)}
		}
		p := unsafe.Pointer(&s[0])
		size := mappedSize(n * int(unsafe.Sizeof(fpSlot{})))
		if size >= hugePage && uintptr(p)%hugePage != 0 {
			t.Errorf("%d slots (%d bytes): mapped at %p, not 2 MB-aligned", n, size, p)
		}
		if err := mincore(p, size); err != nil {
			t.Fatalf("%d slots: mincore of the live table: %v", n, err)
		}
		freeSlots(s, mapped)
		if err := mincore(p, size); !errors.Is(err, unix.ENOMEM) {
			t.Errorf("%d slots: after freeSlots, mincore says %v, want ENOMEM (still mapped)", n, err)
		}
	}
}

// mincore fails with ENOMEM where [p, p+size) is not mapped.
func mincore(p unsafe.Pointer, size int) error {
	vec := make([]byte, (size+4095)/4096)
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(p), uintptr(size), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		return e
	}
	return nil
}
