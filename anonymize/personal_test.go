package anonymize_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/internal/piidb"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

func audit(t *testing.T, dump []byte, set *rules.Set) *anonymize.AuditReport {
	t.Helper()
	return auditWith(t, dump, set, anonymize.AuditOptions{Sample: 1000})
}

// auditWith is audit with options.
func auditWith(t *testing.T, dump []byte, set *rules.Set, opts anonymize.AuditOptions) *anonymize.AuditReport {
	t.Helper()
	schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		t.Fatal(err)
	}
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	rep, err := anonymize.AuditWith(r, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// noValues fails if any of the shop's personal values is in text.
func noValues(t *testing.T, f *piidb.Fixture, what, text string) {
	t.Helper()
	for col, vals := range f.Values {
		for _, v := range vals {
			if len(v) >= 6 && strings.Contains(text, v) {
				t.Errorf("%s shows a value of %s", what, col)
				return
			}
		}
	}
}

// TestShopDatabase: a real MariaDB shop database (internal/piidb) whose
// personal-data columns have names that do not say so, dumped by the real
// mariadb-dump under several option sets: audit finds every such column
// by its values (and no other), says which kind fits and never shows a
// value; it fails on dumps without CREATE TABLE and on system data and
// replication coordinates; privacy by default anonymizes exactly the
// personal columns and its output loads back with its foreign keys.
func TestShopDatabase(t *testing.T) {
	s := dbtest.Start(t, dbserver.Options{ExtraFlags: []string{"--log-bin=shop-bin", "--server-id=1"}})
	f := piidb.Create(t, s)
	dump := f.Dump(t)

	t.Run("audit sees personal data by its values", func(t *testing.T) {
		rep := audit(t, dump, rules.NewSet())
		found := map[string]anonymize.Finding{}
		for _, fd := range rep.Findings {
			found[fd.Table+"."+fd.Column] = fd
			noValues(t, f, "finding "+fd.Table+"."+fd.Column, fd.String())
		}
		for col, class := range piidb.Personal {
			fd, ok := found[col]
			switch {
			case !ok:
				t.Errorf("%s (%s) not found", col, class)
			case !strings.Contains(strings.Join(fd.Reasons, "; "), strings.Fields(class)[0]):
				t.Errorf("%s: reasons %q do not name %s", col, fd.Reasons, class)
			case fd.Kind == "" || fd.Kind == "keep":
				t.Errorf("%s: suggested kind %q", col, fd.Kind)
			}
		}
		for col, why := range piidb.NotPersonal {
			if fd, ok := found[col]; ok {
				t.Errorf("%s (%s) flagged: %v", col, why, fd)
			}
		}
		t.Logf("%d findings; e.g. %v", len(rep.Findings), found["customers.pan"])
	})

	t.Run("no CREATE TABLE", func(t *testing.T) {
		rep := audit(t, f.Dump(t, "--no-create-info"), rules.NewSet())
		tables := map[string]bool{}
		for _, fd := range rep.Findings {
			if fd.Column == "" && strings.Contains(fd.String(), "columns are unknown") {
				tables[fd.Table] = true
			}
		}
		if !tables["customers"] || !tables["orders"] {
			t.Errorf("tables with unknown columns: %v (findings %v)", tables, rep.Findings)
		}
	})

	t.Run("no CREATE TABLE, complete inserts", func(t *testing.T) {
		rep := audit(t, f.Dump(t, "--no-create-info", "--complete-insert"), rules.NewSet())
		found := map[string]bool{}
		for _, fd := range rep.Findings {
			found[fd.Table+"."+fd.Column] = true
		}
		for col := range piidb.Personal {
			if !found[col] {
				t.Errorf("%s not found from the column list of the INSERTs", col)
			}
		}
	})

	t.Run("system data and replication coordinates", func(t *testing.T) {
		// The server skips name resolution: accounts at a host name
		// (mariadb-install-db's root@<this host>) cannot be shown, and
		// mariadb-dump --system=users stops at them.
		dbtest.Client(t, s, "mysql", "DELETE FROM global_priv WHERE Host NOT IN ('localhost', '127.0.0.1', '::1', '%');\n"+
			"FLUSH PRIVILEGES;\nCREATE USER IF NOT EXISTS 'shopapp'@'localhost' IDENTIFIED BY 'Sh0p-s3cret';\n")
		for _, opts := range [][]string{{"--system=users", "--master-data=2", "--gtid"}, {"--master-data=1"}, {"--system=users"}} {
			rep := audit(t, f.Dump(t, opts...), rules.NewSet())
			system, repl := countDumpFindings(t, rep)
			wantSys, wantRepl := strings.Contains(strings.Join(opts, " "), "system"), strings.Contains(strings.Join(opts, " "), "master")
			if (system > 0) != wantSys || (repl > 0) != wantRepl {
				t.Errorf("%v: %d system, %d replication findings: %v", opts, system, repl, rep.Findings)
			}
		}
	})

	t.Run("privacy by default", func(t *testing.T) { testPrivacy(t, s, f, dump) })
}

func countDumpFindings(t *testing.T, rep *anonymize.AuditReport) (system, repl int) {
	t.Helper()
	for _, fd := range rep.Findings {
		if fd.Table != "" {
			continue
		}
		msg := fd.String()
		if strings.Contains(msg, "system data") {
			system++
		}
		if strings.Contains(msg, "replication coordinates") {
			repl++
		}
		if strings.Contains(msg, "*") || strings.Contains(msg, "shop-bin") || strings.Contains(msg, "shopapp") {
			t.Errorf("finding shows a value: %s", msg)
		}
	}
	return system, repl
}

// testPrivacy: privacy by default gives the personal columns their kinds
// and leaves keys, booleans, enums and states alone; keep opts out.
func testPrivacy(t *testing.T, s *dbserver.Server, f *piidb.Fixture, dump []byte) {
	set := rules.NewSet()
	set.Add(rules.Rule{Table: "customers", Column: "notes", Kind: rules.Kind{Name: "keep"}, Source: "test"})
	schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		t.Fatal(err)
	}
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	inferred, err := anonymize.PrivacyByDefault(r, set, schema, 1000)
	if err != nil {
		t.Fatal(err)
	}
	set.Propagate(anonymize.Relations(schema))
	got := map[string]anonymize.Inferred{}
	for _, inf := range inferred {
		got[inf.Table+"."+inf.Column] = inf
		noValues(t, f, "decision", inf.String())
	}
	for col := range piidb.Personal {
		if got[col].Kind == "" {
			t.Errorf("%s left alone: %v", col, got[col])
		}
	}
	for col, why := range piidb.NotPersonal {
		inf, ok := got[col]
		keptFor := why == "primary key" || why == "foreign key" || why == "boolean" || why == "enum" || why == "low-cardinality"
		if keptFor && (!ok || inf.Kind != "") {
			t.Errorf("%s (%s) got a kind: %v", col, why, inf)
		}
	}
	if _, ok := got["customers.notes"]; ok {
		t.Errorf("keep did not opt customers.notes out: %v", got["customers.notes"])
	}
	eng, err := anonymize.New(anonymize.Options{Rules: set, Key: key(t, "privacy"), Schema: schema, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	r, _ = sqldump.NewReader(bytes.NewReader(dump))
	var out bytes.Buffer
	w := sqldump.NewWriter(&out)
	if _, err := eng.Run(r, w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// The attacker's side: no row keeps its own original in a personal
	// column, and no long original value (an e-mail, a card, an
	// IBAN, a name: values chance does not repeat) is anywhere in the
	// output. (Short ones, a date of birth or a house number, can
	// equal another row's by chance.)
	text := out.String()
	rows := tableRows(t, out.Bytes())
	for col, vals := range f.Values {
		table, name, _ := strings.Cut(col, ".")
		got := rows[table][name]
		if len(got) != len(vals) {
			t.Errorf("%s: %d values in the output, %d in the database", col, len(got), len(vals))
			continue
		}
		same, left := 0, 0
		for i, v := range vals {
			if got[i] == v {
				same++
			}
			if len(v) >= 12 && strings.Contains(text, sqlQuote(v)) {
				left++
			}
		}
		if same > 0 || left > 0 {
			t.Errorf("%s: %d rows keep their original, %d long originals are in the output", col, same, left)
		}
	}
	for _, state := range []string{"'gold'", "'verified'", "'active'", "'dhl'"} {
		if !strings.Contains(text, state) {
			t.Errorf("state-like value %s was changed", state)
		}
	}
	// It loads, and every order still has its customer.
	db, name := dbtest.NewDB(t, s)
	dbtest.Client(t, s, name, text)
	var orphans, customers int
	if err := db.QueryRow("SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL").Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	db.QueryRow("SELECT COUNT(*) FROM customers").Scan(&customers)
	if orphans != 0 || customers != piidb.Customers {
		t.Errorf("loaded: %d customers, %d orphan orders", customers, orphans)
	}
	for _, inf := range inferred {
		t.Log(inf)
	}
}

// sqlQuote is how mariadb-dump writes a value: quoted, ' escaped.
func sqlQuote(v string) string { return fmt.Sprintf("'%s'", strings.ReplaceAll(v, "'", "\\'")) }

// tableRows reads a dump's INSERTs: table -> column -> values in order.
func tableRows(t *testing.T, dump []byte) map[string]map[string][]string {
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	out := map[string]map[string][]string{}
	for {
		st, err := r.Next()
		if err != nil {
			break
		}
		in := st.Insert()
		if in == nil {
			continue
		}
		m := out[in.Table()]
		if m == nil {
			m = map[string][]string{}
			out[in.Table()] = m
		}
		for c, name := range in.ColumnNames() {
			for row := 0; row < in.Rows(); row++ {
				m[name] = append(m[name], in.Value(row, c).String())
			}
		}
	}
	return out
}
