package scrub

// entry is what a found key stands for: the kind and where the value
// came from (values, config, run, index).
type entry struct{ kind, source string }

// verifier answers whether a candidate key (in a domain) is known.
type verifier interface {
	verify(dom byte, key []byte) (entry, bool)
}

// domains in the order valueSet keeps their maps.
var domains = [...]byte{domLoose, domDigits, domStrict, domExact, domToken, domPrefix}

var domIdx [256]uint8

func init() {
	for i, d := range domains {
		domIdx[d] = uint8(i)
	}
}

func domIndex(d byte) int { return int(domIdx[d]) }

// valueSet holds plaintext values (a federated worker's own database, the
// run's secrets, the config's) as maps of their keys.
type valueSet struct {
	maps    [len(domains)]map[string]uint16
	entries []entry
	keys    []key // every key, for the filters
	n       int   // values with a key
}

func newValueSet(vals []Value) *valueSet {
	vs := &valueSet{}
	for i := range vs.maps {
		vs.maps[i] = map[string]uint16{}
	}
	ids := map[entry]uint16{}
	id := func(e entry) uint16 {
		if i, ok := ids[e]; ok {
			return i
		}
		ids[e] = uint16(len(vs.entries))
		vs.entries = append(vs.entries, e)
		return ids[e]
	}
	for _, v := range vals {
		keys := keysOf(v.Text)
		if len(keys) == 0 {
			continue
		}
		src := v.Source
		if src == "" {
			src = "values"
		}
		vs.n++
		for _, k := range keys {
			e := entry{v.Kind, src}
			switch k.dom {
			case domToken:
				e.kind = KindWord
			case domPrefix:
				e.kind = KindPrefix
			}
			m := vs.maps[domIndex(k.dom)]
			if _, ok := m[string(k.b)]; ok {
				continue // the first value with a key names it
			}
			m[string(k.b)] = id(e)
			if k.scan != nil {
				vs.keys = append(vs.keys, k)
			}
		}
	}
	return vs
}

func (vs *valueSet) verify(dom byte, key []byte) (entry, bool) {
	i, ok := vs.maps[domIndex(dom)][string(key)]
	if !ok {
		return entry{}, false
	}
	return vs.entries[i], true
}

func (vs *valueSet) len() int { return vs.n }
