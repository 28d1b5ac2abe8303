package scale

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// decide sets every row's number of copies, then keys and contents.
func (p *Plan) decide() error {
	p.resolveRelations()
	if len(p.errs) > 0 {
		return p.errs[0]
	}
	if err := p.checkCycles(); err != nil {
		return err
	}
	for _, t := range p.order {
		t.root = true
		for _, rel := range t.parents {
			if rel.parent != t {
				t.root = false
			}
		}
	}
	if err := p.factors(); err != nil {
		return err
	}
	if p.identity {
		for _, t := range p.order {
			t.copies = make([]uint16, t.rows)
			fillOnes(t.copies)
			t.out, t.keep = t.rows, true
		}
		return nil
	}
	p.decideCopies()
	p.partners()
	if err := p.planKeys(); err != nil {
		return err
	}
	p.windows()
	for _, t := range p.order {
		if !t.keep && t.prof != nil {
			p.classify(t)
		}
	}
	p.softRefs()
	p.planSequences()
	p.warnUndeclared()
	return nil
}

// factors sets each table's factor: the global one, overrides, targets
// (which, without a global factor, set it) or the size, and each table's
// keyed draw within the jitter's spread.
func (p *Plan) factors() error {
	o := &p.opts
	for name := range o.Tables {
		t := p.lookupTable("", name)
		if t == nil {
			return fmt.Errorf("--table %s: no such table in the dump", name)
		}
		if !t.root {
			return fmt.Errorf("--table %s: the table follows its parents (%s); set the factor of its root table instead", name, t.parents[0].name)
		}
	}
	logSum, nTargets := 0.0, 0
	for name, n := range o.Targets {
		t := p.lookupTable("", name)
		if t == nil {
			return fmt.Errorf("--rows %s: no such table in the dump", name)
		}
		if t.rows == 0 {
			return fmt.Errorf("--rows %s=%d: the table has no rows to scale", name, n)
		}
		if !t.root && o.Factor > 0 {
			return fmt.Errorf("--rows %s: the table follows its parents; give a target to its root table instead, or no --factor (the target then sets it)", name)
		}
		logSum += math.Log(float64(n) / float64(t.rows))
		nTargets++
	}
	if o.Size > 0 {
		o.Factor = 1 // the size sets it below, once the draws are known
	} else if o.Factor == 0 {
		o.Factor = math.Exp(logSum / float64(nTargets))
	}
	keep := map[string]bool{}
	if o.Keep == nil {
		o.Keep = DefaultKeep
	}
	for _, k := range o.Keep {
		keep[k] = true
	}
	logSpread := math.Log(Spread(o.Jitter))
	for _, t := range p.order {
		t.factor = o.Factor
		if keep[t.name] || isSeqTable(t) {
			t.factor, t.keep = 1, true
			continue
		}
		if f, ok := o.Tables[t.name]; ok {
			t.factor = f
		}
		if n, ok := o.Targets[t.name]; ok && t.root {
			t.factor, t.exact = float64(n)/float64(t.rows), true
		}
		if base, ok := strings.CutPrefix(t.name, "shadow_"); ok && p.tables[tkey(t.db, base)] != nil {
			continue // set below from the twin
		}
		if o.Exact {
			t.exact = t.exact || t.root
		} else if !t.exact && !p.identity {
			// Each table draws its own factor, log-uniform within
			// ×/÷ the spread: a count is the original times a factor
			// the attacker cannot guess closer than the spread, and
			// the ratio of two tables' counts is not the original's.
			// (A child's draw counts only for its rows without a
			// parent; the others follow their parents' copies.)
			t.factor *= math.Exp(logSpread * (2*p.prf.unit(dJitter, t.id, 0) - 1))
		}
	}
	for _, t := range p.order {
		if base, ok := strings.CutPrefix(t.name, "shadow_"); ok && p.tables[tkey(t.db, base)] != nil && !t.keep {
			t.factor = p.tables[tkey(t.db, base)].factor
		}
	}
	if o.Size > 0 {
		return p.sizeFactors()
	}
	return nil
}

