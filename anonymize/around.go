package anonymize

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Around the rows: every statement that is not a row of a marked table
// goes through here before it is written. What fuzzy understands is
// rewritten (comments, DEFINERs, DDL literals, counters), replication
// coordinates are dropped, system data is refused (or dropped with
// --system=drop), and a statement it does not understand is an error:
// nothing passes through unread.

// SystemPolicy says what happens to system data (accounts, grants,
// servers, statistics, the mysql schema).
type SystemPolicy uint8

const (
	// SystemRefuse fails the run at the first system statement.
	SystemRefuse SystemPolicy = iota
	// SystemDrop drops each system statement with a warning.
	SystemDrop
)

// ParseSystemPolicy reads "refuse" or "drop".
func ParseSystemPolicy(s string) (SystemPolicy, error) {
	switch s {
	case "", "refuse":
		return SystemRefuse, nil
	case "drop":
		return SystemDrop, nil
	}
	return 0, fmt.Errorf("--system=%s: want refuse or drop", s)
}

// neutralHost replaces the donor's host in the dump header.
const neutralHost = "localhost"

// neutralDefiner loads on any fresh server: the loading user.
const neutralDefiner = "CURRENT_USER"

const maxWarnings = 1000

func (e *Engine) warn(stats *Stats, line int, msg string) {
	if len(stats.Warnings) < maxWarnings {
		stats.Warnings = append(stats.Warnings, fmt.Sprintf("line %d: %s", line, msg))
	} else if len(stats.Warnings) == maxWarnings {
		stats.Warnings = append(stats.Warnings, "more warnings left out")
	}
}

// write writes one statement the way the policy says.
func (e *Engine) write(wk *worker, w *sqldump.Writer, st *sqldump.Statement, stats *Stats) error {
	switch st.Kind {
	case sqldump.KindInsert:
		// The hot path: rows of a dump's body carry no trivia and are not
		// system data; their values are the engine's.
		if in := st.Insert(); strings.EqualFold(st.Database, "mysql") || in != nil && strings.EqualFold(in.Database(), "mysql") {
			name := "mysql"
			if in != nil {
				name += "." + in.Table()
			}
			return e.system(wk, w, st, stats, st.Keyword+" INTO "+name, "a dump of the mysql schema or --system=stats/timezones")
		}
		// Only comments can change (whitespace stays), and only the trivia
		// is lexed: an INSERT can be a gigabyte.
		if bytes.IndexAny(st.Trivia(), "-#/") < 0 {
			return w.Write(st)
		}
		x, err := e.lexTrivia(wk, st, stats)
		if err != nil {
			return err
		}
		if tr, changed := x.trivia(); changed {
			return w.WriteWithTrivia(st, tr)
		}
		return w.Write(st)
	case sqldump.KindCommand:
		return w.Write(st)
	}
	x, err := e.lex(wk, st, stats)
	if err != nil {
		return err
	}
	drop, err := x.decide()
	if err != nil {
		return fmt.Errorf("line %d: %s: %w", x.line(), x.name(), err)
	}
	if drop {
		tr, _ := x.trivia()
		return w.WriteRaw(tr)
	}
	if len(x.repl) == 0 {
		return w.Write(st)
	}
	return w.WriteRaw(x.out())
}

// system refuses or drops a system statement.
func (e *Engine) system(wk *worker, w *sqldump.Writer, st *sqldump.Statement, stats *Stats, what, option string) error {
	line := st.Line + bytes.Count(st.Trivia(), []byte{'\n'})
	if e.opts.System != SystemDrop {
		return fmt.Errorf("line %d: %s is system data (from %s): it holds accounts, password hashes, server credentials or real column values; fuzzy refuses it: dump without it, or run with --system=drop to drop such statements", line, what, option)
	}
	e.warn(stats, line, "dropped system data: "+what)
	x, err := e.lexTrivia(wk, st, stats)
	if err != nil {
		return err
	}
	tr, _ := x.trivia()
	return w.WriteRaw(tr)
}

// decide applies the policy to a statement that is not an INSERT. It
// reports whether the statement is dropped.
func (x *stmt) decide() (bool, error) {
	x.trivia()
	// Comments inside the code go: they are free text nobody marked.
	for i := range x.toks {
		if x.toks[i].Kind == sqldump.TokComment && len(x.code) > 0 && i > x.code[0] {
			x.repl[i] = []byte(" ")
		}
	}
	if len(x.code) == 0 {
		return false, nil
	}
	x.headWords()
	if len(x.head) == 0 {
		if x.tok(0).Kind == sqldump.TokDelimiter {
			return false, nil // an empty statement
		}
		return false, fmt.Errorf("not a statement fuzzy understands: it refuses to pass it through")
	}
	first := x.head[0]
	two := first
	if len(x.head) > 1 {
		two += " " + x.head[1]
	}
	if replication[two] || x.setsGTID() {
		x.e.warn(x.stats, x.line(), "dropped replication coordinates ("+x.name()+", written by --master-data, --dump-slave or --gtid)")
		return true, nil
	}
	if what, ok := x.systemStatement(); ok {
		return x.dropSystem(what)
	}
	switch first {
	case "SET":
		if x.is(1, "GLOBAL") || x.is(1, "PERSIST") || bytes.HasPrefix(bytes.ToLower(x.tok(1).Text(x.src)), []byte("@@global.")) {
			return false, fmt.Errorf("sets a global server variable: not something a dump fuzzy understands carries")
		}
		x.timeZone()
		return false, x.generic()
	case "LOCK", "UNLOCK", "START", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "TRUNCATE",
		"PREPARE", "EXECUTE", "DEALLOCATE", "SELECT", "DO":
		if first == "EXECUTE" && x.is(1, "IMMEDIATE") {
			return false, fmt.Errorf("dynamic SQL (EXECUTE IMMEDIATE) cannot be read: fuzzy refuses to pass it through")
		}
		if (first == "SELECT" || first == "DO") && x.is(1, "SETVAL") {
			return false, x.setval()
		}
		return false, x.generic()
	case "USE":
		return false, nil
	case "CREATE", "DROP", "ALTER":
		obj := x.object()
		switch {
		case first == "CREATE" && obj == "TABLE":
			return false, x.createTable()
		case first == "CREATE" && (obj == "VIEW" || obj == "TRIGGER" || obj == "PROCEDURE" || obj == "FUNCTION" || obj == "EVENT"):
			return false, x.routine(obj)
		case first == "CREATE" && obj == "SEQUENCE":
			return false, x.createSequence()
		case obj == "DATABASE" || obj == "SCHEMA":
			return false, x.generic()
		case first == "DROP" && (obj == "TABLE" || obj == "VIEW" || obj == "TRIGGER" || obj == "PROCEDURE" || obj == "FUNCTION" || obj == "EVENT" || obj == "SEQUENCE"):
			return false, x.generic()
		case first == "ALTER" && obj == "TABLE" && x.keys():
			return false, nil // ALTER TABLE t DISABLE/ENABLE KEYS
		}
	}
	return false, fmt.Errorf("not a statement fuzzy understands: it refuses to pass it through (report it if mysqldump or mariadb-dump wrote it)")
}

