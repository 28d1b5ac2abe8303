package anonymize

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// The collision sets' table against Go's map: random keys (0 among them),
// present and absent ones, through several growths.
func TestFPTable(t *testing.T) {
	var tb fpTable
	want := map[uint64]uint64{}
	r := rand.New(rand.NewPCG(1, 2))
	keys := []uint64{0, 1, 1 << 60}
	for i := 0; i < 200000; i++ {
		keys = append(keys, r.Uint64()>>3)
	}
	for i, k := range keys {
		if _, ok := want[fpKey(k)]; ok {
			continue
		}
		want[fpKey(k)] = uint64(i)
		if i%2 == 0 {
			tb.put(k, uint64(i))
		} else if v, ok := tb.getOrPut(k, uint64(i)); ok {
			t.Fatalf("getOrPut(%#x) found %d in the table before it was put", k, v)
		}
		if v, ok := tb.getOrPut(k, 12345); !ok || v != uint64(i) {
			t.Fatalf("getOrPut(%#x) after putting %d: %d, %v", k, i, v, ok)
		}
		if i%997 == 0 {
			for _, k2 := range keys[:i+1] {
				if v, ok := tb.get(k2); !ok || v != want[fpKey(k2)] {
					t.Fatalf("after %d puts: get(%#x) = %d, %v; want %d", i, k2, v, ok, want[fpKey(k2)])
				}
			}
		}
	}
	if tb.len() != len(want) {
		t.Fatalf("%d entries, want %d", tb.len(), len(want))
	}
	for i := 0; i < 100000; i++ {
		k := r.Uint64() >> 3
		_, in := want[fpKey(k)]
		if _, ok := tb.get(k); ok != in {
			t.Fatalf("get(%#x): found %v, want %v", k, ok, in)
		}
	}
}

// The digests of a million distinct values that differ little (a counter,
// a trailing zero byte, a prefix of another) are distinct, the same for
// the same key and domain, and unrelated across keys and domains.
// sum and sum2 against the digest's definition, word by word from a
// zero-padded copy, for every length up to 40 and random pairs.
func TestFPHashSum(t *testing.T) {
	ref := func(h fpHash, v []byte) uint64 {
		acc := h.d
		for len(v) >= 8 {
			acc = mulmod61(acc+binary.LittleEndian.Uint64(v)&(1<<56-1), h.r)
			v = v[7:]
		}
		var last [8]byte
		copy(last[:], v)
		acc = mulmod61(acc+binary.LittleEndian.Uint64(last[:]), h.r)
		return mulmod61(acc+uint64(len(v)), h.r)
	}
	r := rand.New(rand.NewPCG(3, 4))
	h, g := fpHash{r: r.Uint64() & mersenne61, d: r.Uint64() & mersenne61}, fpHash{r: r.Uint64() & mersenne61, d: r.Uint64() & mersenne61}
	buf := make([]byte, 40)
	for i := range buf {
		buf[i] = byte(r.Uint64())
	}
	for n := 0; n <= len(buf); n++ {
		if got, want := h.sum(buf[:n]), ref(h, buf[:n]); got != want {
			t.Fatalf("sum of %d bytes = %x, want %x", n, got, want)
		}
		for m := 0; m <= len(buf); m += 3 {
			a, b := buf[:n], buf[len(buf)-m:]
			if x, y := sum2(h, a, g, b); x != ref(h, a) || y != ref(g, b) {
				t.Fatalf("sum2 of %d and %d bytes = %x %x, want %x %x", n, m, x, y, ref(h, a), ref(g, b))
			}
		}
	}
}

func TestFPHashDistinct(t *testing.T) {
	k1, _ := NewKey([]byte("0123456789abcdef0123456789abcdef"))
	k2, _ := NewKey([]byte("0123456789abcdef0123456789abcdeF"))
	h := newFPHash(k1.newPRF(), "email-in")
	if h != newFPHash(k1.newPRF(), "email-in") {
		t.Fatal("the same key and domain gave another hash")
	}
	other, otherKey := newFPHash(k1.newPRF(), "email-out"), newFPHash(k2.newPRF(), "email-in")
	seen := map[uint64]string{}
	add := func(v []byte) {
		d := h.sum(v)
		if d >= mersenne61 {
			t.Fatalf("digest %#x not below 2^61-1", d)
		}
		if prev, ok := seen[d]; ok && prev != string(v) {
			t.Fatalf("%q and %q share a digest", prev, v)
		}
		seen[d] = string(v)
		if d == other.sum(v) || d == otherKey.sum(v) {
			t.Fatalf("%q: the same digest under another domain or key", v)
		}
	}
	for i := 0; i < 1000000; i++ {
		add([]byte(fmt.Sprintf("user%d@example.com", i)))
	}
	var b [8]byte
	for i := 0; i < 100000; i++ {
		binary.LittleEndian.PutUint64(b[:], uint64(i))
		add(b[:])
	}
	for n := 0; n <= 40; n++ {
		add(make([]byte, n)) // zeros of every length
		add(append([]byte("x"), make([]byte, n)...))
	}
}

// reserve sizes the table once for the keys announced: none of them
// makes it grow, all are found, and reserving again (also in a table
// already holding keys, or for fewer) keeps what it holds.
func TestFPTableReserve(t *testing.T) {
	var tb fpTable
	defer tb.free()
	tb.put(7, 70)
	tb.reserve(100000)
	sizes := func() (n [len(tb.shards)]int) {
		for i := range tb.shards {
			n[i] = len(tb.shards[i].slots)
		}
		return n
	}
	before := sizes()
	r := rand.New(rand.NewPCG(3, 4))
	keys := make([]uint64, 0, 90000)
	for len(keys) < cap(keys) {
		keys = append(keys, r.Uint64()>>3|8)
	}
	for i, k := range keys {
		tb.getOrPut(k, uint64(i))
	}
	if got := sizes(); got != before {
		t.Errorf("shard sizes %v after 90000 keys reserved for, %v before", got, before)
	}
	tb.reserve(10)
	tb.reserve(400000)
	for i, k := range keys {
		if v, ok := tb.get(k); !ok || v != uint64(i) {
			t.Fatalf("get(%#x) = %d, %v after reserving; want %d", k, v, ok, i)
		}
	}
	if v, ok := tb.get(7); !ok || v != 70 {
		t.Fatalf("get(7) = %d, %v; want 70", v, ok)
	}
}
