// Package verify checks an anonymized (or scaled) dump for the original
// values it must not hold: it reads every byte of the dump through
// sqldump.Reader (rows, DDL, comments, routines, everything between) and
// looks for the values of a scrub index or value list with scrub's own
// matcher, in every form gate scrub finds in logs (any case, SQL and JSON
// escapes, URL-encoding, base64, hex). It says where each one is (line,
// column, byte, table, column, kind) and never what it is.
package verify

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/fuzzyduck/fuzzyduck/scrub"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Hit is one original value found in the dump. It holds no part of the
// value.
type Hit struct {
	Line, Col int   // 1-based; Col counts bytes
	Offset    int64 // byte offset in the (decompressed) dump
	Length    int   // bytes of dump text the match covers
	// Table and Column name where it is: for rows the INSERT's table and
	// the value's column; for DDL the table (or view, trigger, routine,
	// event) the statement defines and, inside a CREATE TABLE, the column
	// definition.
	Table, Column string
	Row           int    // 1-based row of the INSERT, 0 outside rows
	Context       string // "row", "comment", "DEFAULT", "COMMENT", "string literal", "trigger", ...
	Statement     string // the statement's first word ("INSERT", "CREATE", ...)
	Kind          string // the original value's kind, from the index
	Source        string // index or values
	// Word: the match is one word of an original multi-word value, not
	// a whole value (a warning unless Options.FailOnWords).
	Word bool

	digits     bool // the match is a number
	timed      bool // the match is a date with a time of day
	partOfName bool // the match is inside a name, not all of it
	chance     bool // the match cannot be its value (see Report.Chance)
}

// numeric: digits, with a sign or a decimal point.
func numeric(b []byte) bool {
	n := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n++
		case c == '-' || c == '.' || c == '+':
		default:
			return false
		}
	}
	return n > 0
}

func (h Hit) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:%d (byte %d): ", h.Line, h.Col, h.Offset)
	switch {
	case h.Table != "" && h.Column != "":
		fmt.Fprintf(&b, "%s.%s", h.Table, h.Column)
	case h.Table != "":
		b.WriteString(h.Table)
	default:
		b.WriteString("(no table)")
	}
	if h.Row > 0 {
		fmt.Fprintf(&b, ", row %d", h.Row)
	}
	where := "in " + h.Context + " of " + h.Statement
	if h.Context == "comment" {
		where = "in a comment"
	}
	if h.Word {
		fmt.Fprintf(&b, ", %s: a word of an original value (%s, %d bytes of dump text)", where, h.Source, h.Length)
	} else {
		fmt.Fprintf(&b, ", %s: an original %s value (%s, %d bytes of dump text)", where, h.Kind, h.Source, h.Length)
	}
	return b.String()
}

// Report sums a check.
type Report struct {
	Hits  int // whole original values found
	Words int // words of original values found (in data, literals and comments)
	Short int // matches of values shorter than MinLength (MinDigits), not counted as hits
	// Dates counts matches of datetime and date-of-birth values in rows,
	// and of days (no time of day) anywhere: a date's fake is one of few
	// enough (some 36,500 days of birth, a timeline of seconds) that in a
	// dump of many rows it is often some other row's original, telling
	// nothing. Hits only with FailOnDates. A time to the second outside
	// the rows (a DEFAULT, an event's STARTS, a comment) is a hit: fuzzy
	// writes few of them, so one equal to an original is the donor's.
	Dates int
	// DatesBy counts Dates by table.column: a column whose dates
	// mostly match was not anonymized.
	DatesBy map[string]int
	// Chance counts matches that cannot be their value: not in its
	// kind's shape (an IP's digits inside a date), an integer's digits
	// inside other text, a piece of a name of the schema.
	Chance     int
	Statements int64 // statements read
	Bytes      int64 // bytes read (all of the decompressed dump)
	ByTable    map[string]int
}

// Failed reports whether the dump must not ship.
func (r *Report) Failed(o Options) bool {
	return r.Hits > 0 || o.FailOnWords && r.Words > 0 || o.FailOnDates && r.Dates > 0
}

