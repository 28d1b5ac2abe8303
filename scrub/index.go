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
	"strconv"
	"strings"
	"sync"

	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
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

	// The bit tables, built by Finish (from pending) or read.
	skel, fold *table
	pending    [2]keyHashes // per rep kind, until Finish
	// pieces: the pieces' filter, built by Finish from pendingPieces
	// (their filter hashes), or read.
	pieces        *pieceFilter
	pendingPieces [][3]uint64
	// punct: the punctuated pieces' filter, built by Finish from
	// pendingPunct (their filter hashes), or read.
	punct        *punctFilter
	pendingPunct []uint64
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
		case domPiece, domDigitWin:
			ix.Pieces = append(ix.Pieces, fp)
			ix.pendingPieces = append(ix.pendingPieces, (&pieceFilter{seed: pieceSeed(ix.Seed)}).hashes(k))
			continue
		case domPunct:
			ix.Puncts = append(ix.Puncts, fp)
			ix.pendingPunct = append(ix.pendingPunct, (&punctFilter{seed: punctSeed(ix.Seed)}).hash(k.b))
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
		f := ix.pieces.grownBy(len(ix.pendingPieces))
		f.seed = pieceSeed(ix.Seed)
		for _, h := range ix.pendingPieces {
			f.addHashes(h)
		}
		ix.pieces, ix.pendingPieces = f, nil
	}
	slices.Sort(ix.Puncts)
	ix.Puncts = slices.Compact(ix.Puncts)
	if len(ix.pendingPunct) > 0 {
		f := newPunctFilter(len(ix.pendingPunct), punctSeed(ix.Seed))
		if ix.punct != nil {
			f = ix.punct.grownBy(len(ix.pendingPunct))
		}
		for _, h := range ix.pendingPunct {
			f.addHash(h)
		}
		ix.punct, ix.pendingPunct = f, nil
	}
	for e, t := range ix.probeTables() {
		t.build(&ix.pending[e])
	}
	ix.index()
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
	case domPiece, domDigitWin:
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

// The index file: gzip of a magic line, a JSON header line (everything
// but the arrays, with their sizes), then the arrays as little-endian
// uint64s: fingerprints of values by kind (kinds sorted), of tokens, of
// prefixes, of strict keys; then the tables (skeleton anchors, ends,
// heads, spans, pairs; folded anchors, ends, heads, spans, pairs), then
// the pieces' fingerprints and their filter's words, then the punctuated
// pieces' fingerprints and their filter's words. Format 12: as 11, but
// values have more digest keys (SHA-512, the raw digests in base64,
// MySQL's native password hash, and digests of 6-character values with
// a password's mark): a format 11 index would miss them silently.
// Format 11: as 10, but
// values have a SHA-1 digest key too, their numbers' windows are pieces
// (digits.go: in the pieces' list and filter, their shapes in the
// header) and a card's masked form is a key of its kind (a format 10
// index would miss them silently). Format 10: as 9, with
// punctuated pieces (punct.go): a format 9 index would miss the
// punctuation-heavy parts of values silently. Format 9: as 8,
// but confusables fold (confusables.go: small capitals, Armenian,
// Cherokee, enclosed letters, tag characters) and values have more
// variants (every Caesar shift, Atbash, upside down, reverse DNS,
// e-mail spelled out, host labels reversed). Format 8: as 7,
// but Cyrillic and Greek lookalikes of Latin letters fold to them
// (fold.go) and values have more variants (reversed, ROT13): a format 7
// index would miss them silently. Format 7: the
// pieces' first level holds grams of their first runes. Format 6: pieces
// (pieces.go). Format 5: ends
// words hold every domain's pair, anchors as pairs, heads, prefixes in
// the spans table (prefixBit), pairs.
const (
	indexMagicPrefix = "fuzzyduck-index-"
	indexFormat      = 12
	indexMagic       = indexMagicPrefix + "12\n"
)

