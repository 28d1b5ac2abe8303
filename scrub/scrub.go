package scrub

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"regexp"
	"runtime"
	"slices"
	"sync"
)

// Value is a known confidential value in plaintext (a federated worker's
// own database, the run's password and hostname, ...).
type Value struct {
	Kind   string // what it is, shown in the marker: hostname, password, ...
	Text   string
	Source string // where it came from, for the report: values, run, env
}

// Pattern is a regular expression whose matches (or first capture group)
// are secret.
type Pattern struct {
	Name string
	Re   *regexp.Regexp
}

// Options say what to scrub.
type Options struct {
	Index    *Index
	Values   []Value
	Patterns []Pattern // in addition to Builtin
	// MinLength: values with fewer letters and digits than this match
	// only as whole words (default DefaultMinLength), so short values
	// do not shred logs.
	MinLength int
	// MarkerKey keys the tags in markers ([scrubbed:kind:tag]) so the same
	// secret gets the same tag everywhere without revealing its hash.
	// Random when nil.
	MarkerKey []byte
	// NoBuiltin disables the built-in patterns.
	NoBuiltin bool
	// NoPieces turns off the pieces: by default every distinctive piece
	// of pieceRunes runes of a known value is found anywhere, with no word
	// boundary (pieces.go). Without them a value glued to other letters,
	// cut short or wrapped survives: weaker, for speed only.
	NoPieces bool
}

// Report counts what was scrubbed, never what it was.
type Report struct {
	Counts map[string]int `json:"counts"` // "source:kind" -> replacements
	Lines  int64          `json:"lines"`
	Bytes  int64          `json:"bytes"`
}

// Total is the number of replacements.
func (r *Report) Total() int {
	n := 0
	for _, c := range r.Counts {
		n += c
	}
	return n
}

// Add sums another report into r.
func (r *Report) Add(o *Report) {
	for k, v := range o.Counts {
		r.Counts[k] += v
	}
	r.Lines += o.Lines
	r.Bytes += o.Bytes
}

// Scrubber redacts a stream. Scrub and Find may be called from several
// goroutines at once.
type Scrubber struct {
	opts     Options
	m        *matcher
	patterns []Pattern
	hints    []patternHints                    // per pattern: lower-case literals one of which a line must hold
	skips    []func(line []byte, m []int) bool // per pattern: matches that are no secret (nil: none)
	hintSet  *hints
	always   []int // patterns without hints: always tried
	mac      []byte
	workers  sync.Pool
	// kinds: the value kinds this scrubber's markers may name beyond
	// IsValueKind's (an API caller's own, an index's).
	kinds map[string]bool
}

// New builds a scrubber.
func New(opts Options) (*Scrubber, error) {
	if opts.MinLength == 0 {
		opts.MinLength = DefaultMinLength
	}
	s := &Scrubber{opts: opts, mac: opts.MarkerKey}
	if s.mac == nil {
		s.mac = make([]byte, 32)
		rand.Read(s.mac)
	}
	if !opts.NoBuiltin {
		s.patterns = append(s.patterns, Builtin...)
		s.hints = append(s.hints, builtinHints...)
		s.skips = append(s.skips, builtinSkips...)
	}
	for _, p := range opts.Patterns {
		s.patterns = append(s.patterns, p)
		s.hints = append(s.hints, patternHints{})
		s.skips = append(s.skips, nil)
	}
	// One pass over a line finds which patterns' literals it holds
	// (hints.go); only those patterns' regexps run.
	for i, h := range s.hints {
		if h.lits == nil {
			s.always = append(s.always, i)
		}
	}
	s.hintSet = newHints(s.hints)
	s.m = newMatcher(opts.Index, newValueSet(opts.Values, !opts.NoPieces), opts.MinLength, !opts.NoPieces)
	s.kinds = map[string]bool{KindPiece: true}
	for _, v := range opts.Values {
		s.kinds[v.Kind] = true
	}
	if opts.Index != nil {
		for _, k := range opts.Index.kindNames {
			s.kinds[k] = true
		}
	}
	return s, nil
}

// DefaultMinLength: values shorter than this (in letters and digits)
// match only as whole words, also inside decoded blobs.
const DefaultMinLength = 6

type span struct {
	start, end   int
	kind, source string
	tag          uint32 // tagged(the marker's tag), 0: from the text (tagText)
}

