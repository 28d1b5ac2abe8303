package anonymize

import (
	"fmt"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Replication coordinates and system data in a dump: how they are
// recognised (dropped with a warning, or refused by the policy).

// replicationWords start statements that carry replication coordinates.
var replication = map[string]bool{"CHANGE MASTER": true, "CHANGE REPLICATION": true, "START SLAVE": true, "STOP SLAVE": true,
	"START REPLICA": true, "STOP REPLICA": true, "START ALL": true, "STOP ALL": true, "RESET SLAVE": true, "RESET MASTER": true,
	"RESET REPLICA": true}

// gtidVars are the variables --gtid/--master-data/--dump-slave set.
var gtidVars = map[string]bool{"gtid_slave_pos": true, "gtid_purged": true, "gtid_binlog_state": true, "gtid_current_pos": true, "gtid_executed": true}

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
