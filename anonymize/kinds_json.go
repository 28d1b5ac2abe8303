package anonymize

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The json kind rewrites JSON text in place: structure, key order,
// spacing, numbers and keys are kept; string leaves are replaced when they
// are recognisably confidential (IP, CIDR, MAC, UUID, email, URL,
// hostname, host:port, SSH key, fingerprint), sit under a secret-looking
// key (password, secret, token, ...), sit under a key named in
// json:keys=a,b (at any depth: Nova's versioned objects nest their fields
// under "nova_object.data"), or match a configured path
// (json:paths=a.b,c.*.d, array levels transparent, * any one key).
// Recognised leaves use the same transforms as columns, so a value inside
// JSON matches its twin elsewhere; other leaves become words.

var noColumn colInfo

var secretKey = regexp.MustCompile(`(?i)pass|secret|token|credential|auth_key|private|api_key`)

type jsonRewriter struct {
	w     *worker
	c     *colInfo
	in    []byte
	i     int
	out   []byte
	path  [][]byte
	count int // leaves replaced
	// visit, when set, is told each leaf that would be replaced (and
	// its kind) instead of transforms running: fuzzy index uses it.
	visit func(kind string, v []byte)
}

var errJSON = errors.New("invalid JSON")

// kindJSON rewrites a JSON document; text that is not JSON gets the
// fallback.
func kindJSON(w *worker, c *colInfo, in []byte, n int) result {
	if len(bytes.TrimSpace(in)) == 0 {
		return result{out: in}
	}
	jr := &jsonRewriter{w: w, c: c, in: in, out: make([]byte, 0, len(in)+len(in)/8)}
	jr.ws()
	if err := jr.value(nil); err != nil {
		return fallback(w, in, n)
	}
	jr.ws()
	if jr.i != len(in) {
		return fallback(w, in, n)
	}
	return result{out: jr.out}
}

func (j *jsonRewriter) ws() {
	for j.i < len(j.in) {
		switch j.in[j.i] {
		case ' ', '\t', '\n', '\r':
			j.out = append(j.out, j.in[j.i])
			j.i++
		default:
			return
		}
	}
}

func (j *jsonRewriter) value(key []byte) error {
	if j.i >= len(j.in) {
		return errJSON
	}
	switch c := j.in[j.i]; {
	case c == '{':
		j.out = append(j.out, c)
		j.i++
		j.ws()
		if j.i < len(j.in) && j.in[j.i] == '}' {
			j.out = append(j.out, '}')
			j.i++
			return nil
		}
		for {
			j.ws()
			start := j.i
			k, err := j.readString()
			if err != nil {
				return err
			}
			// Keys are kept, but for ids inside them (Nova's compute
			// stats have "num_proj_<project id>" keys).
			if j.visit == nil && hasIDRun(k) {
				j.out = appendJSONString(j.out, j.rewriteIDs(k))
			} else {
				if j.visit != nil && hasIDRun(k) {
					for _, id := range idRuns(k) {
						j.visit("uuid", id)
					}
				}
				j.out = append(j.out, j.in[start:j.i]...)
			}
			j.ws()
			if j.i >= len(j.in) || j.in[j.i] != ':' {
				return errJSON
			}
			j.out = append(j.out, ':')
			j.i++
			j.ws()
			j.path = append(j.path, k)
			if err := j.value(k); err != nil {
				return err
			}
			j.path = j.path[:len(j.path)-1]
			if done, err := j.sep('}'); done || err != nil {
				return err
			}
		}
	case c == '[':
		j.out = append(j.out, c)
		j.i++
		j.ws()
		if j.i < len(j.in) && j.in[j.i] == ']' {
			j.out = append(j.out, ']')
			j.i++
			return nil
		}
		for {
			j.ws()
			if err := j.value(key); err != nil {
				return err
			}
			if done, err := j.sep(']'); done || err != nil {
				return err
			}
		}
	case c == '"':
		s, err := j.readString()
		if err != nil {
			return err
		}
		j.out = appendJSONString(j.out, j.leaf(key, s))
		return nil
	default:
		start := j.i
		for j.i < len(j.in) && !bytes.ContainsRune([]byte(",]} \t\r\n"), rune(j.in[j.i])) {
			j.i++
		}
		lit := string(j.in[start:j.i])
		switch lit {
		case "true", "false", "null":
		default:
			if _, err := strconv.ParseFloat(lit, 64); err != nil {
				return errJSON
			}
		}
		j.out = append(j.out, lit...)
		return nil
	}
}

