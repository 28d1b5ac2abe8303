// Package rules holds what to anonymize and how: per table.column a kind
// with parameters, plus the relations (foreign keys, declared or implicit)
// between columns. modelmarkup reads rules from SQLAlchemy models, this
// package reads and writes the YAML rules file, and anonymize and scale
// consume the merged result.
package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kinds is the vocabulary: the original Fuzzy Happiness kinds plus what
// real data needs. anonymize implements each of them.
var Kinds = []string{
	// Fuzzy Happiness (2014 Nova patch)
	"string", "uuid", "hostname", "ip_address", "ip_address_v4", "ip_address_v6",
	"datetime", "integer", "ec2_id", "key_name",
	// added
	"mac", "cidr", "email", "username", "url", "ssh_public_key", "fingerprint",
	"text", "json", "null", "keep", "fixed",
	// personal data, format kept (audit suggests them)
	"phone", "national_id", "iban", "card_number", "person_name", "street_address", "shape",
	"date_of_birth",
}

// aliases maps accepted spellings to kinds; the original patch's typo
// is accepted.
var aliases = map[string]string{
	"ip_addesss_v6": "ip_address_v6",
	"ipv4":          "ip_address_v4",
	"ipv6":          "ip_address_v6",
	"ip":            "ip_address",
}

// KindParams lists the parameters each kind reads (in anonymize); the
// one list both packages use.
var KindParams = map[string][]string{
	"json":     {"paths", "keys"},
	"fixed":    {"value"},
	"datetime": {"window"},  // how far one entity's dates may move from another's
	"phone":    {"country"}, // the country code fakes carry (none without it)
}

// DefaultWindow is datetime's window when the rules set none.
const DefaultWindow = 30 * 24 * time.Hour

// ParseWindow reads datetime's window: a whole number with a unit, s, m,
// h, d or w ("30d").
func ParseWindow(s string) (time.Duration, error) {
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if len(s) < 2 || units[s[len(s)-1]] == 0 {
		return 0, fmt.Errorf("window %q: want a number and a unit (s, m, h, d, w), e.g. 30d", s)
	}
	n, err := strconv.ParseUint(s[:len(s)-1], 10, 32)
	if err != nil || n > 100*366 && s[len(s)-1] == 'd' {
		return 0, fmt.Errorf("window %q: want a whole number of at most a century, e.g. 30d", s)
	}
	d := time.Duration(n) * units[s[len(s)-1]]
	if d > 100*366*24*time.Hour {
		return 0, fmt.Errorf("window %q: at most a century", s)
	}
	return d, nil
}

// checkParams refuses parameter values a kind cannot use, and a kind
// without a parameter it needs.
func checkParams(k Kind) error {
	if _, ok := k.Params["value"]; k.Name == "fixed" && !ok {
		return fmt.Errorf("kind fixed needs a value (fixed:value=...)")
	}
	if cc, ok := k.Params["country"]; ok && k.Name == "phone" {
		if len(cc) == 0 || len(cc) > 3 || strings.Trim(cc, "0123456789") != "" || cc[0] == '0' {
			return fmt.Errorf("country %q: want a country calling code of 1 to 3 digits, e.g. 44", cc)
		}
	}
	if w, ok := k.Params["window"]; ok && k.Name == "datetime" {
		if _, err := ParseWindow(w); err != nil {
			return err
		}
	}
	return nil
}

// Kind is a kind name with its parameters, e.g. json:paths=a.b,c;
// Params are kind-specific (see the README).
type Kind struct {
	Name   string
	Params map[string]string
}

// KindError is a kind that cannot be used; Offset is the byte offset in
// the kind's text of what is wrong (for a line:column in a rules file).
type KindError struct {
	Offset int
	Msg    string
}

func (e *KindError) Error() string { return e.Msg }

// ParseKind parses "name" or "name:key=value;key=value". An unknown
// kind, a parameter the kind does not take, or a value it cannot use
// is an error (a *KindError) naming the nearest valid spelling.
func ParseKind(s string) (Kind, error) {
	lead := len(s) - len(strings.TrimLeft(s, " \t"))
	spec := strings.TrimSpace(s)
	written, params, hasParams := strings.Cut(spec, ":")
	name := strings.ToLower(strings.TrimSpace(written))
	if a, ok := aliases[name]; ok {
		name = a
	}
	if !isKind(name) {
		known := append(append([]string(nil), Kinds...), aliasNames()...)
		return Kind{}, &KindError{Offset: lead, Msg: fmt.Sprintf("unknown kind %q%s (known: %s)", name, suggest(name, known), strings.Join(Kinds, ", "))}
	}
	k := Kind{Name: name}
	if hasParams {
		k.Params = map[string]string{}
		off := lead + len(written) + 1
		for _, kv := range strings.Split(params, ";") {
			at := off + len(kv) - len(strings.TrimLeft(kv, " \t"))
			off += len(kv) + 1
			kv = strings.TrimSpace(kv)
			if kv == "" {
				continue
			}
			key, value, ok := strings.Cut(kv, "=")
			if !ok {
				return Kind{}, &KindError{Offset: at, Msg: fmt.Sprintf("kind %s: parameter %q is not key=value", name, kv)}
			}
			key = strings.TrimSpace(key)
			if err := checkParamName(name, key); err != nil {
				return Kind{}, &KindError{Offset: at, Msg: err.Error()}
			}
			if _, dup := k.Params[key]; dup {
				return Kind{}, &KindError{Offset: at, Msg: fmt.Sprintf("kind %s: parameter %s given twice", name, key)}
			}
			k.Params[key] = strings.TrimSpace(value)
		}
	}
	if err := checkParams(k); err != nil {
		return Kind{}, &KindError{Offset: lead, Msg: err.Error()}
	}
	return k, nil
}

// checkParamName refuses a parameter the kind does not read.
func checkParamName(kind, param string) error {
	takes := KindParams[kind]
	for _, p := range takes {
		if p == param {
			return nil
		}
	}
	if len(takes) == 0 {
		return fmt.Errorf("kind %s takes no parameters (found %q)", kind, param)
	}
	return fmt.Errorf("kind %s has no parameter %q%s (it takes %s)", kind, param, suggest(param, takes), strings.Join(takes, ", "))
}

func aliasNames() []string {
	out := make([]string, 0, len(aliases))
	for a := range aliases {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func isKind(name string) bool {
	for _, k := range Kinds {
		if k == name {
			return true
		}
	}
	return false
}

// String renders the kind in the syntax ParseKind reads.
func (k Kind) String() string {
	if len(k.Params) == 0 {
		return k.Name
	}
	keys := make([]string, 0, len(k.Params))
	for key := range k.Params {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(k.Name)
	b.WriteByte(':')
	for i, key := range keys {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(key + "=" + k.Params[key])
	}
	return b.String()
}

// Equal reports whether two kinds are the same with the same parameters.
func (k Kind) Equal(o Kind) bool { return k.String() == o.String() }
