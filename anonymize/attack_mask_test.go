package anonymize

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// classMask is what a class-keeping fake would give away: each
// character's class (digit, lower, upper, other).
func classMask(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch charClass(c) {
		case 1:
			b[i] = 'l'
		case 2:
			b[i] = 'U'
		case 3:
			b[i] = 'D'
		default:
			b[i] = '.'
		}
	}
	return string(b)
}

func digitMask(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
	}
	return string(b)
}

// TestNoPathKeepsASecretsMask attacks every place a secret can pass
// through as the red team did (attack1, F1-F4): for a few hundred
// hashes and tokens, does the published fake keep the original's digit
// mask (enough to confirm a guessed password offline, without the key)?
// Each path: the string kind, the fallback of a kind that cannot parse
// the value, a URL query value, path segment and fragment, a JSON
// secret key, a secret after password= in a DDL literal, and a token
// inside free text. A match by chance has a probability of about 2^-20
// for the shortest token here: any match is a leak.
func TestNoPathKeepsASecretsMask(t *testing.T) {
	w := newWorker(testKey(t, "masks"))
	type secret struct{ name, v string }
	var secrets []secret
	for i := 1; i <= 300; i++ {
		s256 := sha256.Sum256([]byte(fmt.Sprint("pw", i)))
		m5 := md5.Sum([]byte(fmt.Sprint("t", i)))
		s1 := sha1.Sum([]byte(fmt.Sprint(i)))
		secrets = append(secrets,
			secret{"sha256 hex", hex.EncodeToString(s256[:])},
			secret{"md5 hex upper", strings.ToUpper(hex.EncodeToString(m5[:]))},
			secret{"prefixed token", "tok_" + hex.EncodeToString(m5[:])},
			secret{"base64", base64.StdEncoding.EncodeToString(s256[:])},
			secret{"base64url", base64.RawURLEncoding.EncodeToString(s1[:])},
			secret{"sha1 prefix", "wh_" + hex.EncodeToString(s1[:])[:20]},
			secret{"mixed token", fmt.Sprintf("a%db%dc%dd", i, i*7, i*13)},
			secret{"django hash", "pbkdf2_sha256$260000$" + hex.EncodeToString(m5[:6]) + "$" + base64.StdEncoding.EncodeToString(s256[:])},
		)
	}
	// body: the part of the output that stands for the token's body
	paths := []struct {
		name string
		fake func(v string) string
	}{
		{"string kind", func(v string) string { return string(kindString(w, &colInfo{}, []byte(v), 0).out) }},
		{"string kind, maxLen", func(v string) string { return string(kindString(w, &colInfo{maxLen: 64}, []byte(v), 0).out) }},
		{"fallback (an ip_address column holding a token)", func(v string) string {
			return string(kindIP(w, &colInfo{}, []byte(v), 0).out)
		}},
		{"fallback (a datetime column)", func(v string) string { return string(kindDatetime(w, &colInfo{}, []byte(v), 0).out) }},
		{"url query value", func(v string) string {
			u := string(kindURL(w, &colInfo{}, []byte("https://api.example.org/hook?token="+url.QueryEscape(v)+"&x=1"), 0).out)
			q, _, _ := strings.Cut(u[strings.Index(u, "token=")+6:], "&")
			d, _ := url.QueryUnescape(q)
			return d
		}},
		{"url path segment", func(v string) string {
			if strings.Contains(v, "/") {
				return ""
			}
			u := string(kindURL(w, &colInfo{}, []byte("https://api.example.org/v1/"+v+"/x"), 0).out)
			seg := strings.Split(u, "/")
			return seg[len(seg)-2]
		}},
		{"url fragment", func(v string) string {
			if strings.Contains(v, "/") {
				return ""
			}
			u := string(kindURL(w, &colInfo{}, []byte("https://api.example.org/x#"+v), 0).out)
			return u[strings.IndexByte(u, '#')+1:]
		}},
		{"json secret key", func(v string) string {
			doc, _ := json.Marshal(map[string]string{"api_key": v})
			var m map[string]string
			if err := json.Unmarshal(kindJSON(w, &colInfo{}, doc, 0).out, &m); err != nil {
				t.Fatal(err)
			}
			return m["api_key"]
		}},
		{"secret-named string column", func(v string) string {
			return string(kindString(w, &colInfo{secret: true}, []byte(v), 0).out)
		}},
		{"DDL literal password=", func(v string) string {
			out, _ := spot(w, []byte("password="+v))
			return strings.TrimPrefix(string(out), "password=")
		}},
		{"free text in JSON", func(v string) string {
			doc, _ := json.Marshal(map[string]string{"msg": "reset with " + v + " now"})
			var m map[string]string
			if err := json.Unmarshal(kindJSON(w, &colInfo{}, doc, 0).out, &m); err != nil {
				t.Fatal(err)
			}
			f := strings.Fields(m["msg"])
			if len(f) != 4 {
				return m["msg"]
			}
			return f[2]
		}},
	}
	for _, p := range paths {
		kept, same, tried := map[string]int{}, 0, 0
		for _, s := range secrets {
			out := p.fake(s.v)
			if out == "" {
				continue
			}
			tried++
			if out == s.v {
				same++
			}
			// the attacker compares masks of the parts of the same length
			// (a kept prefix like tok_ or $2b$12$ is the format's)
			if len(out) == len(s.v) && digitMask(out) == digitMask(s.v) && strings.ContainsAny(s.v, "0123456789") {
				kept[s.name]++
			}
		}
		if same > 0 {
			t.Errorf("%s: %d of %d secrets passed through unchanged", p.name, same, tried)
		}
		for name, n := range kept {
			t.Errorf("%s: the digit mask of %d of %d %s values survived (a guess can be confirmed offline)", p.name, n, len(secrets)/8, name)
		}
	}
}

