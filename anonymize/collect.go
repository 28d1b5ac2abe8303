package anonymize

import (
	"io"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Collect reads a dump and calls visit with every original value that
// anonymization would rewrite: the values of marked columns (NULL and
// empty excluded), inside json columns the leaves the json kind would
// replace, the parts of URLs (urlParts) and the data inside free text.
// set must be Prepared for the dump's schema. fuzzy index builds the
// scrubbing index from it.
func Collect(r *sqldump.Reader, set *rules.Set, visit func(kind string, value []byte)) error {
	w := newWorker(&Key{secret: make([]byte, MinKeyBytes)}) // no transforms run
	// What a kind keeps as it is (a nil UUID, a sentinel date) is the
	// software's, not the donor's: no scrubber or verifier should look for it.
	// A URL (a column's, a JSON leaf, one inside text) is also known by
	// each part the url kind replaces, alone; free text by the data
	// inside it (hosts, addresses, e-mails, URLs, ids), alone.
	inner := visit
	visit = func(kind string, v []byte) { w.knownBy(kind, v, inner) }
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
		p := collectPlan(set, in, names)
		for col, cp := range p.cols {
			if cp == nil || cp.kind == "keep" {
				continue
			}
			info := &cp.info
			for row := 0; row < in.Rows(); row++ {
				if contextKinds[cp.kind] {
					w.setRow(p, in, row) // what the row keeps stays in its URLs and JSON
				} else {
					w.clearRow()
				}
				v := in.Value(row, col)
				if v.IsNull() {
					continue
				}
				buf = v.Bytes(buf[:0])
				if len(buf) == 0 {
					continue
				}
				if cp.kind == "json" {
					if !jsonLeaves(w, info, buf, visit) {
						visit("json", buf) // not JSON: the whole text is the secret
					}
					continue
				}
				visit(cp.kind, buf)
			}
		}
	}
}

// collectPlan is the engine's plan of a table as far as fuzzy index
// needs it: each marked column's kind, and the row's values for the
// kinds that read them, so that a part the url or json kind keeps (a
// copy of a kept column) is not looked for.
func collectPlan(set *rules.Set, in *sqldump.Insert, names []string) *tablePlan {
	p := &tablePlan{cols: make([]*colPlan, len(names))}
	for i, name := range names {
		rule := set.RuleIn(in.Database(), in.Table(), name)
		if rule == nil {
			continue
		}
		k := rule.Kind.Name
		p.cols[i] = &colPlan{kind: k, fn: kindFuncs[k], info: colInfo{table: in.Table(), name: name, params: rule.Kind.Params,
			paths: parsePaths(rule.Kind.Params["paths"]), keys: parseKeys(rule.Kind.Params["keys"])}}
		p.context = p.context || contextKinds[k]
	}
	return p
}
