package anonymize

import (
	"fmt"
	"strings"
	"time"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// colPlan is how one value position of a table's INSERTs is handled.
type colPlan struct {
	info    colInfo
	kind    string
	fn      kindFunc
	tracked bool // unique column of a non-bijective kind: collision-checked
	unique  bool // a key of its own: its values do not repeat (not remembered, memo.go)
	// the digests of tracked values and their kind's collision sets
	inFP, outFP fpHash
	sets        *kindSets
	stats       *ColumnStats
	// rowsHint: the rows the table's AUTO_INCREMENT announces (at most
	// fpHintMax; 0: none) for a unique tracked column, which the
	// collision stage makes room for at once (hinted) rather than grow
	// its table step by step
	rowsHint int
	hinted   bool
}

type tablePlan struct {
	cols []*colPlan // nil entries: column passes through
	any  bool
	// entity: where a row's datetime entity is (tables with datetime
	// columns); context: the row's originals are kept for url and json.
	entity  *entityPlan
	context bool
	salt    *saltPlan // rows name themselves for perRow kinds (rowctx.go)
}

// bijective kinds cannot collide: distinct inputs give distinct outputs.
// (datetime is not: two entities' shifts can meet.)
var bijective = map[string]bool{"integer": true, "ip_address": true, "ip_address_v4": true, "ip_address_v6": true,
	"mac": true, "keep": true, "uuid": true, "null": true, "fixed": true}

// maxLength is a column's capacity in characters (bytes for binary).
func maxLength(c *sqldump.Column) int {
	switch c.Type {
	case "char", "varchar", "binary", "varbinary":
		return c.Length
	case "tinytext", "tinyblob":
		return 255
	case "text", "blob":
		return 65535
	case "mediumtext", "mediumblob":
		return 16777215
	}
	return 0
}

func (e *Engine) plan(in *sqldump.Insert) (*tablePlan, error) {
	names := in.ColumnNames()
	// Same-named tables in several databases (a --databases dump) differ:
	// the plan is per schema.
	key := fmt.Sprintf("%p\x00%s\x00%s", in.Schema(), in.Table(), strings.Join(in.Columns(), "\x00"))
	if p := e.plans[key]; p != nil {
		return p, nil
	}
	p := &tablePlan{cols: make([]*colPlan, in.Width())}
	schema := in.Schema()
	if names == nil {
		// No column list and no CREATE TABLE: we cannot tell which values
		// are confidential. Refuse rather than pass data through unread.
		if e.opts.Rules.HasRules(in.Database(), in.Table()) {
			return nil, fmt.Errorf("table %s: INSERT without a column list and no CREATE TABLE in the dump: cannot tell which values to anonymize", in.Table())
		}
		e.plans[key] = p
		return p, nil
	}
	if len(names) != in.Width() {
		return nil, fmt.Errorf("table %s: INSERT rows have %d values but the table has %d columns", in.Table(), in.Width(), len(names))
	}
	e.consult(in.Database(), in.Table(), names)
	var err error
	for i, name := range names {
		r := e.opts.Rules.RuleIn(in.Database(), in.Table(), name)
		if r == nil {
			continue
		}
		cp := &colPlan{kind: r.Kind.Name, fn: kindFuncs[r.Kind.Name], tracked: e.tracked[r.Kind.Name], unique: schema != nil && uniqueColumn(schema, name)}
		if cp.tracked {
			cp.inFP, cp.outFP = e.fp[r.Kind.Name][0], e.fp[r.Kind.Name][1]
			cp.sets = e.coll.of(r.Kind.Name)
			if cp.unique && schema.AutoIncrement > 1 {
				cp.rowsHint = int(min(schema.AutoIncrement-1, fpHintMax))
			}
		}
		if cp.info, err = e.columnInfo(in.Table(), name, schema, r); err != nil {
			return nil, err
		}
		if r.Kind.Name == "datetime" && p.entity == nil {
			p.entity = e.planEntity(in.Table(), names, schema)
		}
		if contextKinds[r.Kind.Name] {
			p.context = true
		}
		sk := in.Table() + "." + name
		st := e.stats[sk]
		if st == nil {
			st = &ColumnStats{Table: in.Table(), Column: name, Kind: r.Kind.String(), Via: r.Via}
			e.stats[sk] = st
		}
		cp.stats = st
		p.cols[i] = cp
		p.any = true
	}
	p.salt = e.planSalt(p, in.Table(), names, schema)
	e.plans[key] = p
	return p, nil
}

// columnInfo is what a kind needs to know about table.name (schema may be
// nil): the rows' transforms and the DDL literals of the column share it,
// so a literal becomes the same fake as the column's values.
func (e *Engine) columnInfo(table, name string, schema *sqldump.Table, r *rules.Rule) (colInfo, error) {
	info := colInfo{table: table, name: name, nullable: true, params: r.Kind.Params}
	info.secret = isSecretKey([]byte(name))
	info.birth = r.Kind.Name == "datetime" && isBirthName(name)
	info.family = e.fam.root(table, name)
	info.intDomain = intDomain(info.family)
	if schema != nil {
		if c, _ := schema.Column(name); c != nil {
			info.maxLen = maxLength(c)
			info.typ = c.Type
			info.unsigned = c.Unsigned
			info.nullable = c.Nullable
		}
	}
	switch r.Kind.Name {
	case "json":
		info.paths, info.keys = parsePaths(r.Kind.Params["paths"]), parseKeys(r.Kind.Params["keys"])
	case "datetime":
		win := rules.DefaultWindow
		if s, ok := r.Kind.Params["window"]; ok {
			var err error
			if win, err = rules.ParseWindow(s); err != nil {
				return info, fmt.Errorf("%s: %s.%s: %w", r.Source, table, name, err)
			}
		}
		info.window = int64(win / time.Second)
	}
	return info, nil
}

// structured kinds cannot be cut to fit a column; the others can.
var structured = map[string]bool{"uuid": true, "ip_address": true, "ip_address_v4": true, "ip_address_v6": true, "cidr": true,
	"mac": true, "datetime": true, "json": true, "ssh_public_key": true, "fingerprint": true, "ec2_id": true}
