package anonymize

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// A column profile: what sampling a column's values tells about it, for
// audit (is it personal data without a rule?) and privacy by default
// (which kind should it get?). It keeps counts, never values (but for a
// few distinct ones while counting them, dropped before it is returned).

type colProfile struct {
	table, name string
	db          string
	col         *sqldump.Column // nil without a CREATE TABLE
	marked      bool
	sampled     int // non-empty values looked at
	strings     int // of which string literals (the rest numbers, hex)
	multiWord   int // values with a space
	jsonDocs    int // JSON objects and arrays
	codes       int // one-token codes with digits (see codeLike)
	tokens      int // tokens, hashes, secrets (isTokenWord)
	maxLen      int
	whole       []int // per piiClass: values that are one
	inText      []int // per piiClass: values that hold one
	births      int   // date-only values in birth years
	birthYears  map[int]bool
	sniffed     map[string]int  // detectKind/sniff labels
	kinds       map[string]int  // the kinds those labels suggest
	distinct    map[string]bool // while sampling
	ndistinct   int             // distinct values (up to maxDistinct)
	overflow    bool            // more than maxDistinct distinct values
}

const maxDistinct = 64

// profiles samples up to sample non-empty values of every column of the
// dump. It also returns the dump-level findings (system data,
// replication coordinates, INSERTs whose columns are unknown), and the
// bodies that name rows (audit_bodies.go).
func profiles(r *sqldump.Reader, set *rules.Set, sample int) ([]*colProfile, []Finding, *bodyScan, error) {
	cols := map[string]*colProfile{}
	var order []*colProfile
	get := func(db, table, name string, c *sqldump.Column) *colProfile {
		k := table + "." + name // rules name tables, not databases
		p := cols[k]
		if p == nil {
			p = &colProfile{table: table, name: name, db: db, col: c, marked: set.RuleIn(db, table, name) != nil,
				whole: make([]int, len(piiClasses)), inText: make([]int, len(piiClasses)),
				birthYears: map[int]bool{}, sniffed: map[string]int{}, kinds: map[string]int{}, distinct: map[string]bool{}}
			cols[k] = p
			order = append(order, p)
		}
		return p
	}
	var dumpFindings []Finding
	var sys systemLog
	bodies := newBodyScan(set, r.Schema())
	unknown := map[string]bool{}
	var buf []byte
	for {
		st, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if t := st.Table(); t != nil {
			for i := range t.Columns {
				get(t.Database, t.Name, t.Columns[i].Name, &t.Columns[i])
			}
		}
		sys.add(st)
		bodies.add(st)
		in := st.Insert()
		if in == nil {
			continue
		}
		names := in.ColumnNames()
		if names == nil {
			if !unknown[in.Table()] {
				unknown[in.Table()] = true
				dumpFindings = append(dumpFindings, Finding{Table: in.Table(), Reasons: []string{fmt.Sprintf(
					"line %d: INSERT without a column list and no CREATE TABLE in the dump: its columns are unknown, nothing can tell which hold personal data (dump with CREATE TABLE, or with --complete-insert)", st.Line)}})
			}
			continue
		}
		db := st.Database
		if in.Database() != "" {
			db = in.Database()
		}
		if s := in.Schema(); s != nil {
			db = s.Database
		}
		for col, name := range names {
			var c *sqldump.Column
			if s := in.Schema(); s != nil {
				c, _ = s.Column(name)
			}
			p := get(db, in.Table(), name, c)
			for row := 0; row < in.Rows() && p.sampled < sample; row++ {
				v := in.Value(row, col)
				if v.IsNull() {
					continue
				}
				buf = v.Bytes(buf[:0])
				if len(buf) == 0 {
					continue
				}
				p.add(v.Kind, buf)
			}
		}
	}
	dumpFindings = append(dumpFindings, sys.findings()...)
	for _, p := range order {
		p.ndistinct = len(p.distinct)
		p.distinct = nil // values are not kept
	}
	return order, dumpFindings, bodies, nil
}

// add looks at one value.
func (p *colProfile) add(k sqldump.ValueKind, v []byte) {
	p.sampled++
	p.maxLen = max(p.maxLen, len(v))
	if !p.overflow {
		if !p.distinct[string(v)] {
			if len(p.distinct) == maxDistinct {
				p.overflow = true
			} else {
				p.distinct[string(v)] = true
			}
		}
	}
	if k != sqldump.KindString {
		return // numbers and hex carry none of the classes below
	}
	p.strings++
	if bytes.IndexByte(v, ' ') >= 0 {
		p.multiWord++
	}
	if jsonDoc(v) {
		p.jsonDocs++
	}
	if isTokenWord(bytes.TrimSpace(v)) {
		p.tokens++
	} else if codeLike(v) {
		p.codes++
	}
	if label, kind := sniffKind(v); label != "" {
		p.sniffed[label]++
		p.kinds[kind]++
	}
	whole := false
	for i, c := range piiClasses {
		if c.whole(v) {
			p.whole[i]++
			whole = true
			break
		}
	}
	if !whole {
		for i, c := range piiClasses {
			if c.inText != nil && c.inText(v) {
				p.inText[i]++
			}
		}
	}
	if y, ok := birthYear(v); ok {
		p.births++
		p.birthYears[y] = true
	}
}

// personal is the class of personal data the sampled values show, as a
// reason for people and the kind that keeps their format; "" when none.
func (p *colProfile) personal() (reason, kind string) {
	for i, c := range piiClasses {
		if n := p.whole[i]; n >= 2 && float64(n) >= c.share*float64(p.sampled) {
			return fmt.Sprintf("%d of %d sampled values are %s", n, p.sampled, c.name), c.kind
		}
	}
	// Dates of birth: date-only values, most of them in birth years and
	// spread over decades (a table's event dates cluster in a few years).
	if p.sampled >= 10 && float64(p.births) >= 0.8*float64(p.sampled) && len(p.birthYears) >= 8 && spread(p.birthYears) >= 15 {
		return fmt.Sprintf("%d of %d sampled values look like dates of birth (date only, spread over %d years, none recent)", p.births, p.sampled, spread(p.birthYears)), "date_of_birth"
	}
	for i, c := range piiClasses {
		if n := p.inText[i]; n >= 2 || n >= 1 && p.sampled < 20 {
			return fmt.Sprintf("%d of %d sampled values hold %s in text", n, p.sampled, c.name), "text"
		}
	}
	return "", ""
}

func spread(years map[int]bool) int {
	lo, hi := 1<<30, 0
	for y := range years {
		lo, hi = min(lo, y), max(hi, y)
	}
	return hi - lo
}

// sniffed reasons, sorted, and the kind the commonest suggests.
func (p *colProfile) sniffReasons() (reasons []string, kind string) {
	for label, n := range p.sniffed {
		reasons = append(reasons, fmt.Sprintf("%d of %d sampled values look like %s", n, p.sampled, label))
	}
	sort.Strings(reasons)
	best := 0
	for k, n := range p.kinds {
		if n > best || n == best && k < kind {
			kind, best = k, n
		}
	}
	return reasons, kind
}

// sniffKind is sniff with the kind its label suggests.
func sniffKind(v []byte) (label, kind string) {
	label = sniff(v)
	switch {
	case label == "":
		return "", ""
	case label == "key material":
		return label, "null"
	case label == "ssh public key":
		return label, "ssh_public_key"
	case label == "url with credentials":
		return label, "url"
	case strings.HasPrefix(label, "JSON holding"):
		return label, "json"
	case label == "ip address":
		return label, "ip_address"
	}
	return label, label // uuid, mac, email, hostname, url, fingerprint: a kind's own name
}
