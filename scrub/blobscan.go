package scrub

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// Blobs: base64, hex, base32 and radix runs of a view decoded, and the
// decoded bytes (inflated when compressed) scanned for known values.

// blobSpans decodes v's base64 and hex runs; a run whose content holds a
// known value is scrubbed whole.
func (w *worker) blobSpans(v *view, depth int, spans []span) []span {
	if depth >= maxDepth {
		return spans
	}
	t := v.text
	spans = w.spacedHexSpans(v, depth, spans)
	spans = w.numListSpans(v, depth, spans)
	spans = w.byteListSpans(v, depth, spans)
	spans = w.bitSpans(v, depth, spans)
	tokEnd := 0 // (radixTokenSpans read the token up to here)
	for i := 0; i < len(t); {
		if !isB64(t[i]) {
			// ("<~" starts Ascii85 even inside a token read already:
			// "data=<~...~>" was read from its '=' as base85 and Z85)
			if radixTrigger[t[i]] != 0 && (i >= tokEnd || t[i] == '<' && i+1 < len(t) && t[i+1] == '~') && isRadixTrigger(t, i) {
				spans, tokEnd = w.radixTokenSpans(v, i, depth, spans)
			}
			i++
			continue
		}
		j := i
		for j < len(t) && isB64(t[j]) {
			j++
		}
		k := j
		for j-i >= minB64 && k < len(t) && k-j < 2 && t[k] == '=' {
			k++ // (after a short run '=' is no padding: it may be a Z85 token's, "lQAZ=fFAFb", which the radix branch reads)
		}
		if depth == 0 && j-i >= minB64 && w.atCut(v, i, k) {
			a, b := v.source(i, k)
			spans = append(spans, span{start: a, end: b, kind: kindBlob, source: sourceLimit})
		} else if j-i >= minB64 && !covered(spans, v, i, k) {
			if sp, ok := w.blobHit(t[i:j], depth); ok {
				sp.start, sp.end = v.source(i, k) // the run, tagged as the value inside
				spans = append(spans, sp)
			}
		}
		i = k // (t[k] is no base64: the loop's other branch looks at it)
	}
	return spans
}

// covered: view bytes [i,k) are inside the spans found already, which
// replace them whatever they decode to (in dump-like text most runs are
// a known value's words: their decoding would change nothing). Several
// spans may cover them together: an e-mail address found as its pieces
// and its domain, each radix token of a dump's row read in vain.
func covered(spans []span, v *view, i, k int) bool {
	if len(spans) == 0 {
		return false
	}
	a, b := v.source(i, k)
	for a < b {
		next := a
		for _, sp := range spans {
			if sp.start <= a && a < sp.end {
				next = max(next, sp.end)
			}
		}
		if next == a {
			return false
		}
		a = next
	}
	return true
}

// blobMisses remembers, per worker, short runs none of whose decodings
// was even worth scanning (each read as noise, or the run is an id): a
// log repeats its words ("migration", "instances") line after line, and
// each would be decoded again to the same end. The runs are kept whole
// and compared byte for byte: a run is skipped only when it is one seen.
type blobMisses struct {
	n     [blobMissSlots]uint8 // the run's length (0: empty slot)
	b     [blobMissSlots][blobMissLen]byte
	scans int // scanBlob calls, to tell whether a run's decodings were scanned
}

const (
	blobMissSlots = 512
	blobMissLen   = 31 // (shorter than the runs that are scanned whatever they decode to)
)

func (c *blobMisses) slot(run []byte) int { return int(gramHash(run, 0) & (blobMissSlots - 1)) }

func (c *blobMisses) has(run []byte) bool {
	if len(run) > blobMissLen {
		return false
	}
	k := c.slot(run)
	return int(c.n[k]) == len(run) && string(c.b[k][:len(run)]) == string(run)
}

func (c *blobMisses) add(run []byte) {
	if len(run) > blobMissLen {
		return
	}
	k := c.slot(run)
	c.n[k] = uint8(len(run))
	copy(c.b[k][:], run)
}

// blobHit reports the first known value inside a run's decoded forms.
func (w *worker) blobHit(run []byte, depth int) (span, bool) {
	if w.misses.has(run) {
		return span{}, false
	}
	scans, inflated := w.misses.scans, w.inflated
	sp, ok := w.decodedHit(run, depth)
	// A run whose decodings were scanned in vain is remembered too when
	// it was a line's own (depth 0: its decodings were searched as deep
	// as they go, for any depth after) and nothing was inflated (the
	// line's inflate budget was not drawn on): its search is the same
	// wherever the run is met. Since compressed streams are read (a word
	// may decode to the start of a raw deflate stream, or to UTF-16), the
	// words of ordinary logs were decoded and scanned on every line.
	if !ok && (w.misses.scans == scans || depth == 0 && w.inflated == inflated) {
		w.misses.add(run)
	}
	return sp, ok
}

