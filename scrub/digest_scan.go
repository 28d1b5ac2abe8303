package scrub

// Finding digests (digests.go) in a view: each run of hex digits (':' or
// '-' between two of them go on with it: a fingerprint, a UUID's shape)
// and each run of base64 letters and digits long enough to hold a window
// has every window of it looked up, first in the digests' filter, then
// for real. An ordinary log line has few such runs (its words are
// shorter than a window, a date's digits are cut by spaces), so text
// without digests costs one pass over its bytes.

// b64RunByte: the bytes of a base64 run (both alphabets; '=' ends
// one), b64Alnum its letters and digits.
// digestRunByte adds ':' (a hex run's).
var b64RunByte, b64Alnum, digestRunByte [256]bool

func init() {
	for c := 0; c < 256; c++ {
		b64Alnum[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		b64RunByte[c] = b64Alnum[c] || c == '+' || c == '/' || c == '-' || c == '_'
		digestRunByte[c] = b64RunByte[c] || c == ':'
	}
}

// scanDigests appends the spans of the digests found in v: each the
// whole run a window of one is in (the rest of it checks a guess too).
func (w *worker) scanDigests(v *view, spans []span) []span {
	if w.m.digests == nil {
		return spans
	}
	t := v.text
	for i := 0; i < len(t); {
		j := i
		for j < len(t) && digestRunByte[t[j]] {
			j++
		}
		if j-i >= digestHexWin {
			spans = w.digestHex(v, i, j, spans)
			spans = w.digestB64(v, i, j, spans)
		}
		i = j + 1
	}
	return spans
}

// digestHex looks up the windows of the hex runs in t[i:j].
func (w *worker) digestHex(v *view, i, j int, spans []span) []span {
	t := v.text
	for k := i; k < j; {
		if !isHexByte(t[k]) {
			k++
			continue
		}
		// A run of hex digits from k; a ':' or '-' between two goes on.
		w.dig = w.dig[:0]
		e := k
		for e < j {
			c := t[e]
			if isHexByte(c) {
				w.dig = append(w.dig, asciiLower[c])
				e++
				continue
			}
			if (c == ':' || c == '-') && e+1 < j && isHexByte(t[e+1]) {
				e++
				continue
			}
			break
		}
		if len(w.dig) >= digestHexWin {
			spans = w.digestWindows(v, k, e, digestHexWin, spans)
		}
		k = e
	}
	return spans
}

// digestB64 looks up the windows of the base64 runs in t[i:j] (':'
// ends one).
func (w *worker) digestB64(v *view, i, j int, spans []span) []span {
	t := v.text
	for k := i; k < j; {
		if t[k] == ':' {
			k++
			continue
		}
		w.dig = w.dig[:0]
		e := k
		for ; e < j && t[e] != ':'; e++ {
			if c := t[e]; b64Alnum[c] {
				w.dig = append(w.dig, asciiLower[c])
			}
		}
		if len(w.dig) >= digestB64Win {
			spans = w.digestWindows(v, k, e, digestB64Win, spans)
		}
		k = e
	}
	return spans
}

// digestWindows looks up each window of n bytes of w.dig (the run
// t[st:en]); a known one's run is a span.
func (w *worker) digestWindows(v *view, st, en, n int, spans []span) []span {
	f := w.m.digests
	for s := 0; s+n <= len(w.dig); s++ {
		g := w.dig[s : s+n]
		if !f.has(g) {
			continue
		}
		ent, tag, ok := w.m.verify(w, domDigest, g)
		if !ok {
			continue
		}
		a, b := v.source(st, en)
		return append(spans, span{a, b, ent.kind, ent.source, tag})
	}
	return spans
}

// digestSeed: the digests' windows' hashes differ from the others'.
func digestSeed(seed uint64) uint64 { return seed ^ 0xbb67ae8584caa73b }
