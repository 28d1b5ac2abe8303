package anonymize

import (
	"io"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Collect reads a dump and calls visit with every original value that
// anonymization would rewrite: the values of marked columns (NULL and
// empty excluded) and, inside json columns, the leaves the json kind would
// replace. set must be Prepared for the dump's schema. fuzzy index builds
// the scrubbing index from it.
func Collect(r *sqldump.Reader, set *rules.Set, visit func(kind string, value []byte)) error {
	w := newWorker(&Key{secret: make([]byte, MinKeyBytes)}) // no transforms run
	// What a kind keeps as it is (a nil UUID, a sentinel date) is the
	// software's, not the donor's: no scrubber or verifier should look for it.
	inner := visit
	visit = func(kind string, v []byte) {
		if !keptAsIs(kind, v) {
			inner(kind, v)
		}
	}
	var buf []byte
	for {
		st, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		in := st.Insert()
		if in == nil {
			continue
		}
		names := in.ColumnNames()
		if names == nil {
			continue
		}
		for col, name := range names {
			rule := set.RuleIn(in.Database(), in.Table(), name)
			if rule == nil || rule.Kind.Name == "keep" {
				continue
			}
			info := &colInfo{paths: parsePaths(rule.Kind.Params["paths"]), keys: parseKeys(rule.Kind.Params["keys"])}
			for row := 0; row < in.Rows(); row++ {
				v := in.Value(row, col)
				if v.IsNull() {
					continue
				}
				buf = v.Bytes(buf[:0])
				if len(buf) == 0 {
					continue
				}
				if rule.Kind.Name == "json" {
					if !jsonLeaves(w, info, buf, visit) {
						visit("json", buf) // not JSON: the whole text is the secret
					}
					continue
				}
				visit(rule.Kind.Name, buf)
			}
		}
	}
}
