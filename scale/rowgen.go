package scale

import (
	"bytes"
	"hash/maphash"
	"strconv"
	"unicode/utf8"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// gen renders output rows; one per worker.
type gen struct {
	p     *Plan
	val   []byte
	buf   []byte
	cats  []*catValue // the current input row's low-cardinality values
	vals  [][]byte    // the current input row's values to renew (raw bodies, or decoded)
	own   [][]byte    // buffers for decoded values (vals may point into the statement)
	vh    []uint64    // and their keyed digests
	nums  []byte      // a fresh value whose numbers are renewed
	same  []int       // per column: an earlier column whose text it equals (-1: none, -2: none, and a text)
	span  [][2]int    // per column: where the current copy's new text is in dst
	home  uint64      // the row's home copy
	later dupLater    // the current copy's levels of duplication (familyCopy)
	// one PRF output per input row, mixed (bijectively) with a column's
	// tweak and the copy for the decisions of each column and copy
	secretT *table
	secretR int
	secret  uint64
}

func (g *gen) rowSecret(t *table, r int) uint64 {
	if g.secretT != t || g.secretR != r {
		g.secretT, g.secretR, g.secret = t, r, g.p.prf.hash(dRow, t.id, uint64(r), nil)
	}
	return g.secret
}

// rowCopies renders every copy of one input row, appending each to dst
// and reporting it (with its output position) to emit.
func (g *gen) rowCopies(dst []byte, t *table, in *sqldump.Insert, row, r int, emit func(pos uint32, start int)) []byte {
	n := int(t.copies[r])
	if n == 0 {
		return dst
	}
	if t.renew {
		g.prepare(t, in, row, r)
	}
	for j := 0; j < n; j++ {
		start := len(dst)
		dst = g.appendRow(dst, t, in, row, r, j)
		pos := uint32(t.copyOf(r, j))
		if t.pos != nil {
			pos = t.pos[pos]
		}
		emit(pos, start)
	}
	return dst
}

// catAt is the current row's low-cardinality value of column c (nil
// when the table is not renewed: prepare ran for renewed tables only).
func (g *gen) catAt(t *table, c int) *catValue {
	if !t.renew || c >= len(g.cats) {
		return nil
	}
	return g.cats[c]
}

// prepare caches what all copies of a row share.
func (g *gen) prepare(t *table, in *sqldump.Insert, row, r int) {
	if len(g.cats) < in.Width() {
		g.cats = make([]*catValue, in.Width())
		g.vals = make([][]byte, in.Width())
		g.own = make([][]byte, in.Width())
		g.vh = make([]uint64, in.Width())
		g.same = make([]int, in.Width())
		g.span = make([][2]int, in.Width())
	}
	// the copy that keeps every low-cardinality value of the row
	g.home = g.p.prf.hash(dHome, t.id, uint64(r), nil) % uint64(t.copies[r])
	for c, cp := range t.cols {
		g.cats[c] = nil
		g.same[c] = -1
		if cp == nil {
			continue
		}
		v := in.Value(row, c)
		if v.IsNull() {
			continue
		}
		if cp.class == cFresh && v.Kind == sqldump.KindString && !cp.binary && len(body(v.Raw)) > 0 {
			// a text equal to an earlier column's (an email in two
			// places): copies write the earlier one's new value again
			b := body(v.Raw)
			for e := 0; e < c; e++ {
				if g.same[e] == -2 && bytes.Equal(g.vals[e], b) {
					g.same[c] = e
					break
				}
			}
			if g.same[c] == -1 {
				g.same[c] = -2 // a string fresh column others may equal
			}
		}
		switch cp.class {
		case cCategorical:
			g.cats[c] = cp.cat[maphash.Bytes(g.p.seed, v.Raw)]
		case cFresh, cTime:
			// The literal's body as it is: new values replace only
			// letters and digits, so escapes can stay escaped.
			if v.Kind == sqldump.KindString && !cp.binary {
				g.vals[c] = body(v.Raw)
			} else {
				g.own[c] = v.Bytes(g.own[c][:0])
				g.vals[c] = g.own[c]
			}
			if cp.class == cFresh {
				g.vh[c] = g.p.prf.hash(dFresh, cp.tweak, 0, g.vals[c])
			}
		}
	}
}

// familyCopy: the root row and copy of the family a copy belongs to, a
// label for its new values (the same within one family copy, so a value
// a parent and its children share stays shared; children taken twice
// into one family copy differ), and (into dl) how much later than its
// family's warp a child taken twice (and its subtree) is dated, so that
// the two do not carry the same datetimes; and the copy of the root row.
func (t *table) familyCopy(p *Plan, r, j int, dl *dupLater) (*table, uint64, uint64, int) {
	path := uint64(0)
	type level struct {
		id  uint64
		row int
		dup uint64
	}
	var dups [len(dl.lv)]level
	nd := 0
	for t.famRow != nil && t.famRow[r] >= 0 {
		lst := t.attach[t.at[r]:t.at[r+1]]
		k := lst[j]
		dup := uint64(0)
		for _, x := range lst[:j] {
			if x == k {
				dup++
			}
		}
		if dup > 0 && nd < len(dups) {
			dups[nd] = level{t.id, r, dup}
			nd++
		}
		path = path*0x100000001b3 + dup
		t, r, j = t.fam.parent, int(t.famRow[r]), int(k)
	}
	root := p.prf.hash(dFamily, t.id, uint64(r)<<16|uint64(j), nil)
	dl.n = nd
	for i, d := range dups[:nd] {
		h := p.prf.hash(dWarp, root^d.id, uint64(d.row)<<16|d.dup, nil)
		dl.lv[i] = newDupTerm(h, min(t.window/10, 86400))
	}
	return t, root, root ^ path*0x9e3779b97f4a7c15, j
}

// appendRow renders copy j of a row.
func (g *gen) appendRow(dst []byte, t *table, in *sqldump.Insert, row, r, j int) []byte {
	p := g.p
	dst = append(dst, '(')
	var (
		famDone    bool
		rootT      *table
		root, lbl  uint64
		rootJ      int // the copy of the family's root row
		w          warp
		warpKnown  bool
		familyOnce = func() {
			if !famDone {
				rootT, root, lbl, rootJ = t.familyCopy(p, r, j, &g.later)
				famDone = true
			}
		}
	)
	for c := 0; c < in.Width(); c++ {
		if c > 0 {
			dst = append(dst, ',')
		}
		v := in.Value(row, c)
		cp := t.cols[c]
		if cp == nil || v.IsNull() {
			dst = append(dst, v.Raw...)
			continue
		}
		switch cp.class {
		case cKey:
			if out, ok := p.keyValue(g.val[:0], t, c, r, j); ok {
				g.val = out
				dst = appendLiteral(dst, v, out)
				continue
			}
		case cRef:
			dst = g.ref(dst, t, cp, v, r, j)
			continue
		case cSelfID:
			if !(v.Kind == sqldump.KindNumber && len(v.Raw) == 1 && v.Raw[0] == '0') {
				dst = strconv.AppendInt(dst, t.newID(r, j), 10)
				continue
			}
		case cTime:
			if t.renew {
				familyOnce()
				if !warpKnown {
					w, warpKnown = newWarp(p.prf, root, rootT.window), true
					w.dup = &g.later
				}
				if v.Kind == sqldump.KindString {
					q := len(v.Raw) - len(g.vals[c]) - 2 // the opening quote
					mark := len(dst)
					dst = append(dst, v.Raw[:q+1]...)
					if out, ok := appendWarped(dst, g.vals[c], w, cp.typ); ok {
						dst = append(out, v.Raw[len(v.Raw)-1])
						continue
					}
					dst = dst[:mark]
				}
			}
		case cCategorical:
			lit := v.Raw
			if cv := g.catAt(t, c); cv != nil && cv.keep < 0.9999 {
				if uint64(j) != g.home {
					// one hash: whether the copy keeps the value, and
					// which donor it takes
					h := mix64(mix64(g.rowSecret(t, r)^uint64(j+1)*0x9e3779b97f4a7c15) ^ cp.tweak)
					if unit(h) >= cv.keep {
						lit = cp.donor(unit(mix64(h)))
					}
				}
			}
			if cp.soft != nil {
				if out, ok := g.softValue(cp, lit, r, j); ok {
					dst = appendLiteral(dst, v, out)
					continue
				}
			} else if cp.ids != nil && t.renew {
				familyOnce()
				if out, ok := g.idValue(cp, lit, rootJ); ok {
					dst = appendLiteral(dst, v, out)
					continue
				}
			}
			dst = append(dst, lit...)
			continue
		case cFresh:
			if t.renew && len(g.vals[c]) > 0 {
				familyOnce()
				seed := g.vh[c] ^ lbl
				if v.Kind == sqldump.KindString && !cp.binary {
					q := len(v.Raw) - len(g.vals[c]) - 2 // the opening quote
					dst = append(dst, v.Raw[:q+1]...)
					mark := len(dst)
					if e := g.same[c]; e >= 0 && g.fits(t, c, dst[g.span[e][0]:g.span[e][1]]) {
						dst = append(dst, dst[g.span[e][0]:g.span[e][1]]...)
					} else {
						if cp.numSlots != nil {
							g.nums = g.fresh(g.nums[:0], t, c, cp, cp.shape(g.vals[c], seed), seed)
							dst = g.renumber(dst, g.nums, t, c, cp)
						} else {
							dst = g.fresh(dst, t, c, cp, cp.shape(g.vals[c], seed), seed)
						}
					}
					g.span[c] = [2]int{mark, len(dst)}
					dst = append(dst, v.Raw[len(v.Raw)-1])
				} else {
					g.buf = g.fresh(g.buf[:0], t, c, cp, cp.shape(g.vals[c], seed), seed)
					dst = appendLiteral(dst, v, g.buf)
				}
				continue
			}
		}
		if !t.renew && cp.numSlots != nil && v.Kind == sqldump.KindString && !cp.binary {
			// a kept row of a downscale: its numbers that follow an id
			b := body(v.Raw)
			q := len(v.Raw) - len(b) - 2 // the opening quote
			dst = append(dst, v.Raw[:q+1]...)
			dst = g.renumber(dst, b, t, c, cp)
			dst = append(dst, v.Raw[len(v.Raw)-1])
			continue
		}
		dst = append(dst, v.Raw...)
	}
	return append(dst, ')')
}

// fits: the body v fits column c.
func (g *gen) fits(t *table, c int, v []byte) bool {
	l := t.schema.Columns[c].Length
	return l <= 0 || len(v) <= l || utf8.RuneCount(v) <= l
}

// renumber appends v (a string's body, as escaped) with its numbers that
// follow an id renewed, or as it is when the new value would not fit the
// column.
func (g *gen) renumber(dst, v []byte, t *table, c int, cp *colPlan) []byte {
	mark := len(dst)
	dst = g.p.renumber(dst, v, cp.numSlots, g.p.numSpan)
	if l := t.schema.Columns[c].Length; l > 0 && len(dst)-mark > l && utf8.RuneCount(dst[mark:]) > l {
		dst = append(dst[:mark], v...)
	}
	return dst
}

// shape is what a fresh value is made from: a template (another row's
// value, picked by the value's keyed digest and family copy), or the
// value itself for marked ids and addresses, whose form is fixed, and
// numbers, which are drawn from the column's distribution anyway. (An
// unmarked column of ids has ids for templates.)
func (cp *colPlan) shape(own []byte, seed uint64) []byte {
	if cp.ownShape || cp.nums != nil || len(cp.shapes) == 0 {
		return own
	}
	return cp.shapes[mix64(seed^dTemplate)%uint64(len(cp.shapes))]
}

// fresh appends a new value for a nearly unique column, keyed by the
// value (its digest) and the family copy.
func (g *gen) fresh(dst []byte, t *table, c int, cp *colPlan, v []byte, seed uint64) []byte {
	// seed mixes two secret PRF outputs (the value's digest, the family
	// copy's label): a bijective mix of them is as unpredictable
	r := stream{s: mix64(seed ^ mix64(cp.tweak)), loose: cp.loose}
	start := len(dst)
	switch {
	case cp.nums != nil:
		return cp.nums.appendNew(dst, v, unit(r.next()))
	case cp.binary:
		for range v {
			dst = append(dst, byte(r.next()))
		}
		return dst
	case cp.jnums != nil && (cp.kind == "json" || cp.kind == "" && looksJSON(v)):
		out, ok := appendFreshJSONNums(dst, v, cp.jsonKeys, cp.jnums, &r)
		if !ok {
			out = appendFreshKind(dst, v, cp.kind, cp.jsonKeys, &r)
		}
		dst = out
	case cp.kind != "":
		dst = appendFreshKind(dst, v, cp.kind, cp.jsonKeys, &r)
	default:
		dst = appendFreshText(dst, v, &r)
	}
	if l := t.schema.Columns[c].Length; l > 0 && len(dst)-start > l && utf8.RuneCount(dst[start:]) > l {
		r.loose = false
		dst = appendShaped(dst[:start], v, &r) // as long as its template
	}
	return dst
}

// ref renders a reference: the parent's copy the row's copy belongs to
// (its family's, or copy j mod the parent's copies), or the partner of a
// dropped parent.
func (g *gen) ref(dst []byte, t *table, cp *colPlan, v sqldump.Value, r, j int) []byte {
	p, rel := g.p, cp.ref
	var prow, k int
	moved := false
	if rel == t.fam && t.famRow[r] >= 0 {
		prow, k = int(t.famRow[r]), int(t.attach[t.at[r]+uint32(j)])
	} else {
		pr := rel.parentOf[r]
		if pr < 0 {
			return append(dst, v.Raw...) // NULL, or an orphan in the input: it stays one
		}
		prow = int(pr)
		if rel.parent.copies[prow] == 0 {
			q, ok := rel.partner[int32(prow)]
			if !ok {
				return append(dst, v.Raw...)
			}
			prow, moved = int(q), true
		}
		// Copy j of the row points at one of the parent's copies, in a
		// keyed rotation: j mod copies alone would point every row's
		// first copy at the parent's first, and the parents' first
		// copies (as many as the original rows) would stand out with
		// more children than the others.
		n := int(rel.parent.copies[prow])
		k = (j + int(mix64(g.rowSecret(t, r)^cp.tweak)%uint64(n))) % n
	}
	pc := rel.pcols[cp.refPos]
	if out, ok := p.keyValue(g.val[:0], rel.parent, pc, prow, k); ok {
		g.val = out
		return appendLiteral(dst, v, out)
	}
	if moved {
		if pv := rel.parent.vals[pc][prow]; pv != null {
			return appendLiteral(dst, v, []byte(pv))
		}
	}
	return append(dst, v.Raw...)
}

// body is a string literal's text between its quotes, as escaped.
func body(raw []byte) []byte {
	lit := raw
	if len(lit) > 0 && lit[0] == '_' {
		i := 1
		for i < len(lit) && lit[i] != '\'' && lit[i] != '"' {
			i++
		}
		lit = lit[i:]
	}
	if len(lit) < 2 {
		return nil
	}
	return lit[1 : len(lit)-1]
}

// appendLiteral writes v in the SQL form of the original literal.
func appendLiteral(dst []byte, orig sqldump.Value, v []byte) []byte {
	switch orig.Kind {
	case sqldump.KindNumber:
		if isNumberText(v) {
			return append(dst, v...)
		}
	case sqldump.KindHex, sqldump.KindBit:
		return append(dst, sqldump.Hex(v).Raw...)
	}
	if len(orig.Raw) > 0 && orig.Raw[0] == '_' {
		dst = append(dst, orig.Introducer()...)
		dst = append(dst, ' ')
	}
	return sqldump.AppendQuoted(dst, v)
}

func isNumberText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		if !(isDigit(c) || c == '.' || c == 'e' || c == 'E' || (c == '-' || c == '+') && (i == 0 || b[i-1] == 'e' || b[i-1] == 'E')) {
			return false
		}
	}
	return true
}
