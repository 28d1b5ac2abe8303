package modelmarkup

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/internal/nova"
)

// TestRealNova reads Debian's real Nova models and checks them against
// databases that the real nova-manage creates on a private MariaDB.
func TestRealNova(t *testing.T) {
	if err := nova.Check(); err != nil {
		t.Fatalf("%v (make test installs it)", err)
	}
	srv := dbtest.Start(t, dbserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := nova.Prepare(ctx, srv, t.TempDir(), ""); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ path, db string }{{nova.MainModels, "nova"}, {nova.APIModels, "nova_api"}} {
		t.Run(tc.db, func(t *testing.T) {
			src, err := os.ReadFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(tc.path, string(src))
			if err != nil {
				t.Fatal(err)
			}
			// Every class that declares a table is a model we found.
			declared := regexp.MustCompile(`(?m)^\s+__tablename__\s*=\s*['"](\w+)['"]`).FindAllStringSubmatch(string(src), -1)
			if len(declared) != len(f.Models) || len(f.Models) < 10 {
				t.Errorf("%d models found, the file declares %d tables", len(f.Models), len(declared))
			}
			removed := map[string]bool{}
			if list, ok := f.Assignments["REMOVED_COLUMNS"].([]any); ok {
				for _, it := range list {
					if pair, ok := it.([]any); ok && len(pair) == 2 {
						removed[fmt.Sprint(pair[0])+"."+fmt.Sprint(pair[1])] = true
					}
				}
			}
			db, err := sql.Open("mysql", srv.DSN(tc.db))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			dbCols := queryColumns(t, db, tc.db)
			dbFKs := queryFKs(t, db, tc.db)
			modelTables := map[string]bool{}
			var modelFKs []string
			for _, m := range f.Models {
				modelTables[m.Table] = true
				want := dbCols[m.Table]
				if want == nil {
					t.Errorf("model %s: table %s is not in the database", m.Class, m.Table)
					continue
				}
				var have []string
				for _, c := range want {
					if !removed[m.Table+"."+c] {
						have = append(have, c)
					}
				}
				got := sortedCopy(m.ColumnNames())
				sort.Strings(have)
				if strings.Join(got, ",") != strings.Join(have, ",") {
					t.Errorf("table %s: models have %v\n database has %v", m.Table, got, have)
				}
				for _, r := range m.ForeignKeys {
					modelFKs = append(modelFKs, r.String())
				}
			}
			var wantFKs []string
			for _, fk := range dbFKs {
				if modelTables[strings.SplitN(fk, ".", 2)[0]] {
					wantFKs = append(wantFKs, fk)
				}
			}
			sort.Strings(modelFKs)
			sort.Strings(wantFKs)
			if strings.Join(modelFKs, "\n") != strings.Join(wantFKs, "\n") {
				t.Errorf("foreign keys differ:\nmodels:\n  %s\ndatabase:\n  %s", strings.Join(modelFKs, "\n  "), strings.Join(wantFKs, "\n  "))
			}
			t.Logf("%s: %d models, %d columns, %d foreign keys match the database", tc.db, len(f.Models), countCols(f.Models), len(modelFKs))
		})
	}
}

func countCols(ms []*Model) int {
	n := 0
	for _, m := range ms {
		n += len(m.Columns)
	}
	return n
}

func queryColumns(t *testing.T, db *sql.DB, schema string) map[string][]string {
	rows, err := db.Query("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position", schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		out[tbl] = append(out[tbl], col)
	}
	return out
}

func queryFKs(t *testing.T, db *sql.DB, schema string) []string {
	rows, err := db.Query(`SELECT table_name, constraint_name, GROUP_CONCAT(column_name ORDER BY ordinal_position),
		referenced_table_name, GROUP_CONCAT(referenced_column_name ORDER BY ordinal_position)
		FROM information_schema.key_column_usage
		WHERE table_schema = ? AND referenced_table_name IS NOT NULL
		GROUP BY table_name, constraint_name, referenced_table_name`, schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var tbl, name, cols, rt, rc string
		if err := rows.Scan(&tbl, &name, &cols, &rt, &rc); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s.%s -> %s.%s", tbl, cols, rt, rc))
	}
	return out
}
