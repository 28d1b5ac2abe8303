package anonymize

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// The comments mysqldump and mariadb-dump write around statements. Those
// that only name a table, view, routine or database stay; the header's
// host becomes neutral, its versions and the footer's date go, and
// --where's condition goes. Any other comment goes too: comments are free
// text, and dropping one changes nothing a server reads.

// keptComments are comment texts (after "-- ") that stay: a fixed text, or
// a fixed text followed by one quoted name.
var keptComments = []struct {
	text string
	name bool
}{
	{"", false},
	{"------------------------------------------------------", false},
	{"Table structure for table ", true},
	{"Dumping data for table ", true},
	{"Temporary table structure for view ", true},
	{"Temporary view structure for view ", true},
	{"Final view structure for view ", true},
	{"Structure for view ", true},
	{"Current Database: ", true},
	{"Sequence structure for ", true},
	{"Dumping structure for ", true},
	{"Position to start replication or point-in-time recovery from", false},
	{"GTID to start replication from", false},
	{"Preferably use GTID to start replication from GTID position:", false},
	{"A corresponding to the above master-data CHANGE-MASTER settings to the slave gtid state is printed later in the file.", false},
	{"A corresponding to the above master-data CHANGE-MASTER settings to the slave gtid state is printed as comments later in the file.", false},
	{"Alternately, following is the position of the binary logging from SHOW MASTER STATUS at point of backup.", false},
	{"Use this when creating a slave of the master server where the backup was made.", false},
	{"The new server will be connecting to the master server where the backup was taken.", false},
	{"The deferred gtid setting for slave corresponding to the master-data CHANGE-MASTER follows", false},
	{"Dumping user accounts", false},
	{"Dumping grants", false},
	{"Dumping servers", false},
	{"Dumping system tables", false},
	{"Dumping data for table", false},
}

// quotedName: `name`, 'name' or (--skip-quote-names) name, nothing else.
func quotedName(s string) bool {
	if unquoted.MatchString(s) {
		return true
	}
	if len(s) < 2 || s[0] != s[len(s)-1] || s[0] != '`' && s[0] != '\'' {
		return false
	}
	return !strings.ContainsRune(s[1:len(s)-1], rune(s[0])) && !strings.ContainsAny(s, "\n")
}

var unquoted = regexp.MustCompile(`^[A-Za-z0-9_$]+$`)

// comment applies the policy to the comment token i; it reports whether
// the comment changes.
func (x *stmt) comment(i int) bool {
	text := x.toks[i].Text(x.src)
	if !bytes.HasPrefix(text, []byte("--")) {
		x.dropComment(i) // "# ..." and "/* ... */": free text
		return true
	}
	body := strings.TrimRight(strings.TrimPrefix(strings.TrimPrefix(string(text), "--"), " "), " \t\r")
	for _, k := range keptComments {
		if k.name {
			if rest, ok := strings.CutPrefix(body, k.text); ok && quotedName(rest) {
				return false
			}
		} else if body == k.text {
			return false
		}
	}
	switch {
	case strings.HasPrefix(body, "MariaDB dump"):
		x.repl[i] = []byte("-- MariaDB dump")
	case strings.HasPrefix(body, "MySQL dump"):
		x.repl[i] = []byte("-- MySQL dump")
	case strings.HasPrefix(body, "Host: "):
		// The database's name too: a donor names it after itself
		// ("bigbank_crm"), and nothing reads it here. (A --databases
		// dump's CREATE DATABASE and USE keep theirs: loading needs them.)
		x.repl[i] = []byte("-- Host: " + neutralHost + "    Database: ")
	case strings.HasPrefix(body, "Dumping routines for database "), strings.HasPrefix(body, "Dumping events for database "):
		x.repl[i] = []byte("-- " + body[:strings.Index(body, " for database")]) // the name goes, as in the header
	case strings.HasPrefix(body, "Dump completed"):
		x.repl[i] = []byte("-- Dump completed")
	case strings.HasPrefix(body, "CHANGE MASTER"), strings.HasPrefix(body, "CHANGE REPLICATION"), strings.HasPrefix(body, "SET GLOBAL gtid"),
		strings.HasPrefix(body, "SET @@GLOBAL.GTID"):
		x.e.warn(x.stats, x.st.Line+bytes.Count(x.src[:x.toks[i].Start], []byte{'\n'}), "dropped replication coordinates (a comment written by --master-data=2 or --gtid)")
		x.dropComment(i)
	default:
		// Server version, WHERE: (a --where condition), and any other.
		x.dropComment(i)
	}
	return true
}

// dropComment removes comment i; a line comment takes its newline along.
func (x *stmt) dropComment(i int) {
	x.repl[i] = nil
	t := x.toks[i]
	if !bytes.HasPrefix(t.Text(x.src), []byte("/*")) && i+1 < len(x.toks) && x.toks[i+1].Kind == sqldump.TokSpace {
		sp := x.toks[i+1].Text(x.src)
		if k := bytes.IndexByte(sp, '\n'); k >= 0 {
			x.repl[i+1] = sp[k+1:]
		}
	}
}