// worker holds one goroutine's scratch space.
type worker struct {
	*Scrubber
	enabled []bool
	sk, fo  rep
	pu      rep    // scanPunct's
	dig     []byte // scanDigests' run's digits
	// punctCover: the spans a view's punctuated pieces are not looked
	// for in (scanPunct).
	punctCover [][2]int32
	glueRep    rep // scanSkelIn's
	hits       []hit
	cands      []cand
	places     []place
	// piecePlaces: where a piece may start (scanPieces).
	piecePlaces []int32
	// windowPlaces: where a window may start (scanPieces).
	windowPlaces []int32
	digitPos     []int // a number's digits (scanDigits)
	// digitKey, digitWin: scanDigits' keys (arrays on its stack were
	// moved to the heap on every call: they reach verify, an interface's
	// method); spacedDigits: spacedHexSpans' digits, per blob depth.
	digitKey     [10]byte
	digitWin     [64]byte
	spacedDigits [maxDepth + 1][]byte
	// cover, outside, outsideW: the keys found (coverOf) and the places
	// outsideFound kept, of pieces and of windows.
	cover    [][2]int32
	outside  []int32
	outsideW []int32
	// blobTags, when set, gathers the tags of every value a blob holds
	// (blobGroups).
	blobTags *[]span
	bounds   skelBounds
	// boundsOf: the rep bounds is of (nil: none yet in this scan).
	boundsOf *rep
	foldAt   []int // places a short key may start (scanFolded)
	sq       []byte
	bufs     [][]byte // per blob depth: decoded bytes
	misses   blobMisses
	seamRep  rep
	numJoin  []byte // (numseam.go)
	endRep   rep    // isAlnumEnd's
	// markers: a keyed MAC and the tags of recent secrets.
	markMAC    hash.Hash
	markSum    [sha256.Size]byte
	fpTags     *[fpTagSlots]fpTag
	countNames map[countKey]string
	tagRep     rep
	classBuf   [1]byte
	breaks     []byte // wordBreaks' copy of a line
	// cutHead, cutTail: the first and last byte of the block being
	// scrubbed when a long line was cut there (atCut); inflated: bytes
	// inflated for the line being scanned (inflateBudget).
	cutHead, cutTail *byte
	inflated         int
	// The seam with the line before the one being scanned, when that
	// line's last value may go on: seamA gets that line's spans.
	seamPrev *lineResult
	seamA    []span
	curLine  []byte
	// goesOn: the last scan found a key that may go on past the text's
	// end, from goesOnAt (with goesOnRest skeleton bytes left);
	// lineGoesOn: the same for a line's last decoded view, plainGoesOn
	// for the line as it is.
	goesOn                  bool
	goesOnAt, goesOnRest    int
	lineGoesOn, plainGoesOn tailFrom
	oneSides                []seamSide // the line's one-family views that a value may go on from
	spanBufs                [2][]span  // spans' buffers, in turn
	spanFlip                int
	results                 [2]lineResult // scanLines' results, in turn
	resFlip                 int
	plains                  [3]view // knownSpans' plain views, in turn
	plainFlip               int
}

func (s *Scrubber) newWorker() *worker {
	return &worker{Scrubber: s, enabled: make([]bool, len(s.patterns)), fpTags: new([fpTagSlots]fpTag)}
}

func (s *Scrubber) getWorker() *worker {
	if w, ok := s.workers.Get().(*worker); ok {
		return w
	}
	return s.newWorker()
}

func (s *Scrubber) putWorker(w *worker) { s.workers.Put(w) }

// block is a run of whole lines scrubbed by one worker, with the lines
// just before and after it (their seams with the block's lines count).
type block struct {
	in, out    []byte
	prev, next []byte
	lines      int
	rep        *Report
	openKey    bool // a private key block is still open at the end
	// cutStart, cutEnd: the block begins or ends where a line too long
	// to scan whole was cut (atCut).
	cutStart, cutEnd bool
	done             chan struct{}
}