// generic: COMMENT literals become fake text, every other literal that
// looks confidential its kind's fake.
func (x *stmt) generic() error {
	x.comments()
	x.spotRest()
	return nil
}

// timeZone neutralizes SET time_zone = '...': mariadb-dump writes the
// zone each event, trigger and routine was created in before it, and a
// named zone or an offset tells where the donor is. UTC and the loading
// server's zone say nothing; any other becomes SYSTEM (an event's
// schedule is a fake date already).
func (x *stmt) timeZone() {
	for p := 1; p+2 < len(x.code); p++ {
		if !strings.EqualFold(x.nameAt(p), "time_zone") || !x.is(p+1, "=") || x.tok(p+2).Kind != sqldump.TokString {
			continue
		}
		switch strings.ToUpper(string(x.value(p + 2))) {
		case "SYSTEM", "+00:00", "UTC", "+0:00":
			x.done[x.code[p+2]] = true
		default:
			x.set(p+2, []byte("'SYSTEM'"))
		}
	}
}

// comments replaces every COMMENT [=] 'text' with fake text of the same
// length: comments are free text, whatever they say.
func (x *stmt) comments() {
	for p := range x.code {
		if !x.is(p, "COMMENT") {
			continue
		}
		q := p + 1
		if x.is(q, "=") {
			q++
		}
		if x.tok(q).Kind == sqldump.TokWord && strings.HasPrefix(string(x.tok(q).Text(x.src)), "_") {
			q++ // _utf8mb4'...'
		}
		if k := x.tok(q).Kind; k != sqldump.TokString || x.done[x.code[q]] {
			continue
		}
		v := x.value(q)
		if len(v) == 0 {
			x.done[x.code[q]] = true
			continue
		}
		x.set(q, sqldump.AppendQuoted(nil, kindText(x.w, &colInfo{maxLen: runeLen(v)}, v, 0).out))
	}
}

// spotRest spots every literal not yet decided.
func (x *stmt) spotRest() {
	for p := range x.code {
		x.spotAt(p)
	}
}

// spotAt replaces a confidential-looking literal at p; it reports whether
// it did.
func (x *stmt) spotAt(p int) bool {
	k := x.tok(p).Kind
	if k != sqldump.TokString && k != sqldump.TokHex || x.done[x.code[p]] {
		return false
	}
	x.done[x.code[p]] = true
	v := x.value(p)
	out, changed := spot(x.w, v)
	if !changed {
		return false
	}
	x.repl[x.code[p]] = x.literal(p, out)
	return true
}

// userEnd returns the position after a user specification at p
// (CURRENT_USER[()], user, user@host in any quoting).
func (x *stmt) userEnd(p int) int {
	if x.is(p, "CURRENT_USER") {
		if x.is(p+1, "(") && x.is(p+2, ")") {
			return p + 3
		}
		return p + 1
	}
	switch x.tok(p).Kind {
	case sqldump.TokWord, sqldump.TokIdent, sqldump.TokString:
	default:
		return p
	}
	p++
	if x.tok(p).Kind == sqldump.TokVariable && x.tok(p).Start == x.tok(p-1).End {
		return p + 1 // root@localhost
	}
	if x.is(p, "@") {
		switch x.tok(p + 1).Kind {
		case sqldump.TokWord, sqldump.TokIdent, sqldump.TokString:
			return p + 2
		}
		return p + 1
	}
	return p
}

// definer rewrites every DEFINER=user@host to the neutral definer.
func (x *stmt) definer() {
	for p := 0; p < len(x.code); p++ {
		if !x.is(p, "DEFINER") || !x.is(p+1, "=") {
			continue
		}
		end := x.userEnd(p + 2)
		if end == p+2 {
			continue
		}
		x.set(p+2, []byte(neutralDefiner))
		// drop the rest of the user (and anything between its tokens)
		for i := x.code[p+2] + 1; i < x.code[end-1]+1; i++ {
			x.repl[i] = nil
			x.done[i] = true
		}
		p = end - 1
	}
}
