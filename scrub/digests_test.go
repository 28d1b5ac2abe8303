package scrub

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// digestProbeValues: the attack corpus's values that have digest keys.
func digestProbeValues(vals []Value) []string {
	var out []string
	for _, v := range vals {
		t := strings.TrimSpace(v.Text)
		if alnumRunes(t) < DefaultMinLength || len(t) > maxVariantText {
			continue
		}
		out = append(out, t)
	}
	return out
}

// scrubLine scrubs one line.
func scrubLine(t *testing.T, s *Scrubber, line string) string {
	t.Helper()
	var out bytes.Buffer
	if _, err := s.Scrub(&out, strings.NewReader(line+"\n")); err != nil {
		t.Fatalf("scrub: %v", err)
	}
	return strings.TrimSuffix(out.String(), "\n")
}

// TestDigestPrefixes: the first 12 hex digits or more of a known value's
// MD5, SHA-1, SHA-256 or SHA-512 (a short hash, a cache key's
// "sha256:3f9a2c41d7e0..." prefix) are scrubbed, and the rest of the hex
// run with them (a digest's tail checks a guess as well as its head),
// known as plaintext or through an index; shorter prefixes (git's 7
// digits are any commit's) and hex of nothing known stay.
func TestDigestPrefixes(t *testing.T) {
	vals, ix := corpusSecrets("values")
	for _, mode := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(mode)
		if err != nil {
			t.Fatal(err)
		}
		left, tried := 0, 0
		for _, v := range digestProbeValues(vals) {
			for _, d := range testDigests(v) {
				for _, n := range []int{12, 13, 15, 16, 20, 24, 40} {
					if n > len(d) {
						continue
					}
					p := d[:n]
					for _, line := range []string{"commit " + p + " (HEAD -> main)", "layer sha256:" + p + "… cached", "key=" + strings.ToUpper(p) + "...", "blob/" + p + "/raw"} {
						tried++
						out := strings.ToLower(scrubLine(t, s, line))
						if strings.Contains(out, d[:12]) || n >= 24 && strings.Contains(out, d[n-12:n]) {
							left++
							if left <= 5 {
								t.Logf("left: %q -> %q", line, out)
							}
						}
					}
				}
			}
		}
		if tried == 0 || left > 0 {
			t.Errorf("index=%v: %d of %d digest prefixes left", mode.Index != nil, left, tried)
		}
	}
	// Hex of nothing known, of every length, stays byte for byte.
	s, _ := New(Options{Values: vals})
	for i, n := range []int{7, 8, 12, 16, 32, 40, 64} {
		h := sha256.Sum256([]byte(fmt.Sprintf("nothing known %d", i)))
		x := hex.EncodeToString(h[:]) + hex.EncodeToString(h[:])
		for _, line := range []string{"commit " + x[:n] + " Merge branch 'main'", "id " + x[:n] + "… sha256:" + x[n:2*n]} {
			if out := scrubLine(t, s, line); out != line {
				t.Errorf("hex of nothing known altered:\n%s\n%s", line, out)
			}
		}
	}
	for _, line := range []string{"request req-6c0d8f4e-3b1a-4c2e-9f7d-2a5b8c1e0f93 done", "Running upgrade 8f2f1571d55b -> 16f1fbcab42b, add uuid"} {
		if out := scrubLine(t, s, line); out != line {
			t.Errorf("clean line altered:\n%s\n%s", line, out)
		}
	}
}

// TestDigestBase64: the raw SHA-512 in base64 (an LDAP "{SHA512}" hash,
// a cache key), and the raw MD5, SHA-1, SHA-256 and SHA-512 in base64url
// without padding (a JWT's, a content address's), are scrubbed.
func TestDigestBase64(t *testing.T) {
	vals, ix := corpusSecrets("values")
	for _, mode := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(mode)
		if err != nil {
			t.Fatal(err)
		}
		left, tried := 0, 0
		for _, v := range digestProbeValues(vals) {
			m, s1, s2, s5 := md5.Sum([]byte(v)), sha1.Sum([]byte(v)), sha256.Sum256([]byte(v)), sha512.Sum512([]byte(v))
			encs := []string{base64.StdEncoding.EncodeToString(s5[:]), base64.RawStdEncoding.EncodeToString(s5[:])}
			for _, raw := range [][]byte{m[:], s1[:], s2[:], s5[:]} {
				encs = append(encs, base64.RawURLEncoding.EncodeToString(raw), base64.URLEncoding.EncodeToString(raw))
			}
			for _, e := range encs {
				for _, line := range []string{"userPassword: {SHA512}" + e, "digest=" + e + "&v=2", `{"sha": "` + e + `"}`} {
					tried++
					out := scrubLine(t, s, line)
					if strings.Contains(out, e[:16]) || strings.Contains(out, e[len(e)-18:len(e)-2]) {
						left++
						if left <= 5 {
							t.Logf("left: %q -> %q", line, out)
						}
					}
				}
			}
		}
		if tried == 0 || left > 0 {
			t.Errorf("index=%v: %d of %d base64 digests left", mode.Index != nil, left, tried)
		}
	}
}

