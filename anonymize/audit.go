package anonymize

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// Finding is a column that looks confidential but has no rule; or, with
// no Column, a table whose columns are unknown; or, with no Table, a
// statement the dump should not carry (system data, replication
// coordinates). It says why and which kind would fit, never a value.
type Finding struct {
	Table, Column string
	Reasons       []string
	Samples       int    // non-empty values sampled
	Kind          string // the kind audit suggests for the column
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
var sensitiveName = regexp.MustCompile(`(?i)(^|_)(host(name)?|fqdn|node|ip|ipv4|ipv6|addr(ess)?|mac|e?mail|user(name)?|login|owner|passw(or)?d|secret|token|key_data|public_key|private_key|fingerprint|cert(ificate)?|url|uri|connection(_info)?|transport_url|database_connection|cidr|netmask|gateway|broadcast|dns\d?|display_name|description|hostname|label|message|details|traceback|network_info|user_data|project_id|user_id|compute|dest_host|source_node|dest_node|source_compute|dest_compute|launched_on|instance_name|devname|portal|iqn|spec|instance|phone|mobile|ssn|iban|card|birth|dob|street|zip|postcode|surname|first_?name|last_?name|full_?name)($|_)`)

// columns never worth flagging by name: bookkeeping and foreign ids whose
// values are checked by sampling anyway.
var boringName = regexp.MustCompile(`(?i)^(id|deleted|created_at|updated_at|deleted_at|.*_count|.*_id_mappings)$`)

// Audit samples up to sample non-empty values per column and reports the
// columns without rules whose name or values look confidential (by their
// values: person names, phone numbers, national ids, IBANs, card
// numbers, dates of birth, e-mails, IPs, host names, street addresses,
// key material, URLs with credentials, JSON holding any of those), the
// tables whose columns are unknown, and system data and replication
// coordinates. set must be Prepared for the dump's schema.
func Audit(r *sqldump.Reader, set *rules.Set, sample int) (*AuditReport, error) {
	return AuditWith(r, set, AuditOptions{Sample: sample})
}

// AuditOptions configure an audit.
type AuditOptions struct {
	Sample int // values sampled per column
	// KeepBodyLinkage audits for anonymize --keep-body-linkage: a body
	// that names rows by a value is then a finding (it points at them
	// in the published dump), not a warning.
	KeepBodyLinkage bool
}

// AuditWith is Audit with options.
func AuditWith(r *sqldump.Reader, set *rules.Set, opts AuditOptions) (*AuditReport, error) {
	sample := opts.Sample
	profs, dumpFindings, bodies, err := profiles(r, set, sample)
	if err != nil {
		return nil, err
	}
	rep := &AuditReport{Columns: len(profs)}
	named := bodies.findings(set, opts.KeepBodyLinkage)
	if opts.KeepBodyLinkage {
		dumpFindings = append(dumpFindings, named...)
	} else {
		for _, f := range named {
			rep.Warnings = append(rep.Warnings, f.Table+": "+strings.Join(f.Reasons, "; "))
		}
	}
	for _, p := range profs {
		if p.col != nil && p.col.SystemTime != "" && !p.marked {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s.%s: the ROW %s column of a system-versioned table has no rule: its timestamps tell when the donor's rows changed (datetime shifts them)", p.table, p.name, strings.ToUpper(p.col.SystemTime)))
		}
		if p.marked {
			if r := set.RuleIn(p.db, p.table, p.name); r != nil && r.Kind.Name == "shape" && (isSecretKey([]byte(p.name)) || p.tokens > 0 && p.tokens*2 >= p.strings) {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s.%s: kind shape keeps every character's class (digit, letter, case) and the length: on a secret or a token (%d of %d sampled values look like one) that is a fingerprint an attacker can test guessed originals against without the key; use string (random characters of the token's alphabet) or null", p.table, p.name, p.tokens, p.sampled))
			}
		}
		var reasons []string
		numeric := p.col != nil && isNumericType(p.col.Type)
		// Numbers carry no names or addresses: only text columns are
		// suspect by name (their values are sampled either way).
		if !numeric && sensitiveName.MatchString(p.name) && !boringName.MatchString(p.name) {
			reasons = append(reasons, "name looks confidential")
		}
		why, kind := p.personal()
		if why != "" {
			reasons = append(reasons, why)
		}
		sniffed, sk := p.sniffReasons()
		if kind == "" || sk != kind {
			// (a class above says the same of e-mails, IPs, hosts)
			reasons = append(reasons, sniffed...)
		}
		if kind == "" {
			kind = sk
		}
		if len(reasons) == 0 {
			continue
		}
		if kind == "" {
			kind = textOrString(p)
		}
		rep.Suspect++
		if p.marked {
			rep.Covered++
			continue
		}
		rep.Findings = append(rep.Findings, Finding{Table: p.table, Column: p.name, Reasons: reasons, Samples: p.sampled, Kind: kind})
	}
	rep.Findings = append(rep.Findings, dumpFindings...)
	return rep, nil
}

// textOrString: free text (several words, or long) is text, the rest
// string.
func textOrString(p *colProfile) string {
	if p.col != nil && strings.HasSuffix(p.col.Type, "text") || p.maxLen > 64 || p.multiWord*2 > p.strings && p.maxLen > 32 {
		return "text"
	}
	return "string"
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
	switch {
	case f.Table == "":
		return "dump: " + strings.Join(f.Reasons, "; ")
	case f.Column == "":
		return "table " + f.Table + ": " + strings.Join(f.Reasons, "; ")
	}
	return fmt.Sprintf("%s.%s: %s; suggested kind: %s", f.Table, f.Column, strings.Join(f.Reasons, "; "), f.Kind)
}

func isNumericType(t string) bool {
	switch t {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "bit", "bool", "boolean", "year":
		return true
	}
	return false
}