// sizeFactors scales the drawn factors so that the rows written come to
// about Size bytes: a table's bytes follow the factor its rows follow
// (rowsFactor). The original's size is then nowhere in the output's.
func (p *Plan) sizeFactors() error {
	var fixed, scaled float64
	for _, t := range p.order {
		if t.keep {
			fixed += float64(t.bytes)
			continue
		}
		scaled += float64(t.bytes) * p.rowsFactor(t)
	}
	room := float64(p.opts.Size) - fixed
	if scaled == 0 {
		return errors.New("--size: the dump has no rows to scale")
	}
	if room <= 0 {
		return fmt.Errorf("--size %d: the tables written as they are take %.0f bytes already", p.opts.Size, fixed)
	}
	k := room / scaled
	for _, t := range p.order {
		if !t.keep {
			t.factor *= k
		}
	}
	p.opts.Factor = k
	return nil
}

// windows: how far a family's datetimes may move: the window asked for,
// or more for a sparse table, where copies of one row moved by a few
// weeks would stand out as clusters between its rows. The width follows
// the output's rows (30 spans of the output's mean gap: as wide as 3 of
// the original's up to a factor of 10), not the original's: how far
// dates spread past the table's first and last is there to see.
func (p *Plan) windows() {
	for _, t := range p.order {
		t.window = p.opts.Window.Seconds()
		for _, pr := range t.prof {
			if pr != nil && pr.time && pr.tn >= 2 {
				t.window = math.Max(t.window, 30*(pr.tmax-pr.tmin)/float64(max(t.out, 1)))
				break
			}
		}
	}
}

func fillOnes(c []uint16) {
	for i := range c {
		c[i] = 1
	}
}

// decideCopies: roots (and rows whose parent row is missing) get copies
// from their table's factor; a child row is in each copy of its family,
// as many times as that copy's family size asks.
func (p *Plan) decideCopies() {
	for _, rel := range p.relations {
		rel.link()
	}
	// descendants per row, bottom up (for the order families are dealt in)
	order := p.topo()
	for i := len(order) - 1; i >= 0; i-- {
		t := order[i]
		t.desc = make([]int32, t.rows)
		for _, rel := range t.kids {
			if rel.child == t {
				continue
			}
			for c, pr := range rel.parentOf {
				if pr >= 0 {
					t.desc[pr] += 1 + rel.child.desc[c]
				}
			}
		}
	}
	for _, t := range order {
		t.copies = make([]uint16, t.rows)
		if t.keep {
			fillOnes(t.copies)
			continue
		}
		// Down, a kept row is as new as a copy: verbatim, it would be
		// an original row published, and its style (links between
		// columns, the original's numbers) would tell a downscale from
		// an upscale, so that each dump says on which side of its count
		// the original lies (red team duckatk3, E1).
		t.renew = true
		t.fam = firstParent(t)
		if t.fam == nil {
			t.up = t.factor > 1
			p.allocate(t, nil, t.factor)
			continue
		}
		t.up = t.fam.parent.up
		p.families(t)
	}
}

