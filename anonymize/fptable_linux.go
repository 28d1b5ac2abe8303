package anonymize

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapTable returns size bytes of zeroed memory outside Go's heap (an
// anonymous mapping), or false. From 2 MB on the mapping starts 2 MB-
// aligned and is offered to the kernel for transparent huge pages (its
// whole 2 MB pieces get them): a table's probes land anywhere in it, so
// with 4 KB pages each one also missed the TLB, and filling a fresh
// table took a page fault per 4 KB. (Mappings are made and unmade by
// address: syscall.Munmap only unmaps what syscall.Mmap returned, whole.)
func mapTable(size int) (unsafe.Pointer, bool) {
	size = mappedSize(size)
	extra := 0
	if size >= hugePage {
		extra = hugePage
	}
	p, err := unix.MmapPtr(-1, 0, nil, uintptr(size+extra), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, false
	}
	if extra > 0 {
		// Keep the aligned part, unmap the rest.
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
	return p, true
}

const hugePage = 2 << 20

// mappedSize is the bytes mapped for a table of size bytes: whole pages.
func mappedSize(size int) int {
	return (size + 4095) &^ 4095
}

// unmapTable returns what mapTable(size) mapped at p.
func unmapTable(p unsafe.Pointer, size int) {
	unix.MunmapPtr(p, uintptr(mappedSize(size)))
}
