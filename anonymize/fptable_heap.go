//go:build !unix

package anonymize

import "unsafe"

// mapTable: no anonymous mappings here; tables are Go memory.
func mapTable(int) (unsafe.Pointer, bool) { return nil, false }

func unmapTable(unsafe.Pointer, int) {}

// reserveSlots: no reservations here (tables are copied as they grow).
func reserveSlots(n, factor int) (unsafe.Pointer, int, bool) { return nil, 0, false }

func commitSlots(p unsafe.Pointer, old, n int) bool { return false }

func unreserveSlots(p unsafe.Pointer, n int) {}