// readString reads a JSON string at j.i and returns its decoded value
// (a slice of the input when it has no escapes).
func (j *jsonRewriter) readString() ([]byte, error) {
	if j.i >= len(j.in) || j.in[j.i] != '"' {
		return nil, errJSON
	}
	start := j.i
	j.i++
	esc := false
	for j.i < len(j.in) {
		c := j.in[j.i]
		if c == '\\' {
			esc = true
			j.i += 2
			continue
		}
		if c == '"' {
			j.i++
			raw := j.in[start:j.i]
			if !esc {
				return raw[1 : len(raw)-1], nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, errJSON
			}
			return []byte(s), nil
		}
		if c < 0x20 {
			return nil, errJSON
		}
		j.i++
	}
	return nil, errJSON
}

func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(dst, '"')
}

// sep copies the ',' or the closing byte after a member or element;
// done reports the close.
func (j *jsonRewriter) sep(close byte) (done bool, err error) {
	j.ws()
	if j.i >= len(j.in) {
		return false, errJSON
	}
	switch j.in[j.i] {
	case ',':
		j.out = append(j.out, ',')
		j.i++
		return false, nil
	case close:
		j.out = append(j.out, close)
		j.i++
		return true, nil
	}
	return false, errJSON
}

// leaf decides what a string leaf becomes.
func (j *jsonRewriter) leaf(key []byte, s []byte) []byte {
	if len(s) == 0 {
		return s
	}
	if kind := detectKind(s); kind != "" {
		j.count++
		if j.visit != nil {
			j.visit(kind, s)
			return s
		}
		return kindFuncs[kind](j.w, &noColumn, s, 0).out
	}
	secret, ok := j.w.secret[string(key)]
	if !ok {
		secret = secretKey.Match(key)
		if len(j.w.secret) < 10000 {
			j.w.secret[string(key)] = secret
		}
	}
	if secret || j.pathMatches() || j.c.keys[string(key)] {
		j.count++
		if j.visit != nil {
			j.visit("string", s)
			return s
		}
		return kindString(j.w, &colInfo{}, s, 0).out
	}
	return s
}

func (j *jsonRewriter) pathMatches() bool {
	for _, p := range j.c.paths {
		if len(p) != len(j.path) {
			continue
		}
		ok := true
		for i := range p {
			if p[i] != "*" && p[i] != string(j.path[i]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// idRe finds UUIDs and Keystone's 32-hex ids inside text.
var idRe = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{32}`)

func hasIDRun(k []byte) bool { return len(k) >= 32 && idRe.Match(k) }

func idRuns(k []byte) [][]byte { return idRe.FindAll(k, -1) }

// rewriteIDs replaces the ids inside a key like the uuid kind would.
func (j *jsonRewriter) rewriteIDs(k []byte) []byte {
	return idRe.ReplaceAllFunc(k, func(id []byte) []byte {
		return kindUUID(j.w, &noColumn, id, 0).out
	})
}

// detectKind recognises strings that are confidential by their shape.
func detectKind(s []byte) string {
	switch {
	case isUUID(s), len(s) == 32 && isHexString(s) && !hasUpperHex(s):
		return "uuid"
	case isMAC(s):
		return "mac"
	case isColonHex(s):
		return "fingerprint"
	case bytes.HasPrefix(s, []byte("ssh-")) || bytes.HasPrefix(s, []byte("ecdsa-sha2-")):
		return "ssh_public_key"
	case bytes.Contains(s, []byte("://")):
		return "url"
	case isEmail(s):
		return "email"
	}
	if bytes.IndexByte(s, '/') > 0 {
		if _, err := netip.ParsePrefix(string(s)); err == nil {
			return "cidr"
		}
	}
	if mayBeAddr(s) {
		if _, err := netip.ParseAddr(string(s)); err == nil {
			return "ip_address"
		}
	}
	if isHostname(s) {
		return "hostname"
	}
	if isHostPort(s) {
		return "hostport"
	}
	return ""
}

// jsonLeaves calls visit for every leaf of a JSON document that the json
// kind would replace; it reports false if the text is not JSON.
func jsonLeaves(w *worker, c *colInfo, in []byte, visit func(kind string, v []byte)) bool {
	jr := &jsonRewriter{w: w, c: c, in: in, visit: visit}
	jr.ws()
	if err := jr.value(nil); err != nil {
		return false
	}
	jr.ws()
	return jr.i == len(in)
}

// parsePaths reads json:paths=a.b,c.*.d.
func parsePaths(spec string) [][]string {
	var out [][]string
	for _, p := range strings.Split(spec, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		out = append(out, strings.Split(strings.TrimPrefix(p, "$."), "."))
	}
	return out
}

// parseKeys reads json:keys=a,b.
func parseKeys(spec string) map[string]bool {
	if spec == "" {
		return nil
	}
	m := map[string]bool{}
	for _, k := range strings.Split(spec, ",") {
		if k = strings.TrimSpace(k); k != "" {
			m[k] = true
		}
	}
	return m
}
