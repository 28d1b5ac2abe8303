// Package scrub removes confidential values from logs before they are
// published: values from a fingerprint index (written by fuzzy index, no
// plaintext inside), plaintext value lists, the run's own secrets, and
// built-in patterns (private keys, passwords in URLs and configs, tokens).
package scrub

import (
	"bufio"
	"compress/gzip"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
)

// Index holds keyed fingerprints of confidential values and of their
// longer word tokens, by kind, plus length bounds. It holds no plaintext.
// Its own random key (not the anonymization key) computes the
// fingerprints; whoever has the index can test guesses against it, so
// keep it with the CI worker that scrubs, not with the published logs.
type Index struct {
	Version   int                 `json:"version"`
	Key       string              `json:"key"` // hex, random per index
	MinLen    int                 `json:"min_len"`
	MaxLen    int                 `json:"max_len"`
	MinToken  int                 `json:"min_token"`
	MaxTokens int                 `json:"max_tokens"` // longest token sequence indexed as a value
	Values    map[string][]uint64 `json:"-"`          // kind -> sorted fingerprints of whole values
	Tokens    []uint64            `json:"-"`          // sorted fingerprints of word tokens
	// Prefixes holds fingerprints of the first PrefixLen bytes of long
	// values: MariaDB cuts long values in its messages.
	PrefixLen int      `json:"prefix_len"`
	Prefixes  []uint64 `json:"-"`
	// Lengths lists the lengths values have, so that most candidates
	// are rejected before they are hashed.
	Lengths []int `json:"lengths"`
	// WordCounts lists how many words values have (1 for a UUID, 6 for
	// a MAC): the scrubber only tries word runs of those lengths.
	WordCounts []int `json:"word_counts"`

	lengths [256]bool
	// Lookup structures built by Finish and LoadIndex: every kind's
	// fingerprints in one set (one probe per candidate, not one per
	// kind), each with its kind; a fingerprint in two kinds gets the
	// first by name, always the same.
	valueSet  *fpSet
	valueKind []uint16 // index into kindNames, per valueSet key
	kindNames []string
	tokenSet  *fpSet
	prefixSet *fpSet

	// macs holds keyed HMACs for Fingerprint: scrub workers look values
	// up in parallel, and a hash.Hash is not safe for concurrent use.
	macs sync.Pool
}

type fpState struct {
	mac hash.Hash
	sum [sha256.Size]byte
}

// Defaults for building an index.
const (
	DefaultMinToken  = 5
	DefaultMaxTokens = 8
)

// NewIndex returns an empty index with a fresh random key.
func NewIndex() *Index {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return &Index{Version: 1, Key: hex.EncodeToString(k), MinToken: DefaultMinToken, MaxTokens: DefaultMaxTokens, PrefixLen: 16, Values: map[string][]uint64{}}
}

// Normalize folds a value the way logs vary it: case.
func Normalize(s string) string { return strings.ToLower(s) }

// Fingerprint is the index's keyed 64-bit digest of a normalized value.
// It is safe for concurrent use.
func (ix *Index) Fingerprint(v []byte) uint64 {
	st, _ := ix.macs.Get().(*fpState)
	if st == nil {
		k, _ := hex.DecodeString(ix.Key)
		st = &fpState{mac: hmac.New(sha256.New, k)}
	}
	st.mac.Reset()
	st.mac.Write(v)
	fp := binary.LittleEndian.Uint64(st.mac.Sum(st.sum[:0]))
	ix.macs.Put(st)
	return fp
}

// Tokens splits a value into word tokens the way the scrubber cuts logs:
// runs of letters, digits, '.', '-', '_' and non-ASCII bytes.
func Tokens(s string) []string {
	var out []string
	for _, t := range tokenize([]byte(s), nil) {
		out = append(out, s[t.start:t.end])
	}
	return out
}

// Add records a confidential value of a kind.
func (ix *Index) Add(kind, value string) {
	v := Normalize(strings.TrimSpace(value))
	if v == "" {
		return
	}
	if ix.MinLen == 0 || len(v) < ix.MinLen {
		ix.MinLen = len(v)
	}
	if len(v) > ix.MaxLen {
		ix.MaxLen = len(v)
	}
	ix.ensureValues()
	ix.Values[kind] = append(ix.Values[kind], ix.Fingerprint([]byte(v)))
	if !slices.Contains(ix.Lengths, len(v)) {
		ix.Lengths = append(ix.Lengths, len(v))
	}
	if len(v) >= ix.PrefixLen+8 {
		ix.Prefixes = append(ix.Prefixes, ix.Fingerprint([]byte(v[:ix.PrefixLen])))
	}
	toks := Tokens(v)
	if !slices.Contains(ix.WordCounts, len(toks)) {
		ix.WordCounts = append(ix.WordCounts, len(toks))
	}
	// Words of short values only: a long text (a traceback) is found
	// whole or by its first bytes; its words are the words of every log.
	if len(toks) > 1 && len(toks) <= ix.MaxTokens {
		for _, t := range toks {
			if len(t) >= ix.MinToken && !commonWord(t) {
				ix.Tokens = append(ix.Tokens, ix.Fingerprint([]byte(t)))
			}
		}
	}
}

// Finish sorts and deduplicates the fingerprint sets.
func (ix *Index) Finish() {
	ix.ensureValues()
	for k, v := range ix.Values {
		slices.Sort(v)
		ix.Values[k] = slices.Compact(v)
	}
	slices.Sort(ix.Tokens)
	ix.Tokens = slices.Compact(ix.Tokens)
	slices.Sort(ix.Prefixes)
	ix.Prefixes = slices.Compact(ix.Prefixes)
	slices.Sort(ix.Lengths)
	ix.index()
}

