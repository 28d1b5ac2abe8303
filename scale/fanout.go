package scale

import (
	"math"
	"slices"
)

// Family sizes: how many children each copy of a parent gets.

// familySizes are the sizes of a relation's families (parents with
// children), sorted: up, a copy's family size is another family's,
// drawn near its own in that order, so the sizes' distribution is the
// original's (noise added to each would widen it), and where few
// families share a size (the tail) a keyed lognormal factor (sigma 0.15)
// moves it too: a large family is not repeated exactly in every copy
// (repeats would pair copies with their original and count them).
type familySizes struct {
	sorted []int32
	width  int
}

func newFamilySizes(first []int32) *familySizes {
	f := &familySizes{}
	for i := 0; i+1 < len(first); i++ {
		if m := first[i+1] - first[i]; m > 0 {
			f.sorted = append(f.sorted, m)
		}
	}
	slices.Sort(f.sorted)
	f.width = max(2, len(f.sorted)/25)
	return f
}

// draw is the size of one copy (of a family of m, keyed by x).
func (f *familySizes) draw(p *Plan, tid uint64, m int, x uint64) int {
	n := len(f.sorted)
	lo, _ := slices.BinarySearch(f.sorted, int32(m))
	hi, _ := slices.BinarySearch(f.sorted, int32(m)+1)
	h := p.prf.hash(dFanout, tid, x, nil)
	r := lo + int(h%uint64(max(hi-lo, 1)))
	// a rank within ±width, reflected at the ends (clamping would pile
	// copies on the smallest and largest families)
	r += int(mix64(h)%uint64(2*f.width+1)) - f.width
	for r < 0 || r >= n {
		if r < 0 {
			r = -r - 1
		} else {
			r = 2*n - 1 - r
		}
	}
	size := int(f.sorted[r])
	lo, _ = slices.BinarySearch(f.sorted, int32(size))
	hi, _ = slices.BinarySearch(f.sorted, int32(size)+1)
	if hi-lo < 4 && size > 1 {
		// a near-normal deviate from four 16-bit parts of one hash
		// (Irwin-Hall, variance 1 after scaling): no logarithm or cosine
		g := p.prf.hash(dFanout, tid^0x5a5a, x, nil)
		u := float64(g&0xffff+g>>16&0xffff+g>>32&0xffff+g>>48) / 65536
		z := (u - 2) * math.Sqrt(3)
		size = max(1, int(math.Round(float64(size)*math.Exp(0.15*z))))
	}
	return size
}

// famFew: a relation with at most this many families (parents with
// children) has its children's count follow the child table's own drawn
// factor, as a root table's does; one with more families follows its
// parents' copies more and more (weight (famFew/families)²: 16 families
// a quarter, 100 under 1%). Where families are few, their sizes are the
// child table's count itself (one Nova aggregate holds every compute
// host: 8 children per parent is the deployment's size), and copies
// that kept them would publish it in every output; where they are many,
// their distribution is what the output keeps by design (compare's
// similarity), and moving it would widen it.
const famFew = 8

// familyWeight is how much a child table's count follows its own drawn
// factor rather than its parents' copies (0 to 1). A kept parent's
// children follow their own (the parent's count is the original's: the
// children per parent would give the child table's). None with --jitter
// 0.
func (p *Plan) familyWeight(t *table, rel *relation) float64 {
	if p.opts.Exact || t.keep {
		return 0
	}
	if rel.parent.keep {
		return 1
	}
	rel.link()
	families := 0
	for _, n := range rel.count {
		if n > 0 {
			families++
		}
	}
	if families == 0 {
		return 0
	}
	w := min(1, float64(famFew)/float64(families))
	return w * w
}

// rowsFactor is the factor a table's rows follow: a root's own; a
// child's its family parent's, moved toward its own by familyWeight.
func (p *Plan) rowsFactor(t *table) float64 {
	if t.keep {
		return 1
	}
	rel := firstParent(t)
	if rel == nil {
		return t.factor
	}
	f := 1.0
	if pt := rel.parent; !pt.keep {
		f = p.rowsFactor(pt) // relations have no cycles (checkCycles)
	}
	return f * math.Pow(t.factor/f, p.familyWeight(t, rel))
}

// familyScale: every family of a child table is multiplied by g (its
// drawn factor over the factor its family parents' copies came to,
// weighted by familyWeight: the child table's count then follows its
// own draw, the children per parent are a ratio of two keyed draws),
// and each copy's size by a keyed lognormal of sigma spread (half the
// weighted jitter's spread). The run's options salt both, so several
// outputs under one key draw apart.
func (p *Plan) familyScale(t *table, rel *relation, first []int32) (g, spread float64) {
	w := p.familyWeight(t, rel)
	if w == 0 {
		return 1, 0
	}
	have, copies := 0, 0
	for prow := 0; prow < rel.parent.rows; prow++ {
		if first[prow+1] > first[prow] {
			have++
			copies += int(rel.parent.copies[prow])
		}
	}
	if copies == 0 {
		return 1, 0
	}
	pe := float64(copies) / float64(have)
	return math.Pow(t.factor/pe, w), w * math.Log(Spread(p.opts.Jitter)) / 2
}

// canGrow: a copy of a family may take a child twice. A unique key that
// holds the reference forbids it, unless another of the key's columns
// gets a new value in each copy of the child (a nearly unique text:
// Nova's aggregate_hosts (host, aggregate_id, deleted)), which a child
// taken twice into one family copy renews apart (familyCopy's label).
// Otherwise a family can only shrink, and its largest copy is its size.
func (p *Plan) canGrow(t *table, rel *relation) bool {
	for _, u := range t.unique {
		holds, renewed := false, false
		for _, c := range u {
			if slices.Contains(rel.ccols, c) {
				holds = true
			} else if p.renewedText(t, c) {
				renewed = true
			}
		}
		if holds && !renewed {
			return false
		}
	}
	return true
}

// renewedText: column c will be a fresh text column (classify's cFresh
// for a string): every copy gets its own new value. Decided before
// classify runs, from the same facts.
func (p *Plan) renewedText(t *table, c int) bool {
	col := t.schema.Columns[c]
	if c >= len(t.prof) || t.prof[c] == nil || !isStringType(col.Type) || isBinaryType(col.Type) || col.Type == "enum" || col.Type == "set" {
		return false
	}
	if col.Length > 0 && col.Length < 8 {
		return false // a short code: new values could collide
	}
	if r := p.opts.Rules.RuleIn(t.db, t.name, col.Name); r != nil {
		switch r.Kind.Name {
		case "keep", "fixed", "null", "datetime":
			return false
		}
	}
	pr := t.prof[c]
	return !pr.time && !(pr.selfID && pr.selfN > 0) && !t.lowCardinality(c) && (pr.over || len(pr.counts) > 0)
}