// scrub scrubs the block's lines, starting inside a private key block
// when inKey.
func (w *worker) scrub(b *block, inKey bool) {
	b.out = b.out[:0]
	b.rep = &Report{Counts: map[string]int{}}
	w.setCuts(b)
	w.scanLines(b.in, b.prev, b.next, &inKey, func(line []byte, spans []span) {
		if spans = w.dropInMarkers(line, spans); len(spans) == 0 {
			b.out = append(b.out, line...)
		} else {
			b.out = w.apply(b.out, line, spans, b.rep)
		}
	})
	b.rep.Lines = int64(b.lines)
	b.rep.Bytes = int64(len(b.in))
	b.openKey = inKey
}

// Scrub copies src to dst with every secret replaced, in parallel over
// blocks of lines, in order. Lines of any length are handled (very long
// ones in pieces cut at whitespace); invalid UTF-8 passes through.
func (s *Scrubber) Scrub(dst io.Writer, src io.Reader) (*Report, error) {
	workers := runtime.GOMAXPROCS(0)
	order := make(chan *block, 2*workers)
	work := make(chan *block, workers)
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		readErr = readBlocks(src, func(b *block) {
			order <- b
			work <- b
		})
	}()
	for i := 0; i < workers; i++ {
		go func() {
			w := s.newWorker()
			for b := range work {
				w.scrub(b, false)
				close(b.done)
			}
		}()
	}
	rep := &Report{Counts: map[string]int{}}
	bw := bufio.NewWriterSize(dst, 256<<10)
	seq := s.newWorker()
	open := false
	var werr error
	for b := range order {
		<-b.done
		if open {
			// The previous block ended inside a private key: redo this
			// one knowing that (rare, so done here, in order).
			seq.scrub(b, true)
		}
		open = b.openKey
		rep.Add(b.rep)
		if werr == nil {
			if _, err := bw.Write(b.out); err != nil {
				werr = fmt.Errorf("scrub: write: %w", err)
			}
		}
		blockPool.Put(b)
	}
	if readErr != nil {
		return nil, readErr
	}
	if werr != nil {
		return nil, werr
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("scrub: write: %w", err)
	}
	return rep, nil
}

// readBlocks cuts src into blocks of whole lines (about 256 KB each).
func readBlocks(src io.Reader, emit func(*block)) error {
	br := bufio.NewReaderSize(src, 256<<10)
	newBlock := func() *block {
		b := blockPool.Get().(*block)
		b.in, b.out, b.prev, b.next, b.lines, b.rep, b.openKey = b.in[:0], b.out[:0], nil, nil, 0, nil, false
		b.cutStart, b.cutEnd = false, false
		b.done = make(chan struct{})
		return b
	}
	cur := newBlock()
	// A full block waits for the next line (its seam); the next block
	// starts knowing the last line of this one.
	var full *block
	var lastLine []byte
	edge := func(line []byte, fromEnd bool) []byte {
		if len(line) > seamBytes*2 {
			if fromEnd {
				line = line[len(line)-seamBytes*2:]
			} else {
				line = line[:seamBytes*2]
			}
		}
		return append([]byte(nil), line...)
	}
	release := func(next []byte) {
		if full != nil {
			if next != nil {
				full.next = edge(next, false)
			}
			emit(full)
			full = nil
		}
	}
	flush := func() {
		if len(cur.in) > 0 {
			full = cur
			cur = newBlock()
			if lastLine != nil {
				cur.prev = edge(lastLine, true)
			}
		}
	}
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull && len(line) < maxLine {
			continue
		}
		if err == bufio.ErrBufferFull {
			// A line longer than maxLine is scrubbed in pieces, cut at
			// whitespace near the end when there is some, so that a
			// secret is not split; the rest starts the next piece.
			cut := len(line)
			if ws := bytes.LastIndexAny(line[len(line)-4096:], " \t,;"); ws >= 0 {
				cut = len(line) - 4096 + ws + 1
			}
			release(line[:cut])
			flush()
			release(line[:cut])
			cur.in = append(cur.in, line[:cut]...)
			cur.cutEnd = true
			lastLine = cur.in
			flush()
			cur.cutStart = true
			line = append(line[:0], line[cut:]...)
			continue
		}
		if len(line) > 0 {
			release(line)
			start := len(cur.in)
			before := lastLine
			cur.in = append(cur.in, line...)
			lastLine = cur.in[start:]
			cur.lines++
			// (not after a line whose last base64 run may go on in the
			// next: a wrapped blob stays in one block; nor after a line
			// alike the one before, a dump's row or a column's)
			if n := len(cur.in); n >= 256<<10 && (!mayGoOnB64(line) && (!alikeLines(before, lastLine) || n >= 256<<10+maxAlike) || n >= 256<<10+blobGroupMax) {
				flush()
			}
		}
		line = line[:0]
		if err == io.EOF {
			flush()
			release(nil)
			return nil
		}
		if err != nil {
			flush()
			release(nil)
			return fmt.Errorf("scrub: read: %w", err)
		}
	}
}

