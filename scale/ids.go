package scale

import (
	"hash/maphash"
	"math"
)

// Ids of entities the dump has no table for. A low-cardinality column
// of Keystone user or project ids, or of key names, names something
// that lives elsewhere: copies that drew its values from the original's
// set would have as many distinct ids as the original, however many
// rows they wrote, so that the output's count of users was the
// original's (red team duckatk4: instances.user_id held 10 users in
// every output). Copies map each id to new ones instead, as many per
// original id as the family's factor (keyed, so the count of ids is no
// multiple of the original's), so that rows per id stay as they were
// and the number of ids follows the output; a downscale maps the
// original's ids onto a keyed set smaller by the factor. The new id
// depends on the id and the copy's bucket only, not on the table, so
// that copy k of a project's rows names the same new project anywhere.
// A column whose values another table's key holds is a soft reference
// (softref.go) and follows that table instead.

type idMap struct {
	eff    float64           // the family root's output rows per original row
	text   map[uint64]string // a literal's hash -> its value
	bucket map[uint64]int    // down: a literal's hash -> its new id
	rep    []string          // down: the value each new id is made from
}

// idKinds: rules kinds of ids and names of entities.
var idKinds = map[string]bool{"uuid": true, "key_name": true, "username": true}

// planIDs decides whether a low-cardinality column holds such ids.
func (p *Plan) planIDs(t *table, c int, cp *colPlan, pr *profile) {
	if !isStringType(cp.typ) || cp.binary {
		return
	}
	if !idKinds[cp.kind] {
		if cp.kind != "" {
			return
		}
		for _, v := range pr.decoded {
			if !isUUIDText([]byte(v)) && !isHexID([]byte(v)) {
				return
			}
		}
	}
	root := idRoot(t)
	m := &idMap{eff: 1, text: map[uint64]string{}}
	if root.rows > 0 {
		m.eff = float64(root.out) / float64(root.rows)
	}
	for h, v := range pr.decoded {
		m.text[h] = v
	}
	if m.eff < 1 {
		n := max(1, int(math.Round(float64(len(cp.donors))*m.eff)))
		m.bucket = map[uint64]int{}
		m.rep = make([]string, n)
		for _, d := range cp.donors { // in the literals' order
			h := maphash.Bytes(p.seed, d.lit)
			v := m.text[h]
			b := int(p.prf.hash(dIDs, keyTweak, 1<<40, []byte(v)) % uint64(n))
			m.bucket[h] = b
			if m.rep[b] == "" {
				m.rep[b] = v
			}
		}
	}
	cp.ids = m
}

// idValue is the new id for the literal lit in copy k of its family's
// root row; ok is false when it stays.
func (g *gen) idValue(cp *colPlan, lit []byte, k int) ([]byte, bool) {
	m := cp.ids
	h := maphash.Bytes(g.p.seed, lit)
	v, ok := m.text[h]
	if !ok {
		return nil, false
	}
	var b uint64
	if m.bucket != nil {
		bi := m.bucket[h]
		v, b = m.rep[bi], uint64(bi)
	} else {
		// this id's share of new ids: the factor, rounded up or down
		// by a keyed draw
		n := max(1, int(m.eff+unit(g.p.prf.hash(dIDs, keyTweak, 1, []byte(v)))))
		b = uint64(k % n)
	}
	r := stream{s: g.p.prf.hash(dIDs, keyTweak, 2+b, []byte(v))}
	g.val = appendFreshKind(g.val[:0], []byte(v), cp.kind, nil, &r)
	return g.val, true
}

// idRoot is the root table whose copies a table's rows follow.
func idRoot(t *table) *table {
	for seen := 0; seen < 64; seen++ { // relations have no cycles; bound it anyway
		rel := firstParent(t)
		if rel == nil {
			break
		}
		t = rel.parent
	}
	return t
}
