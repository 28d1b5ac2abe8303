package scrub

import (
	"bytes"
	"strings"
	"unicode"
)

// Windows: a value made of common words ("db-primary.corp-zeta.internal",
// "john.smith@example.com", the "broker.prod-east.internal" of
// "kafka-broker.prod-east.internal") has no distinctive piece (each of its
// pieces is a common word's part: commonPiece), and its whole key is
// found only where a word begins and ends. Glued to other letters
// ("Xdb-primary.corp-zeta.internal", "9kafka-broker...") or cut inside a
// word, it came through whole. So each run of windowRunes runes of such
// a stretch is a key of its own (domain C), found anywhere through the
// pieces' filter (its two first grams in the first level, its own hash
// in the second) and looked up as the pieces are; where consecutive
// windows are found, the text they cover goes, marked as a piece.
//
// A window is one only when it says something as the pieces do not: it
// spans three words of the value or more (a long common word, or two,
// are any text's: "installation", "database server"), it holds no space
// of the value's unless the value has windowWords words or fewer (a
// free text's words are every log's; a passphrase's, "correct horse
// battery staple" glued as one word, are not), no distinctive
// piece (that piece finds it already), some letter, and, for a value at
// a public mail service's or the documentation's domain, at least
// windowLocal runes before it (every "...smith@gmail.com" shares
// "smithgmailco", every "…id.example.com" "idexamplecom").
const (
	domWindow   = 'C'
	windowRunes = 12
	windowParts = 3
	windowLocal = 8
	windowWords = 5
)

// windowSeed: the second level's hash of a window differs from a piece's.
const windowSeed = 0x3c6ef372fe94f82b

func (f *pieceFilter) windowHash(g []byte) uint64 { return gramHash(g, f.seed^windowSeed) }

// windowsOf appends the windows of a value's skeleton rep sk, made of
// text t; starts are sk's rune starts (and its end), distinct marks the
// starts where a distinctive piece begins (piecesOf).
func windowsOf(t string, sk *rep, starts []int, distinct []bool, out []key) []key {
	if len(starts) < windowRunes+1 || !undistinctRun(distinct, len(starts)) {
		return out
	}
	// spaced[k]: white space of t comes before rune k (of the skeleton);
	// none counts in a value of windowWords words or fewer.
	spaced := make([]bool, len(starts))
	prevEnd, words, tb := 0, 1, []byte(t)
	for k := 0; k+1 < len(starts); k++ {
		s := int(sk.src[starts[k]])
		if k > 0 && strings.ContainsFunc(t[prevEnd:s], unicode.IsSpace) {
			spaced[k] = true
			words++
		}
		prevEnd = runeEnd(tb, s)
	}
	if words <= windowWords {
		clear(spaced)
	}
	local := len(starts) // the runes before a public domain the value ends in
	if d := publicSuffix(t); d > 0 {
		local = 0
		for local+1 < len(starts) && int(sk.src[starts[local]]) < d {
			local++
		}
	}
	for k := 0; k+windowRunes < len(starts); k++ {
		if local-k < windowLocal {
			break
		}
		ok, parts := true, 1
		for j := 1; j < windowRunes && ok; j++ {
			ok = !spaced[k+j]
			if sk.fl[starts[k+j]]&(flGap|flCase) != 0 {
				parts++
			}
		}
		for j := 0; j+pieceRunes <= windowRunes && ok; j++ {
			ok = !distinct[k+j]
		}
		if !ok || parts < windowParts {
			continue
		}
		g := sk.b[starts[k]:starts[k+windowRunes]]
		if allDigits(g[:min(len(g), pieceRunes)]) || !bytes.ContainsFunc(g, unicode.IsLetter) || fewRunes(g) {
			continue // (a window that starts with six digits is not in the first level: pieces.go)
		}
		out = append(out, key{dom: domWindow, b: clone(g), grams: gramBounds(starts, k)})
	}
	return out
}

// publicSuffix is where the public domain t ends in begins (0: none): a
// mail service's or the documentation's (mailProviders), after an '@'
// or a '.'. Its windows are every other value's at that domain
// ("idexamplecom" of "…david.example.com" took "valid.example.com").
func publicSuffix(t string) int {
	lt := strings.ToLower(t)
	best := 0
	for d := range mailProviders {
		if i := len(lt) - len(d); i > 1 && (lt[i-1] == '.' || lt[i-1] == '@') && lt[i:] == d && (best == 0 || i < best) {
			best = i
		}
	}
	return best
}

// undistinctRun: some window's places hold no distinctive piece (of n
// rune starts, distinct marks where pieces begin): most values' pieces
// leave none, and their windows are not looked for.
func undistinctRun(distinct []bool, n int) bool {
	run := 0
	for k := 0; k+pieceRunes <= n-1 && k < len(distinct); k++ {
		if distinct[k] {
			run = 0
			continue
		}
		if run++; run >= windowRunes-pieceRunes+1 {
			return true
		}
	}
	return false
}

// windowAt is the known window starting at rune start i of skeleton b,
// if any.
func (m *matcher) windowAt(w *worker, b []byte, fl []uint8, i int) ([]byte, entry, bool) {
	e := runesEnd(fl, i, windowRunes)
	if e < 0 {
		return nil, entry{}, false
	}
	en, ok := m.knownWindow(w, b[i:e])
	return b[i:e], en, ok
}

// knownWindow looks window g up: the second level, then the keys.
func (m *matcher) knownWindow(w *worker, g []byte) (entry, bool) {
	if !m.pieces.has2(m.pieces.windowHash(g)) {
		return entry{}, false
	}
	en, _, ok := m.verify(w, domWindow, g)
	return en, ok
}

// windowRuns looks up the windows at places ps (rising: those whose
// grams passed the windows' first level) and appends each run of
// overlapping known windows as one hit, as pieceRuns does for pieces
// (every window has windowRunes runes: the later one starts, the later
// it ends, so the places inside a run are tried from the last back).
func (m *matcher) windowRuns(w *worker, r *rep, ps []int32, hits []hit) []hit {
	b, fl := r.b, r.fl
	return lookRuns(w, r, ps, hits, func(i, runE int) (int, entry, bool) {
		e := runesEnd(fl, i, windowRunes)
		if e < 0 || e <= runE {
			return 0, entry{}, false
		}
		en, ok := m.knownWindow(w, b[i:e])
		return e, en, ok
	})
}
