package scale

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Keys of the output. An integer key is renumbered densely, 1..N in the
// order rows are written (copies are written in a keyed shuffle, so
// neither an id nor its neighbours tell which rows are copies of one
// original, nor how many rows the original had: the largest id is the
// output's own count). Other integer unique columns get a keyed
// permutation of 1..N. UUID keys get new UUIDs in copies; other string
// keys new values of their shape, checked unique. AUTO_INCREMENT,
// sequences and *_seq tables follow the output.

type keyMode uint8

const (
	keyID     keyMode = iota + 1 // the integer primary key: pos+1
	keyPerm                      // another integer key: a permutation of 1..N
	keyUUID                      // copies get new UUIDs
	keyString                    // copies get new values, checked unique
)

type keyCol struct {
	mode   keyMode
	perm   *perm
	memo   map[uint64]string // keyString: (row<<16 | copy) -> value
	renew0 bool              // the first copy gets a new value too
	digest []uint64          // keyUUID: each row's value, keyed (the same value, the same digest in every table)
}

// planKeys decides the reference and key columns of every table, the
// output positions and AUTO_INCREMENT.
func (p *Plan) planKeys() error {
	var err error
	for _, t := range p.order {
		t.out = 0
		t.prefix = make([]uint32, t.rows)
		for r, c := range t.copies {
			t.prefix[r] = uint32(t.out)
			t.out += int(c)
		}
		t.cols = make([]*colPlan, len(t.schema.Columns))
		if t.keep || t.rows == 0 {
			continue
		}
		for _, rel := range t.parents {
			for i, c := range rel.ccols {
				if t.cols[c] == nil {
					t.cols[c] = &colPlan{class: cRef, ref: rel, refPos: i, tweak: t.id ^ nameHash(t.schema.Columns[c].Name)}
				}
			}
		}
		p.shuffle(t)
		if t.pk >= 0 && t.intPK && t.cols[t.pk] == nil {
			t.cols[t.pk] = &colPlan{class: cKey, key: &keyCol{mode: keyID}}
		}
		for _, k := range t.unique {
			changed := false
			for _, c := range k {
				changed = changed || t.cols[c] != nil
			}
			if changed {
				continue
			}
			// Every nearly unique string column of the key gets new
			// values (a host name a composite key holds is also what
			// other tables name the host by, see softRefs); a
			// low-cardinality one (a topic, a state) keeps its own. The
			// first column that can change when none is nearly unique.
			picked := false
			for _, c := range k {
				if t.vals[c] != nil && !isInt(t.schema.Columns[c].Type) && !t.lowCardinality(c) {
					if t.cols[c], err = p.keyPlan(t, c); err != nil {
						return err
					}
					picked = true
				}
			}
			for _, c := range k {
				if !picked && t.vals[c] != nil {
					if t.cols[c], err = p.keyPlan(t, c); err != nil {
						return err
					}
					picked = true
				}
			}
			if !picked {
				return fmt.Errorf("table %s: cannot make unique key (%s) distinct in copies: pass 1 kept none of its columns", t.label(), strings.Join(colNames(t, k), ", "))
			}
		}
		// A referenced column changes in copies even when it is no key
		// (a shadow twin's, or one a rules file names), so that the
		// children of copy k point at copy k.
		for _, rel := range t.kids {
			for _, c := range rel.pcols {
				if t.cols[c] == nil && t.vals[c] != nil {
					if t.cols[c], err = p.keyPlan(t, c); err != nil {
						return err
					}
				}
			}
		}
		for c, col := range t.schema.Columns {
			if t.cols[c] == nil && isInt(col.Type) && strings.Contains(strings.ToLower(col.Default), "nextval(") {
				t.cols[c] = &colPlan{class: cKey, key: &keyCol{mode: keyPerm, perm: newPerm(p.prf, t.id^nameHash(col.Name), t.out)}}
			}
		}
		for c, cp := range t.cols {
			if cp != nil && cp.tweak == 0 {
				cp.tweak = t.id ^ nameHash(t.schema.Columns[c].Name)
			}
		}
		if t.schema.AutoIncrement > 0 && t.pk >= 0 && t.cols[t.pk] != nil && t.cols[t.pk].class == cKey {
			t.autoInc = uint64(t.out) + 1
		}
	}
	return nil
}

// keyTweak: new key values depend on the value and the copy only, not
// on the table, so that a value two tables share (a host name, an id)
// gets the same new value in the same copy of either.
const keyTweak = 0x6475636b2d6b6579

