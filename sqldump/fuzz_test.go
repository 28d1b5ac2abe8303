package sqldump_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

func addSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/dumps/*.sql")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"INSERT INTO t VALUES (1,'a\\'b',\"c\"\"d\",NULL,0x41,X'42',b'1',0b1,_binary 'x',-1.5e-3);\n",
		"DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT ';'; END ;;\nDELIMITER ;\n",
		"/*M!999999\\- enable the sandbox mode */ \n/*!40101 SET NAMES utf8mb4 */;\n-- c\n# c\n/* c */",
		"CREATE TABLE `t` (`a` inet6 DEFAULT '::', `b` int(11) unsigned NOT NULL, PRIMARY KEY (`b`), CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `u` (`x`)) AUTO_INCREMENT=5;\n",
		"USE `d`;\nINSERT IGNORE INTO `d`.`t` (`a`) VALUES (1),(2);\r\n",
	} {
		f.Add([]byte(s))
	}
}

// FuzzReader: the reader never panics, and whatever it accepts it writes
// back byte for byte; every value it yields decodes.
func FuzzReader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := sqldump.NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		w := sqldump.NewWriter(&out)
		for {
			st, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			if in := st.Insert(); in != nil {
				for row := 0; row < in.Rows(); row++ {
					for c := 0; c < in.Width(); c++ {
						in.Value(row, c).Bytes(nil)
					}
				}
			}
			w.Write(st)
		}
		w.Close()
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("accepted input does not round-trip:\n in %q\nout %q", data, out.Bytes())
		}
	})
}

// FuzzRewrite: replacing every value with its own decoded bytes yields a
// dump that reads back to the same values.
func FuzzRewrite(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := sqldump.NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		var want [][]byte
		var out bytes.Buffer
		w := sqldump.NewWriter(&out)
		for {
			st, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			if in := st.Insert(); in != nil {
				for row := 0; row < in.Rows(); row++ {
					for c := 0; c < in.Width(); c++ {
						v := in.Value(row, c)
						if v.Kind == sqldump.KindString {
							b := v.Bytes(nil)
							want = append(want, b)
							in.SetString(row, c, b)
						}
					}
				}
			}
			w.Write(st)
		}
		w.Close()
		r2, _ := sqldump.NewReader(bytes.NewReader(out.Bytes()))
		var got [][]byte
		for {
			st, err := r2.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("rewritten dump does not read: %v\n%q", err, out.Bytes())
			}
			if in := st.Insert(); in != nil {
				for row := 0; row < in.Rows(); row++ {
					for c := 0; c < in.Width(); c++ {
						if v := in.Value(row, c); v.Kind == sqldump.KindString {
							got = append(got, v.Bytes(nil))
						}
					}
				}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%d strings read back, want %d", len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("string %d: %q read back as %q", i, want[i], got[i])
			}
		}
	})
}

// FuzzParseCreateTable: neither parser panics on any statement.
func FuzzParseCreateTable(f *testing.F) {
	f.Add("CREATE TABLE `t` (`a` int(11) NOT NULL DEFAULT '0', PRIMARY KEY (`a`)) ENGINE=InnoDB AUTO_INCREMENT=3")
	f.Add("CREATE TABLE t (a inet6, b uuid, g geometry, UNIQUE KEY u (a(10)), CONSTRAINT c FOREIGN KEY (b) REFERENCES x.y (z)) WITH SYSTEM VERSIONING")
	f.Fuzz(func(t *testing.T, sql string) {
		sqldump.ParseCreateTable(sql)
	})
}