// allocate gives rows (nil: all rows) copies summing to their table's
// target. Rows are ordered by the shape of their families (children per
// relation, then all descendants, then a keyed hash) and the copies are
// dealt systematically along that order, so every family shape keeps its
// share. Up, each row gets a keyed weight in [0.5, 1.5] (pairs of
// neighbours of one shape sum to 2, so the shares hold), and its copies
// are its weight's share: counts of kept values are then no multiple of
// the factor.
func (p *Plan) allocate(t *table, rows []int, f float64) {
	if rows == nil {
		rows = make([]int, t.rows)
		for i := range rows {
			rows[i] = i
		}
	}
	n := len(rows)
	if n == 0 {
		return
	}
	x := f * float64(n)
	whole := len(rows) == t.rows
	if whole && !t.exact && f > 1 {
		// A few rows more or less: the factor's noise moves no count of
		// a small table, which would stay an exact multiple of it.
		x += 2 * (2*p.prf.unit(dNoise, t.id, 1) - 1)
	}
	total := max(1, int(math.Round(x)))
	if whole && f > 1 {
		// An upscale never writes a lone row: a table of one row would
		// show it in every output (a downscale keeps one), and its
		// children per parent with it.
		total = max(total, 2)
	}
	order := p.familyOrder(t, rows)
	start := p.prf.unit(dStart, t.id, 0)
	if total <= n && f <= 1 {
		step := float64(n) / float64(total)
		for k := 0; k < total; k++ {
			i := min(int((start+float64(k))*step), n-1)
			t.copies[order[i]] = 1
		}
		return
	}
	// weights: pairs of neighbours of the same family shape get 1±d (so
	// every shape keeps its share of the copies), a row whose shape is
	// its own gets 1
	w := make([]float64, n)
	sum := 0.0
	for i := 0; i < n; {
		if i+1 < n && t.sameShape(order[i], order[i+1]) {
			d := p.prf.unit(dWeight, t.id, uint64(i)) / 2
			w[i], w[i+1] = 1+d, 1-d
			i += 2
			continue
		}
		w[i] = 1
		i++
	}
	for _, x := range w {
		sum += x
	}
	acc := start
	for i, row := range order {
		x := float64(total) * w[i] / sum
		c := math.Floor(acc+x) - math.Floor(acc)
		acc += x
		t.copies[row] = uint16(min(c, math.MaxUint16))
	}
}

// sameShape: two rows have as many children in each relation and as many
// descendants.
func (t *table) sameShape(a, b int) bool {
	for _, rel := range t.kids {
		if rel.child != t && rel.count[a] != rel.count[b] {
			return false
		}
	}
	return t.desc[a] == t.desc[b]
}

// familyOrder sorts rows by their families' shape (children in each
// relation, then all descendants), then by keyed hash.
func (p *Plan) familyOrder(t *table, rows []int) []int {
	var kids []*relation
	for _, rel := range t.kids {
		if rel.child != t {
			kids = append(kids, rel)
		}
	}
	type ranked struct {
		row int32
		h   uint64
	}
	rs := make([]ranked, len(rows))
	for i, row := range rows {
		rs[i] = ranked{int32(row), p.base.hash(dOrder, t.id, uint64(row), nil)}
	}
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i].row, rs[j].row
		for _, rel := range kids {
			if x, y := rel.count[a], rel.count[b]; x != y {
				return x < y
			}
		}
		if x, y := t.desc[a], t.desc[b]; x != y {
			return x < y
		}
		return rs[i].h < rs[j].h
	})
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = int(r.row)
	}
	return out
}

