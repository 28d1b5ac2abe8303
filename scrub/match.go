package scrub

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strconv"
)

// Matching known values: candidates are cut from the log and looked up in
// each known set: every run of up to maxTokens consecutive word tokens (a
// UUID is one token, a MAC six, "Project Zeus server 1" four), single
// tokens against the word set, the first bytes of long tokens against the
// prefixes of long values, and the parts of a token around '-' and '_'.
// Case is folded. Encoded forms are decoded first: URL-encoding,
// backslash escapes (SQL, JSON, Python) and SQL's doubled quotes over the
// whole line, base64 and 0x-hex runs one by one (searched anywhere).

type token struct{ start, end int }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c >= 0x80
}

func tokenize(b []byte, toks []token) []token {
	toks = toks[:0]
	for i := 0; i < len(b); {
		if !isWordByte(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isWordByte(b[j]) {
			j++
		}
		// A sentence's full stop is not part of a host name.
		e := j
		for e > i && b[e-1] == '.' {
			e--
		}
		if e > i {
			toks = append(toks, token{i, e})
		}
		i = j
	}
	return toks
}

// view is decoded text with, for each decoded byte, the original offsets
// it came from.
type view struct {
	text       []byte
	start, end []int
}

func (s *worker) knownSpans(line []byte, lower []byte, spans []span) []span {
	spans = s.matchText(line, lower, nil, spans)
	if needsDecoding(line) {
		if v := decodeView(line); v != nil {
			low := append([]byte(nil), v.text...)
			lowerASCII(low)
			spans = s.matchText(v.text, low, v, spans)
		}
	}
	return s.matchEncodedRuns(line, spans)
}

// matchText finds known values and words in text (lower is text
// lower-cased); v maps positions back to the line (nil: text is the line).
func (s *worker) matchText(text, lower []byte, v *view, spans []span) []span {
	s.toks = tokenize(text, s.toks)
	toks := s.toks
	orig := func(st, en int) (int, int) {
		if v == nil {
			return st, en
		}
		return v.start[st], v.end[en-1]
	}
	add := func(st, en int, kind, source string) {
		a, b := orig(st, en)
		spans = append(spans, span{a, b, kind, source})
	}
	for i := 0; i < len(toks); i++ {
		matched := 0
	seq:
		for j := min(len(toks), i+s.maxTokens) - 1; j >= i; j-- {
			if !s.counts[j-i+1] {
				continue // no value has that many words
			}
			st, en := toks[i].start, toks[j].end
			n := en - st
			if n < s.minLen || n > s.maxLen {
				continue
			}
			for _, k := range s.known {
				if !k.set.hasLen(n) {
					continue
				}
				if kind := k.set.Lookup(lower[st:en]); kind != "" {
					add(st, en, kind, k.source(lower[st:en]))
					matched = j - i + 1
					break seq
				}
			}
		}
		if matched > 0 {
			i += matched - 1
			continue
		}
		s.tokenMatch(toks[i], text, lower, add)
	}
	return spans
}

// tokenMatch checks one token: a long value cut short, a word of a
// multi-word value, a value glued to others with '-' or '_'.
func (s *worker) tokenMatch(t token, text, lower []byte, add func(st, en int, kind, source string)) {
	for _, k := range s.known {
		lim := k.set.limits()
		// "Duplicate entry 'compute-17.dc3.acme-c...'": the first bytes.
		if lim.prefixLen > 0 && len(text)-t.start >= lim.prefixLen && t.end-t.start >= 4 && k.set.IsPrefix(lower[t.start:t.start+lim.prefixLen]) {
			en := t.start + lim.prefixLen
			for en < len(text) && text[en] != '\'' && text[en] != '"' && text[en] != '\n' {
				en++
			}
			add(t.start, en, KindPrefix, k.name)
			return
		}
		if t.end-t.start >= lim.minToken && k.set.IsToken(lower[t.start:t.end]) {
			add(t.start, t.end, KindWord, k.name)
			return
		}
	}
	// '10.42.7.19-0': MariaDB's duplicate-entry messages join a unique
	// key's columns.
	for k := t.start + 1; k < t.end-1; k++ {
		if c := text[k]; c != '-' && c != '_' {
			continue
		}
		for _, cand := range [2][2]int{{t.start, k}, {k + 1, t.end}} {
			n := cand[1] - cand[0]
			if n < s.minWhole || n < s.minLen || n > s.maxLen {
				continue
			}
			for _, ks := range s.known {
				if !ks.set.hasLen(n) {
					continue
				}
				if kind := ks.set.Lookup(lower[cand[0]:cand[1]]); kind != "" {
					add(cand[0], cand[1], kind, ks.source(lower[cand[0]:cand[1]]))
					break
				}
			}
		}
	}
}

func lowerASCII(b []byte) {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
}

// decodeView undoes URL-encoding and backslash escapes.
func decodeView(line []byte) *view {
	v := &view{}
	changed := false
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == '%' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]):
			b, _ := hex.DecodeString(string(line[i+1 : i+3]))
			v.push(b[0], i, i+3)
			i += 3
			changed = true
		case c == '+' && i > 0 && bytes.IndexByte(line, '%') >= 0:
			v.push(' ', i, i+1)
			i++
		case c == '\'' && i+1 < len(line) && line[i+1] == '\'':
			v.push('\'', i, i+2) // SQL's doubled quote
			i += 2
			changed = true
		case c == '\\' && i+1 < len(line):
			n := line[i+1]
			switch n {
			case 'n':
				v.push('\n', i, i+2)
			case 't':
				v.push('\t', i, i+2)
			case 'u':
				if i+5 < len(line) {
					if r, err := strconv.ParseUint(string(line[i+2:i+6]), 16, 16); err == nil && r < 0x80 {
						v.push(byte(r), i, i+6)
						i += 6
						changed = true
						continue
					}
				}
				v.push(n, i, i+2)
			default:
				v.push(n, i, i+2)
			}
			i += 2
			changed = true
		default:
			v.push(c, i, i+1)
			i++
		}
	}
	if !changed {
		return nil
	}
	return v
}

