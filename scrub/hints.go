package scrub

// hints finds which of the patterns' literals a line holds, ignoring
// ASCII case, in one pass: each literal is filed under its first two
// bytes, and a table of those pairs (8 KB) turns most places away.
type hints struct {
	pairs  [1 << 16 / 64]uint64
	byPair map[uint16][]hint
	slot   []uint8 // pair -> 1 + index into lists (0: none)
	lists  [][]hint
	n      int // patterns
}

type hint struct {
	lit      []byte // lower case
	patterns []int
}

func foldPair(a, b byte) uint16 { return uint16(asciiLowerByte(a))<<8 | uint16(asciiLowerByte(b)) }

func asciiLowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

// newHints files each pattern's literals (lits[i]: pattern i's; nil: a
// pattern without literals, always tried).
func newHints(lits [][]string) *hints {
	h := &hints{byPair: map[uint16][]hint{}, n: len(lits), slot: make([]uint8, 1<<16)}
	index := map[string]int{} // literal -> position under its pair
	for p, ls := range lits {
		for _, l := range ls {
			if len(l) < 2 {
				panic("scrub: a hint literal needs two bytes: " + l)
			}
			k := foldPair(l[0], l[1])
			if j, ok := index[l]; ok {
				h.byPair[k][j].patterns = append(h.byPair[k][j].patterns, p)
				continue
			}
			index[l] = len(h.byPair[k])
			h.byPair[k] = append(h.byPair[k], hint{lit: []byte(l), patterns: []int{p}})
			h.pairs[k/64] |= 1 << (k % 64)
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
		for _, c := range h.lists[h.slot[k]-1] {
			if hasPrefixFold(line[i:], c.lit) {
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