type tableHeader struct {
	AnchorWords int   `json:"anchor_words"`
	EndsWords   int   `json:"ends_words"`
	SpansWords  int   `json:"spans_words"`
	HeadsWords  int   `json:"heads_words"`
	Lengths     []int `json:"lengths"`
	Prefix      bool  `json:"prefix"`
	Domains     uint8 `json:"domains"`
}

type indexHeader struct {
	*Index
	Counts  map[string]int `json:"counts"`
	NTok    int            `json:"n_tokens"`
	NPre    int            `json:"n_prefixes"`
	NStr    int            `json:"n_strict"`
	NPiece  int            `json:"n_pieces"`
	NPunct  int            `json:"n_punct_pieces"`
	PunctW  int            `json:"punct_filter_words"`
	PieceW1 int            `json:"piece_filter_words_1"`
	PieceW  int            `json:"piece_filter_words"`
	Skel    tableHeader    `json:"skeleton_table"`
	Fold    tableHeader    `json:"folded_table"`
}

func headerOf(t *table) tableHeader {
	h := tableHeader{AnchorWords: len(t.anchors.w), EndsWords: len(t.ends.w), SpansWords: len(t.spans.w), HeadsWords: len(t.heads.w), Prefix: t.prefix, Domains: t.doms}
	for n, ok := range t.lens {
		if ok {
			h.Lengths = append(h.Lengths, n)
		}
	}
	return h
}

