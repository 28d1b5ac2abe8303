package scrub

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestFPSet(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 2, 3, 5, 100, 4096, 100000} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = r.Uint64()
		}
		// Edges of the key space, and a clump that shares one bucket.
		if n > 10 {
			keys[0], keys[1], keys[2] = 0, ^uint64(0), 1<<63
			for i := 3; i < 10; i++ {
				keys[i] = 42 + uint64(i)
			}
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		s := newFPSet(keys)
		for _, k := range keys {
			if !s.has(k) {
				t.Fatalf("n=%d: %x missing", n, k)
			}
		}
		for range 10000 {
			fp := r.Uint64()
			_, want := slices.BinarySearch(keys, fp)
			if s.has(fp) != want {
				t.Fatalf("n=%d: has(%x) = %v", n, fp, !want)
			}
		}
	}
	var nilSet *fpSet
	if nilSet.has(1) {
		t.Error("nil set has a member")
	}
}

// TestIndexKinds: every value is found under its kind through the merged
// set, and a value under two kinds always gets the first by name.
func TestIndexKinds(t *testing.T) {
	ix := NewIndex()
	for _, v := range benchValues(3000) {
		ix.Add(v.Kind, v.Text)
	}
	first := benchValues(1)[0] // also under a kind named after its own
	ix.Add("zz_other", first.Text)
	ix.Add("aa_first", "10.99.99.99")
	ix.Add("ip", "10.99.99.99")
	ix.Finish()
	for _, v := range benchValues(3000) {
		if got := ix.Lookup(v.Text); got != v.Kind {
			t.Fatalf("%s: kind %q, want %q", v.Text, got, v.Kind)
		}
	}
	if got := ix.Lookup("10.99.99.99"); got != "aa_first" {
		t.Errorf("value in two kinds: %q, want aa_first", got)
	}
	if got := ix.Lookup("10.99.99.98"); got != "" {
		t.Errorf("unknown value: %q", got)
	}
}

// TestIndexLoadedGrows: a loaded index (per-kind lists merged away) saves,
// grows and finishes without losing a value.
func TestIndexLoadedGrows(t *testing.T) {
	ix := NewIndex()
	vals := benchValues(500)
	for _, v := range vals[:400] {
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	dir := t.TempDir()
	if err := ix.Save(dir + "/a.idx"); err != nil {
		t.Fatal(err)
	}
	back, err := LoadIndex(dir + "/a.idx")
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Save(dir + "/b.idx"); err != nil {
		t.Fatal(err)
	}
	again, err := LoadIndex(dir + "/b.idx")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals[400:] {
		again.Add(v.Kind, v.Text)
	}
	again.Finish()
	for _, v := range vals {
		if got := again.Lookup(v.Text); got != v.Kind {
			t.Fatalf("%s: %q after load, save, load, add", v.Text, got)
		}
	}
	whole := NewIndex() // (Len counts the values' variants too)
	for _, v := range vals {
		whole.Add(v.Kind, v.Text)
	}
	whole.Finish()
	if again.Len() != whole.Len() || again.Len() <= ix.Len() {
		t.Errorf("len %d, want %d (one index of all the values), more than %d", again.Len(), whole.Len(), ix.Len())
	}
	// The bit tables kept the old values' bits: the scan finds them all.
	s, _ := New(Options{Index: again, NoBuiltin: true})
	for _, v := range vals {
		n := 0
		s.Find([]byte("x "+v.Text+" y\n"), func(Match) { n++ })
		if n != 1 {
			t.Fatalf("%s: %d matches after load, save, load, add", v.Text, n)
		}
	}
}
