package scrub

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestFind: offsets cover the secret, the kind is told, and what Find
// reports is exactly what Scrub replaces (the two share one matcher).
func TestFind(t *testing.T) {
	s, err := New(Options{Values: []Value{
		{Kind: "hostname", Text: "compute-17.dc3.acme-cloud.net", Source: "values"},
		{Kind: "email", Text: "jane.doe@acme-corp.com", Source: "values"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	buf := []byte("host compute-17.dc3.acme-cloud.net up\nnothing here\nINSERT INTO u VALUES (1,'JANE.DOE@ACME-CORP.COM'),(2,'x');\npassword=hunter2x\n")
	var got []Match
	s.Find(buf, func(m Match) { got = append(got, m) })
	want := []struct{ text, kind, source string }{
		{"compute-17.dc3.acme-cloud.net", "hostname", "values"},
		{"JANE.DOE@ACME-CORP.COM", "email", "values"},
		{"hunter2x", "password", "pattern"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d matches, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		m := got[i]
		if string(buf[m.Start:m.End]) != w.text || m.Kind != w.kind || m.Source != w.source {
			t.Errorf("match %d: %q %s/%s, want %q %s/%s", i, buf[m.Start:m.End], m.Kind, m.Source, w.text, w.kind, w.source)
		}
	}
	var out bytes.Buffer
	rep, err := s.Scrub(&out, bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total() != len(got) {
		t.Errorf("Scrub replaced %d, Find found %d", rep.Total(), len(got))
	}
}

// TestFindConcurrent: one scrubber, many goroutines (run under -race).
func TestFindConcurrent(t *testing.T) {
	ix := NewIndex()
	ix.Add("hostname", "compute-17.dc3.acme-cloud.net")
	ix.Finish()
	s, _ := New(Options{Index: ix, Values: []Value{{Kind: "email", Text: "jane.doe@acme-corp.com"}}})
	line := []byte(strings.Repeat("a compute-17.dc3.acme-cloud.net b jane.doe@acme-corp.com c\n", 50))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			s.Find(line, func(Match) { n++ })
			if n != 100 {
				t.Errorf("found %d, want 100", n)
			}
		}()
	}
	wg.Wait()
}

// TestSkelBoundsBytewise: skelBounds.of (eight flags at a time) agrees
// with reading them one by one, on random flags of every length.
func TestSkelBoundsBytewise(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	var sb skelBounds
	for n := 0; n < 300; n++ {
		for round := 0; round < 20; round++ {
			rp := &rep{b: make([]byte, n), fl: make([]uint8, n)}
			for i := range rp.fl {
				rp.fl[i] = uint8(r.IntN(64))
			}
			sb.of(rp)
			words, runes := make(bitset, n/64+1), make(bitset, n/64+1)
			for e := 0; e <= n; e++ {
				if e == n || rp.fl[e]&flStart != 0 {
					runes[e>>6] |= 1 << (e & 63)
					if e == n || rp.fl[e]&(flGap|flCJK|flAfterCJK) != 0 || e > 0 && rp.fl[e-1]&flCJK != 0 {
						words[e>>6] |= 1 << (e & 63)
					}
				}
			}
			if !slices.Equal(sb.words, words) || !slices.Equal(sb.runes, runes) {
				t.Fatalf("flags %v:\nwords %x want %x\nrunes %x want %x", rp.fl, sb.words, words, sb.runes, runes)
			}
		}
	}
}
