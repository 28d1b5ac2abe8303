// Package dumptest holds what tests of real dumps share: reading a
// table's rows back out of a dump, and anonymizing a dump with models
// and a rules file as fuzzy anonymize does.
package dumptest

import (
	"bytes"
	"io"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/modelmarkup"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Rows reads every row of table from a dump, as text by column name
// (NULL: absent).
func Rows(t testing.TB, dump []byte, table string) []map[string]string {
	t.Helper()
	r, err := sqldump.NewReader(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for {
		st, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		in := st.Insert()
		if in == nil || in.Table() != table {
			continue
		}
		names := in.ColumnNames()
		for i := 0; i < in.Rows(); i++ {
			row := map[string]string{}
			for j, n := range names {
				if v := in.Value(i, j); !v.IsNull() {
					row[n] = string(v.Bytes(nil))
				}
			}
			rows = append(rows, row)
		}
	}
}

// Rules merges the models' rules (and foreign keys) with a rules file and
// prepares them for dump.
func Rules(t testing.TB, dump []byte, rulesFile string, models ...string) (*rules.Set, *sqldump.Schema) {
	t.Helper()
	set, _, err := modelmarkup.Load(models...)
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := rules.LoadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	set.Merge(overlay)
	schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		t.Fatalf("the rules do not fit the dump: %v", err)
	}
	return set, schema
}

// Anonymize rewrites dump with the models, the rules file and a key made
// from keyText.
func Anonymize(t testing.TB, dump []byte, keyText, rulesFile string, models ...string) []byte {
	t.Helper()
	set, schema := Rules(t, dump, rulesFile, models...)
	k, err := anonymize.NewKey([]byte(keyText))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := anonymize.New(anonymize.Options{Rules: set, Key: k, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := sqldump.NewReader(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := sqldump.NewWriter(&out)
	if _, err := eng.Run(rd, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