// decodedHit is blobHit's search.
func (w *worker) decodedHit(run []byte, depth int) (span, bool) {
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, nil)
	}
	if cap(w.bufs[depth]) < len(run) {
		w.bufs[depth] = make([]byte, 0, len(run)+64)
	}
	buf := w.bufs[depth]
	var found span
	ok, known := false, false
	try := func(b []byte) bool {
		if len(run) < 32 && !plausible(b, w.m.wide) && printableRun(b) < w.m.minAnywhere {
			return false // a word that happens to be base64 of noise
		}
		found, ok, known = w.scanBlob(b, depth+1)
		// A run is one encoding: once it reads as one, done. But a line
		// of a blob wrapped at a fixed column starts anywhere in a group
		// of four, and a wrong alignment may read as text too (periodic
		// padding, UTF-16 of CJK): a long run's other alignments are read
		// (red team scrubatk18: a value in the middle line came through).
		return ok || known && len(run) < 32
	}
	if decodeRadix(run, buf, func(b []byte) bool { return try(b) && ok }) {
		return found, ok
	}
	ri := scanRun(run)
	h := hexBody(run)
	isHex := ri.hex || allHex(h)
	if len(h) >= 12 && isHex && decodeHex(h, buf, try) {
		return found, ok
	}
	if !isHex && hexStretches(run, func(x []byte) bool { return decodeHex(x, buf, try) }) {
		return found, ok
	}
	if ri.id || prefixedID(run) {
		return span{}, false
	}
	// (Base32 first, but only a find ends it: base64 of capitals may be
	// in base32's alphabet too.)
	if decodeBase32(run, buf, func(b []byte) bool { return try(b) && ok }) || decodeBase64(run, ri, w.m.wide, buf, try) {
		return found, ok
	}
	return span{}, false
}

// plausible: short decoded bytes that could be text, UTF-16 or a
// compressed stream (what ordinary words decode to mostly cannot); UTF-16
// of CJK or Hangul, or a double-byte charset's, only when wide.
func plausible(b []byte, wide bool) bool {
	if len(b) >= 2 && (b[0] == 0x1f && b[1] == 0x8b || b[0] == 0x78) || compressedLike(b) {
		return true
	}
	if _, ok := utf16Like(b); ok {
		return true
	}
	if wide {
		if _, ok := utf16Wide(b); ok || dbcsLike(b) {
			return true
		}
	}
	return textLike(b) || latin1Text(b) || ebcdicText(b)
}

// latin1Text: b reads as letters in Latin-1 (or a legacy 8-bit charset,
// byteForms), some of them high bytes: a Cyrillic name's cp1251 in hex
// (red team scrubatk18). Random bytes are such a letter (ASCII, 0xC0 to
// 0xFF) or a space one time in two, so a run of 6 or more seldom is.
func latin1Text(b []byte) bool {
	if len(b) < DefaultMinLength {
		return false
	}
	high := false
	for _, c := range b {
		switch {
		case c >= 0xc0 && c != 0xd7 && c != 0xf7:
			high = true
		case c|0x20 >= 'a' && c|0x20 <= 'z', c == ' ', c == '-', c == '.':
		default:
			return false
		}
	}
	return high
}

// printableRun is the length, in bytes, of b's longest run of text:
// printable ASCII, tabs and whole UTF-8 sequences of printable runes.
// Decoded noise seldom holds one as long as a value (a byte is printable
// ASCII one time in 2.7, and high bytes seldom make UTF-8).
func printableRun(b []byte) int {
	best, n := 0, 0
	for i := 0; i < len(b); {
		c := b[i]
		k := 1
		switch {
		case c >= 0x20 && c < 0x7f || c == '\t':
		case c >= 0xc2:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError || !unicode.IsPrint(r) {
				k = 0
			} else {
				k = size
			}
		default:
			k = 0
		}
		if k == 0 {
			n = 0
			i++
			continue
		}
		n += k
		best = max(best, n)
		i += k
	}
	return best
}

// scanBlob looks for a known value in decoded bytes, anywhere; known
// reports that the bytes read as something (compressed, UTF-16, text).
// Bytes that read as nothing are searched for whole words of values of
// minAnywhere or more (shorter ones turn up in noise by chance).
func (w *worker) scanBlob(b []byte, depth int) (sp span, found, known bool) {
	w.misses.scans++
	// The bytes as a stream, and a gzip stream a few bytes in (a length
	// or a tag before it, or a base64 run cut a byte off: red team
	// scrubatk19).
	for _, at := range [2]int{0, gzipAt(b)} {
		if at < 0 {
			continue
		}
		out, ok, over, raw := inflateRaw(b[at:], w.inflateRoom())
		if over {
			// More than the line may inflate to: not read whole, so
			// scrubbed whole.
			return span{kind: kindBlob, source: sourceLimit}, true, true
		}
		if !ok {
			continue
		}
		w.inflated += len(out)
		if sp, found, _ = w.scanBytes(out, depth); found || at == 0 && !raw {
			return sp, found, true
		}
		// (Raw deflate has no magic: the bytes may be text that reads
		// as a stream too.)
		known = true
	}
	sp, found, k := w.scanBytes(b, depth)
	return sp, found, known || k
}

