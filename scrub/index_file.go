package scrub

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
)

// The index file: gzip of a magic line, a JSON header line (everything
// but the arrays, with their sizes), then the arrays as little-endian
// uint64s: fingerprints of values by kind (kinds sorted), of tokens, of
// prefixes, of strict keys; then the tables (skeleton anchors, ends,
// heads, spans, pairs; folded anchors, ends, heads, spans, pairs), then
// the pieces' fingerprints and their filter's words (first level,
// second, windows' first level), then the punctuated
// pieces' fingerprints and their filter's words, then the digests'
// windows' filter's words. Format 19: as 18, but an IPv4 address
// has its IPv6-mapped form with padded groups (::ffff:0a2a:11cb), NAT64's
// and 6to4's, an IPv6 address its ip6.arpa nibbles, and a UUID the
// Neutron device names made of it and its first group among its keys:
// a format 18 index would miss them silently. Format 18: as 17, but a value's keys hold
// its ROT47 (as written), an Arabic or Hebrew value's legacy charsets'
// mojibake, and the fold takes native digits (Arabic-Indic, Devanagari)
// to ASCII's and drops the Arabic tatweel: a format 17 index would miss
// them silently. Format 17: as 16, but the stretches of a
// value with no distinctive piece have windows (windows.go: in the
// pieces' list and filter), which a format 16 index does not hold.
// Format 16: as 15, but a base64 digest's
// windows are 12 letters and digits (not 16), short values have digests
// too, and more digests are keys (of the value and a line end, SHA-256
// of it in lower case): a format 15 index would miss them silently.
// Format 15: as 14, but a skeleton key of 8
// bytes or more whose first 4 are digits is anchored by its first 8
// (table.go: long8), which a format 14 table does not hold. Format 14:
// as 13, but a digest's first and
// last 12 hex digits or 16 base64 letters and digits were its keys (in
// its value's kind's list), found through a filter of their own
// (digest_scan.go), not the tables: a format 13 index's digests were
// table keys and pieces, which a format 14 scrubber does not look for.
// Format 13: as 12, but
// a hex digest's first 12 digits are a piece of its value and the raw
// SHA-512 in base64 a key (digests.go): a format 12 index would miss
// them silently; and pieces of two different runes or fewer are none
// (fewRunes). Format 12: as 11, but
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
	indexFormat      = 19
	indexMagic       = indexMagicPrefix + "19\n"
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
	DigestW int            `json:"digest_filter_words"`
	PieceW1 int            `json:"piece_filter_words_1"`
	PieceW  int            `json:"piece_filter_words"`
	PieceWW int            `json:"piece_filter_window_words"`
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
	ix.NoWide = !ix.wide
	h := indexHeader{Index: ix, Counts: map[string]int{}, NTok: len(ix.Tokens), NPre: len(ix.Prefixes), NStr: len(ix.Strict), NPiece: len(ix.Pieces), Skel: headerOf(ix.skel), Fold: headerOf(ix.fold)}
	for k, v := range values {
		h.Counts[k] = len(v)
	}
	if ix.pieces != nil {
		h.PieceW1, h.PieceW, h.PieceWW = len(ix.pieces.l1.w), len(ix.pieces.l2.w), len(ix.pieces.w1.w)
	}
	h.NPunct = len(ix.Puncts)
	if ix.punct != nil {
		h.PunctW = len(ix.punct.t.w)
	}
	if ix.digests != nil {
		h.DigestW = len(ix.digests.t.w)
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
	return append(out, ix.Tokens, ix.Prefixes, ix.Strict, ix.skel.anchors.w, ix.skel.ends.w, ix.skel.heads.w, ix.skel.spans.w, ix.skel.pairs, ix.fold.anchors.w, ix.fold.ends.w, ix.fold.heads.w, ix.fold.spans.w, ix.fold.pairs, ix.Pieces, ix.pieceWords(), ix.Puncts, ix.punctWords(), filterWords(ix.digests))
}

// pieceWords: the pieces' filter's words (none without pieces).
func (ix *Index) pieceWords() []uint64 {
	if ix.pieces == nil {
		return nil
	}
	return slices.Concat(ix.pieces.l1.w, ix.pieces.l2.w, ix.pieces.w1.w)
}

// punctWords: the punctuated pieces' filter's words (none without them).
func (ix *Index) punctWords() []uint64 { return filterWords(ix.punct) }

// filterWords: a filter's words (none without one).
func filterWords(f *gramFilter) []uint64 {
	if f == nil {
		return nil
	}
	return f.t.w
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
	ix.wide = !ix.NoWide
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
		n1, nw := h.PieceW1, h.PieceWW
		if n < 0 || n&(n-1) != 0 || n1 <= 0 || n1&(n1-1) != 0 || nw <= 0 || nw&(nw-1) != 0 {
			return nil, fmt.Errorf("index %s: bad pieces filter size %d", path, n)
		}
		words, err := read(n1 + n + nw)
		if err != nil {
			return nil, fmt.Errorf("index %s: pieces filter: %w", path, err)
		}
		ix.pieces = &pieceFilter{l1: bitTable{w: words[:n1], mask: uint64(n1*64 - 1)}, l2: bitTable{w: words[n1 : n1+n], mask: uint64(n*64 - 1)}, w1: bitTable{w: words[n1+n:], mask: uint64(nw*64 - 1)}, seed: pieceSeed(ix.Seed)}
	}
	if ix.Puncts, err = read(h.NPunct); err != nil {
		return nil, fmt.Errorf("index %s: punctuated pieces: %w", path, err)
	}
	readFilter := func(n int, seed uint64) (*gramFilter, error) {
		if n == 0 {
			return nil, nil
		}
		if n < 0 || n&(n-1) != 0 {
			return nil, fmt.Errorf("bad size %d", n)
		}
		words, err := read(n)
		if err != nil {
			return nil, err
		}
		return &gramFilter{t: bitTable{w: words, mask: uint64(n*64 - 1)}, seed: seed}, nil
	}
	if ix.punct, err = readFilter(h.PunctW, punctSeed(ix.Seed)); err != nil {
		return nil, fmt.Errorf("index %s: punctuated pieces filter: %w", path, err)
	}
	if ix.digests, err = readFilter(h.DigestW, digestSeed(ix.Seed)); err != nil {
		return nil, fmt.Errorf("index %s: digests filter: %w", path, err)
	}
	ix.index()
	ix.Values = nil // the merged set has them all; Save rebuilds the lists
	return ix, nil
}
