package anonymize

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// What a dump should not carry: system data (accounts, grants, servers,
// the mysql schema) and replication coordinates (also commented out, as
// --master-data=2 writes them). Audit reports them, one finding for each
// (counted by statement), as anonymize refuses or drops them.

// systemLog gathers those statements while a dump is read.
type systemLog struct {
	system, repl       map[string]int
	firstSys, firstRep int
}

func (l *systemLog) add(st *sqldump.Statement) {
	if l.system == nil {
		l.system, l.repl = map[string]int{}, map[string]int{}
	}
	if tr := st.Trivia(); len(tr) > 0 && replComment.Match(tr) {
		l.note(&l.repl, &l.firstRep, st.Line+bytes.Count(tr[:replComment.FindIndex(tr)[0]], []byte{'\n'}), "a comment holding them (--master-data=2, --dump-slave=2)")
	}
	what, line, repl := systemStatement(st)
	switch {
	case what == "":
	case repl:
		l.note(&l.repl, &l.firstRep, line, what)
	default:
		l.note(&l.system, &l.firstSys, line, what)
	}
}

func (l *systemLog) note(m *map[string]int, first *int, line int, what string) {
	if len(*m) == 0 || line < *first {
		*first = line
	}
	(*m)[what]++
}

var replComment = regexp.MustCompile(`(?i)CHANGE\s+(MASTER|REPLICATION\s+SOURCE)\s+TO|gtid_(slave|current|binlog)_pos|gtid_purged|MASTER_LOG_POS`)

func counted(m map[string]int) string {
	var parts []string
	for what, n := range m {
		parts = append(parts, fmt.Sprintf("%d %s", n, what))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// findings are the dump-level findings.
func (l *systemLog) findings() []Finding {
	var out []Finding
	if len(l.system) > 0 {
		out = append(out, Finding{Reasons: []string{fmt.Sprintf("system data from line %d (mariadb-dump --system=..., or a dump of the mysql schema): %s: accounts, password hashes, server credentials or real column values; anonymize refuses them (--system=drop drops them)", l.firstSys, counted(l.system))}})
	}
	if len(l.repl) > 0 {
		out = append(out, Finding{Reasons: []string{fmt.Sprintf("replication coordinates from line %d (--master-data, --dump-slave, --gtid): %s: they locate the donor's binary log; anonymize drops them", l.firstRep, counted(l.repl))}})
	}
	return out
}

// systemStatement names a statement that is system data or (repl)
// replication coordinates; "" for any other. It reads the statement the
// way anonymize decides it (around.go).
func systemStatement(st *sqldump.Statement) (what string, line int, repl bool) {
	line = st.Line
	if in := st.Insert(); in != nil || st.Kind == sqldump.KindInsert {
		db := st.Database
		table := ""
		if in != nil {
			table = in.Table()
			if in.Database() != "" {
				db = in.Database()
			}
		}
		if strings.EqualFold(db, "mysql") {
			return st.Keyword + " INTO mysql." + table, line, false
		}
		return "", 0, false
	}
	if st.Kind != sqldump.KindOther && st.Kind != sqldump.KindCreateTable && st.Kind != sqldump.KindUse {
		return "", 0, false
	}
	x := &stmt{st: st, src: st.Raw}
	toks, err := sqldump.Lex(st.Raw, st.Delimiter())
	if err != nil {
		return "", 0, false // anonymize refuses it, with its line
	}
	x.toks = toks
	for i, t := range toks {
		if t.IsCode() {
			x.code = append(x.code, i)
		}
	}
	if len(x.code) == 0 {
		return "", 0, false
	}
	x.headWords()
	if len(x.head) == 0 {
		return "", 0, false
	}
	line = x.line()
	two := x.head[0]
	if len(x.head) > 1 {
		two += " " + x.head[1]
	}
	if replication[two] || x.setsGTID() {
		return x.name(), line, true
	}
	if what, ok := x.systemStatement(); ok {
		return what, line, false
	}
	return "", 0, false
}
