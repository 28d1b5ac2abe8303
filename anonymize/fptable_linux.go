package anonymize

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The collision sets' tables live outside Go's heap (anonymous mappings
// the kernel zeroes): they are large, long-lived and hold no pointers,
// so the collector need not scan them, and they do not count toward its
// heap goal, which would otherwise let the heap grow by their size again
// (a million unique values: 24 MB of table, 48 MB of RSS more).
//
// A table of 2 MB or more is mapped 2 MB-aligned, in whole 2 MB pieces,
// and offered to the kernel for transparent huge pages: its probes land
// anywhere in it, so with 4 KB pages each one also missed the TLB, and
// filling a fresh table after a growth took a page fault per 4 KB. (The
// mappings are made and unmade by address: syscall.Munmap only unmaps
// what syscall.Mmap returned, whole.)
func allocSlots(n int) (slots []fpSlot, mapped bool) {
	size := mappedSize(n)
	extra := 0
	if size >= hugePage {
		extra = hugePage
	}
	p, err := unix.MmapPtr(-1, 0, nil, uintptr(size+extra), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]fpSlot, n), false
	}
	if extra > 0 {
		// Keep the aligned middle, unmap the rest.
		head := uintptr(-uintptr(p) & (hugePage - 1))
		if head > 0 {
			unix.MunmapPtr(p, head)
		}
		if tail := uintptr(extra) - head; tail > 0 {
			unix.MunmapPtr(unsafe.Add(p, head+uintptr(size)), tail)
		}
		p = unsafe.Add(p, head)
		unix.Madvise(unsafe.Slice((*byte)(p), size), unix.MADV_HUGEPAGE) // a hint: without THP, 4 KB pages
	}
	return unsafe.Slice((*fpSlot)(p), n), true
}

const hugePage = 2 << 20

// mappedSize is the bytes mapped for n slots: whole huge pages from
// 2 MB on.
func mappedSize(n int) int {
	size := n * int(unsafe.Sizeof(fpSlot{}))
	if size >= hugePage {
		return (size + hugePage - 1) &^ (hugePage - 1)
	}
	return size
}

// freeSlots unmaps a mapped table (one made by make is the collector's).
func freeSlots(s []fpSlot, mapped bool) {
	if !mapped || len(s) == 0 {
		return
	}
	unix.MunmapPtr(unsafe.Pointer(&s[0]), uintptr(mappedSize(len(s))))
}
