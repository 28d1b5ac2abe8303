package anonymize_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// The donor facts an attacker knows (testdata/around/donor.sql plants
// them): customers' e-mails, the donor's domain and hosts, its network,
// the definer's account, credentials in a routine, the go-live date, and
// how many users and invoices it ever created.
var planted = []string{
	"vip@donor-corp.com", "second@donor-corp.com", "jane.donor@donor-corp.com", "ops@donor-corp.com", "oncall@donor-corp.com",
	"banned@donor-corp.com", "evil.donor-corp.com", "db1.donor-corp.com", "db2.donor-corp.com", "web7.donor-corp.com",
	"dc2.donor-corp.com", "donor-corp", "bastion", "dbadmin", "10.20.30.4", "hunter2", "SECRETTOKEN123", "Adm1nPassw0rd",
	"AppSecret99", "ReplPassw0rd", "Jane Donor", "Donor Corp", "Vera Ip", "Sam Second", "2023-03-14", "SKU-DONOR",
	"IDENTIFIED BY PASSWORD", "binlog.0", "MASTER_LOG_POS", "gtid_slave_pos", "Server version", "Dump completed on",
	"10.11.", "mariadb.sys", "+05:45",
}

// counters the donor's history left: AUTO_INCREMENT=5001 after 5000
// users, invoice numbers from 4711 up to 9999 (SETVAL 10000).
var plantedNumbers = map[string]bool{"5000": true, "5001": true, "4711": true, "9999": true, "10000": true}

// views returns what an attacker reads the output as: as it is, with
// every string literal unescaped and every hex literal decoded.
func views(t *testing.T, out []byte) []string {
	t.Helper()
	var dec bytes.Buffer
	eachToken(t, out, func(st *sqldump.Statement, tk sqldump.Token) {
		dec.Write(sqldump.TokenValue(nil, st.Raw, tk))
		dec.WriteByte(' ')
	})
	hexRe := regexp.MustCompile(`(?i)0x([0-9a-f]{2,})|x'([0-9a-f]*)'`)
	var hx bytes.Buffer
	for _, m := range hexRe.FindAllSubmatch(out, -1) {
		h := m[1]
		if len(h) == 0 {
			h = m[2]
		}
		for i := 0; i+1 < len(h); i += 2 {
			v, _ := strconv.ParseUint(string(h[i:i+2]), 16, 8)
			hx.WriteByte(byte(v))
		}
		hx.WriteByte(' ')
	}
	return []string{strings.ToLower(string(out)), strings.ToLower(dec.String()), strings.ToLower(hx.String())}
}

// attack looks for every planted original in every view of out, and for
// the donor's counters among its numbers; it returns what it found.
func attack(t *testing.T, out []byte) []string {
	t.Helper()
	var found []string
	for vi, v := range views(t, out) {
		for _, p := range planted {
			if i := strings.Index(v, strings.ToLower(p)); i >= 0 {
				lo, hi := max(0, i-80), min(len(v), i+len(p)+40)
				found = append(found, fmt.Sprintf("planted %q survives in view %d: ...%s...", p, vi, v[lo:hi]))
			}
		}
	}
	eachToken(t, out, func(st *sqldump.Statement, tk sqldump.Token) {
		if tk.Kind == sqldump.TokNumber && plantedNumbers[string(tk.Text(st.Raw))] {
			found = append(found, fmt.Sprintf("line %d: the donor's counter %s survives", st.Line, tk.Text(st.Raw)))
		}
	})
	return found
}

// eachToken calls fn with every token of every statement of dump.
func eachToken(t *testing.T, dump []byte, fn func(*sqldump.Statement, sqldump.Token)) {
	t.Helper()
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	for {
		st, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("the dump does not read: %v", err)
		}
		ts, err := sqldump.Lex(st.Raw, st.Delimiter())
		if err != nil {
			t.Fatalf("statement at line %d does not lex: %v", st.Line, err)
		}
		for _, tk := range ts {
			fn(st, tk)
		}
	}
}

func anonymizeDump(t *testing.T, dump []byte, system anonymize.SystemPolicy) ([]byte, *anonymize.Stats, error) {
	t.Helper()
	return anonymizeDumpWith(t, dump, anonymize.Options{System: system})
}