// Options tune a check.
type Options struct {
	// Workers run the matcher in parallel (default: GOMAXPROCS).
	Workers int
	// MinLength: whole values shorter than this (default 6 bytes) are
	// too short to tell from other data (a one-digit integer is in every
	// row); their matches are counted apart.
	MinLength int
	// MinDigits: the same for values that are all digits (default 8): a
	// number of fewer digits is one of few enough that any dump holds it
	// somewhere (2048 in a size column, 42 as an id).
	MinDigits int
	// FailOnWords makes words of original values hits too. They are
	// warnings by default: a fake text is made of real words, and one of
	// them may be a word of some original.
	FailOnWords bool
	// FailOnDates makes matches of dates hits too (see Report.Dates).
	FailOnDates bool
}

// dateKinds are the kinds whose values a dump of many rows holds by
// chance (see Report.Dates).
var dateKinds = map[string]bool{"datetime": true, "date_of_birth": true}

// What the matcher reports that a dump check does not count: a long
// value's first bytes (logs cut values short; a dump holds them whole,
// and formats share their first bytes: every RSA key starts
// "ssh-rsa AAAAB3Nz"), and words of values that are names in the DDL
// (the schema is the project's, not the donor's).
func (o Options) classify(m scrub.Match, h *Hit) (keep bool) {
	switch {
	case m.Source != "index" && m.Source != "values":
		return false
	case m.Kind == scrub.KindPrefix:
		return false
	case m.Kind == scrub.KindWord:
		h.Word = true
		return h.Context != "name"
	}
	return true
}

type job struct {
	st     *sqldump.Statement
	line   int // line of Raw[0]
	col    int // bytes before Raw[0] on its line
	offset int64
	hits   []Hit
	done   chan struct{}
}

// Dump reads the whole dump and calls found, in dump order, for every
// original value in it.
func Dump(r *sqldump.Reader, s *scrub.Scrubber, opts Options, found func(Hit)) (*Report, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opts.MinLength <= 0 {
		opts.MinLength = 6
	}
	if opts.MinDigits <= 0 {
		opts.MinDigits = 8
	}
	rep := &Report{ByTable: map[string]int{}, DatesBy: map[string]int{}}
	order := make(chan *job, 4*workers)
	work := make(chan *job, 4*workers)
	free := make(chan *sqldump.Statement, 8*workers+2)
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		col := 0
		for {
			st, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			var dst *sqldump.Statement
			select {
			case dst = <-free:
			default:
			}
			j := &job{st: st.CloneInto(dst), line: st.Line, col: col, offset: st.Offset, done: make(chan struct{})}
			if nl := bytes.LastIndexByte(st.Raw, '\n'); nl >= 0 {
				col = len(st.Raw) - nl - 1
			} else {
				col += len(st.Raw)
			}
			rep.Statements++
			order <- j
			work <- j
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var loc locator
			for j := range work {
				loc.reset(j.st)
				s.Find(j.st.Raw, func(m scrub.Match) {
					h := loc.hit(j, m)
					h.digits = numeric(j.st.Raw[m.Start:m.End])
					h.timed = timeOfDay(j.st.Raw[m.Start:m.End])
					h.chance = h.partOfName || !inShape(h.Kind, j.st.Raw[m.Start:m.End]) || hexByChance(j.st.Raw, m.Start, m.End)
					h.Word = h.Word || !h.chance && inProse(j.st.Raw, m.Start, m.End) && scrub.CommonWords(j.st.Raw[m.Start:m.End])
					if opts.classify(m, &h) {
						j.hits = append(j.hits, h)
					}
				})
				sortHits(j.hits)
				close(j.done)
			}
		}()
	}
	for j := range order {
		<-j.done
		for _, h := range j.hits {
			switch {
			case h.Word:
				rep.Words++
			case h.Length < opts.MinLength, h.digits && h.Length < opts.MinDigits:
				rep.Short++
				continue
			case h.chance:
				rep.Chance++
				continue
			case dateKinds[h.Kind] && !opts.FailOnDates && (h.Row > 0 || !h.timed):
				rep.Dates++
				rep.DatesBy[h.Table+"."+h.Column]++
				continue
			default:
				rep.Hits++
				rep.ByTable[h.Table]++
			}
			found(h)
		}
		rep.Bytes = j.offset + int64(len(j.st.Raw))
		select {
		case free <- j.st:
		default:
		}
	}
	wg.Wait()
	if readErr != nil {
		return rep, readErr
	}
	return rep, nil
}