// TestDigestRuns: a digest is found in the run it is written in, as a
// run of hex or base64 (digest_scan.go), however the run is cut or
// dressed: its tail alone, a fingerprint's colons, glued to a name
// ("md5_..."), an SRI hash ("sha256-" and base64), URL-encoded base64;
// and the whole run goes.
func TestDigestRuns(t *testing.T) {
	vals, ix := corpusSecrets("values")
	colons := func(h string) string {
		var b strings.Builder
		for i := 0; i < len(h); i += 2 {
			if i > 0 {
				b.WriteByte(':')
			}
			b.WriteString(h[i : i+2])
		}
		return b.String()
	}
	for _, mode := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(mode)
		if err != nil {
			t.Fatal(err)
		}
		left, tried := 0, 0
		check := func(line string, keep ...string) {
			t.Helper()
			tried++
			out := scrubLine(t, s, line)
			for _, k := range keep {
				if strings.Contains(strings.ToLower(out), strings.ToLower(k)) {
					left++
					if left <= 5 {
						t.Logf("left %q: %q -> %q", k, line, out)
					}
					return
				}
			}
		}
		for _, v := range digestProbeValues(vals) {
			for _, d := range testDigests(v) {
				tail := d[len(d)-14:]
				check("etag ..."+tail+" cached", tail[2:])
				check("MD5:"+colons(d[:16])+" (ECDSA)", colons(d[:16])[3:], d[:12])
				check("key md5_"+d+"_v2", d[:12], d[len(d)-12:])
				check("hash="+strings.ToUpper(d), d[:12], d[len(d)-12:])
			}
			m, s2 := md5.Sum([]byte(v)), sha256.Sum256([]byte(v))
			for _, raw := range [][]byte{m[:], s2[:]} {
				e := base64.StdEncoding.EncodeToString(raw)
				check(`<script integrity="sha256-`+e+`">`, e[:16], e[len(e)-18:len(e)-2])
				q := strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(e)
				check("GET /x?sig="+q+"&t=1", q[:16], e[:16])
			}
		}
		if tried == 0 || left > 0 {
			t.Errorf("index=%v: %d of %d digest runs left", mode.Index != nil, left, tried)
		}
	}
}

// TestDigestsOfShortValues: a short value's digests are keys too (a
// PIN, a CJK name of 4 letters: red team scrubatk16), and so are the
// digests `echo "$v" | sha256sum` and md5sum print (the value and a
// line end) and the SHA-256 of the value in lower case; a base64 digest
// cut to 12 letters and digits, '_' or '-' among them, is found.
func TestDigestsOfShortValues(t *testing.T) {
	texts := []string{"4721", "東方不敗", "4539 1488 0343 6467", "Zebulon.Quartermaine@Fjordline.example"}
	vs, ix := secretsOf(texts)
	for _, m := range scrubbersOf(t, vs, ix) {
		left, tried := 0, 0
		check := func(line, keep string) {
			t.Helper()
			tried++
			if out := scrubLine(t, m.s, line); strings.Contains(strings.ToLower(out), strings.ToLower(keep)) {
				left++
				t.Errorf("%s: %q left: %q", m.name, keep, out)
			}
		}
		for _, v := range texts {
			md, s2 := md5.Sum([]byte(v)), sha256.Sum256([]byte(v))
			nl, low := sha256.Sum256([]byte(v+"\n")), sha256.Sum256([]byte(strings.ToLower(v)))
			mnl := md5.Sum([]byte(v + "\n"))
			for _, d := range []string{hex.EncodeToString(md[:]), hex.EncodeToString(s2[:])} {
				check("md5="+d, d[:12])
			}
			check(hex.EncodeToString(nl[:])+"  -", hex.EncodeToString(nl[:])[:12])
			check(hex.EncodeToString(mnl[:])+"  -", hex.EncodeToString(mnl[:])[:12])
			if strings.ToLower(v) != v {
				check("avatar/"+hex.EncodeToString(low[:])+"?s=80", hex.EncodeToString(low[:])[:12])
			}
			u := base64.RawURLEncoding.EncodeToString(s2[:])
			k := 0
			for n := 0; k < len(u) && n < digestB64Win; k++ {
				if c := u[k]; c != '_' && c != '-' {
					n++
				}
			}
			check("etag: "+u[:k]+" (cut)", u[:k])
		}
		if tried == 0 || left > 0 {
			t.Errorf("%s: %d of %d left", m.name, left, tried)
		}
	}
}

