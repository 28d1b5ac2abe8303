//go:build !unix

package anonymize

func allocSlots(n int) ([]fpSlot, bool) { return make([]fpSlot, n), false }

func freeSlots([]fpSlot, bool) {}