// index builds the lookup structures from the sorted lists.
func (ix *Index) index() {
	for _, n := range ix.Lengths {
		if n < len(ix.lengths) {
			ix.lengths[n] = true
		}
	}
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
}

// hasLen reports whether some value is n bytes long (long values are
// always tried).
func (ix *Index) hasLen(n int) bool {
	if n >= len(ix.lengths) {
		return n <= ix.MaxLen
	}
	return ix.lengths[n]
}

// IsPrefix reports whether the first PrefixLen bytes of a normalized text
// begin a long confidential value.
func (ix *Index) IsPrefix(t []byte) bool {
	if ix.PrefixLen == 0 || len(t) < ix.PrefixLen || len(ix.Prefixes) == 0 {
		return false
	}
	return ix.prefixSet.has(ix.Fingerprint(t[:ix.PrefixLen]))
}

// Len is the number of distinct value fingerprints.
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

// Lookup returns the kind of a normalized value, or "".
func (ix *Index) Lookup(v []byte) string {
	if !ix.hasLen(len(v)) {
		return ""
	}
	if i := ix.valueSet.find(ix.Fingerprint(v)); i >= 0 {
		return ix.kindNames[ix.valueKind[i]]
	}
	return ""
}

// IsToken reports whether a normalized token belongs to a confidential
// value.
func (ix *Index) IsToken(t []byte) bool {
	if len(t) < ix.MinToken {
		return false
	}
	return ix.tokenSet.has(ix.Fingerprint(t))
}

// The index file: gzip of a magic line, a JSON header line (everything
// but the fingerprints, with their counts), then the fingerprint arrays as
// little-endian uint64s: values by kind (kinds sorted), tokens, prefixes.
const indexMagic = "fuzzyduck-index-2\n"

type indexHeader struct {
	*Index
	Counts map[string]int `json:"counts"`
	NTok   int            `json:"n_tokens"`
	NPre   int            `json:"n_prefixes"`
}

// Save writes the index atomically (mode 0600).
func (ix *Index) Save(path string) error {
	f, err := fileio.Create(path)
	if err != nil {
		return err
	}
	f.Mode = 0o600
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	bw := bufio.NewWriterSize(zw, 1<<20)
	values := ix.perKind()
	h := indexHeader{Index: ix, Counts: map[string]int{}, NTok: len(ix.Tokens), NPre: len(ix.Prefixes)}
	for k, v := range values {
		h.Counts[k] = len(v)
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		f.Abort()
		return fmt.Errorf("write index: %w", err)
	}
	bw.WriteString(indexMagic)
	bw.Write(hdr)
	bw.WriteByte('\n')
	var buf [8]byte
	for _, set := range ix.sets(values) {
		for _, fp := range set {
			binary.LittleEndian.PutUint64(buf[:], fp)
			bw.Write(buf[:])
		}
	}
	if err := bw.Flush(); err != nil {
		f.Abort()
		return fmt.Errorf("write index: %w", err)
	}
	if err := zw.Close(); err != nil {
		f.Abort()
		return fmt.Errorf("write index: %w", err)
	}
	return f.Commit()
}

// sets lists the fingerprint arrays in file order.
func (ix *Index) sets(values map[string][]uint64) [][]uint64 {
	var out [][]uint64
	for _, k := range slices.Sorted(maps.Keys(values)) {
		out = append(out, values[k])
	}
	return append(out, ix.Tokens, ix.Prefixes)
}

// LoadIndex reads an index written by Save.
func LoadIndex(path string) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("index %s: not an index file: %w", path, err)
	}
	br := bufio.NewReaderSize(zr, 1<<20)
	magic, err := br.ReadString('\n')
	if err != nil || magic != indexMagic {
		return nil, fmt.Errorf("index %s: not an index file (wrong magic)", path)
	}
	line, err := br.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("index %s: header: %w", path, err)
	}
	ix := &Index{}
	h := indexHeader{Index: ix}
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("index %s: header: %w", path, err)
	}
	if ix.Version != 1 {
		return nil, fmt.Errorf("index %s: version %d not supported", path, ix.Version)
	}
	if _, err := hex.DecodeString(ix.Key); err != nil || len(ix.Key) < 32 {
		return nil, fmt.Errorf("index %s: bad key", path)
	}
	read := func(n int) ([]uint64, error) {
		if n < 0 || n > 1<<32 {
			return nil, fmt.Errorf("bad count %d", n)
		}
		out := make([]uint64, n)
		var buf [8]byte
		for i := range out {
			if _, err := io.ReadFull(br, buf[:]); err != nil {
				return nil, err
			}
			out[i] = binary.LittleEndian.Uint64(buf[:])
		}
		return out, nil
	}
	kinds := make([]string, 0, len(h.Counts))
	for k := range h.Counts {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	ix.Values = map[string][]uint64{}
	for _, k := range kinds {
		v, err := read(h.Counts[k])
		if err != nil {
			return nil, fmt.Errorf("index %s: %s fingerprints: %w", path, k, err)
		}
		ix.Values[k] = v
	}
	if ix.Tokens, err = read(h.NTok); err != nil {
		return nil, fmt.Errorf("index %s: tokens: %w", path, err)
	}
	if ix.Prefixes, err = read(h.NPre); err != nil {
		return nil, fmt.Errorf("index %s: prefixes: %w", path, err)
	}
	ix.index()
	ix.Values = nil // the merged set has them all; Save rebuilds the lists
	return ix, nil
}
