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

// stmt is one statement being decided: its tokens and the replacements.
type stmt struct {
	e     *Engine
	w     *worker
	st    *sqldump.Statement
	stats *Stats
	src   []byte
	toks  []sqldump.Token
	code  []int          // indices into toks of the code tokens
	repl  map[int][]byte // token index -> replacement bytes
	done  map[int]bool   // literal tokens already decided
	// what the literals of a body refer to (bodies.go)
	trigger string            // the trigger's table
	tables  map[string]string // lower-case table name or alias -> table name
	vars    map[string]bool   // lower-case names of parameters and variables
	self    string            // the table a CREATE TABLE defines
	strict  bool              // literals that rows must match (CHECK, partitions)
	head    []string          // the statement's leading words, upper-cased
	triv    struct {
		out           []byte
		done, changed bool
	}
}

func (e *Engine) lex(wk *worker, st *sqldump.Statement, stats *Stats) (*stmt, error) {
	return e.lexSrc(wk, st, stats, st.Raw)
}

// lexTrivia lexes only the comments and whitespace before st's code.
func (e *Engine) lexTrivia(wk *worker, st *sqldump.Statement, stats *Stats) (*stmt, error) {
	return e.lexSrc(wk, st, stats, st.Trivia())
}

func (e *Engine) lexSrc(wk *worker, st *sqldump.Statement, stats *Stats, src []byte) (*stmt, error) {
	x := &stmt{e: e, w: wk, st: st, stats: stats, src: src, repl: map[int][]byte{}, done: map[int]bool{}}
	var err error
	x.toks, err = sqldump.Lex(src, st.Delimiter())
	if err != nil {
		return nil, fmt.Errorf("line %d: statement fuzzy cannot read (%v): it refuses to pass it through", st.Line, err)
	}
	for i, t := range x.toks {
		if t.IsCode() {
			x.code = append(x.code, i)
		}
	}
	return x, nil
}

// tok returns the code token at position p (a zero Token past the end).
func (x *stmt) tok(p int) sqldump.Token {
	if p < 0 || p >= len(x.code) {
		return sqldump.Token{Kind: sqldump.TokSpace}
	}
	return x.toks[x.code[p]]
}

// is reports whether code token p is the word or punctuation s.
func (x *stmt) is(p int, s string) bool {
	return p >= 0 && p < len(x.code) && x.tok(p).Is(x.src, s)
}

func (x *stmt) upper(p int) string {
	t := x.tok(p)
	if t.Kind != sqldump.TokWord {
		return ""
	}
	return strings.ToUpper(string(t.Text(x.src)))
}

// nameAt returns the identifier at p (quoted or not), or "".
func (x *stmt) nameAt(p int) string {
	switch t := x.tok(p); t.Kind {
	case sqldump.TokIdent:
		return string(sqldump.TokenValue(nil, x.src, t))
	case sqldump.TokWord:
		return string(t.Text(x.src))
	}
	return ""
}

// qualified reads name[.name[.name]] from p: the parts and the position
// after them.
func (x *stmt) qualified(p int) ([]string, int) {
	var parts []string
	for {
		n := x.nameAt(p)
		if n == "" {
			return parts, p
		}
		parts = append(parts, n)
		if !x.is(p+1, ".") || x.nameAt(p+2) == "" {
			return parts, p + 1
		}
		p += 2
	}
}

// value decodes the literal at code position p.
func (x *stmt) value(p int) []byte { return sqldump.TokenValue(nil, x.src, x.tok(p)) }

// set replaces the code token at p.
func (x *stmt) set(p int, b []byte) {
	x.repl[x.code[p]] = b
	x.done[x.code[p]] = true
}

// literal renders a replacement for the literal at p in its own form: a
// hex literal stays hex, a number stays a number when the fake is one.
func (x *stmt) literal(p int, v []byte) []byte {
	switch x.tok(p).Kind {
	case sqldump.TokHex, sqldump.TokBit:
		if len(v) == 0 {
			return []byte("''")
		}
		return sqldump.AppendHex(nil, v)
	case sqldump.TokNumber:
		if isNumber(v) {
			return v
		}
	}
	return sqldump.AppendQuoted(nil, v)
}

// out assembles the statement with its replacements.
func (x *stmt) out() []byte {
	var b bytes.Buffer
	b.Grow(len(x.src))
	for i, t := range x.toks {
		if r, ok := x.repl[i]; ok {
			b.Write(r)
			continue
		}
		b.Write(t.Text(x.src))
	}
	return b.Bytes()
}

