package scrub

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"

	ac "github.com/petar-dambovaliev/aho-corasick"
)

// known is a set of confidential values the matcher asks about
// candidates cut from a log, all normalized (lower-cased). The index
// answers with keyed fingerprints, valueSet from plaintext.
type known interface {
	Lookup(v []byte) string // kind of a whole value, or ""
	IsToken(t []byte) bool  // a word of a multi-word value
	IsPrefix(t []byte) bool // the first prefixLen bytes of a long value
	hasLen(n int) bool
	limits() limits
	wordCounts() []int // how many words the values have
	// anywhere finds a value inside a decoded blob, whatever surrounds it.
	anywhere(b []byte) (kind string, ok bool)
}

type limits struct{ minLen, maxLen, maxTokens, minToken, prefixLen int }

func (ix *Index) limits() limits {
	return limits{ix.MinLen, ix.MaxLen, ix.MaxTokens, ix.MinToken, ix.PrefixLen}
}

// anywhere tries every substring of a length some value has, within a
// budget: fingerprints cannot be searched any other way.
func (ix *Index) anywhere(b []byte) (string, bool) {
	budget := 20000
	for i := 0; i < len(b); i++ {
		for n := ix.MinLen; n <= ix.MaxLen && i+n <= len(b); n++ {
			if !ix.hasLen(n) {
				continue
			}
			if budget--; budget < 0 {
				return "", false
			}
			if kind := ix.Lookup(b[i : i+n]); kind != "" {
				return kind, true
			}
		}
	}
	return "", false
}

// valueSet holds plaintext values (a federated worker's own database, the
// run's secrets). Whole values, tokens and prefixes are map lookups; the
// search inside decoded blobs runs an Aho-Corasick automaton over the
// values, built on first use.
type valueSet struct {
	kinds    map[string]string // normalized value -> kind
	sources  map[string]string // normalized value -> source
	tokens   map[string]bool
	prefixes map[string]string
	lens     [256]bool
	lim      limits
	minWhole int // values shorter than this only match whole tokens

	// filter is a Bloom filter over every key of the maps: most
	// candidates cut from a log are turned away without a map probe.
	filter []uint64
	seed   maphash.Seed
	counts []int

	once     sync.Once
	ac       ac.AhoCorasick
	patterns []string
}

func newValueSet(vals []Value, minLength int) *valueSet {
	vs := &valueSet{kinds: map[string]string{}, sources: map[string]string{}, tokens: map[string]bool{}, prefixes: map[string]string{},
		lim: limits{maxTokens: DefaultMaxTokens, minToken: DefaultMinToken, prefixLen: 16}, minWhole: minLength,
		seed: maphash.MakeSeed()}
	for _, v := range vals {
		n := Normalize(strings.TrimSpace(v.Text))
		if len(n) < 3 {
			continue // too short to tell from noise
		}
		vs.kinds[n] = v.Kind
		vs.sources[n] = v.Source
		if vs.lim.minLen == 0 || len(n) < vs.lim.minLen {
			vs.lim.minLen = len(n)
		}
		vs.lim.maxLen = max(vs.lim.maxLen, len(n))
		if len(n) < len(vs.lens) {
			vs.lens[len(n)] = true
		}
		if len(n) >= vs.lim.prefixLen+8 {
			vs.prefixes[n[:vs.lim.prefixLen]] = v.Kind
		}
		toks := Tokens(n)
		if !slices.Contains(vs.counts, len(toks)) {
			vs.counts = append(vs.counts, len(toks))
		}
		if len(toks) > 1 && len(toks) <= vs.lim.maxTokens {
			for _, t := range toks {
				if len(t) >= vs.lim.minToken && !commonWord(t) {
					vs.tokens[t] = true
				}
			}
		}
	}
	bits := 1 << 16
	for bits < 8*(len(vs.kinds)+len(vs.tokens)+len(vs.prefixes)) && bits < 1<<26 {
		bits <<= 1
	}
	vs.filter = make([]uint64, bits/64)
	for _, m := range []map[string]string{vs.kinds, vs.prefixes} {
		for k := range m {
			vs.addFilter(k)
		}
	}
	for k := range vs.tokens {
		vs.addFilter(k)
	}
	return vs
}

func (vs *valueSet) addFilter(k string) {
	h := maphash.String(vs.seed, k)
	mask := uint64(len(vs.filter)*64 - 1)
	for _, b := range [2]uint64{h & mask, (h >> 32) & mask} {
		vs.filter[b/64] |= 1 << (b % 64)
	}
}

// mayHave is the Bloom filter's answer: false means certainly not.
func (vs *valueSet) mayHave(b []byte) bool {
	h := maphash.Bytes(vs.seed, b)
	mask := uint64(len(vs.filter)*64 - 1)
	b1, b2 := h&mask, (h>>32)&mask
	return vs.filter[b1/64]&(1<<(b1%64)) != 0 && vs.filter[b2/64]&(1<<(b2%64)) != 0
}

func (vs *valueSet) len() int { return len(vs.kinds) }

func (vs *valueSet) limits() limits { return vs.lim }

func (vs *valueSet) wordCounts() []int { return vs.counts }

func (ix *Index) wordCounts() []int { return ix.WordCounts }

func (vs *valueSet) hasLen(n int) bool {
	if n >= len(vs.lens) {
		return n <= vs.lim.maxLen
	}
	return vs.lens[n]
}

func (vs *valueSet) Lookup(v []byte) string {
	if !vs.mayHave(v) {
		return ""
	}
	return vs.kinds[string(v)]
}

func (vs *valueSet) IsToken(t []byte) bool { return vs.mayHave(t) && vs.tokens[string(t)] }

func (vs *valueSet) IsPrefix(t []byte) bool {
	if !vs.mayHave(t) {
		return false
	}
	_, ok := vs.prefixes[string(t)]
	return ok
}

func (vs *valueSet) source(v []byte) string {
	if s := vs.sources[string(v)]; s != "" {
		return s
	}
	return "values"
}

func (vs *valueSet) anywhere(b []byte) (string, bool) {
	vs.once.Do(func() {
		for v := range vs.kinds {
			if len(v) >= vs.minWhole {
				vs.patterns = append(vs.patterns, v)
			}
		}
		bld := ac.NewAhoCorasickBuilder(ac.Opts{MatchKind: ac.LeftMostLongestMatch, DFA: len(vs.patterns) < 5000})
		vs.ac = bld.Build(vs.patterns)
	})
	if len(vs.patterns) == 0 {
		return "", false
	}
	it := vs.ac.IterByte(b)
	if m := it.Next(); m != nil {
		return vs.kinds[vs.patterns[m.Pattern()]], true
	}
	return "", false
}