// donorRules reads the donor's rules.
func donorRules(t *testing.T) *rules.Set {
	t.Helper()
	doc, err := os.ReadFile("testdata/around/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Parse("rules.yaml", doc)
	if err != nil {
		t.Fatal(err)
	}
	// The shop's models would know its tables: the --where dump holds
	// two of them, and rules for the others are warnings, not typos.
	for _, r := range set.All() {
		set.Tables[r.Table] = append(set.Tables[r.Table], r.Column)
	}
	return set
}

func anonymizeDumpWith(t *testing.T, dump []byte, opts anonymize.Options) ([]byte, *anonymize.Stats, error) {
	t.Helper()
	opts.Key, opts.Workers = key(t, "around"), 2
	return runSet(t, dump, donorRules(t), opts)
}

// namedRows is the attacker of body linkage on a whole dump: the values
// of marked columns that a literal of a view, trigger, routine or event
// equals, and the e-mail domains a LIKE pattern ends with.
func namedRows(t *testing.T, dump []byte) []string {
	t.Helper()
	set := donorRules(t)
	values := map[string]string{} // value -> table.column
	for table, cols := range tableRows(t, dump) {
		for col, vs := range cols {
			if set.Rule(table, col) == nil {
				continue
			}
			for _, v := range vs {
				values[v] = table + "." + col
				if _, domain, ok := strings.Cut(v, "@"); ok && col == "email" {
					values["%@"+domain] = table + "." + col + " (its domain)"
				}
			}
		}
	}
	var named []string
	for _, l := range bodyLiterals(t, dump) {
		if where, ok := values[l]; ok && len(l) > 3 {
			named = append(named, fmt.Sprintf("a body's literal names rows of %s", where))
		}
	}
	return named
}

// TestAroundTheRowsRealDumps builds the donor database on a real MariaDB,
// dumps it with mariadb-dump's common option sets, anonymizes each dump
// and attacks the output; the outputs load, and the triggers, view,
// function, CHECKs and partitions work on the anonymized values.
func TestAroundTheRowsRealDumps(t *testing.T) {
	s := startDonor(t, "--log-bin=binlog", "--server-id=1")
	common := []string{"--routines", "--triggers", "--events"}
	dumps := []struct {
		name string
		args []string
	}{
		{"default", append(common, "--databases", "shop")},
		{"keep-linkage", append(common, "--databases", "shop")},
		{"where", append(common, "--where", "email='vip@donor-corp.com' OR id>0", "shop", "users", "audit_log")},
		{"master-data", append(common, "--master-data=1", "--gtid", "--databases", "shop")},
		{"master-data-2", append(common, "--master-data=2", "--databases", "shop")},
		{"skip-quote-names", append(common, "--skip-quote-names", "--databases", "shop")},
		{"system-all", append(common, "--system=all", "--databases", "shop")},
		{"dump-history", append(common, "--dump-history", "--databases", "shop")},
	}
	outs := map[string][]byte{}
	for _, d := range dumps {
		dump := dbtest.Dump(t, s, d.args...)
		// The donor dumped over TCP from its database host: the header
		// names it (here the dump ran on a socket, so plant it).
		dump = bytes.Replace(dump, []byte("-- Host: localhost"), []byte("-- Host: db1.donor-corp.com"), 1)
		// The attacker works: on the dump itself it finds the originals.
		if found := attack(t, dump); len(found) < 10 {
			t.Fatalf("%s: the attack finds only %d planted values in the original dump", d.name, len(found))
		}
		system := anonymize.SystemRefuse
		if d.name == "system-all" {
			_, _, err := anonymizeDump(t, dump, anonymize.SystemRefuse)
			if err == nil {
				t.Fatalf("system-all: system data was not refused")
			}
			msg := err.Error()
			if !strings.Contains(msg, "CREATE USER") || !strings.Contains(msg, "--system=drop") || !regexp.MustCompile(`^line \d+: `).MatchString(msg) {
				t.Errorf("system-all: the refusal names no line, statement or option: %s", msg)
			}
			for _, p := range planted {
				if strings.Contains(strings.ToLower(msg), strings.ToLower(p)) {
					t.Errorf("system-all: the error shows %q: %s", p, msg)
				}
			}
			system = anonymize.SystemDrop
		}
		keep := d.name == "keep-linkage"
		out, stats, err := anonymizeDumpWith(t, dump, anonymize.Options{System: system, KeepBodyLinkage: keep})
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		for _, f := range attack(t, out) {
			t.Errorf("%s: %s", d.name, f)
		}
		// The attacker of body linkage: by default no body names a row
		// or a group of rows; given the rows' fakes, they do.
		named := namedRows(t, out)
		if keep && len(named) < 3 {
			t.Errorf("keep-linkage: the bodies name %d rows with the rows' fakes (%q): the attack is broken", len(named), named)
		}
		if !keep {
			for _, n := range named {
				t.Errorf("%s: %s", d.name, n)
			}
		}
		warned := strings.Join(stats.Warnings, "\n")
		switch d.name {
		case "master-data", "master-data-2":
			if !strings.Contains(warned, "dropped replication coordinates") {
				t.Errorf("%s: no warning for the dropped coordinates:\n%s", d.name, warned)
			}
		case "system-all":
			for _, what := range []string{"CREATE USER", "GRANT", "CREATE SERVER", "REPLACE INTO mysql.column_stats", "REPLACE INTO mysql.index_stats"} {
				if !strings.Contains(warned, "dropped system data: "+what) {
					t.Errorf("system-all: no warning for dropping %s", what)
				}
			}
			for _, what := range []string{"CREATE USER", "GRANT ", "CREATE SERVER", "INTO `column_stats`", "INTO `index_stats`", "USE mysql", "LOCK TABLES `column_stats`"} {
				if bytes.Contains(out, []byte(what)) {
					t.Errorf("system-all: %s passes through", what)
				}
			}
		}
		if d.name == "dump-history" {
			// The history's timestamps tell when the donor changed rows.
			for _, ts := range historyTimes(t, dump) {
				if bytes.Contains(out, []byte(ts)) {
					t.Errorf("dump-history: the history timestamp %s survives", ts)
				}
			}
		}
		outs[d.name] = out
	}
	db, err := sql.Open("mysql", s.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, name := range []string{"default", "keep-linkage", "skip-quote-names", "master-data", "system-all", "dump-history"} {
		t.Run("load-"+name, func(t *testing.T) {
			if _, err := db.Exec("DROP DATABASE IF EXISTS shop"); err != nil {
				t.Fatal(err)
			}
			if out, err := dbtest.RunTool(s, []string{"mariadb", "mysql"}, string(outs[name])); err != nil {
				t.Fatalf("the anonymized dump does not load: %v\n%s", err, out)
			}
			checkLoaded(t, db, name == "keep-linkage")
			if name == "dump-history" {
				var n int
				if err := db.QueryRow("SELECT COUNT(*) FROM shop.hist FOR SYSTEM_TIME ALL").Scan(&n); err != nil || n != 2 {
					t.Errorf("the anonymized history did not load: %d versions, %v", n, err)
				}
			}
		})
	}
}

// historyTimes returns the ROW START/END values of the dump's rows (the
// 2038 sentinel of current rows aside).
func historyTimes(t *testing.T, dump []byte) []string {
	t.Helper()
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	var out []string
	for {
		st, err := r.Next()
		if err != nil {
			break
		}
		in := st.Insert()
		if in == nil || in.Schema() == nil {
			continue
		}
		for i, name := range in.ColumnNames() {
			c, _ := in.Schema().Column(name)
			if c == nil || c.SystemTime == "" {
				continue
			}
			for row := 0; row < in.Rows(); row++ {
				if v := in.Value(row, i).String(); !strings.HasPrefix(v, "2038-01-19") {
					out = append(out, v)
				}
			}
		}
	}
	if len(out) < 3 {
		t.Fatalf("the --dump-history dump has %d history timestamps, want the rows' versions", len(out))
	}
	return out
}

// checkLoaded proves the anonymized database works like the donor's:
// the triggers, the view, the function, the procedure and the event load
// and run, CHECK constraints hold, partitions keep their rows, and the
// counters start from the rows loaded. With linked bodies
// (--keep-body-linkage) the triggers fire on the anonymized values and
// the view and the function match them; by default they match no row.
func checkLoaded(t *testing.T, db *sql.DB, linked bool) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := func(query string, args ...any) string {
		t.Helper()
		var v sql.NullString
		if err := conn.QueryRowContext(ctx, query, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v.String
	}
	exec := func(query string, args ...any) error {
		_, err := conn.ExecContext(ctx, query, args...)
		return err
	}
	if err := exec("USE shop"); err != nil {
		t.Fatal(err)
	}
	// Row 1 was vip@donor-corp.com on host db1.donor-corp.com, its name
	// set to 'internal' by the trigger: these are their fakes.
	vip, host, internal := q("SELECT email FROM users WHERE id = 1"), q("SELECT host FROM users WHERE id = 1"), q("SELECT name FROM users WHERE id = 1")
	if strings.Contains(vip, "donor") || vip == "" {
		t.Fatalf("row 1's e-mail is not anonymized: %q", vip)
	}
	if n := q("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA='shop' AND TABLE_NAME='users'"); n != "4" {
		t.Errorf("users' AUTO_INCREMENT after loading is %s, want 4 (max id + 1)", n)
	}
	if n := q("SELECT NEXTVAL(invoice_seq)"); n != "1" {
		t.Errorf("the sequence continues at %s, want a fresh 1", n)
	}
	want := map[bool]string{true: "1", false: "0"}[linked]
	if got := q("SELECT COUNT(*) FROM vip_users WHERE email = ?", vip); got != want {
		t.Errorf("the view selects %s rows with the VIP's fake, want %s", got, want)
	}
	if got := q("SELECT COUNT(*) FROM vip_users"); !linked && got != "0" {
		t.Errorf("the view of unlinked literals selects %s rows", got)
	}
	if got := q("SELECT f_is_vip(?)", vip); got != want {
		t.Errorf("f_is_vip(fake VIP) = %s, want %s", got, want)
	}
	if err := exec("CALL p_notify('x')"); err != nil {
		t.Errorf("the procedure fails: %v", err)
	}
	if got := q("SELECT COUNT(*) FROM logins PARTITION (p_donor) WHERE id = 1"); got != "1" {
		t.Errorf("login 1 left its partition: %s rows", got)
	}
	// The BEFORE INSERT trigger: a new row with the VIP's fake gets gold,
	// one on the fake db1 host gets the fake of 'internal'; the AFTER
	// INSERT trigger logs both.
	if err := exec("DELETE FROM users WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := exec("INSERT INTO users (id, email, name, host, ip) VALUES (1, ?, 'Someone', ?, '192.0.2.1')", vip, host); err != nil {
		t.Fatalf("inserting the VIP's fake: %v", err)
	}
	if tier := q("SELECT tier FROM users WHERE id = 1"); (tier == "gold") != linked {
		t.Errorf("the trigger on the VIP's fake (linked %v) gave tier %q", linked, tier)
	}
	if name := q("SELECT name FROM users WHERE id = 1"); (name == internal) != linked {
		t.Errorf("the host trigger on the fake host (linked %v): name %q, the rows' fake of 'internal' %q", linked, name, internal)
	}
	if got := q("SELECT COUNT(*) FROM audit_log WHERE email = ?", vip); got == "0" {
		t.Errorf("the AFTER INSERT trigger logged nothing for the fake")
	}
	if err := exec("INSERT INTO users (email, name, host, ip) VALUES ('plain@example.org', 'P', 'h.example.org', '192.0.2.2')"); err != nil {
		t.Fatal(err)
	}
	if tier := q("SELECT tier FROM users WHERE email = 'plain@example.org'"); tier != "basic" {
		t.Errorf("the trigger fired for an unrelated row: tier %q", tier)
	}
	// CHECK (email <> 'banned@...') still refuses the banned address's fake.
	clause := q("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA='shop' AND CONSTRAINT_NAME='chk_email'")
	m := regexp.MustCompile(`'([^']+)'`).FindStringSubmatch(clause)
	if m == nil {
		t.Fatalf("chk_email has no literal: %s", clause)
	}
	if err := exec("INSERT INTO users (email, name, host) VALUES (?, 'B', 'b.example.org')", m[1]); err == nil {
		t.Errorf("the CHECK constraint no longer refuses the banned address's fake")
	}
	if got := q("SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA='shop' AND DEFINER LIKE 'root@%'"); got != "1" {
		t.Errorf("the event is missing or not defined by the loading user: %s", got)
	}
}

// dropHostAccounts drops the accounts mariadb-install-db made for this
// machine's host name, which the server (without name resolution)
// cannot show: --system=users would fail on them.
func dropHostAccounts(t *testing.T, s *dbserver.Server) {
	t.Helper()
	if _, err := dbtest.RunTool(s, []string{"mariadb", "mysql"}, `
		DELIMITER //
		FOR u IN (SELECT user, host FROM mysql.global_priv WHERE user IN ('root', '') AND host NOT IN ('localhost', '127.0.0.1', '::1')) DO
			EXECUTE IMMEDIATE CONCAT('DROP USER ', QUOTE(u.user), '@', QUOTE(u.host));
		END FOR //
		DELIMITER ;`); err != nil {
		t.Fatalf("dropping the host-named accounts: %v", err)
	}
}

// startDonor starts a server with flags and loads the donor database.
func startDonor(t *testing.T, flags ...string) *dbserver.Server {
	t.Helper()
	s := dbtest.Start(t, dbserver.Options{ExtraFlags: flags})
	donor, err := os.ReadFile("testdata/around/donor.sql")
	if err != nil {
		t.Fatal(err)
	}
	// --comments: keep the comments inside trigger and routine bodies, as
	// a donor's tools may.
	if out, err := dbtest.RunTool(s, []string{"mariadb", "mysql"}, string(donor), "--comments"); err != nil {
		t.Fatalf("loading the donor database: %v\n%s", err, out)
	}
	dropHostAccounts(t, s)
	return s
}
