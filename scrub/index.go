// Package scrub removes confidential values from logs before they are
// published: values from a fingerprint index (written by fuzzy index, no
// plaintext inside), plaintext value lists, the run's own secrets, and
// built-in patterns (private keys, passwords in URLs and configs, tokens).
package scrub

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Index holds keyed fingerprints of confidential values (of their keys:
// see keys.go), of the longer words of multi-word values and of the
// first bytes of long values, by kind, plus two lossy bit tables per
// kind of scan that say where a value may start and end. It holds no
// plaintext. Its own random key (not the anonymization key) computes the
// fingerprints; whoever has the index can test guesses against it, so
// keep it with the CI worker that scrubs, not with the published logs.
type Index struct {
	Version  int                 `json:"version"`
	Key      string              `json:"key"`  // hex, random per index
	Seed     uint64              `json:"seed"` // of the bit tables' hashes, random per index
	Values   map[string][]uint64 `json:"-"`    // kind -> sorted fingerprints of main keys
	Tokens   []uint64            `json:"-"`    // sorted fingerprints of word keys
	Prefixes []uint64            `json:"-"`    // sorted fingerprints of prefix keys
	Strict   []uint64            `json:"-"`    // sorted fingerprints of strict keys (keys.go)
	Pieces   []uint64            `json:"-"`    // sorted fingerprints of piece keys (pieces.go)
	Puncts   []uint64            `json:"-"`    // sorted fingerprints of punctuated pieces (punct.go)
	// Shapes: the numbers' windows' shapes (digits.go), as the pieces'
	// filter hashes them: a few hundred at most.
	Shapes []uint64 `json:"digit_shapes,omitempty"`
	// DigitSeps: the separators the shapes hold (digits.go).
	DigitSeps string `json:"digit_seps,omitempty"`
	// NoWide: no key holds CJK, kana or Hangul letters (matcher.wide);
	// an index without it (format 12 before it) reads as having some.
	NoWide bool `json:"no_wide,omitempty"`
	wide   bool
	// Windows: some key is a window (windows.go).
	Windows bool `json:"windows,omitempty"`

	// The bit tables, built by Finish (from pending) or read.
	skel, fold *table
	pending    [2]keyHashes // per rep kind, until Finish
	// pieces: the pieces' filter, built by Finish from pendingPieces
	// (their filter hashes), or read.
	pieces        *pieceFilter
	pendingPieces []pieceHashes
	// punct: the punctuated pieces' filter, built by Finish from
	// pendingPunct (their filter hashes), or read.
	punct        *gramFilter
	pendingPunct []uint64
	// digests: the digests' windows' filter (their fingerprints are the
	// values' kinds'), built by Finish from pendingDigest, or read.
	digests       *gramFilter
	pendingDigest []uint64
	// mains: the fingerprints of the values Add was given (their own
	// main keys, not their other forms'), until Finish counts them.
	mains    []uint64
	distinct int

	// Lookup structures built by Finish and LoadIndex: every kind's
	// fingerprints in one set, each with its kind; a fingerprint in two
	// kinds gets the first by name, always the same.
	valueSet  *fpSet
	valueKind []uint16 // index into kindNames, per valueSet key
	kindNames []string
	tokenSet  *fpSet
	prefixSet *fpSet
	strictSet *fpSet
	pieceSet  *fpSet
	punctSet  *fpSet

	// macs holds keyed HMACs: scrub workers look values up in parallel,
	// and a hash.Hash is not safe for concurrent use.
	macs sync.Pool
}

type fpState struct {
	mac hash.Hash
	sum [sha256.Size]byte
}

// indexVersion 2: keys by domain (keys.go), bit tables. Version 1
// indexes (word-token fingerprints) must be rebuilt.
const indexVersion = 2

// NewIndex returns an empty index with a fresh random key.
func NewIndex() *Index {
	k := make([]byte, 40)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return &Index{Version: indexVersion, Key: hex.EncodeToString(k[:32]), Seed: binary.LittleEndian.Uint64(k[32:]), Values: map[string][]uint64{}}
}

// fingerprint is the index's keyed 64-bit digest of a key in a domain.
// It is safe for concurrent use.
func (ix *Index) fingerprint(dom byte, v []byte) uint64 {
	st, _ := ix.macs.Get().(*fpState)
	if st == nil {
		k, _ := hex.DecodeString(ix.Key)
		st = &fpState{mac: hmac.New(sha256.New, k)}
	}
	st.mac.Reset()
	st.mac.Write([]byte{dom})
	st.mac.Write(v)
	fp := binary.LittleEndian.Uint64(st.mac.Sum(st.sum[:0]))
	ix.macs.Put(st)
	return fp
}

// Add records a confidential value of a kind.
func (ix *Index) Add(kind, value string) {
	keys := keysOfKind(kind, value)
	if len(keys) == 0 {
		return
	}
	ix.ensureValues()
	probe := ix.probeTables()
	for i, k := range keys {
		ix.wide = ix.wide || wideKey(k.b)
		fp := ix.fingerprint(k.dom, k.b)
		if i == 0 {
			ix.mains = append(ix.mains, fp)
		}
		switch k.dom {
		case domToken:
			ix.Tokens = append(ix.Tokens, fp)
		case domPrefix:
			ix.Prefixes = append(ix.Prefixes, fp)
		case domStrict:
			ix.Strict = append(ix.Strict, fp)
		case domShape:
			ix.Shapes = append(ix.Shapes, digitHash(fnvOf(k.b), pieceSeed(ix.Seed)))
			for _, c := range k.b {
				if c != 'd' && !strings.ContainsRune(ix.DigitSeps, rune(c)) {
					ix.DigitSeps += string(rune(c))
				}
			}
			continue
		case domPiece, domWindow, domDigitWin:
			ix.Windows = ix.Windows || k.dom == domWindow
			ix.Pieces = append(ix.Pieces, fp)
			ix.pendingPieces = append(ix.pendingPieces, (&pieceFilter{seed: pieceSeed(ix.Seed)}).hashes(k))
			continue
		case domPunct:
			ix.Puncts = append(ix.Puncts, fp)
			ix.pendingPunct = append(ix.pendingPunct, (&gramFilter{seed: punctSeed(ix.Seed)}).hash(k.b))
			continue
		case domDigest:
			ix.Values[kind] = append(ix.Values[kind], fp)
			ix.pendingDigest = append(ix.pendingDigest, (&gramFilter{seed: digestSeed(ix.Seed)}).hash(k.b))
			continue
		default:
			ix.Values[kind] = append(ix.Values[kind], fp)
		}
		e, t := 0, probe[0]
		if k.dom == domExact {
			e, t = 1, probe[1]
		}
		if k.scan == nil {
			continue
		}
		ix.pending[e].add(t, k.dom, k.scan)
	}
}

// probeTables returns the tables (their bits are sized and set by
// Finish).
func (ix *Index) probeTables() [2]*table {
	if ix.skel == nil {
		ix.skel = newTable(4, ix.Seed)
		ix.fold = newTable(3, foldSeed(ix.Seed))
	}
	return [2]*table{ix.skel, ix.fold}
}

// foldSeed: the folded table's hashes differ from the skeleton table's.
func foldSeed(seed uint64) uint64 { return seed ^ 0x9e3779b97f4a7c15 }

// Finish sorts and deduplicates the fingerprints and builds the tables.
func (ix *Index) Finish() {
	ix.ensureValues()
	slices.Sort(ix.mains)
	ix.distinct += len(slices.Compact(ix.mains))
	ix.mains = nil
	for k, v := range ix.Values {
		slices.Sort(v)
		ix.Values[k] = slices.Compact(v)
	}
	slices.Sort(ix.Tokens)
	ix.Tokens = slices.Compact(ix.Tokens)
	slices.Sort(ix.Prefixes)
	ix.Prefixes = slices.Compact(ix.Prefixes)
	slices.Sort(ix.Strict)
	ix.Strict = slices.Compact(ix.Strict)
	slices.Sort(ix.Pieces)
	ix.Pieces = slices.Compact(ix.Pieces)
	slices.Sort(ix.Shapes)
	ix.Shapes = slices.Compact(ix.Shapes)
	if len(ix.pendingPieces) > 0 {
		windows := 0
		for _, h := range ix.pendingPieces {
			if h.window {
				windows++
			}
		}
		f := ix.pieces.grownBy(len(ix.pendingPieces), windows)
		f.seed = pieceSeed(ix.Seed)
		for _, h := range ix.pendingPieces {
			f.addHashes(h)
		}
		ix.pieces, ix.pendingPieces = f, nil
	}
	slices.Sort(ix.Puncts)
	ix.Puncts = slices.Compact(ix.Puncts)
	ix.punct, ix.pendingPunct = filterAdd(ix.punct, ix.pendingPunct, punctSeed(ix.Seed)), nil
	ix.digests, ix.pendingDigest = filterAdd(ix.digests, ix.pendingDigest, digestSeed(ix.Seed)), nil
	for e, t := range ix.probeTables() {
		t.build(&ix.pending[e])
	}
	ix.index()
}

// filterAdd is f (nil: none) with the grams of hashes hs added: grown
// for them, or new with seed.
func filterAdd(f *gramFilter, hs []uint64, seed uint64) *gramFilter {
	if len(hs) == 0 {
		return f
	}
	if f == nil {
		f = newGramFilter(len(hs), seed)
	} else {
		f = f.grownBy(len(hs))
	}
	for _, h := range hs {
		f.addHash(h)
	}
	return f
}

// index builds the lookup structures from the sorted lists.
func (ix *Index) index() {
	// Merge the sorted per-kind lists; on a tie the earlier kind wins.
	ix.kindNames = slices.Sorted(maps.Keys(ix.Values))
	lists := make([][]uint64, len(ix.kindNames))
	n := 0
	for i, kind := range ix.kindNames {
		lists[i] = ix.Values[kind]
		n += len(lists[i])
	}
	keys := make([]uint64, 0, n)
	ix.valueKind = make([]uint16, 0, n)
	for {
		best := -1
		for i, l := range lists {
			if len(l) > 0 && (best < 0 || l[0] < lists[best][0]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		fp := lists[best][0]
		for i := range lists { // drop fp from every list that has it
			if len(lists[i]) > 0 && lists[i][0] == fp {
				lists[i] = lists[i][1:]
			}
		}
		keys = append(keys, fp)
		ix.valueKind = append(ix.valueKind, uint16(best))
	}
	ix.valueSet = newFPSet(keys)
	ix.tokenSet = newFPSet(ix.Tokens)
	ix.prefixSet = newFPSet(ix.Prefixes)
	ix.strictSet = newFPSet(ix.Strict)
	ix.pieceSet = newFPSet(ix.Pieces)
	ix.punctSet = newFPSet(ix.Puncts)
}

// verify looks a candidate key up by its fingerprint; the tag is cached
// by fingerprint.
func (ix *Index) verify(w *worker, dom byte, key []byte) (entry, uint32, bool) {
	fp := ix.fingerprint(dom, key)
	e, ok := ix.lookup(dom, fp)
	if !ok {
		return e, 0, false
	}
	return e, w.tagByFP(fp, dom, key), true
}

// lookup finds a fingerprint in a domain.
func (ix *Index) lookup(dom byte, fp uint64) (entry, bool) {
	switch dom {
	case domToken:
		return entry{KindWord, "index"}, ix.tokenSet.has(fp)
	case domPrefix:
		return entry{KindPrefix, "index"}, ix.prefixSet.has(fp)
	case domStrict:
		return entry{"", "index"}, ix.strictSet.has(fp)
	case domPiece, domWindow, domDigitWin:
		return entry{KindPiece, "index"}, ix.pieceSet.has(fp)
	case domPunct:
		return entry{KindPiece, "index"}, ix.punctSet.has(fp)
	}
	if i := ix.valueSet.find(fp); i >= 0 {
		return entry{ix.kindNames[ix.valueKind[i]], "index"}, true
	}
	return entry{}, false
}

// Lookup returns the kind of a value (any case or form that folds like
// it), or "" when the index does not hold it.
func (ix *Index) Lookup(value string) string {
	keys := keysOf(value)
	if len(keys) == 0 {
		return ""
	}
	e, ok := ix.lookup(keys[0].dom, ix.fingerprint(keys[0].dom, keys[0].b))
	if !ok {
		return ""
	}
	return e.kind
}

// Distinct is the number of distinct values Add was given before Finish
// (0 for a loaded index: it holds keys, not values).
func (ix *Index) Distinct() int { return ix.distinct }

// Len is the number of distinct value keys: of the values and of their
// other forms (variants.go), so more than Distinct.
func (ix *Index) Len() int {
	if ix.Values == nil && ix.valueSet != nil { // loaded: the lists were merged
		return len(ix.valueSet.keys)
	}
	n := 0
	for _, v := range ix.Values {
		n += len(v)
	}
	return n
}

// ensureValues brings back the per-kind lists of a loaded index, so that
// it can grow again.
func (ix *Index) ensureValues() {
	if ix.Values == nil {
		ix.Values = ix.perKind()
		if ix.Values == nil {
			ix.Values = map[string][]uint64{}
		}
	}
}

// perKind returns the sorted fingerprints of each kind, from the merged
// set once LoadIndex has let the per-kind lists go.
func (ix *Index) perKind() map[string][]uint64 {
	if ix.Values != nil || ix.valueSet == nil {
		return ix.Values
	}
	out := map[string][]uint64{}
	for i, fp := range ix.valueSet.keys {
		k := ix.kindNames[ix.valueKind[i]]
		out[k] = append(out[k], fp)
	}
	return out
}