// line is the line of the statement's code.
func (x *stmt) line() int {
	if len(x.code) == 0 {
		return x.st.Line
	}
	return x.st.Line + bytes.Count(x.src[:x.tok(0).Start], []byte{'\n'})
}

// statementWords may name a statement in a message; any other word of
// its head might be a value (an unquoted user or host).
var statementWords = map[string]bool{"GLOBAL": true, "SESSION": true, "INTO": true, "IMMEDIATE": true, "TEMPORARY": true,
	"MASTER": true, "REPLICATION": true, "SLAVE": true, "REPLICA": true, "PRIVILEGES": true, "PASSWORD": true, "DEFAULT": true}

// name describes the statement without a value: its first word and the
// object it creates, drops or alters.
func (x *stmt) name() string {
	if len(x.head) == 0 {
		return "statement"
	}
	n := x.head[0]
	if obj := x.object(); obj != "" {
		return n + " " + obj
	}
	if len(x.head) > 1 && (statementWords[x.head[1]] || objectWords[x.head[1]]) {
		n += " " + x.head[1]
	}
	return n
}

// trivia returns the leading trivia with the comment policy applied, and
// whether it changed.
func (x *stmt) trivia() ([]byte, bool) {
	if x.triv.done {
		return x.triv.out, x.triv.changed
	}
	x.triv.done = true
	// Trivia ends at the first token that is not space or a comment (an
	// executable comment's opening is code).
	end, at := len(x.toks), len(x.src)
	for i, t := range x.toks {
		if t.Kind != sqldump.TokSpace && t.Kind != sqldump.TokComment {
			end, at = i, t.Start
			break
		}
	}
	x.triv.out = x.src[:at]
	changed := false
	for i := 0; i < end; i++ {
		if x.toks[i].Kind == sqldump.TokComment && x.comment(i) {
			changed = true
		}
	}
	if !changed {
		return x.triv.out, false
	}
	b := []byte{}
	for i := 0; i < end; i++ {
		if r, ok := x.repl[i]; ok {
			b = append(b, r...)
			continue
		}
		b = append(b, x.toks[i].Text(x.src)...)
	}
	x.triv.out, x.triv.changed = b, true
	return b, true
}

// headWords collects the statement's leading words (skipping a DEFINER
// clause and what executable comments wrap).
func (x *stmt) headWords() {
	for p := 0; p < len(x.code) && len(x.head) < 12; p++ {
		if x.is(p, "DEFINER") && x.is(p+1, "=") {
			p = x.userEnd(p+2) - 1
			continue
		}
		if w := x.upper(p); w != "" {
			x.head = append(x.head, w)
		}
	}
}

func (x *stmt) headHas(words ...string) bool {
	for _, w := range words {
		for _, h := range x.head {
			if h == w {
				return true
			}
		}
	}
	return false
}

// objects a CREATE/DROP/ALTER names, in the order they can appear.
var objectWords = map[string]bool{"TABLE": true, "VIEW": true, "TRIGGER": true, "PROCEDURE": true, "FUNCTION": true, "EVENT": true,
	"SEQUENCE": true, "DATABASE": true, "SCHEMA": true, "USER": true, "ROLE": true, "SERVER": true, "INDEX": true, "TABLESPACE": true,
	"PACKAGE": true, "SYNONYM": true, "LOGFILE": true, "KEYS": true}

func (x *stmt) object() string {
	for _, h := range x.head[1:] {
		if objectWords[h] {
			return h
		}
	}
	return ""
}

// replicationWords start statements that carry replication coordinates.
var replication = map[string]bool{"CHANGE MASTER": true, "CHANGE REPLICATION": true, "START SLAVE": true, "STOP SLAVE": true,
	"START REPLICA": true, "STOP REPLICA": true, "START ALL": true, "STOP ALL": true, "RESET SLAVE": true, "RESET MASTER": true,
	"RESET REPLICA": true}

// gtidVars are the variables --gtid/--master-data/--dump-slave set.
var gtidVars = map[string]bool{"gtid_slave_pos": true, "gtid_purged": true, "gtid_binlog_state": true, "gtid_current_pos": true, "gtid_executed": true}

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

