package anonymize

import (
	"math/bits"
	"sort"
	"strings"

	"github.com/brianvoe/gofakeit/v7/data"
)

// Word lists from gofakeit's data, flattened once into slices: picking
// from a slice is what a fake needs, at a fraction of the cost of the
// faker's generic lookups.
var (
	nounWords  = wordList(data.Word, "noun")
	allWords   = wordList(data.Word, "")
	adjectives = wordList(data.Word, "adjective")
	firstNames = wordList(data.Person, "first")
	lastNames  = wordList(data.Person, "last")
)

// wordList collects the single lower-case ASCII words of the lists whose
// key starts with prefix, sorted and deduplicated so the list (and so the
// output) does not depend on map order.
func wordList(m map[string][]string, prefix string) []string {
	seen := map[string]bool{}
	for k, list := range m {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		for _, w := range list {
			w = strings.ToLower(w)
			if w == "" || len(w) > 14 || strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
				continue
			}
			seen[w] = true
		}
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// xoshiro is xoshiro256**, seeded from the PRF's tag: seeding is four
// word copies, where ChaCha8 would compute a block first.
type xoshiro struct{ s [4]uint64 }

func (x *xoshiro) Uint64() uint64 {
	s := &x.s
	r := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return r
}

func (w *worker) pick(list []string) string { return list[w.prf.rng.IntN(len(list))] }
