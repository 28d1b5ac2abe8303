package anonymize_test

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
	"github.com/fuzzyduck/fuzzyduck/rules"
)

// TestHashesCannotBeConfirmedOffline replays the red team's crack
// (attack1, F1-F4) on a donor of our own shaped like theirs: password
// hashes sha256("pw"+id), API tokens "tok_"+md5("t"+id), webhook
// secrets sha1("s"+user) and webhook URLs with token=wh_<sha1 prefix>,
// the token again inside a JSON profile; rules as an operator writes
// them (string for the hashes, url, json). The attacker knows the
// tool and guesses the generators: for every guessed preimage (the right
// ones among them) they compare the digit mask of its hash with the
// published value's. No published value may confirm its own row's
// preimage (a 20-digit mask matches by chance about once in 300,000
// tries), and the published hex must still be hex of the same length.
func TestHashesCannotBeConfirmedOffline(t *testing.T) {
	const users = 400
	var b strings.Builder
	b.WriteString("CREATE TABLE `users` (`id` int NOT NULL, `password_hash` char(64) NOT NULL, `api_token` varchar(64), `profile` text, PRIMARY KEY (`id`));\n")
	b.WriteString("CREATE TABLE `webhooks` (`id` int NOT NULL, `user_id` int NOT NULL, `url` varchar(512), `secret` varchar(64), PRIMARY KEY (`id`));\n")
	hexOf := func(sum []byte) string { return hex.EncodeToString(sum) }
	pw := func(id int) string { s := sha256.Sum256([]byte(fmt.Sprint("pw", id))); return hexOf(s[:]) }
	tok := func(id int) string { s := md5.Sum([]byte(fmt.Sprint("t", id))); return hexOf(s[:]) }
	whs := func(id int) string { s := sha1.Sum([]byte(fmt.Sprint("s", id))); return hexOf(s[:]) }
	wht := func(id int) string { s := sha1.Sum([]byte(fmt.Sprint(id))); return hexOf(s[:])[:20] }
	for id := 1; id <= users; id++ {
		prof, _ := json.Marshal(map[string]string{"api_key": "tok_" + tok(id), "note": "rotated tok_" + tok(id) + " today"})
		fmt.Fprintf(&b, "INSERT INTO `users` VALUES (%d,'%s','tok_%s','%s');\n", id, pw(id), tok(id), prof)
		if id%4 == 0 {
			fmt.Fprintf(&b, "INSERT INTO `webhooks` VALUES (%d,%d,'https://hook-%d:p@ss:w/rd%d@api.bank.example:8443/v2.0/events/%d?token=wh_%s&tenant=%d#frag%d','%s');\n",
				id/4, id, id, id, id, wht(id), id, id, whs(id))
		}
	}
	doc := "tables:\n  users: {password_hash: string, api_token: string, profile: json}\n  webhooks: {url: url, secret: string}\n"
	out, _, err := run(t, []byte(b.String()), doc, key(t, "crack"), 2)
	if err != nil {
		t.Fatal(err)
	}
	mask := func(s string) string {
		m := []byte(s)
		for i, c := range m {
			if c >= '0' && c <= '9' {
				m[i] = '1'
			} else {
				m[i] = '0'
			}
		}
		return string(m)
	}
	hexRe := regexp.MustCompile(`^[0-9a-f]+$`)
	confirmed := map[string]int{}
	// the attacker's guess for the row is the donor's generator
	check := func(what, published, guess string) {
		if len(published) != len(guess) || !hexRe.MatchString(published) {
			t.Errorf("%s: %q is not %d hex digits any more", what, published, len(guess))
		}
		if mask(published) == mask(guess) {
			confirmed[what]++
		}
	}
	for i, r := range dumptest.Rows(t, out, "users") {
		id := i + 1
		check("password_hash", r["password_hash"], pw(id))
		body, ok := strings.CutPrefix(r["api_token"], "tok_")
		if !ok {
			t.Errorf("api_token %q lost its tok_ prefix", r["api_token"])
		}
		check("api_token", body, tok(id))
		var prof map[string]string
		if err := json.Unmarshal([]byte(r["profile"]), &prof); err != nil {
			t.Fatal(err)
		}
		check("profile.api_key", strings.TrimPrefix(prof["api_key"], "tok_"), tok(id))
		f := strings.Fields(prof["note"])
		check("profile.note's token", strings.TrimPrefix(f[1], "tok_"), tok(id))
	}
	tokenRe := regexp.MustCompile(`token=wh_([^&]+)&`)
	for i, r := range dumptest.Rows(t, out, "webhooks") {
		id := 4 * (i + 1)
		check("webhooks.secret", r["secret"], whs(id))
		m := tokenRe.FindStringSubmatch(r["url"])
		if m == nil {
			t.Fatalf("no token in %q", r["url"])
		}
		check("webhooks.url token=", m[1], wht(id))
	}
	for what, n := range confirmed {
		t.Errorf("%s: %d published values confirm their row's preimage by their digit mask", what, n)
	}
}

// TestShapeOnASecretWarns: shape keeps every character's class by design
// (README), so on a hash it is the red team's oracle: the attacker
// confirms every row's preimage by its digit mask. Audit must warn about
// that rule; on a column of codes it must not.
func TestShapeOnASecretWarns(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `users` (`id` int NOT NULL, `pw_digest` char(64) NOT NULL, `sku` varchar(16), PRIMARY KEY (`id`));\n")
	hashOf := func(id int) string { s := sha256.Sum256([]byte(fmt.Sprint("pw", id))); return hex.EncodeToString(s[:]) }
	for id := 1; id <= 50; id++ {
		fmt.Fprintf(&b, "INSERT INTO `users` VALUES (%d,'%s','SKU-%05d');\n", id, hashOf(id), id*7)
	}
	dump := []byte(b.String())
	doc := "tables:\n  users: {pw_digest: shape, sku: shape}\n"
	out, _, err := run(t, dump, doc, key(t, "shape"), 1)
	if err != nil {
		t.Fatal(err)
	}
	mask := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return '1'
			}
			return '0'
		}, s)
	}
	confirmed := 0
	for i, r := range dumptest.Rows(t, out, "users") {
		if mask(r["pw_digest"]) == mask(hashOf(i+1)) {
			confirmed++
		}
	}
	if confirmed != 50 {
		t.Fatalf("shape confirmed %d of 50 preimages: it no longer keeps the mask the README says it keeps", confirmed)
	}
	set, err := rules.Parse("rules.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, w := range audit(t, dump, set).Warnings {
		if strings.Contains(w, "kind shape") {
			warned = append(warned, w)
		}
	}
	if len(warned) != 1 || !strings.HasPrefix(warned[0], "users.pw_digest:") {
		t.Errorf("audit's shape warnings: %q, want one for users.pw_digest", warned)
	}
}