// keys: ALTER TABLE t DISABLE KEYS or ENABLE KEYS, nothing else.
func (x *stmt) keys() bool {
	for p := range x.code {
		if x.is(p, "TABLE") {
			parts, q := x.qualified(p + 1)
			return len(parts) > 0 && (x.is(q, "DISABLE") || x.is(q, "ENABLE")) && x.is(q+1, "KEYS") &&
				(q+2 == len(x.code) || x.tok(q+2).Kind == sqldump.TokDelimiter)
		}
	}
	return false
}

// setsGTID: SET GLOBAL gtid_slave_pos=..., SET @@GLOBAL.GTID_PURGED=...
func (x *stmt) setsGTID() bool {
	if x.upper(0) != "SET" {
		return false
	}
	for p := 1; p < len(x.code); p++ {
		t := x.tok(p)
		name := strings.ToLower(string(t.Text(x.src)))
		switch t.Kind {
		case sqldump.TokVariable:
			name = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(name, "@@"), "global."), "session.")
		case sqldump.TokWord:
		default:
			continue
		}
		if gtidVars[name] {
			return true
		}
	}
	return false
}

// systemStatement tells whether the statement is system data, and names it.
func (x *stmt) systemStatement() (string, bool) {
	first := x.head[0]
	obj := x.object()
	two := first
	if len(x.head) > 1 {
		two += " " + x.head[1]
	}
	switch {
	case first == "GRANT" || first == "REVOKE" || two == "RENAME USER" || first == "INSTALL" || first == "UNINSTALL" || two == "FLUSH PRIVILEGES":
		return two, true
	case (first == "CREATE" || first == "DROP" || first == "ALTER") && (obj == "USER" || obj == "ROLE" || obj == "SERVER"):
		return first + " " + obj, true
	case first == "CREATE" && obj == "FUNCTION" && x.headHas("SONAME"):
		return "CREATE FUNCTION ... SONAME", true
	case first == "SET" && (x.is(1, "PASSWORD") || x.is(1, "ROLE") || x.is(1, "DEFAULT") && x.is(2, "ROLE")):
		return two, true
	case first == "SELECT" && x.headHas("CURRENT_ROLE"):
		return "SELECT CURRENT_ROLE()", true
	case first == "EXECUTE" && x.usesVar("@current_role"):
		return "EXECUTE IMMEDIATE ... SET ROLE", true
	}
	// The mysql schema: USE mysql, its tables, CREATE DATABASE mysql.
	if first == "USE" && strings.EqualFold(x.nameAt(1), "mysql") {
		return "USE mysql", true
	}
	if (obj == "DATABASE" || obj == "SCHEMA") && x.namesMysql() {
		return first + " DATABASE mysql", true
	}
	tableStmt := first == "LOCK" || first == "TRUNCATE" || (first == "CREATE" || first == "DROP" || first == "ALTER") && obj == "TABLE"
	if tableStmt && (strings.EqualFold(x.st.Database, "mysql") || x.qualifiesMysql()) {
		return x.name() + " in the mysql schema", true
	}
	return "", false
}

// usesVar: the statement reads the user variable v.
func (x *stmt) usesVar(v string) bool {
	for p := range x.code {
		if t := x.tok(p); t.Kind == sqldump.TokVariable && strings.EqualFold(string(t.Text(x.src)), v) {
			return true
		}
	}
	return false
}

// namesMysql: a code token that is the identifier mysql.
func (x *stmt) namesMysql() bool {
	for p := range x.code {
		if strings.EqualFold(x.nameAt(p), "mysql") {
			return true
		}
	}
	return false
}

// qualifiesMysql: mysql.name somewhere in the statement.
func (x *stmt) qualifiesMysql() bool {
	for p := range x.code {
		if strings.EqualFold(x.nameAt(p), "mysql") && x.is(p+1, ".") {
			return true
		}
	}
	return false
}

func (x *stmt) dropSystem(what string) (bool, error) {
	if x.e.opts.System != SystemDrop {
		return false, fmt.Errorf("system data (from mariadb-dump --system=... or a dump of the mysql schema): it holds accounts, password hashes, server credentials or real column values; fuzzy refuses it: dump without it, or run with --system=drop to drop such statements")
	}
	x.e.warn(x.stats, x.line(), "dropped system data: "+what)
	return true, nil
}

// generic: COMMENT literals become fake text, every other literal that
// looks confidential its kind's fake.
func (x *stmt) generic() error {
	x.comments()
	x.spotRest()
	return nil
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
