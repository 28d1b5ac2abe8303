//go:build !unix

package anonymize

import "unsafe"

// mapTable: no anonymous mappings here; tables are Go memory.
func mapTable(int) (unsafe.Pointer, bool) { return nil, false }

func unmapTable(unsafe.Pointer, int) {}
