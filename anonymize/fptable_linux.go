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
	if size < hugePage {
		p, err := unix.MmapPtr(-1, 0, nil, uintptr(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
		return p, err == nil
	}
	return mapHuge(size, unix.PROT_READ|unix.PROT_WRITE, 0)
}

// mapHuge maps size bytes (a multiple of 4 KB) 2 MB-aligned, offered for
// huge pages: it maps 2 MB more, keeps the aligned part and unmaps the
// rest.
func mapHuge(size, prot, flags int) (unsafe.Pointer, bool) {
	p, err := unix.MmapPtr(-1, 0, nil, uintptr(size+hugePage), prot, unix.MAP_ANON|unix.MAP_PRIVATE|flags)
	if err != nil {
		return nil, false
	}
	head := uintptr(-uintptr(p) & (hugePage - 1))
	if head > 0 {
		unix.MunmapPtr(p, head)
	}
	if tail := uintptr(hugePage) - head; tail > 0 {
		unix.MunmapPtr(unsafe.Add(p, head+uintptr(size)), tail)
	}
	p = unsafe.Add(p, head)
	unix.Madvise(unsafe.Slice((*byte)(p), size), unix.MADV_HUGEPAGE) // a hint: without THP, 4 KB pages
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

// reserveSlots reserves address space for factor times n slots (at least
// fpReserveMin bytes; 2 MB-aligned, offered for huge pages) of which the
// first n are usable (zeroed); the rest costs no memory until
// commitSlots makes it usable. It returns the reservation's size in
// slots, or false (no reservation under an address-space limit: it could
// starve Go's own heap).
func reserveSlots(n, factor int) (unsafe.Pointer, int, bool) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_AS, &lim); err != nil || lim.Cur != unix.RLIM_INFINITY {
		return nil, 0, false
	}
	const slot = int(unsafe.Sizeof(fpSlot{}))
	size := (max(n*factor*slot, fpReserveMin) + hugePage - 1) &^ (hugePage - 1)
	// PROT_NONE until commitSlots; huge pages asked for the whole
	// reservation at once, so that its usable part stays one mapping
	p, ok := mapHuge(size, unix.PROT_NONE, unix.MAP_NORESERVE)
	if !ok {
		return nil, 0, false
	}
	if !commitSlots(p, 0, n) {
		unix.MunmapPtr(p, uintptr(size))
		return nil, 0, false
	}
	return p, size / slot, true
}

// fpReserveMin is the least address space a reservation takes (4 M
// slots; a variable for tests).
var fpReserveMin = 64 << 20

// commitSlots makes the reservation at p usable up to slot n (from slot
// old on it is fresh: zero); false if the kernel refuses.
func commitSlots(p unsafe.Pointer, old, n int) bool {
	const slot = int(unsafe.Sizeof(fpSlot{}))
	from, to := old*slot&^4095, mappedSize(n*slot) // whole pages (old's last one again)
	if to <= from {
		return true
	}
	return unix.Mprotect(unsafe.Slice((*byte)(unsafe.Add(p, from)), to-from), unix.PROT_READ|unix.PROT_WRITE) == nil
}

// unreserveSlots returns a reservation of n slots made by reserveSlots.
func unreserveSlots(p unsafe.Pointer, n int) {
	unix.MunmapPtr(p, uintptr(n)*unsafe.Sizeof(fpSlot{}))
}