// gzipSlack: how far into decoded bytes a gzip stream is looked for.
const gzipSlack = 8

// gzipAt is where a gzip stream starts in b's first bytes after its
// first, or a zlib stream after 4 (MySQL's COMPRESS(): the length, then
// the stream); -1: none.
func gzipAt(b []byte) int {
	if i := bytes.Index(b[:min(len(b), gzipSlack+3)], []byte{0x1f, 0x8b, 0x08}); i > 0 {
		return i
	}
	if len(b) > 6 && b[4] == 0x78 && (uint16(b[4])<<8|uint16(b[5]))%31 == 0 {
		return 4
	}
	return -1
}

// scanBytes is scanBlob's search in bytes already inflated.
func (w *worker) scanBytes(b []byte, depth int) (sp span, found, known bool) {
	var spans []span
	text := false // (b reads as text: viewsSpans searched it)
	if big, ok := utf16Wide(b); w.m.wide && ok {
		// (UTF-16 of CJK or Hangul may read as text too: both are read)
		spans = w.scanView(&view{text: wideText(b, big)}, true, spans)
		known = true
	}
	if off, ok := utf16Like(b); ok {
		// NULs at even offsets: big endian from the start, or little
		// endian a byte in (it read big endian a byte in, which is
		// neither: 005a006f of "Zo" in hex read as U+5A00 U+6F00)
		u := &view{}
		utf16View(b, 0, off == 1, u)
		spans = w.scanView(&view{text: u.text}, true, spans)
		if off == 1 {
			utf16View(b, 1, false, u)
			spans = w.scanView(&view{text: u.text}, true, spans)
		}
		known = true
	} else if text = textLike(b) || latin1Text(b); text {
		spans, _ = w.viewsSpans(&view{text: append([]byte(nil), b...)}, depth, true, spans)
		known = true
	}
	if u := (&view{}); !text && ebcdicText(b) && ebcdicView(b, u) {
		// (the bytes whole only: a stretch inside random bytes is
		// anything's)
		spans = w.scanWhole(&view{text: u.text}, true, spans)
	}
	if !text && w.m.wide {
		dbcsViews(b, func(u *view) {
			spans = w.scanWhole(&view{text: u.text}, true, spans)
			known = true
		})
	}
	if len(spans) == 0 && !text && (len(b) >= 24 || printableRun(b) >= w.m.minAnywhere) {
		// Whole words in bytes of no text (or that read as UTF-16 in
		// vain: "\xff\xfe" and a value): a value framed by a protocol
		// buffer's field, NUL padding, a packet (red team scrubatk16).
		for _, sp := range w.scanView(&view{text: b}, false, nil) {
			if sp.end-sp.start >= w.m.minAnywhere && framedText(b[sp.start:sp.end]) {
				spans = append(spans, sp)
			}
		}
	}
	if len(spans) == 0 {
		return span{}, false, known
	}
	if w.blobTags != nil && depth == 1 {
		*w.blobTags = append(*w.blobTags, spans...)
	}
	return spans[0], true, known
}

// framedText: a find in bytes of no text is text itself, the value's
// bytes as written (UTF-8 or Latin-1, no control byte but a tab): in
// random bytes (a key's base64 decoded) a control byte is a separator
// and a Latin-1 'Ä' or '¹' folds to a letter or a digit, so that a short
// value's skeleton turned up by chance (an IPv6 address's four in a
// generated SSH key: the nova pipeline's fuzzy verify, 1 run in 300).
func framedText(b []byte) bool {
	if printableRun(b) == len(b) {
		return true
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' || c >= 0x7f && c < 0xa0 {
			return false
		}
	}
	return true
}

// hexStretches calls try with each stretch of 12 hex digits or more in
// run that letters of no hex digit, '-' or '_' bound ("req-" and a
// value's hex came through whole), until it reports a find.
func hexStretches(run []byte, try func([]byte) bool) bool {
	for i := 0; i < len(run); {
		if !anyHex[run[i]] {
			i++
			continue
		}
		j := i
		for j < len(run) && anyHex[run[j]] {
			j++
		}
		if j-i >= 12 && try(run[i:j]) {
			return true
		}
		i = j
	}
	return false
}

// prefixedID: run is a short word, a dash and an id ("req-" and a UUID,
// as every OpenStack line carries): read as hex only, as an id is. (The
// word holds less than a piece's base64; base64 of text is seldom hex
// digits of one case and dashes for 8 characters.)
func prefixedID(run []byte) bool {
	i := 0
	for i < len(run) && i <= 4 && run[i] >= 'a' && run[i] <= 'z' {
		i++
	}
	if i == 0 || i > 4 || i >= len(run) || run[i] != '-' || len(run)-i-1 < 8 {
		return false
	}
	return scanRun(run[i+1:]).id
}