func (v *view) push(c byte, st, en int) {
	v.text = append(v.text, c)
	v.start = append(v.start, st)
	v.end = append(v.end, en)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isB64(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

// matchEncodedRuns decodes base64 runs (16+ characters) and 0x-hex runs
// and redacts a whole run when its decoded text holds a confidential value.
func (s *worker) matchEncodedRuns(line []byte, spans []span) []span {
	for i := 0; i < len(line); {
		if !isB64(line[i]) {
			i++
			continue
		}
		j := i
		for j < len(line) && isB64(line[j]) {
			j++
		}
		k := j
		for k < len(line) && line[k] == '=' {
			k++
		}
		run := line[i:j]
		var decoded []byte
		if len(run) > 2 && run[0] == '0' && (run[1] == 'x' || run[1] == 'X') && len(run) >= 10 {
			if b, err := hex.DecodeString(string(run[2 : 2+(len(run)-2)/2*2])); err == nil {
				decoded = b
			}
		} else if len(run) >= 16 && (k > j || looksBase64(run)) {
			padded := line[i:k]
			for off := 0; off < 4 && decoded == nil; off++ {
				r := padded[off:]
				if off > 0 || len(r)%4 != 0 {
					r = run[off:]
					r = r[:len(r)/4*4]
				}
				enc := base64.StdEncoding
				if bytes.ContainsAny(r, "-_") {
					enc = base64.URLEncoding
				}
				if b, err := enc.DecodeString(string(r)); err == nil && printable(b) {
					decoded = b
				}
			}
		}
		if decoded != nil {
			low := append([]byte(nil), decoded...)
			lowerASCII(low)
			for _, ks := range s.known {
				if kind, ok := ks.set.anywhere(low); ok {
					spans = append(spans, span{i, k, kind, ks.name})
					break
				}
			}
		}
		i = k
		if i == j && j < len(line) {
			i++
		}
	}
	return spans
}

func printable(b []byte) bool {
	n := 0
	for _, c := range b {
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			n++
		}
	}
	return len(b) > 0 && n*10 >= len(b)*9
}

// needsDecoding: the line has URL escapes, backslash escapes or doubled
// quotes.
func needsDecoding(line []byte) bool {
	for i, c := range line {
		switch c {
		case '%', '\\':
			return true
		case '\'':
			if i+1 < len(line) && line[i+1] == '\'' {
				return true
			}
		}
	}
	return false
}

// looksBase64: base64 of text mixes upper case, lower case and digits;
// identifiers like instance_info_caches do not.
func looksBase64(run []byte) bool {
	var up, low, dig bool
	for _, c := range run {
		switch {
		case c >= 'A' && c <= 'Z':
			up = true
		case c >= 'a' && c <= 'z':
			low = true
		case c >= '0' && c <= '9':
			dig = true
		case c == '_' || c == '-':
			return false
		}
	}
	return up && low && dig
}
