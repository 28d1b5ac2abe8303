package anonymize

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Privacy by default: every column without a rule gets a kind, unless it
// is one of the few kinds of column that carry no one's data and that a
// database needs as they are. PostgreSQL Anonymizer's privacy_by_default
// masks such columns with NULL or their default; here each gets the kind
// that keeps its format (the one audit would suggest), so the dump stays
// realistic and loads.

// PrivacySource is the Source of the rules privacy by default adds.
const PrivacySource = "privacy-by-default"

// Inferred is what privacy by default decided for one column that had
// no rule: a kind, or none (Kind "") and why it is left alone.
type Inferred struct {
	Table, Column string
	Kind          string
	Why           string
}

func (i Inferred) String() string {
	if i.Kind == "" {
		return fmt.Sprintf("%s.%s: kept: %s", i.Table, i.Column, i.Why)
	}
	return fmt.Sprintf("%s.%s: %s: %s", i.Table, i.Column, i.Kind, i.Why)
}

// PrivacyByDefault samples up to sample values of every column of the
// dump (r) and adds a rule (Source PrivacySource) for every column
// without one, except:
//   - primary, unique and foreign key columns and the columns relations
//     name, whose values join rows (unless their values are personal
//     data: an e-mail primary key still gets the email kind, and its
//     references follow it);
//   - booleans (BOOL, TINYINT(1), BIT(1)), ENUM and SET columns;
//   - low-cardinality state-like columns: at most 16 distinct short
//     values in the sample, each seen three times on average (a status,
//     a type, a flag), unless they are personal data;
//   - migration tools' version tables, and columns with no value.
//
// The kind is the personal-data class the values show (phone,
// iban, ...), else what the values look like (uuid, email, hostname,
// url, json, ...), else the column type's: datetime for dates and
// times, integer for integers, shape for decimals and codes, null for
// binary data, text or string for text. set must be Prepared; the caller
// propagates the new rules (set.Propagate) before anonymizing.
func PrivacyByDefault(r *sqldump.Reader, set *rules.Set, schema *sqldump.Schema, sample int) ([]Inferred, error) {
	profs, _, _, err := profiles(r, set, sample)
	if err != nil {
		return nil, err
	}
	keys := keyColumns(set, schema)
	// Base tables first: a shadow_ twin inherits what its table gets.
	sort.SliceStable(profs, func(i, j int) bool {
		return !strings.HasPrefix(profs[i].table, "shadow_") && strings.HasPrefix(profs[j].table, "shadow_")
	})
	var out []Inferred
	for _, p := range profs {
		if set.RuleIn(p.db, p.table, p.name) != nil || rules.IsVersionTable(p.table) {
			continue
		}
		kind, why := privacyKind(p, keys[p.table+"."+strings.ToLower(p.name)])
		out = append(out, Inferred{Table: p.table, Column: p.name, Kind: kind, Why: why})
		if kind != "" {
			set.Add(rules.Rule{Table: p.table, Column: p.name, Kind: rules.Kind{Name: kind}, Source: PrivacySource})
		}
	}
	return out, nil
}

// keyColumns: "table.column" (column lower-cased) of every key column.
func keyColumns(set *rules.Set, schema *sqldump.Schema) map[string]string {
	keys := map[string]string{}
	addAll := func(table string, cols []string, what string) {
		for _, c := range cols {
			if k := table + "." + strings.ToLower(c); keys[k] == "" {
				keys[k] = what
			}
		}
	}
	for _, t := range schema.Tables() {
		addAll(t.Name, t.PrimaryKey, "primary key")
		for _, fk := range t.ForeignKeys {
			addAll(t.Name, fk.Columns, "foreign key to "+fk.RefTable)
			addAll(fk.RefTable, fk.RefColumns, "referenced by "+t.Name)
		}
		for _, u := range t.UniqueKeys {
			addAll(t.Name, u.Columns, "unique key "+u.Name)
		}
	}
	for _, rel := range set.Relations {
		addAll(rel.Table, rel.Columns, "reference to "+rel.RefTable)
		addAll(rel.RefTable, rel.RefColumns, "referenced by "+rel.Table)
	}
	return keys
}

// privacyKind decides one column: its kind and why, or "" and why not.
func privacyKind(p *colProfile, key string) (kind, why string) {
	if p.sampled == 0 {
		return "", "no values (empty table, or NULL and empty only)"
	}
	if reason, k := p.personal(); k != "" {
		if key != "" {
			reason += " (a " + key + ": references follow its fakes)"
		}
		return k, reason
	}
	typ := ""
	if p.col != nil {
		typ = p.col.Type
	}
	switch {
	case key != "":
		return "", key
	case typ == "bool" || typ == "boolean" || (typ == "tinyint" || typ == "bit") && p.col.Length == 1:
		return "", "boolean"
	case typ == "enum" || typ == "set":
		return "", typ
	case typ == "bit":
		return "", "bit field"
	case typ == "year":
		return "", "YEAR (no kind keeps its range)"
	case strings.Contains(typ, "geometry") || typ == "point" || typ == "linestring" || typ == "polygon" || strings.HasPrefix(typ, "multi"):
		return "", "geometry (no kind for it)"
	}
	dated := typ == "date" || typ == "datetime" || typ == "timestamp"
	if n := p.ndistinct; !dated && !p.overflow && n <= 16 && p.sampled >= 3*n && p.maxLen <= 32 {
		return "", fmt.Sprintf("state-like: %d distinct values in %d sampled", n, p.sampled)
	}
	if _, k := p.sniffReasons(); k != "" && 2*p.kindCount(k) >= p.strings {
		return k, fmt.Sprintf("%d of %d sampled values look like %s", p.kindCount(k), p.sampled, k)
	}
	switch {
	case typ == "json" || p.jsonDocs > 0 && 10*p.jsonDocs >= 8*p.strings:
		return "json", "JSON documents"
	case typ == "date" || typ == "datetime" || typ == "timestamp":
		return "datetime", typ
	case typ == "time":
		return "shape", "time"
	case isIntType(typ):
		return "integer", typ
	case typ == "decimal" || typ == "numeric" || typ == "float" || typ == "double" || typ == "real":
		return "shape", typ + " (digits replaced, sign and point kept)"
	case isBinaryType(typ):
		return "null", typ + " (binary: no format to keep)"
	case p.strings == 0:
		return "shape", "numbers"
	}
	if p.tokens*2 >= p.strings || isSecretKey([]byte(p.name)) {
		// never shape: it keeps each character's class, a fingerprint
		return "string", "tokens, hashes or secrets (random characters of their alphabet)"
	}
	if p.codes*2 >= p.strings {
		return "shape", "codes (letters and digits replaced, punctuation kept)"
	}
	return textOrString(p), "text: nothing more specific fits"
}

func (p *colProfile) kindCount(k string) int { return p.kinds[k] }

func isBinaryType(t string) bool {
	switch t {
	case "binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob":
		return true
	}
	return false
}

// jsonDoc: an object or array that parses.
func jsonDoc(v []byte) bool {
	for _, c := range v {
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			continue
		}
		return (c == '{' || c == '[') && json.Valid(v)
	}
	return false
}

// codeLike: one token of letters, digits and punctuation with a digit in
// it (SKU-00012, 1Z999AA10123456784).
func codeLike(v []byte) bool {
	if len(v) > 40 {
		return false
	}
	digit := false
	for _, c := range v {
		switch {
		case c == ' ' || c >= 0x80:
			return false
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	return digit
}
