package scrub

import (
	"hash/maphash"
	"runtime"
	"sync"
	"sync/atomic"
)

// entry is what a found key stands for: the kind and where the value
// came from (values, config, run, index).
type entry struct{ kind, source string }

// verifier answers whether a candidate key (in a domain) is known, and
// what the marker's tag is (w computes and caches it).
type verifier interface {
	verify(w *worker, dom byte, key []byte) (entry, uint32, bool)
}

// domains in the order valueSet keeps their maps.
var domains = [...]byte{domLoose, domDigits, domStrict, domExact, domToken, domPrefix, domPiece}

var domIdx [256]uint8

func init() {
	for i, d := range domains {
		domIdx[d] = uint8(i)
	}
}

func domIndex(d byte) int { return int(domIdx[d]) }

// valueSet holds plaintext values (a federated worker's own database, the
// run's secrets, the config's) as an open-addressing table of their keys:
// one 64-bit word a key, no pointers for the collector to follow, so a
// lookup is a hash and, mostly, one cache line. A word holds 32 bits of
// the key's fingerprint (seeded per process, so no one can aim a
// collision; a stranger passes one probe in 4 billion), its entry and
// its marker's tag once computed.
type valueSet struct {
	seed     maphash.Seed
	slots    []atomic.Uint64
	mask     uint64
	entries  []entry
	keys     []key    // every scanned key, for the filters
	pieces   []key    // every piece key, for the pieces' filter
	puncts   [][]byte // every punctuated piece's bytes, for their filter (punct.go)
	digests  [][]byte // every digest's window's bytes, for their filter (digests.go)
	shapes   [][]byte // the numbers' windows' shapes (digits.go)
	n        int      // values with a key
	wide     bool     // a key holds CJK, kana or Hangul letters (matcher.wide)
	nWindows int      // of the pieces, windows (windows.go)
}

// A slot: fingerprint << 32 | entry << 17 | has-tag << 16 | tag.
const (
	slotEntryBits = 15
	slotHasTag    = 1 << 16
)

func (vs *valueSet) hash(dom byte, b []byte) uint64 {
	return mix(maphash.Bytes(vs.seed, b) ^ uint64(dom)*0x9e3779b97f4a7c15)
}

// fpOf is the fingerprint a hash stands for in a slot (never 0: empty).
func fpOf(h uint64) uint64 {
	if fp := h >> 32; fp != 0 {
		return fp
	}
	return 1
}

func newValueSet(vals []Value, pieces bool) *valueSet {
	vs := &valueSet{seed: maphash.MakeSeed()}
	ids := map[entry]uint64{}
	var lastE entry // (a value's keys mostly share one entry: no map lookup each)
	lastID := ^uint64(0)
	id := func(e entry) uint64 {
		if e == lastE && lastID != ^uint64(0) {
			return lastID
		}
		if i, ok := ids[e]; ok {
			lastE, lastID = e, i
			return i
		}
		if len(vs.entries) == 1<<slotEntryBits-1 { // (32767 kinds and sources: the rest are values)
			e.kind = "value"
			if i, ok := ids[e]; ok {
				return i
			}
		}
		ids[e] = uint64(len(vs.entries))
		vs.entries = append(vs.entries, e)
		lastE, lastID = e, ids[e]
		return lastID
	}
	type pending struct{ h, ent uint64 }
	var all []pending
	seen := newHashSet(0)
	// The values' keys and their hashes, a window of values at a time
	// (keyWindow), the next window's made on the other cores while this
	// one's are added.
	var wins [2]keyWindow
	made := make(chan struct{}, 1)
	makeWindow := func(vi int, w *keyWindow) {
		if vi < len(vals) {
			go func() {
				w.make(vs, vals[vi:min(vi+keysWindow, len(vals))])
				made <- struct{}{}
			}()
		}
	}
	var cur *keyWindow
	var forms [][]key
	for vi, v := range vals {
		if vi%keysWindow == 0 {
			if vi == 0 {
				wins[0].make(vs, vals[:min(keysWindow, len(vals))])
			} else {
				<-made
			}
			cur = &wins[vi/keysWindow%2]
			forms = cur.forms
			makeWindow(vi+keysWindow, &wins[(vi/keysWindow+1)%2])
		}
		if vi == 0 && len(vals) > keysWindow {
			// The lists and the set sized once, from the first window's
			// keys (its distinct ones, per value, for every value, and a
			// tenth more): grown by doubling, their millions of keys were
			// copied again and again (a key holds pointers: each copy
			// with the GC's barriers), and the set rehashed.
			// (Not the pieces: values share many, the first window's
			// are too many.)
			nAll, nScan, nDigest := vs.firstKeys(forms[:keysWindow], pieces)
			scale := func(n int) int { return n * len(vals) / keysWindow * 11 / 10 }
			seen = newHashSet(scale(nAll))
			all = make([]pending, 0, scale(nAll))
			vs.keys = make([]key, 0, scale(nScan))
			vs.digests = make([][]byte, 0, scale(nDigest)) // (a value's own, as its keys)
		}
		wi := vi % keysWindow
		if ahead := wi + touchAhead; ahead < len(forms) {
			seen.touch(cur.hashesOf(ahead))
		}
		keys, khs := forms[wi], cur.hashesOf(wi)
		if len(keys) == 0 {
			continue
		}
		src := v.Source
		if src == "" {
			src = "values"
		}
		vs.n++
		for ki, k := range keys {
			if (k.dom == domPiece || k.dom == domWindow || k.dom == domDigitWin || k.dom == domShape) && !pieces {
				continue
			}
			vs.wide = vs.wide || wideKey(k.b)
			if k.dom == domShape {
				vs.shapes = append(vs.shapes, k.b)
				continue
			}
			e := entry{v.Kind, src}
			switch k.dom {
			case domToken:
				e.kind = KindWord
			case domPrefix:
				e.kind = KindPrefix
			case domPiece, domWindow, domPunct, domDigitWin:
				e.kind = KindPiece
			}
			h := khs[ki]
			if !seen.add(h) {
				continue // the first value with a key names it
			}
			all = append(all, pending{h, id(e)})
			if k.scan != nil {
				vs.keys = append(vs.keys, k)
			}
			switch k.dom {
			case domWindow:
				vs.nWindows++
				vs.pieces = append(vs.pieces, k)
			case domPiece, domDigitWin:
				vs.pieces = append(vs.pieces, k)
			case domPunct:
				vs.puncts = append(vs.puncts, k.b)
			case domDigest:
				vs.digests = append(vs.digests, k.b)
			}
		}
	}
	size := uint64(16)
	for size < 2*uint64(len(all)) {
		size <<= 1
	}
	vs.slots, vs.mask = make([]atomic.Uint64, size), size-1
	for i, p := range all {
		if i%touchBatch == 0 {
			// (the slots of the next batch read first, their misses
			// together: as touch)
			var x uint64
			for _, q := range all[i:min(i+touchBatch, len(all))] {
				x += vs.slots[q.h&vs.mask].Load()
			}
			runtime.KeepAlive(x)
		}
		j := p.h & vs.mask
		for vs.slots[j].Load() != 0 {
			j = (j + 1) & vs.mask
		}
		vs.slots[j].Store(fpOf(p.h)<<32 | p.ent<<17)
	}
	return vs
}

