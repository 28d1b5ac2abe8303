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

// index fills the length table from Lengths.
func (ix *Index) index() {
	for _, n := range ix.Lengths {
		if n < len(ix.lengths) {
			ix.lengths[n] = true
		}
	}
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
	_, ok := slices.BinarySearch(ix.Prefixes, ix.Fingerprint(t[:ix.PrefixLen]))
	return ok
}

// Len is the number of distinct value fingerprints.
func (ix *Index) Len() int {
	n := 0
	for _, v := range ix.Values {
		n += len(v)
	}
	return n
}

// Lookup returns the kind of a normalized value, or "".
func (ix *Index) Lookup(v []byte) string {
	if !ix.hasLen(len(v)) {
		return ""
	}
	fp := ix.Fingerprint(v)
	for kind, set := range ix.Values {
		if _, ok := slices.BinarySearch(set, fp); ok {
			return kind
		}
	}
	return ""
}

// IsToken reports whether a normalized token belongs to a confidential
// value.
func (ix *Index) IsToken(t []byte) bool {
	if len(t) < ix.MinToken {
		return false
	}
	_, ok := slices.BinarySearch(ix.Tokens, ix.Fingerprint(t))
	return ok
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
	h := indexHeader{Index: ix, Counts: map[string]int{}, NTok: len(ix.Tokens), NPre: len(ix.Prefixes)}
	for k, v := range ix.Values {
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
	for _, set := range ix.sets() {
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
func (ix *Index) sets() [][]uint64 {
	kinds := make([]string, 0, len(ix.Values))
	for k := range ix.Values {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var out [][]uint64
	for _, k := range kinds {
		out = append(out, ix.Values[k])
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
	return ix, nil
}
