package anonymize

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Finding is a column that looks confidential but has no rule.
type Finding struct {
	Table, Column string
	Reasons       []string
	Samples       int // non-empty values sampled
}

// AuditReport lists unmarked columns that look confidential, and how much
// of what looks confidential the rules cover.
type AuditReport struct {
	Findings []Finding
	// Suspect counts columns that look confidential (by name or values);
	// Covered how many of them have a rule (keep counts: it is a decision).
	Suspect, Covered int
	Columns          int // all columns seen
	// Warnings name what is not a finding but deserves a decision, such
	// as an unmarked ROW START/END column (it records the donor's history).
	Warnings []string
}

// Coverage is Covered/Suspect as a percentage (100 when nothing looks
// confidential).
func (a *AuditReport) Coverage() float64 {
	if a.Suspect == 0 {
		return 100
	}
	return 100 * float64(a.Covered) / float64(a.Suspect)
}

// sensitiveName matches column names that usually hold confidential data.
var sensitiveName = regexp.MustCompile(`(?i)(^|_)(host(name)?|fqdn|node|ip|ipv4|ipv6|addr(ess)?|mac|e?mail|user(name)?|login|owner|passw(or)?d|secret|token|key_data|public_key|private_key|fingerprint|cert(ificate)?|url|uri|connection(_info)?|transport_url|database_connection|cidr|netmask|gateway|broadcast|dns\d?|display_name|description|hostname|label|message|details|traceback|network_info|user_data|project_id|user_id|compute|dest_host|source_node|dest_node|source_compute|dest_compute|launched_on|instance_name|devname|portal|iqn|spec|instance)($|_)`)

// columns never worth flagging by name: bookkeeping and foreign ids whose
// values are checked by sampling anyway.
var boringName = regexp.MustCompile(`(?i)^(id|deleted|created_at|updated_at|deleted_at|.*_count|.*_id_mappings)$`)

// Audit samples up to sample non-empty values per column and reports the
// columns without rules whose name or values look confidential. set must
// be Prepared for the dump's schema.
func Audit(r *sqldump.Reader, set *rules.Set, sample int) (*AuditReport, error) {
	type colState struct {
		table, name string
		sampled     int
		kinds       map[string]int
		marked      bool
		numeric     bool
	}
	cols := map[string]*colState{}
	var order []string
	var buf []byte
	rep0 := &AuditReport{}
	for {
		st, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if t := st.Table(); t != nil {
			for _, c := range t.Columns {
				if c.SystemTime != "" && set.Rule(t.Name, c.Name) == nil {
					rep0.Warnings = append(rep0.Warnings, fmt.Sprintf("%s.%s: the ROW %s column of a system-versioned table has no rule: its timestamps tell when the donor's rows changed (datetime shifts them)", t.Name, c.Name, strings.ToUpper(c.SystemTime)))
				}
				k := t.Name + "." + c.Name
				if cols[k] == nil {
					cols[k] = &colState{table: t.Name, name: c.Name, kinds: map[string]int{}, marked: set.Rule(t.Name, c.Name) != nil, numeric: isNumericType(c.Type)}
					order = append(order, k)
				}
			}
		}
		in := st.Insert()
		if in == nil || in.ColumnNames() == nil {
			continue
		}
		for col, name := range in.ColumnNames() {
			k := in.Table() + "." + name
			cs := cols[k]
			if cs == nil {
				cs = &colState{table: in.Table(), name: name, kinds: map[string]int{}, marked: set.Rule(in.Table(), name) != nil}
				cols[k] = cs
				order = append(order, k)
			}
			if cs.sampled >= sample {
				continue
			}
			for row := 0; row < in.Rows() && cs.sampled < sample; row++ {
				v := in.Value(row, col)
				if v.IsNull() || v.Kind == sqldump.KindNumber {
					continue
				}
				buf = v.Bytes(buf[:0])
				if len(buf) == 0 {
					continue
				}
				cs.sampled++
				if kind := sniff(buf); kind != "" {
					cs.kinds[kind]++
				}
			}
		}
	}
	rep := rep0
	rep.Columns = len(cols)
	for _, k := range order {
		cs := cols[k]
		var reasons []string
		// Numbers carry no names or addresses: only text columns are
		// suspect by name (their values are sampled either way).
		if !cs.numeric && sensitiveName.MatchString(cs.name) && !boringName.MatchString(cs.name) {
			reasons = append(reasons, "name looks confidential")
		}
		var kinds []string
		for kind, n := range cs.kinds {
			kinds = append(kinds, fmt.Sprintf("%d of %d sampled values look like %s", n, cs.sampled, kind))
		}
		sort.Strings(kinds)
		reasons = append(reasons, kinds...)
		if len(reasons) == 0 {
			continue
		}
		rep.Suspect++
		if cs.marked {
			rep.Covered++
			continue
		}
		rep.Findings = append(rep.Findings, Finding{Table: cs.table, Column: cs.name, Reasons: reasons, Samples: cs.sampled})
	}
	return rep, nil
}

// sniff recognises a confidential-looking value: the json kind's
// recognisers plus key material and URLs with credentials, inside JSON
// too.
func sniff(v []byte) string {
	t := bytes.TrimSpace(v)
	switch {
	case bytes.HasPrefix(t, []byte("-----BEGIN")):
		return "key material"
	case bytes.HasPrefix(t, []byte("ssh-")) || bytes.HasPrefix(t, []byte("ecdsa-sha2-")):
		return "ssh public key"
	case bytes.Contains(t, []byte("://")) && urlHasCredentials(t):
		return "url with credentials"
	}
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		found := ""
		w := auditWorker()
		if jsonLeaves(w, &colInfo{}, t, func(kind string, _ []byte) {
			if found == "" {
				found = kind
			}
		}) && found != "" {
			return "JSON holding " + found
		}
	}
	if k := detectKind(t); k != "" && k != "hostname" {
		return kindLabel(k)
	}
	if isHostname(t) && bytes.Count(t, []byte(".")) >= 2 {
		return "hostname"
	}
	return ""
}

func kindLabel(k string) string {
	switch k {
	case "ip_address", "cidr", "hostport":
		return "ip address"
	}
	return k
}

func urlHasCredentials(t []byte) bool {
	i := bytes.Index(t, []byte("://"))
	rest := t[i+3:]
	if j := bytes.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	return bytes.IndexByte(rest, '@') > 0
}

var auditW *worker

func auditWorker() *worker {
	if auditW == nil {
		auditW = newWorker(&Key{secret: make([]byte, MinKeyBytes)})
	}
	return auditW
}

// String renders a finding for people.
func (f Finding) String() string {
	return fmt.Sprintf("%s.%s: %s", f.Table, f.Column, strings.Join(f.Reasons, "; "))
}

func isNumericType(t string) bool {
	switch t {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "bit", "bool", "boolean", "year":
		return true
	}
	return false
}
