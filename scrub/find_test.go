package scrub

import (
	"bytes"
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
