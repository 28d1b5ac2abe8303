package anonymize

import (
	"errors"
	"math/rand/v2"
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

// A shard grows in place inside its reservation and, past it, is copied
// into a larger one; after every growth each key is found with its value
// and absent keys are not: random keys, keys crowded into a few homes
// (long clusters) and keys whose homes are the table's last slots
// (clusters that wrap to its start).
func TestFPShardGrowsInPlace(t *testing.T) {
	defer func(v int) { fpReserveMin = v }(fpReserveMin)
	fpReserveMin = hugePage // 131,072 slots: the copy comes within the test
	r := rand.New(rand.NewPCG(3, 4))
	var keys []uint64
	for i := 0; i < 120000; i++ { // past 3/4 of 131,072 slots
		var k uint64
		switch i % 8 {
		default:
			k = r.Uint64() >> 3
		case 6: // a few thousand homes: the low bits differ only
			k = uint64(r.IntN(4096))<<46 | uint64(r.IntN(1<<20))
		case 7: // the last homes: the top bits below the shard's all set
			k = (1<<58-1)&^(1<<40-1) | r.Uint64()>>24
		}
		keys = append(keys, fpKey(k&(1<<58-1)))
	}
	var s fpShard
	defer s.release()
	want := map[uint64]uint64{}
	inPlace, copies := 0, 0
	for i, k := range keys {
		if _, ok := want[k]; ok {
			continue
		}
		before, res := len(s.slots), s.res
		if _, ok := s.getOrPut(k, uint64(i)); ok {
			t.Fatalf("key %#x found before it was put", k)
		}
		want[k] = uint64(i)
		if len(s.slots) == before {
			continue
		}
		switch {
		case res != nil && s.res == res:
			inPlace++
		case res != nil:
			copies++
		}
		if len(s.slots) > 0 && unsafe.Pointer(&s.slots[0]) != s.res {
			t.Fatalf("after growing to %d slots: the table is not at its reservation's start", len(s.slots))
		}
		for k2, v := range want {
			if got, ok := s.get(k2); !ok || got != v {
				t.Fatalf("after growing to %d slots: get(%#x) = %d, %v; want %d", len(s.slots), k2, got, ok, v)
			}
		}
		for n := 0; n < 1000; n++ {
			k2 := fpKey(r.Uint64() >> 6)
			if _, in := want[k2]; !in {
				if _, ok := s.get(k2); ok {
					t.Fatalf("after growing to %d slots: absent key %#x found", len(s.slots), k2)
				}
			}
		}
	}
	if s.n != len(want) {
		t.Fatalf("%d entries, want %d", s.n, len(want))
	}
	if inPlace < 5 || copies < 1 {
		t.Fatalf("%d growths in place, %d copies into a new reservation: want both", inPlace, copies)
	}
	t.Logf("%d keys, %d slots: %d growths in place, %d copies", len(want), len(s.slots), inPlace, copies)
}
