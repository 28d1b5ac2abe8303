package scrub

// hints finds which of the patterns' literals a line holds, ignoring
// ASCII case, in one pass: each literal is filed under its first two
// bytes, and a table of those pairs (8 KB) turns most places away.
type hints struct {
	pairs [1 << 16 / 64]uint64
	// short: the pairs that are a literal themselves ("=>"); tri: the
	// first three bytes of the others (hashed), a second table that
	// turns away most places the pairs let through (in English text,
	// "pa", "se", "to" and "in" are everywhere)
	short  [1 << 16 / 64]uint64
	tri    [1 << 16 / 64]uint64
	byPair map[uint16][]hint
	slot   []uint8 // pair -> 1 + index into lists (0: none)
	lists  [][]hint
	n      int // patterns
}

type hint struct {
	lit      []byte // lower case
	patterns []int
	assign   bool // only where an assignment follows (assigned)
}

// patternHints are a pattern's literals (lower case; nil: none, the
// pattern is always tried) and whether the pattern needs an assignment
// after them.
type patternHints struct {
	lits   []string
	assign bool
}

// triOf hashes a pair and the byte after it (folded) to 16 bits.
func triOf(pair uint16, c byte) uint16 {
	return uint16((uint32(pair)<<8 | uint32(asciiLowerByte(c))) * 0x9e3779b1 >> 16)
}

func foldPair(a, b byte) uint16 { return uint16(asciiLowerByte(a))<<8 | uint16(asciiLowerByte(b)) }

func asciiLowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

// newHints files each pattern's literals (lits[i]: pattern i's).
func newHints(lits []patternHints) *hints {
	h := &hints{byPair: map[uint16][]hint{}, n: len(lits), slot: make([]uint8, 1<<16)}
	type lit struct {
		s      string
		assign bool
	}
	index := map[lit]int{} // literal -> position under its pair
	for p, ph := range lits {
		for _, l := range ph.lits {
			if len(l) < 2 {
				panic("scrub: a hint literal needs two bytes: " + l)
			}
			k := foldPair(l[0], l[1])
			if j, ok := index[lit{l, ph.assign}]; ok {
				h.byPair[k][j].patterns = append(h.byPair[k][j].patterns, p)
				continue
			}
			index[lit{l, ph.assign}] = len(h.byPair[k])
			h.byPair[k] = append(h.byPair[k], hint{lit: []byte(l), patterns: []int{p}, assign: ph.assign})
			h.pairs[k/64] |= 1 << (k % 64)
			if len(l) == 2 {
				h.short[k/64] |= 1 << (k % 64)
			} else {
				t := triOf(k, l[2])
				h.tri[t/64] |= 1 << (t % 64)
			}
		}
	}
	for k, l := range h.byPair {
		if len(h.lists) == 255 {
			panic("scrub: too many hint pairs")
		}
		h.lists = append(h.lists, l)
		h.slot[k] = uint8(len(h.lists))
	}
	return h
}

// enable marks the patterns whose literals line holds.
func (h *hints) enable(line []byte, enabled []bool) {
	if len(h.byPair) == 0 {
		return
	}
	for i := 0; i+1 < len(line); i++ {
		k := foldPair(line[i], line[i+1])
		if h.pairs[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		if h.short[k/64]&(1<<(k%64)) == 0 {
			if i+2 >= len(line) {
				continue
			}
			if t := triOf(k, line[i+2]); h.tri[t/64]&(1<<(t%64)) == 0 {
				continue
			}
		}
		for _, c := range h.lists[h.slot[k]-1] {
			if hasPrefixFold(line[i:], c.lit) && (!c.assign || assigned(line, i+len(c.lit))) {
				for _, p := range c.patterns {
					enabled[p] = true
				}
			}
		}
	}
}

// hasPrefixFold: b starts with lit (lower case), ignoring ASCII case.
func hasPrefixFold(b, lit []byte) bool {
	if len(b) < len(lit) {
		return false
	}
	for i, c := range lit {
		if asciiLowerByte(b[i]) != c {
			return false
		}
	}
	return true
}

// assigned: at line[i] (after a literal) an assignment follows, as the
// patterns that need one require it: more of the word (secret_key,
// session_id), at most one quote, blanks, then '=' or ':'. Dump-like text
// is full of literals inside names ("sid" in "Cassidy") with none.
func assigned(line []byte, i int) bool {
	for i < len(line) && (asciiAlnum[line[i]&0x7f] != 0 && line[i] < 0x80 || line[i] == '_' || line[i] == '-') {
		i++
	}
	if i < len(line) && (line[i] == '"' || line[i] == '\'') {
		i++
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n' || line[i] == '\f') {
		i++
	}
	return i < len(line) && (line[i] == '=' || line[i] == ':')
}