// families decides a child table's copies from its family relation. Up,
// copy k of a parent with m children gets a family of about m (see
// familySizes; at least one child), while the distribution of family
// sizes keeps its shape. Children are picked in a keyed order; a larger family
// takes some children twice (not when a unique key holds the reference,
// where it can only shrink).
func (p *Plan) families(t *table) {
	rel := t.fam
	t.famRow = append([]int32(nil), rel.parentOf...)
	var free []int
	for r, pr := range t.famRow {
		if pr < 0 {
			free = append(free, r)
		}
	}
	grow := p.canGrow(t, rel)
	// children of each parent row, in row order (a counting sort)
	first := make([]int32, rel.parent.rows+1)
	for _, pr := range t.famRow {
		if pr >= 0 {
			first[pr+1]++
		}
	}
	for i := range rel.parent.rows {
		first[i+1] += first[i]
	}
	byParent := make([]int32, first[rel.parent.rows])
	fill := append([]int32(nil), first[:rel.parent.rows]...)
	for r, pr := range t.famRow {
		if pr >= 0 {
			byParent[fill[pr]] = int32(r)
			fill[pr]++
		}
	}
	sizes := newFamilySizes(first)
	g, spread := p.familyScale(t, rel, first)
	type pair struct {
		child int32
		k     uint16
	}
	var pairs []pair
	perRow := make([]uint32, t.rows+1)
	kids := make([]int32, 0, 64)
	for prow := 0; prow < rel.parent.rows; prow++ {
		cp := int(rel.parent.copies[prow])
		ch := byParent[first[prow]:first[prow+1]]
		m := len(ch)
		if cp == 0 || m == 0 {
			continue
		}
		for k := 0; k < cp; k++ {
			size := m
			if m > 1 || grow {
				x := uint64(prow)<<16 | uint64(k)
				if t.up {
					size = sizes.draw(p, t.id, m, x)
				}
				if spread > 0 {
					size = max(1, int(math.Round(float64(size)*g*math.Exp(spread*p.prf.normal(dFanScale, t.id, x)))))
				}
				if !grow {
					size = min(size, m)
				}
			}
			if size == m {
				for _, c := range ch {
					pairs = append(pairs, pair{c, uint16(k)})
					perRow[c+1]++
				}
				continue
			}
			// a keyed choice of the children for this copy
			kids = append(kids[:0], ch...)
			r := stream{s: p.prf.hash(dPick, t.id, uint64(prow)<<16|uint64(k), nil)}
			for i := m - 1; i > 0; i-- {
				j := r.intn(i + 1)
				kids[i], kids[j] = kids[j], kids[i]
			}
			for i := 0; i < size; i++ {
				c := kids[i%m]
				pairs = append(pairs, pair{c, uint16(k)})
				perRow[c+1]++
			}
		}
	}
	t.at = make([]uint32, t.rows+1)
	for r := 0; r < t.rows; r++ {
		t.at[r+1] = t.at[r] + min(perRow[r+1], math.MaxUint16)
	}
	t.attach = make([]uint16, t.at[t.rows])
	used := make([]uint32, t.rows)
	for _, pr := range pairs {
		if used[pr.child] < t.at[pr.child+1]-t.at[pr.child] {
			t.attach[t.at[pr.child]+used[pr.child]] = pr.k
			used[pr.child]++
		}
	}
	for r := 0; r < t.rows; r++ {
		t.copies[r] = uint16(t.at[r+1] - t.at[r])
	}
	if len(free) > 0 {
		p.allocate(t, free, t.factor)
	}
}

// partners: a kept row must not reference a dropped one. Within a table
// (a self-reference) the referenced row is kept too; across tables the
// references of a dropped row go to a kept row of the same family shape
// (dropped and kept rows matched along the same order), so the parent
// table shrinks with the factor instead of being pulled in whole, and
// families keep their sizes.
func (p *Plan) partners() {
	for changed := true; changed; {
		changed = false
		for _, rel := range p.relations {
			if rel.child != rel.parent {
				continue
			}
			t := rel.child
			rel.link()
			for row, pr := range rel.parentOf {
				if t.copies[row] > 0 && pr >= 0 && t.copies[pr] == 0 {
					t.copies[pr] = 1
					if t.famRow != nil {
						t.famRow[pr] = -1 // kept on its own now
					}
					changed = true
				}
			}
		}
	}
	for _, rel := range p.relations {
		if rel.child == rel.parent || rel.parent.keep {
			continue
		}
		need := map[int32]bool{}
		rel.link()
		for row, pr := range rel.parentOf {
			if rel.child.copies[row] == 0 || pr < 0 {
				continue
			}
			if rel == rel.child.fam && rel.child.famRow[row] >= 0 {
				continue // follows its family
			}
			if rel.parent.copies[pr] == 0 {
				need[pr] = true
			}
		}
		if len(need) == 0 {
			continue
		}
		var dropped, kept []int
		for r := 0; r < rel.parent.rows; r++ {
			if need[int32(r)] {
				dropped = append(dropped, r)
			} else if rel.parent.copies[r] > 0 {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			for _, r := range dropped {
				rel.parent.copies[r] = 1 // nothing to point at: keep them
			}
			continue
		}
		dropped = p.familyOrder(rel.parent, dropped)
		kept = p.familyOrder(rel.parent, kept)
		rel.partner = map[int32]int32{}
		for i, r := range dropped {
			rel.partner[int32(r)] = int32(kept[i*len(kept)/len(dropped)])
		}
	}
}
