package scale

import (
	"bytes"
	"hash/maphash"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// What a copy does with each column depends on the column's values in
// the original, profiled in pass 1:
//   - keys and references: new keys (keys.go);
//   - an integer column whose non-zero values are the row's own id (Nova's
//     soft-delete `deleted`): the row's new id;
//   - datetimes: the family copy's warp (timewarp.go);
//   - low-cardinality columns (at most catMax distinct values, each seen
//     catMinMean times on average: states, flavors, flags, sizes from a
//     menu): kept, so their distribution stays (see catValue for rare ones);
//   - every other column (nearly unique: counters, free text, addresses,
//     names): a new value per copy (fresh.go), of the column's kind when
//     it is marked, else of its shape.

const (
	catMax     = 256
	catMinMean = 4
	sampleMax  = 4096
)

// profile of one column in pass 1.
type profile struct {
	counts  map[uint64]int32
	lits    map[uint64][]byte
	decoded map[uint64]string // the values, unescaped
	over    bool              // more than catMax distinct values
	numeric bool
	sample  []float64
	seen    int
	rs      stream
	selfID  bool // every non-zero value equals the row's primary key
	selfN   int
	time    bool
	tmin    float64
	tmax    float64
	tn      int
	// templates: a keyed sample of the column's values (as fresh reads
	// them), for the shapes of new values
	templates [][]byte
	tbytes    int
	tseen     int
	nums      []numSlot // numbers inside the text, per place (digits.go)
	numVals   int       // values scanned for them
	numSeen   int       // values that could have been
}

// A fresh value takes the shape of another row's value (a template):
// its own shape (word lengths, punctuation, JSON layout, length) is the
// same in every copy and would pair copies with each other.
const (
	templateMax      = 64
	templateBytes    = 64 << 10
	templateValueMax = 16 << 10
)

func newProfiles(t *table, p *Plan) []*profile {
	out := make([]*profile, len(t.schema.Columns))
	for i, c := range t.schema.Columns {
		if i == t.pk {
			continue
		}
		pr := &profile{counts: map[uint64]int32{}, lits: map[uint64][]byte{}, decoded: map[uint64]string{}, numeric: isNumeric(c.Type), time: isTimeType(c.Type)}
		pr.rs.s = t.id ^ uint64(i)*0x9e3779b97f4a7c15
		pr.selfID = t.intPK && isInt(c.Type)
		pr.tmin, pr.tmax = math.Inf(1), math.Inf(-1)
		out[i] = pr
	}
	return out
}

func isNumeric(t string) bool {
	return isInt(t) || t == "decimal" || t == "numeric" || t == "float" || t == "double" || t == "real"
}

func isTimeType(t string) bool { return t == "datetime" || t == "timestamp" || t == "date" }

func (t *table) profileRow(p *Plan, in *sqldump.Insert, row int) {
	var buf []byte
	for c, pr := range t.prof {
		if pr == nil {
			continue
		}
		v := in.Value(row, c)
		if v.IsNull() {
			continue
		}
		if !pr.over {
			h := maphash.Bytes(p.seed, v.Raw)
			n := pr.counts[h]
			if n == 0 {
				if len(pr.counts) >= catMax {
					pr.over, pr.counts, pr.lits, pr.decoded = true, nil, nil, nil
				} else {
					pr.lits[h] = append([]byte(nil), v.Raw...)
					buf = v.Bytes(buf[:0])
					pr.decoded[h] = string(buf)
				}
			}
			if !pr.over {
				pr.counts[h] = n + 1
			}
		}
		if !pr.numeric && !pr.time {
			bin := isBinaryType(t.schema.Columns[c].Type)
			src := freshSource(v, bin, buf[:0])
			pr.sampleTemplate(src)
			if !bin && v.Kind == sqldump.KindString && t.vals[c] == nil {
				// (a key's or a reference's column is never renewed as text)
				pr.scanNumbers(src[:min(len(src), numScanMax)])
			}
		}
		if pr.numeric {
			buf = v.Bytes(buf[:0])
			if x, err := strconv.ParseFloat(string(buf), 64); err == nil {
				pr.seen++
				if len(pr.sample) < sampleMax {
					pr.sample = append(pr.sample, x)
				} else if j := pr.rs.intn(pr.seen); j < sampleMax {
					pr.sample[j] = x
				}
			}
		}
		if pr.selfID && !(v.Kind == sqldump.KindNumber && string(v.Raw) == "0") {
			if !bytes.Equal(v.Raw, in.Value(row, t.pk).Raw) {
				pr.selfID = false
			} else {
				pr.selfN++
			}
		}
		if pr.time {
			buf = v.Bytes(buf[:0])
			if s, ok := civilSeconds(buf); ok {
				pr.tmin, pr.tmax = math.Min(pr.tmin, s), math.Max(pr.tmax, s)
				pr.tn++
			}
		}
	}
}

// freshSource is a value as fresh reads it: a string literal's body as
// escaped in the dump (new values replace letters and digits only, so
// escapes stay escaped), anything else its bytes.
func freshSource(v sqldump.Value, binary bool, buf []byte) []byte {
	if v.Kind == sqldump.KindString && !binary {
		return body(v.Raw)
	}
	return v.Bytes(buf)
}

// sampleTemplate keeps a reservoir sample of the column's values (keyed
// through rs), within a byte budget.
func (pr *profile) sampleTemplate(v []byte) {
	if len(v) > templateValueMax {
		return
	}
	pr.tseen++
	i := len(pr.templates)
	if i >= templateMax {
		if i = pr.rs.intn(pr.tseen); i >= templateMax {
			return
		}
		pr.tbytes -= len(pr.templates[i])
	}
	if pr.tbytes+len(v) > templateBytes {
		if i < len(pr.templates) {
			pr.tbytes += len(pr.templates[i]) // keep the old one
		}
		return
	}
	pr.tbytes += len(v)
	if i == len(pr.templates) {
		pr.templates = append(pr.templates, append([]byte(nil), v...))
	} else {
		pr.templates[i] = append(pr.templates[i][:0], v...)
	}
}

type colClass uint8

const (
	cKeep colClass = iota
	cKey
	cRef
	cSelfID
	cTime
	cCategorical
	cFresh
)

// colPlan says what copies do with one column.
type colPlan struct {
	class    colClass
	tweak    uint64
	kind     string // the rules kind of a marked column, "" if none
	jsonKeys map[string]bool
	typ      string
	binary   bool
	ref      *relation
	refPos   int // the column's place in ref.ccols
	key      *keyCol
	cat      map[uint64]*catValue
	donors   []*catValue
	nums     *numbers
	soft     *softRef  // a low-cardinality column naming rows of another table
	shapes   [][]byte  // fresh: templates of the column's values
	ownShape bool      // fresh: the value keeps its own shape (ids, addresses)
	loose    bool      // fresh: words need not keep their lengths
	numSlots []bool    // fresh text: the places of numbers that follow an id (digits.go)
	jnums    *jsonNums // fresh JSON: its numbers, per place (freshjson.go)
	ids      *idMap    // a low-cardinality column of ids of entities the dump has no table for (ids.go)
}

// catValue is one value of a low-cardinality column. A value seen m
// times is kept in a copy with probability min(1/2, 1-exp(-m/catTau))
// (always in its row's home copy); otherwise the copy takes a value drawn in
// proportion to how often values are kept. Common values scale with the
// rows; a value seen once or twice (a state one row ever had) is not
// multiplied by the factor, and the change from one regime to the other
// is gradual, so neither the rare values' counts nor a gap between the
// two groups tells the factor.
type catValue struct {
	count int
	lit   []byte
	keep  float64
	cum   float64
}

// catKeepMax: even a common value is kept in at most half the copies.
// A copy that kept every low-cardinality value of its row would repeat
// the row's combination of them, and the combinations (distinct, or
// joined with lengths and dates) count the original rows.
const (
	catTau     = 8
	catKeepMax = 0.5
)

// classify decides the content columns of a table (keys and references
// are decided before).
func (p *Plan) classify(t *table) {
	inKey := map[int]bool{}
	for _, k := range t.unique {
		for _, c := range k {
			inKey[c] = true
		}
	}
	for c, col := range t.schema.Columns {
		if t.cols[c] != nil {
			continue
		}
		cp := &colPlan{tweak: t.id ^ nameHash(col.Name), typ: col.Type, binary: isBinaryType(col.Type)}
		t.cols[c] = cp
		if r := p.opts.Rules.RuleIn(t.db, t.name, col.Name); r != nil {
			switch r.Kind.Name {
			case "keep", "fixed", "null":
				// a reviewed decision (or a constant): every copy keeps it
				continue
			default:
				cp.kind = r.Kind.Name
				if ks := r.Kind.Params["keys"]; ks != "" {
					cp.jsonKeys = map[string]bool{}
					for _, k := range strings.Split(ks, ",") {
						cp.jsonKeys[strings.TrimSpace(k)] = true
					}
				}
			}
		}
		pr := t.prof[c]
		switch {
		case pr == nil:
		case pr.selfID && pr.selfN > 0:
			cp.class = cSelfID
		case pr.time || cp.kind == "datetime":
			cp.class = cTime
		case t.lowCardinality(c) && inKey[c]:
			// part of a unique key with a reference (copies of the
			// family keep the key unique): mixing values between copies
			// could make two rows of a family copy collide
		case t.lowCardinality(c):
			cp.class = cCategorical
			p.categories(cp, pr)
			p.planIDs(t, c, cp, pr)
		case !pr.over && len(pr.counts) == 0:
			// only NULLs
		case isNumeric(col.Type) || isStringType(col.Type) || col.Type == "enum" || col.Type == "set":
			if col.Type == "enum" || col.Type == "set" {
				break // a fixed menu of values: kept
			}
			cp.class = cFresh
			if isStringType(col.Type) && !cp.binary && !p.namesRows(t, pr.templates) {
				cp.numSlots = numberSlots(pr)
			}
			if !inKey[c] {
				cp.shapes = pr.templates
			}
			if isStringType(col.Type) && !cp.binary && (cp.kind == "" || cp.kind == "json") {
				cp.jnums = newJSONNums(pr.templates)
			}
			// Words of another length too where the templates are most
			// of the table's values: the new values would have as many
			// shapes as the table has rows. (Elsewhere the shapes are
			// as many as the templates, whatever the rows.)
			cp.loose = !cp.ownShape && (len(cp.shapes) == 0 || pr.tseen < 4*templateMax)
			switch cp.kind {
			case "uuid", "ip_address", "ip_address_v4", "ip_address_v6", "ip_addesss_v6", "cidr", "mac":
				cp.ownShape = true // a fixed form
			}
			if isNumeric(col.Type) && len(pr.sample) >= 2 {
				dec := -1
				if col.Type == "decimal" || col.Type == "numeric" {
					dec = max(col.Decimals, 0)
				}
				cp.nums = newNumbers(pr.sample, isInt(col.Type), dec)
			} else if isNumeric(col.Type) {
				cp.class = cKeep
			}
		}
	}
}

func (p *Plan) categories(cp *colPlan, pr *profile) {
	cp.cat = map[uint64]*catValue{}
	total := 0.0
	for h, n := range pr.counts {
		v := &catValue{count: int(n), lit: pr.lits[h], keep: min(catKeepMax, 1-math.Exp(-float64(n)/catTau))}
		cp.cat[h] = v
		cp.donors = append(cp.donors, v)
	}
	// A deterministic order (by literal) for the cumulative weights.
	sortCat(cp.donors)
	for _, v := range cp.donors {
		total += float64(v.count) * v.keep
		v.cum = total
	}
	for _, v := range cp.donors {
		v.cum /= total
	}
}

func sortCat(vs []*catValue) {
	sort.Slice(vs, func(i, j int) bool { return bytes.Compare(vs[i].lit, vs[j].lit) < 0 })
}

// donor picks a kept-in-proportion value for u in [0, 1).
func (cp *colPlan) donor(u float64) []byte {
	lo, hi := 0, len(cp.donors)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cp.donors[mid].cum > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return cp.donors[lo].lit
}

func isStringType(t string) bool {
	return strings.Contains(t, "char") || strings.Contains(t, "text") || strings.Contains(t, "binary") || strings.Contains(t, "blob")
}

func isBinaryType(t string) bool {
	return strings.Contains(t, "binary") || strings.Contains(t, "blob")
}

// nameHash is a fixed 64-bit hash (FNV-1a) of a name: tweaks must not
// change between runs.
func nameHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// lowCardinality: pass 1 saw few distinct values in column c, each many
// times (a state, a flag, a topic).
func (t *table) lowCardinality(c int) bool {
	if c >= len(t.prof) || t.prof[c] == nil {
		return false
	}
	pr := t.prof[c]
	return !pr.over && len(pr.counts) > 0 && len(pr.counts)*catMinMean <= t.rows
}