// Save writes the index atomically (mode 0600). The index must be
// Finished.
func (ix *Index) Save(path string) error {
	if ix.valueSet == nil {
		ix.Finish()
	}
	f, err := fileio.Create(path)
	if err != nil {
		return err
	}
	f.Mode = 0o600
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	bw := bufio.NewWriterSize(zw, 1<<20)
	values := ix.perKind()
	h := indexHeader{Index: ix, Counts: map[string]int{}, NTok: len(ix.Tokens), NPre: len(ix.Prefixes), NStr: len(ix.Strict), NPiece: len(ix.Pieces), Skel: headerOf(ix.skel), Fold: headerOf(ix.fold)}
	for k, v := range values {
		h.Counts[k] = len(v)
	}
	if ix.pieces != nil {
		h.PieceW1, h.PieceW = len(ix.pieces.l1.w), len(ix.pieces.l2.w)
	}
	h.NPunct = len(ix.Puncts)
	if ix.punct != nil {
		h.PunctW = len(ix.punct.t.w)
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
	for _, set := range ix.arrays(values) {
		for _, x := range set {
			binary.LittleEndian.PutUint64(buf[:], x)
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

// arrays lists the arrays in file order.
func (ix *Index) arrays(values map[string][]uint64) [][]uint64 {
	var out [][]uint64
	for _, k := range slices.Sorted(maps.Keys(values)) {
		out = append(out, values[k])
	}
	return append(out, ix.Tokens, ix.Prefixes, ix.Strict, ix.skel.anchors.w, ix.skel.ends.w, ix.skel.heads.w, ix.skel.spans.w, ix.skel.pairs, ix.fold.anchors.w, ix.fold.ends.w, ix.fold.heads.w, ix.fold.spans.w, ix.fold.pairs, ix.Pieces, ix.pieceWords(), ix.Puncts, ix.punctWords())
}

// pieceWords: the pieces' filter's words (none without pieces).
func (ix *Index) pieceWords() []uint64 {
	if ix.pieces == nil {
		return nil
	}
	return append(append([]uint64(nil), ix.pieces.l1.w...), ix.pieces.l2.w...)
}

// punctWords: the punctuated pieces' filter's words (none without them).
func (ix *Index) punctWords() []uint64 {
	if ix.punct == nil {
		return nil
	}
	return ix.punct.t.w
}

// olderFormat: the format of an index magic line written by an older
// fuzzy index (2 up to indexFormat-1), or 0.
func olderFormat(magic string) int {
	rest, ok := strings.CutPrefix(magic, indexMagicPrefix)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(rest, "\n"))
	if err != nil || n < 2 || n >= indexFormat {
		return 0
	}
	return n
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
	if n := olderFormat(magic); err == nil && n > 0 {
		return nil, fmt.Errorf("index %s: written by an older fuzzy index (format %d); rebuild it with fuzzy index", path, n)
	}
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
	if ix.Version != indexVersion {
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
	kinds := slices.Sorted(maps.Keys(h.Counts))
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
	if ix.Strict, err = read(h.NStr); err != nil {
		return nil, fmt.Errorf("index %s: strict keys: %w", path, err)
	}
	readTable := func(th tableHeader, anchorLen int, seed uint64) (*table, error) {
		t := &table{anchorLen: anchorLen, seed: seed, lens: make([]bool, maxScan+1), prefix: th.Prefix, doms: th.Domains}
		for _, w := range []struct {
			n  int
			bt *bitTable
		}{{th.AnchorWords, &t.anchors}, {th.EndsWords, &t.ends}, {th.HeadsWords, &t.heads}} {
			if w.n <= 0 || w.n&(w.n-1) != 0 {
				return nil, fmt.Errorf("bad table size %d", w.n)
			}
			words, err := read(w.n)
			if err != nil {
				return nil, err
			}
			*w.bt = bitTable{w: words, mask: uint64(w.n*64 - 1)}
		}
		if n := th.SpansWords; n <= 0 || n&(n-1) != 0 {
			return nil, fmt.Errorf("bad spans table size %d", n)
		}
		words, err := read(th.SpansWords)
		if err != nil {
			return nil, err
		}
		t.spans = lenTable{w: words}
		if t.pairs, err = read(pairWords); err != nil {
			return nil, err
		}
		for _, n := range th.Lengths {
			if n < 1 || n > maxScan {
				return nil, fmt.Errorf("bad length %d", n)
			}
			t.setLen(n)
		}
		if t.prefix {
			t.lenBits |= prefixBit
		}
		return t, nil
	}
	if ix.skel, err = readTable(h.Skel, 4, ix.Seed); err != nil {
		return nil, fmt.Errorf("index %s: skeleton table: %w", path, err)
	}
	if ix.fold, err = readTable(h.Fold, 3, foldSeed(ix.Seed)); err != nil {
		return nil, fmt.Errorf("index %s: folded table: %w", path, err)
	}
	if ix.Pieces, err = read(h.NPiece); err != nil {
		return nil, fmt.Errorf("index %s: pieces: %w", path, err)
	}
	if n := h.PieceW; n != 0 {
		n1 := h.PieceW1
		if n < 0 || n&(n-1) != 0 || n1 <= 0 || n1&(n1-1) != 0 {
			return nil, fmt.Errorf("index %s: bad pieces filter size %d", path, n)
		}
		words, err := read(n1 + n)
		if err != nil {
			return nil, fmt.Errorf("index %s: pieces filter: %w", path, err)
		}
		ix.pieces = &pieceFilter{l1: bitTable{w: words[:n1], mask: uint64(n1*64 - 1)}, l2: bitTable{w: words[n1:], mask: uint64(n*64 - 1)}, seed: pieceSeed(ix.Seed)}
	}
	if ix.Puncts, err = read(h.NPunct); err != nil {
		return nil, fmt.Errorf("index %s: punctuated pieces: %w", path, err)
	}
	if n := h.PunctW; n != 0 {
		if n < 0 || n&(n-1) != 0 {
			return nil, fmt.Errorf("index %s: bad punctuated pieces filter size %d", path, n)
		}
		words, err := read(n)
		if err != nil {
			return nil, fmt.Errorf("index %s: punctuated pieces filter: %w", path, err)
		}
		ix.punct = &punctFilter{t: bitTable{w: words, mask: uint64(n*64 - 1)}, seed: punctSeed(ix.Seed)}
	}
	ix.index()
	ix.Values = nil // the merged set has them all; Save rebuilds the lists
	return ix, nil
}