// keyWindow is the keys of a window of values and their hashes
// (hashes[at[i]:at[i+1]] are value i's): the set's slots of a value's
// keys a few values on are read before its own are added (touchAhead),
// so that their misses (a set of millions, mostly a miss each) are in
// flight together.
type keyWindow struct {
	forms  [][]key
	hashes []uint64
	at     []int
}

func (w *keyWindow) make(vs *valueSet, vals []Value) {
	w.forms = keysOfAll(vals, w.forms)
	w.hashes, w.at = w.hashes[:0], append(w.at[:0], 0)
	for _, keys := range w.forms {
		for _, k := range keys {
			w.hashes = append(w.hashes, vs.hash(k.dom, k.b))
		}
		w.at = append(w.at, len(w.hashes))
	}
}

func (w *keyWindow) hashesOf(i int) []uint64 { return w.hashes[w.at[i]:w.at[i+1]] }

// firstKeys counts the distinct keys of a window's values (newValueSet's
// estimate): all of them, and those scanned.
func (vs *valueSet) firstKeys(forms [][]key, pieces bool) (all, scan, digests int) {
	seen := newHashSet(0)
	for _, keys := range forms {
		for _, k := range keys {
			if (k.dom == domPiece || k.dom == domWindow) && !pieces || !seen.add(vs.hash(k.dom, k.b)) {
				continue
			}
			all++
			if k.scan != nil {
				scan++
			}
			if k.dom == domDigest {
				digests++
			}
		}
	}
	return all, scan, digests
}

// touchAhead: how many values on newValueSet reads the set's slots of;
// touchBatch: how many slots it reads at a time when it fills the table.
const (
	touchAhead = 4
	touchBatch = 64
)

// keysWindow: the values whose keys are derived together (keysOfAll).
const keysWindow = 2048

// keysOfAll is keysOfForms of each value, on every core (a value's keys
// are its own: the order they are taken in stays the values'), in out's
// room.
func keysOfAll(vals []Value, out [][]key) [][]key {
	out = append(out[:0], make([][]key, len(vals))...)
	workers := min(runtime.GOMAXPROCS(0), max(1, len(vals)/256))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(256)) - 256
				if i >= len(vals) {
					return
				}
				for j := i; j < min(i+256, len(vals)); j++ {
					out[j] = keysOfKind(vals[j].Kind, vals[j].Text)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// find returns the slot of a key, or -1.
func (vs *valueSet) find(dom byte, key []byte) int {
	h := vs.hash(dom, key)
	fp := fpOf(h)
	for j := h & vs.mask; ; j = (j + 1) & vs.mask {
		switch s := vs.slots[j].Load(); s >> 32 {
		case fp:
			return int(j)
		case 0:
			return -1
		}
	}
}

func (vs *valueSet) verify(w *worker, dom byte, key []byte) (entry, uint32, bool) {
	j := vs.find(dom, key)
	if j < 0 {
		return entry{}, 0, false
	}
	s := vs.slots[j].Load()
	if s&slotHasTag == 0 { // the first time: compute the tag and keep it
		s |= slotHasTag | uint64(uint16(w.tagOf(classOf(dom), key)))
		vs.slots[j].Store(s)
	}
	return vs.entries[s>>17&(1<<slotEntryBits-1)], tagged(uint16(s)), true
}

func (vs *valueSet) len() int { return vs.n }

// classOf is the class of a domain's canonical form.
func classOf(dom byte) byte {
	if dom == domExact {
		return classFold
	}
	return classSkel
}