// TestTextKeepsNoExactShape: free text and strings that are not
// tokens keep words, not their exact lengths, and mixed tokens inside
// them keep no digit placement (F9 and F1's class in text).
func TestTextKeepsNoExactShape(t *testing.T) {
	w := newWorker(testKey(t, "shape"))
	// Templates told apart by their length: "user #N" for ids of 1 to 4
	// digits (the red team read the id's digit count from the length).
	// The attacker knows the template and how many ids of each digit
	// count there are, and guesses the most likely one for each published
	// length; with exact lengths that is always right.
	seen := map[int]map[int]int{} // published length -> original length -> count
	total := 0
	for _, id := range append(append(append(seq(1, 9, 1), seq(10, 99, 1)...), seq(100, 999, 10)...), seq(1000, 9999, 100)...) {
		in := fmt.Sprintf("password reset mailed to user #%d", id)
		out := kindText(w, &colInfo{}, []byte(in), 0).out
		if seen[len(out)] == nil {
			seen[len(out)] = map[int]int{}
		}
		seen[len(out)][len(in)]++
		total++
	}
	right := 0
	for _, origs := range seen {
		best := 0
		for _, n := range origs {
			best = max(best, n)
		}
		right += best
	}
	if right*10 > total*6 {
		t.Errorf("text: the published length tells the id's digit count for %d of %d messages", right, total)
	}
	// Names: the lengths of the words do not survive as a whole.
	first := []string{"Zoë", "Björn", "Łukasz", "Émilie", "Øyvind", "Siobhán", "Jürgen", "Ngozi", "Haruto", "Mateus", "Aleksandra", "Dmitri"}
	last := []string{"Van der Berg", "Kowalczyk", "Øberg", "Müller-Schmidt", "O'Sullivan", "Nakamura", "Dąbrowski", "Fernández"}
	exact := 0
	total = 0
	for _, f := range first {
		for _, l := range last {
			in := f + " " + l
			out := string(kindString(w, &colInfo{}, []byte(in), 0).out)
			total++
			if runeLen([]byte(out)) == runeLen([]byte(in)) {
				exact++
			}
		}
	}
	if exact*4 > total {
		t.Errorf("string: %d of %d names kept their exact length", exact, total)
	}
	// A mixed token inside a string: no digit placement.
	kept := 0
	for i := 0; i < 300; i++ {
		tok := fmt.Sprintf("x%dy%dz", i%10, i/10%10)
		out := string(kindString(w, &colInfo{}, []byte("build "+tok+" ok"), 0).out)
		f := strings.Fields(out)
		if len(f) == 3 && classMask(f[1]) == classMask(tok) {
			kept++
		}
	}
	// the mask of a 5-character token over [a-z0-9] matches by chance
	// about (26/36)^3 (10/36)^2 of the time: under 3%
	if kept > 30 {
		t.Errorf("string: %d of 300 mixed tokens kept their class mask", kept)
	}
}

func seq(from, to, step int) []int {
	var out []int
	for i := from; i <= to; i += step {
		out = append(out, i)
	}
	return out
}
