//go:build !unix

package anonymize

func allocSlots(n int) []fpSlot { return make([]fpSlot, n) }

func freeSlots([]fpSlot) {}