func sortHits(h []Hit) {
	sort.SliceStable(h, func(i, j int) bool { return h[i].Offset < h[j].Offset })
}

// inShape: the dump text a match covers can be a value of its kind. The
// matcher folds values to their letters and digits, so an IP's digits
// match a date's, and an integer's the inside of a UUID; a value is
// written in its kind's shape. Encoded runs (base64, hex) are the
// matcher's to decode and stay in.
func inShape(kind string, text []byte) bool {
	if kind == "integer" {
		return numeric(text) // its digits inside a blob or an id are chance
	}
	if encodedRun(text) {
		return true
	}
	t := strings.Trim(string(text), "'\"[] ")
	switch kind {
	case "ip_address", "ip_address_v4", "ip_address_v6", "cidr":
		if i := strings.IndexByte(t, '/'); i > 0 {
			t = t[:i]
		}
		_, err := netip.ParseAddr(t)
		return err == nil
	case "mac":
		_, err := net.ParseMAC(t)
		return err == nil
	case "uuid":
		return (len(t) == 36 || len(t) == 32) && strings.Trim(strings.ToLower(t), "0123456789abcdef-") == ""
	case "datetime":
		return len(t) >= 6 && strings.ContainsAny(t, "-:/") && t[0] >= '0' && t[0] <= '9'
	}
	return true
}

// inProse: the match is words inside longer text: a separator and more
// of the text before or after it, not a string's quote. A value of
// common words there ("key-summit" as "... hence key summit bread ..."
// in the word salad duckface generates, or in its generated iSCSI name
// "...-safetyspeak-key:summit-97b8..."; 1 nova pipeline run in 100) may
// be any text's, so it counts as a word of the value (a warning unless
// FailOnWords).
func inProse(raw []byte, start, end int) bool {
	return start > 1 && proseSep(raw[start-1]) && isAlnum(raw[start-2]) ||
		end+1 < len(raw) && proseSep(raw[end]) && isAlnum(raw[end+1])
}

func proseSep(c byte) bool { return strings.IndexByte(" -:._/,;+=@", c) >= 0 }

// hexByChance: the match is a few hex digits (fewer than 12: 48 bits)
// inside a longer token of hex digits and separators, such as an IPv6
// address, a MAC or a UUID, that is not the value: a UUID's first eight
// turn up in a scaled dump's generated IPv6 addresses across a ':' (1
// nova pipeline run in 300). The same digits as a token of their own, or
// glued to a word ("instance-5bce176f"), are no chance.
func hexByChance(raw []byte, start, end int) bool {
	digits := 0
	for _, c := range raw[start:end] {
		switch {
		case isHex(c):
			digits++
		case c != ':' && c != '-' && c != '.':
			return false
		}
	}
	if digits >= 12 {
		return false
	}
	a, b := start, end
	for a > 0 && (isHex(raw[a-1]) || hexSep(raw[a-1])) {
		a--
	}
	for b < len(raw) && (isHex(raw[b]) || hexSep(raw[b])) {
		b++
	}
	if a > 0 && isAlnum(raw[a-1]) || b < len(raw) && isAlnum(raw[b]) {
		return false // (a word's tail: "instance-" is no hex)
	}
	tok := 0
	for _, c := range raw[a:b] {
		if isHex(c) {
			tok++
		}
	}
	return tok >= 12 && tok > digits
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexSep(c byte) bool { return c == ':' || c == '-' || c == '.' }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// timeOfDay: the text holds a time of day other than midnight (hh:mm
// with digits that are not all zero).
func timeOfDay(b []byte) bool {
	i := bytes.IndexByte(b, ':')
	if i < 2 {
		return false
	}
	for _, c := range b[i-2:] {
		if c >= '1' && c <= '9' {
			return true
		}
	}
	return false
}

// encodedRun: a 0x-hex run or a base64-looking run (16+ characters of
// its alphabet, nothing else).
func encodedRun(b []byte) bool {
	if len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
		return true
	}
	if len(b) < 16 || len(bytes.Trim(bytes.ToLower(b), "0123456789abcdef-")) == 0 && bytes.IndexByte(b, '-') > 0 {
		return false // too short, or an id of hex and dashes
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