func (p *Plan) keyPlan(t *table, c int) (*colPlan, error) {
	col := t.schema.Columns[c]
	cp := &colPlan{class: cKey, tweak: t.id ^ nameHash(col.Name)}
	var kind string
	if r := p.opts.Rules.RuleIn(t.db, t.name, col.Name); r != nil {
		kind = r.Kind.Name
	}
	// Every copy gets a new value, the first one too (and so does a
	// downscale's kept row): a copy that
	// kept the input's value would be told from the others wherever
	// the value also appears (another table, a text, a log), and
	// counting such copies counts the original rows. A column the rules
	// keep keeps its value in the first copy.
	renew0 := t.renew && kind != "keep" && kind != "fixed"
	switch {
	case isInt(col.Type):
		cp.key = &keyCol{mode: keyPerm, perm: newPerm(p.prf, cp.tweak, t.out)}
	case allUUID(t.vals[c]):
		cp.key = &keyCol{mode: keyUUID, renew0: renew0, digest: make([]uint64, t.rows)}
		for row, v := range t.vals[c] {
			if v != null {
				cp.key.digest[row] = p.prf.hash(dKey, keyTweak, 0, []byte(v))
			}
		}
	default:
		cp.key = &keyCol{mode: keyString, memo: map[uint64]string{}, renew0: renew0}
		cp.kind = kind
		if err := p.stringKeys(t, c, cp, col.Length); err != nil {
			return nil, err
		}
	}
	return cp, nil
}

func allUUID(vals []string) bool {
	for _, v := range vals {
		if v != null && !isUUIDText([]byte(v)) && !isHexID([]byte(v)) {
			return false
		}
	}
	return true
}

// stringKeys gives every copy of a unique string column a new value of
// the column's shape (the first copy too when renew0), unique among all
// values.
func (p *Plan) stringKeys(t *table, c int, cp *colPlan, maxLen int) error {
	taken := map[string]bool{}
	if !cp.key.renew0 {
		for _, v := range t.vals[c] {
			taken[v] = true
		}
	}
	first := 1
	if cp.key.renew0 {
		first = 0
	}
	var buf []byte
	for row := 0; row < t.rows; row++ {
		v := t.vals[c][row]
		if v == null {
			continue
		}
		for k := first; k < int(t.copies[row]); k++ {
			out, ok := "", false
			for try := 0; try < 64 && !ok; try++ {
				r := stream{s: p.prf.hash(dKey, keyTweak, uint64(k)<<8|uint64(try), []byte(v))}
				buf = appendFreshKind(buf[:0], []byte(v), cp.kind, nil, &r)
				if try >= 4 {
					// a small space (one letter, a short code): widen it
					buf = append(buf, '-')
					buf = strconv.AppendUint(buf, r.next()%1000000, 36)
				}
				if maxLen > 0 && len(buf) > maxLen {
					buf = buf[len(buf)-maxLen:]
				}
				out = string(buf)
				ok = !taken[out]
			}
			if !ok {
				return fmt.Errorf("table %s, column %s: no new unique value for copy %d of row %d (the column holds %d bytes at most): give the table a smaller factor", t.label(), t.schema.Columns[c].Name, k+1, row+1, maxLen)
			}
			taken[out] = true
			cp.key.memo[uint64(row)<<16|uint64(k)] = out
		}
	}
	return nil
}

// keyValue is copy k of row's value in key column c, unescaped; ok is
// false when the column keeps its value.
func (p *Plan) keyValue(dst []byte, t *table, c, row, k int) ([]byte, bool) {
	cp := t.cols[c]
	if cp == nil || cp.class != cKey {
		return dst, false
	}
	switch cp.key.mode {
	case keyID:
		return strconv.AppendInt(dst, t.newID(row, k), 10), true
	case keyPerm:
		return strconv.AppendInt(dst, int64(cp.key.perm.at(uint64(t.newID(row, k)-1)))+1, 10), true
	case keyUUID:
		v := t.vals[c][row]
		if k == 0 && !cp.key.renew0 || v == null {
			return dst, false
		}
		// the value's keyed digest (planned once) mixed with the copy
		r := stream{s: mix64(cp.key.digest[row] ^ uint64(k+1)*0x9e3779b97f4a7c15)}
		return appendFreshUUID(dst, []byte(v), &r), true
	case keyString:
		if s, ok := cp.key.memo[uint64(row)<<16|uint64(k)]; ok {
			return append(dst, s...), true
		}
	}
	return dst, false
}