// maxAlike bounds how far past its size a block waits for a line that is
// no row of the one before (an ordinary log's lines are alike too).
const maxAlike = 48 << 10

// alikeLines: b may be a row of the same dump or column as a (its
// length within a column's middle of a's, its first bytes a's, digits
// counting as equal): the rows' group is read whole in one block.
func alikeLines(a, b []byte) bool {
	if len(a) < 2 || len(b) < 2 || len(a)-len(b) > maxColMid || len(b)-len(a) > maxColMid {
		return false
	}
	for i := range min(4, len(a), len(b)) {
		if a[i] != b[i] && !(isDigit(a[i]) && isDigit(b[i])) {
			return false
		}
	}
	return true
}

// maxLine: longer lines are scrubbed in pieces of about this size (a
// worker's memory grows with a piece's decoded views).
const maxLine = 256 << 10

// blockPool keeps blocks' buffers (a block is about 256 KB in, a little
// more out) from one block to the next.
var blockPool = sync.Pool{New: func() any {
	return &block{in: make([]byte, 0, 320<<10), out: make([]byte, 0, 352<<10)}
}}

var (
	beginKey = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----`)
	endKey   = regexp.MustCompile(`-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----`)
)

// findBegin is beginKey's match in line: its literal is looked for first
// (the regexp's own search took 3% of a log's scan).
func findBegin(line []byte) []int {
	i := bytes.Index(line, []byte("-----BEGIN "))
	if i < 0 {
		return nil
	}
	loc := beginKey.FindIndex(line[i:])
	if loc == nil {
		return nil
	}
	return []int{i + loc[0], i + loc[1]}
}

// spans finds the secrets in one line (not those across its seams);
// it also returns the line's sides for the seam with the next line.
func (s *worker) spans(line []byte, inKey *bool) ([]span, seamSides) {
	// The line's spans are kept until the next line's are found (the seam
	// between them), then emitted and done with: two buffers in turn, not
	// a new slice a line (in dump-like text, dozens of spans a line were
	// most of what the scan allocated, and so of its GC).
	s.spanFlip ^= 1
	spans := s.spanBufs[s.spanFlip][:0]
	defer func() { s.spanBufs[s.spanFlip] = spans[:0] }()
	// Private key blocks span lines: everything from BEGIN to END goes.
	if *inKey {
		if loc := endKey.FindIndex(line); loc != nil {
			*inKey = false
			spans = append(spans, span{start: 0, end: loc[1], kind: "private-key", source: "pattern"})
		} else {
			body := bytes.TrimRight(line, "\r\n")
			if len(body) == 0 {
				return nil, seamSides{}
			}
			spans = append(spans, span{start: 0, end: len(body), kind: "private-key", source: "pattern"})
		}
	} else if loc := findBegin(line); loc != nil {
		if end := endKey.FindIndex(line[loc[1]:]); end != nil {
			spans = append(spans, span{start: loc[0], end: loc[1] + end[1], kind: "private-key", source: "pattern"})
		} else {
			*inKey = true
			spans = append(spans, span{start: loc[0], end: len(bytes.TrimRight(line, "\r\n")), kind: "private-key", source: "pattern"})
		}
	}
	spans = s.patternSpans(&view{text: line}, spans)
	if needsDecoding(line) {
		// And in the line's escapes decoded ("password%3DXk9mQ2vL", a
		// JSON string's "password\u003d..."): a pattern's literal or its
		// quotes may be escaped.
		if _, final := lineViews(line); final.start != nil {
			spans = s.patternSpans(final, spans)
		}
	}
	var sides seamSides
	if s.m.active() {
		if alt := s.wordBreaks(line); alt != nil {
			// First: the line's own scan below leaves the seam state.
			spans, _ = s.knownSpans(alt, spans)
		}
		spans, sides = s.knownSpans(line, spans)
	}
	return s.dropInMarkers(line, spans), sides
}

// patternSpans appends the spans (in v's source) of the patterns that
// match in v.
func (s *worker) patternSpans(v *view, spans []span) []span {
	clear(s.enabled)
	for _, i := range s.always {
		s.enabled[i] = true
	}
	s.hintSet.enable(v.text, s.enabled)
	for i, p := range s.patterns {
		if !s.enabled[i] {
			continue
		}
		for _, m := range p.Re.FindAllSubmatchIndex(v.text, -1) {
			if s.skips[i] != nil && s.skips[i](v.text, m) {
				continue
			}
			st, en := m[0], m[1]
			if len(m) >= 4 && m[2] >= 0 {
				st, en = m[2], m[3]
			}
			if st >= en && v.start != nil {
				continue // (nothing decoded to map back: an empty password is none)
			}
			a, b := v.source(st, en)
			spans = append(spans, span{start: a, end: b, kind: p.Name, source: "pattern"})
		}
	}
	return spans
}

var markerRe = regexp.MustCompile(`\[scrubbed:[A-Za-z0-9_.-]+:[0-9a-f]{4}\]`)

// dropInMarkers drops spans that reach into markers already there (the
// marker's own text may look like "password:...", and a piece may match
// across its edge: "0000" of a hex dump's offset and "sc" of the marker
// make "0000sc" of "0000ßC0ü00", a FuzzScrubPlanted find): scrubbing
// twice changes nothing. Only a marker this scrubber could have written is
// one: its kind is a value kind, a pattern's name or blob. Anything else
// shaped like one is text and scrubbed as text: a hostile migration's
// [scrubbed:<the secret in hex>:0000] was copied through whole (red
// team scrubatk5).
func (s *Scrubber) dropInMarkers(line []byte, spans []span) []span {
	if len(spans) == 0 || !bytes.Contains(line, []byte("[scrubbed:")) {
		return spans
	}
	markers := markerRe.FindAllIndex(line, -1)
	kept := spans[:0]
	for _, sp := range spans {
		inside := false
		for _, m := range markers {
			if sp.start < m[1] && sp.end > m[0] && s.markerKind(line[m[0]+len("[scrubbed:"):m[1]-len(":0000]")]) {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, sp)
		}
	}
	return kept
}

// markerKind: whether kind is one this scrubber writes in markers.
func (s *Scrubber) markerKind(kind []byte) bool {
	if IsValueKind(string(kind)) || s.kinds[string(kind)] || string(kind) == kindBlob || string(kind) == "private-key" {
		return true
	}
	for _, p := range s.patterns {
		if p.Name == string(kind) {
			return true
		}
	}
	return false
}

// mergeSpans sorts spans and merges overlapping ones (the first keeps its
// kind and tag; of spans alike, the one found first), in place.
func mergeSpans(spans []span) []span {
	slices.SortStableFunc(spans, func(a, b span) int {
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		return cmp.Compare(b.end, a.end)
	})
	merged := spans[:0]
	for _, sp := range spans {
		if sp.end <= sp.start {
			continue
		}
		if n := len(merged); n > 0 && sp.start < merged[n-1].end {
			if sp.end > merged[n-1].end {
				merged[n-1].end = sp.end
			}
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// apply appends line to out with markers over the spans.
func (s *worker) apply(out, line []byte, spans []span, rep *Report) []byte {
	merged := mergeSpans(spans)
	prev := 0
	for _, sp := range merged {
		out = append(out, line[prev:sp.start]...)
		tag := sp.tag
		if tag == 0 {
			tag = s.tagText(line[sp.start:sp.end])
		}
		out = appendMarker(out, sp.kind, tag)
		s.count(rep, sp.source, sp.kind)
		prev = sp.end
	}
	return append(out, line[prev:]...)
}

// count adds one replacement to the report (the "source:kind" key
// built once per pair).
func (s *worker) count(rep *Report, source, kind string) {
	k := countKey{source, kind}
	name, ok := s.countNames[k]
	if !ok {
		if s.countNames == nil {
			s.countNames = map[countKey]string{}
		}
		name = source + ":" + kind
		s.countNames[k] = name
	}
	rep.Counts[name]++
}

type countKey struct{ source, kind string }