// TestPostgresMD5: PostgreSQL's md5 password hash ("md5" and the MD5 of
// the password and the role's name: pg_authid.rolpassword, ALTER ROLE
// ... PASSWORD 'md5...') is scrubbed whoever the role is, with no value
// known (a built-in pattern: the role is printed beside it, so a known
// password checks against it); SCRAM-SHA-256 verifiers too.
func TestPostgresMD5(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ pw, user string }{{"Staple7Battery!", "nova"}, {"Kx9#pQ", "postgres"}, {"Tr0ub4dor&3!#x", "deploy"}} {
		h := md5.Sum([]byte(c.pw + c.user))
		d := "md5" + hex.EncodeToString(h[:])
		for _, line := range []string{"ALTER ROLE " + c.user + " PASSWORD '" + d + "';", " " + c.user + " | " + d + " | t", `{"rolname": "` + c.user + `", "rolpassword": "` + d + `"}`} {
			if out := scrubLine(t, s, line); strings.Contains(out, d[3:15]) {
				t.Errorf("kept: %s", out)
			}
		}
	}
	scram := "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:HkY1gBXFBANmGzyRjmGRbWNxYfDoCdvFLXKbnzh4RTQ="
	if out := scrubLine(t, s, " nova | "+scram); strings.Contains(out, "W22ZaJ0SNY7soEsU") || strings.Contains(out, "WG5d8oPm3Otc") {
		t.Errorf("kept: %s", out)
	}
	for _, line := range []string{"md5sum: 9dd4e461268c8034f5c8564e155c67a6  nova.tar", "hash md5:9dd4e461268c8034f5c8564e155c67a6", "auth method md5 for host all"} {
		if out := scrubLine(t, s, line); out != line {
			t.Errorf("clean line altered:\n%s\n%s", line, out)
		}
	}
}

// FuzzDigestRuns: a known value's digest planted between fuzzed text,
// in any of its encodings and cuts, never survives (neither its first
// nor its last window), known as plaintext and through an index, and
// the scan never panics.
func FuzzDigestRuns(f *testing.F) {
	f.Add("2026-11-21 INFO x\n", " done\n", "Staple7Battery!", uint8(0), uint8(0))
	f.Add("", "", "Örjan Östlund", uint8(3), uint8(5))
	f.Add("a:b-c", "::--==", "db7.internal.northwind.io", uint8(9), uint8(2))
	f.Add("%3", "%2", "m.kowalczyk@northwind-labs.io", uint8(14), uint8(7))
	f.Fuzz(func(t *testing.T, before, after, value string, which, cut uint8) {
		value = strings.TrimSpace(value)
		if !plantable(value) || len(before)+len(after) > 2048 {
			t.Skip()
		}
		hexes, other := digestForms(value)
		all := append(append([]string(nil), hexes...), other...)
		d := all[int(which)%len(all)]
		isHex := d[0] != '*' && strings.Trim(d, "0123456789abcdef") == ""
		win := digestB64Win
		if isHex || d[0] == '*' {
			win = digestHexWin
		}
		norm := string(digestNorm(d, isHex || d[0] == '*'))
		// The cuts: whole, its first window or more, its last window or
		// more, in upper or lower case, hex with colons.
		planted := d
		switch cut % 6 {
		case 1:
			planted = d[:min(len(d), win+int(cut)/6)]
		case 2:
			planted = d[max(0, len(d)-win-int(cut)/6):]
		case 3:
			planted = strings.ToUpper(d)
		case 4:
			planted = strings.ToLower(d)
		case 5:
			if isHex {
				var b strings.Builder
				for i := 0; i+2 <= len(d); i += 2 {
					if i > 0 {
						b.WriteByte(':')
					}
					b.WriteString(d[i : i+2])
				}
				planted = b.String()
			}
		}
		if i := strings.LastIndexByte(before, '\n'); i >= 0 {
			before = before[:i+1]
		} else {
			before = ""
		}
		if i := strings.IndexByte(after, '\n'); i >= 0 {
			after = after[i:]
		} else {
			after = "\n"
		}
		log := before + "digest " + planted + " ok" + after
		vs, ix := secretsOf([]string{value})
		for _, m := range scrubbersOf(t, vs, ix) {
			var out bytes.Buffer
			if _, err := m.s.Scrub(&out, strings.NewReader(log)); err != nil {
				t.Fatal(err)
			}
			// What is left of the planted line, as the windows are keyed.
			o := out.String()
			o = o[min(len(before), len(o)):]
			if i := strings.IndexByte(o, '\n'); i >= 0 {
				o = o[:i]
			}
			rest := string(digestNorm(markerRe.ReplaceAllString(o, " "), isHex || d[0] == '*'))
			for _, w := range []string{norm[:win], norm[len(norm)-win:]} {
				if strings.Contains(rest, w) && strings.Contains(string(digestNorm(planted, isHex || d[0] == '*')), w) {
					t.Fatalf("%s: window %q of %q survives:\n%q\n%q", m.name, w, d, log, out.String())
				}
			}
		}
	})
}