// shuffle decides where each copy is written: the copies, generated row
// by row, are permuted within blocks of about 4 MB of rows, and again
// within blocks offset by half a block (so no block edge shows). The
// copies of one row end up far apart, the ids follow the output, and no
// row moves by more than 1.5 blocks, which bounds the writer's memory.
// Down, the kept rows are real rows: their order and their ids are a
// keyed shuffle of the whole table (or of 32 MB blocks of rows: the
// writer holds up to 1.5 blocks), so that no order of the original (ids,
// dates, the lengths of numbers in text) shows along the output.
func (p *Plan) shuffle(t *table) {
	t.block = 16 << 10
	if t.rows > 0 {
		t.block = int(min(max(2<<20/max(t.bytes/int64(t.rows), 1), 64), 16<<10))
		if !t.up {
			t.block = int(max(min(int64(t.out), 32<<20/max(t.bytes/int64(t.rows), 1)), 1))
		}
	}
	n, b := t.out, t.block
	r := stream{s: p.prf.hash(dShuffle, t.id, 0, nil)}
	identity := func() []uint32 {
		a := make([]uint32, n)
		for i := range a {
			a[i] = uint32(i)
		}
		return a
	}
	permute := func(a []uint32, lo, hi int) {
		for i := hi - 1; i > lo; i-- {
			j := lo + r.intn(i-lo+1)
			a[i], a[j] = a[j], a[i]
		}
	}
	first := identity()
	for lo := 0; lo < n; lo += b {
		permute(first, lo, min(lo+b, n))
	}
	second := identity()
	for lo, hi := 0, min(b/2, n); lo < n; lo, hi = hi, min(hi+b, n) {
		permute(second, lo, hi)
	}
	for i, q := range first {
		first[i] = second[q]
	}
	t.pos = first
}

// Sequences. A SEQUENCE (SETVAL) and a *_seq table (a row holding the
// next id) count the ids ever handed out; both are set from the output:
// past the ids of the column that draws from them (DEFAULT nextval, or
// the table they are named after), else past every integer id written.

var nextvalRe = regexp.MustCompile("(?i)nextval\\((?:`[^`]*`\\.)?`?([A-Za-z0-9_$]+)`?\\)")

type seqTable struct{ cols map[int]bool }

var seqColumns = map[string]bool{"next_val": true, "next_value": true, "next_not_cached_value": true, "nextval": true,
	"sequence_next_hi_value": true, "next_hi": true, "value": true, "id": true, "seq": true, "next_id": true}

// isSeqTable: a table named like a sequence with a row or two of
// counters.
func isSeqTable(t *table) bool {
	n := strings.ToLower(t.name)
	if !(strings.HasSuffix(n, "_seq") || strings.HasSuffix(n, "_sequence") || strings.HasPrefix(n, "hibernate_sequence")) || t.rows > 16 {
		return false
	}
	st := &seqTable{cols: map[int]bool{}}
	for i, c := range t.schema.Columns {
		if isInt(c.Type) && seqColumns[strings.ToLower(c.Name)] {
			st.cols[i] = true
		}
	}
	if len(st.cols) == 0 {
		return false
	}
	t.seq = st
	return true
}

func (p *Plan) planSequences() {
	p.sequences = map[string]int64{}
	global := int64(0)
	for _, t := range p.order {
		if !t.keep && t.pk >= 0 && t.intPK {
			global = max(global, int64(t.out))
		}
		if !t.keep {
			p.numSpan = max(p.numSpan, t.out)
		}
	}
	byName := func(name string) int64 {
		n := strings.ToLower(name)
		for _, suffix := range []string{"_id_seq", "_seq", "_sequence"} {
			if base, ok := strings.CutSuffix(n, suffix); ok {
				for _, cand := range []string{base, base + "s", base + "es"} {
					for _, t := range p.order {
						if strings.ToLower(t.name) == cand && !t.keep {
							return int64(t.out) + 1
						}
					}
				}
			}
		}
		return global + 1
	}
	for _, t := range p.order {
		for _, col := range t.schema.Columns {
			if m := nextvalRe.FindStringSubmatch(col.Default); m != nil && !t.keep {
				p.sequences[strings.ToLower(m[1])] = max(p.sequences[strings.ToLower(m[1])], int64(t.out)+1)
			}
		}
	}
	p.seqValue = func(name string) int64 {
		if v, ok := p.sequences[strings.ToLower(name)]; ok {
			return v
		}
		return byName(name)
	}
}

// warnUndeclared: an integer column named like a reference that no
// FOREIGN KEY or relation declares keeps the original's ids (they are
// not renumbered), and those count the rows they refer to.
func (p *Plan) warnUndeclared() {
	for _, t := range p.order {
		if t.keep || t.rows == 0 {
			continue
		}
		for c, col := range t.schema.Columns {
			n := strings.ToLower(col.Name)
			if isInt(col.Type) && strings.HasSuffix(n, "_id") && c != t.pk && (t.cols[c] == nil || t.cols[c].class != cRef && t.cols[c].class != cKey) {
				p.Warnings = append(p.Warnings, fmt.Sprintf("%s.%s looks like a reference but no FOREIGN KEY or relation declares it: its values are not renumbered and keep the original's ids (declare it in a rules file's relations:)", t.label(), col.Name))
			}
		}
	}
}
