package anonymize

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
)

func isUUID(b []byte) bool {
	if len(b) != 36 {
		return false
	}
	for i, c := range b {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !isHexByte(c) {
			return false
		}
	}
	return true
}

// kindUUID: a valid version-4 UUID in the same textual form (dashes,
// case); 32-hex ids (Keystone users and projects) stay 32-hex.
func kindUUID(w *worker, c *colInfo, in []byte, n int) result {
	lower, upper := in, hasUpperHex(in)
	if upper {
		lower = bytes.ToLower(in)
	}
	if n == 0 && isNilID(in) {
		// The nil UUID is the software's (Nova's cell0 mapping), not
		// data: it stays, so that what looks it up still finds it.
		return result{out: in}
	}
	r := w.rng("uuid", lower, n)
	switch {
	case isUUID(in):
		out := randomHexLike(r, in)
		out[14] = '4' // version 4 (random)
		variant := "89ab"
		if upper {
			variant = "89AB"
		}
		out[19] = variant[r.IntN(4)]
		return result{out: out}
	case isHexString(in):
		return result{out: randomHexLike(r, in)}
	}
	return fallback(w, c, in, n)
}

// kindEC2: "i-0000001a" (or "req-<uuid>", "r-8j2kd0") keeps its prefix;
// the hex part (dashes kept) is replaced.
func kindEC2(w *worker, c *colInfo, in []byte, n int) result {
	dash := bytes.IndexByte(in, '-')
	if dash <= 0 || !isHexString(bytes.ReplaceAll(in[dash+1:], []byte("-"), nil)) {
		return fallback(w, c, in, n)
	}
	r := w.rng("ec2_id", in, n)
	out := append([]byte(nil), in[:dash+1]...)
	return result{out: append(out, randomHexLike(r, in[dash+1:])...)}
}

// kindSSHKey: "type base64 comment": the type is kept, the key blob keeps
// its embedded type header and length with random key material, and the
// comment becomes a fake user@host.
func kindSSHKey(w *worker, c *colInfo, in []byte, n int) result {
	fields := bytes.Fields(in)
	if len(fields) < 2 {
		return fallback(w, c, in, n)
	}
	blob, err := base64.StdEncoding.DecodeString(string(fields[1]))
	if err != nil || len(blob) < 4 {
		return fallback(w, c, in, n)
	}
	r := w.rng("ssh_public_key", fields[1], n)
	hdr := 4 + int(binary.BigEndian.Uint32(blob))
	if hdr > len(blob) {
		hdr = 0
	}
	out := append([]byte(nil), blob...)
	for i := hdr; i < len(out); i++ {
		out[i] = byte(r.IntN(256))
	}
	res := append([]byte(nil), fields[0]...)
	res = append(res, ' ')
	res = append(res, base64.StdEncoding.EncodeToString(out)...)
	if len(fields) > 2 {
		res = append(res, ' ')
		res = append(res, w.username()+"@"+string(w.fakeLabel([]byte("host"), 0))...)
	}
	if bytes.HasSuffix(in, []byte("\n")) {
		res = append(res, '\n')
	}
	return result{out: res}
}

// kindFingerprint: hex digits (with any separators) or SHA256:base64.
func kindFingerprint(w *worker, c *colInfo, in []byte, n int) result {
	r := w.rng("fingerprint", in, n)
	if rest, ok := bytes.CutPrefix(in, []byte("SHA256:")); ok {
		raw := make([]byte, base64.RawStdEncoding.DecodedLen(len(rest)))
		for i := range raw {
			raw[i] = byte(r.IntN(256))
		}
		return result{out: append([]byte("SHA256:"), base64.RawStdEncoding.EncodeToString(raw)...)}
	}
	hex := 0
	for _, ch := range in {
		if isHexByte(ch) {
			hex++
		} else if ch != ':' && ch != '-' && ch != ' ' {
			return fallback(w, c, in, n)
		}
	}
	if hex == 0 {
		return fallback(w, c, in, n)
	}
	return result{out: randomHexLike(r, in)}
}

// isColonHex: an MD5 or longer fingerprint, "5b:6c:...".
func isColonHex(s []byte) bool {
	if len(s) < 23 || len(s)%3 != 2 {
		return false
	}
	for i, c := range s {
		if i%3 == 2 {
			if c != ':' {
				return false
			}
		} else if !isHexByte(c) {
			return false
		}
	}
	return true
}

// isNilID: a UUID or 32-hex id of zeros only.
func isNilID(b []byte) bool {
	if len(b) == 0 || b[0] != '0' || !isUUID(b) && !(len(b) == 32 && isHexString(b)) {
		return false
	}
	for _, c := range b {
		if c != '0' && c != '-' {
			return false
		}
	}
	return true
}

// findID finds the first id in s: a UUID (either case) or Keystone's
// 32 lower-case hex digits (a run of exactly 32), leftmost first, a UUID
// before a 32-hex run at the same place. (A regexp did the same four times slower.)
func findID(s []byte) (start, end int, ok bool) {
	for i := 0; i+32 <= len(s); {
		if !isHexByte(s[i]) {
			i++
			continue
		}
		if i+36 <= len(s) && isUUID(s[i:i+36]) {
			return i, i + 36, true
		}
		j := i
		for j < len(s) && hexDigit[s[j]] == 1 {
			j++
		}
		if j-i == 32 {
			return i, i + 32, true
		}
		if j-i > 32 {
			// a SHA-1, SHA-256 or token, not an id with hex after it:
			// mapped as an id, its first 32 digits would change and the
			// rest stay (red team fuzzatk4); the run is left to the
			// kinds that replace a hash whole
			i = j
			continue
		}
		k := i
		for k < len(s) && isHexByte(s[k]) {
			k++
		}
		if k-i < 8 {
			i = k // no id starts inside a hex run shorter than 8
			continue
		}
		i++
	}
	return 0, 0, false
}

// replaceIDs rewrites every id in s with fn.
func replaceIDs(s []byte, fn func(id []byte) []byte) []byte {
	var out []byte
	for {
		a, b, ok := findID(s)
		if !ok {
			return append(out, s...)
		}
		out = append(out, s[:a]...)
		out = append(out, fn(s[a:b])...)
		s = s[b:]
	}
}
