package scrub

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// FuzzDecoders: the decoders never panic and every decoded byte maps to
// a range of the input (base32's bytes are fewer than its characters;
// reversing and ROT13 undo themselves).
func FuzzDecoders(f *testing.F) {
	for _, s := range []string{`J\xc3\xb6rg \u00d6 \U0001F600 \ud83d\ude00 %C3%96+x %u00f6 &ouml;&#214;&#xD6;&amp ''x""`,
		"K\x00\xf6\x00n\x00", "SGVsbG8gV29ybGQh", "H4sIAAAAAAAA/w==", "4a6f7267", `\x`, `&#`, "%", "\xff\xfe\xc3",
		`qp=Aur=C3=A9lie Gr=C3=BCnewald-=C3=98 =F8 =3D =?utf-8?q?a=09b_c?= =`, `"\303\230stergaard" \0 \01 \377`, `\u{d8} \x{1F600} \u{} \x{110000} \u{d8`,
		"+1 (415) 555-0199", "10.77.3.141", "Ødegård Łukasz Дмитрий", "\xd0\x94\xd0", "4f 79:73-74 6569",
		"CHAR(74,252,114,103 USING utf8mb4) [74, 195, 188, 114] 1114112,55296,0,", "KRUGKIDROVUWG2ZAMJZG653O====", "krugkidrovuwg2zambzg653o", "Ткрупп Αλέ",
		"00000010: 7274 6877 696e 642d 6c61 6273 2e69 6f    rthwind-labs.io", `Zo\N{LATIN SMALL LETTER E WITH DIAERESIS} \N{} \N{x`,
		"Zo+AOs- +BBQEPAQ4BEIEQAQ4BDk +AMU &AOs- &-x +0000 C++ +2D3eAA-", "00000000  75 73 65 72 3d 53 74 61  70 6c 65 37 42 61 74 74  |user=Staple7Batt|",
		// Tool dumps (tooldump.go) and other radixes (radix.go, bytelists.go).
		"0000000   Z   o 303 253  \\t 001   \\   b", "0000000 6f5a abc3 c320 6e85", "   Z   o 303 253   a   b   c   d", " 5a 6f c3 ab 20 c3 85 6e",
		"5a6fc3ab20c3856e67737472c3b66d2d", "  0x5a, 0x6f, 0xc3, 0xab, 0x20,", "00000006: 856e 6773 7472  .ngstr", "begin 644 row.bin",
		"96F_#JR##A6YG<W1RP[9M+4MO=V%L8WIY:P  ", "Z=00o=00=EB=00 =00=C5=00n=00g=", "T5rRvAj5@jXLEFN!?tZLOK*2!Y-4(PYX", "blob=RB|wNVl-rLawan&BX|",
		"<~>&V<Z+N&nNB6/08_mXD695f#_Ch%d:CB~>", "z~> <~zz!!", "B9NS7AP0OE2MSPRJEHPC7DJD5L5MUTR1DHHNKUBB", "567679609581363347387297810850566052890038821272992379205995",
		"eajjJhBe 3yZe7d", "bytes=[90 111 195 171 32] [74, -61, -74, -128, -0] {0x5a, 0X6F,0x00}", "t5RrVaJ5[Jxlefn.)Tzlok/2.y?4^pyxatm"} {
		f.Add([]byte(s))
	}
	// Escapes of CSS and LDAP, raw cp1251, and the streams the real
	// compressors wrote (bzip2, xz, lzma, zstd, gzip of gzip, raw deflate).
	for _, s := range []string{`\0000eb \eb x\c3\ab\be\b \fffffff \`, "\xc4\xec\xe8\xf2\xf0 \xd8\xee",
		// PostgreSQL's bytea hex, HTML tags, code point listings (decode_more.go)
		`\x5a6fc3ab20c3856e x5a6fc3ab20c3856e \x41`, "Zo<wbr>&euml; <mark>Zo</mark>\u00eb </b <a href='x'>", "U+005A U+006F, U+00EB;U+10FFFF U+110000 U+12",
		// PostgreSQL's U&'' strings, RTF's escapes, tag characters.
		`U&'Zo\00eb \+0000c5ngstr\d83d\de00 \\ ''x' u&"a!0041" U&'!00e9' UESCAPE '!' U&'`, `{\rtf1\ansicpg1251 J\'fcrgen \u252?\u-3913?\'e9\uc0\u8364 \- \~\_\tab \'`,
		"ok\U000E0001\U000E0044\U000E0062\U000E0020\U000E007Fdone \xf3\xa0",
		// Lua's decimal escapes, IPv6 as a number, UTF-16 of CJK (decode_wide.go)
		`"\195\188 \255\256\1\12"`, "ip 336389205813283084628800618700287789870 999999999999999999999999999999999999999", "216eba8f200065502a59ce90 IW66jyAAZVAqWc6Q",
		// Double-byte charsets, DNS debug names, joined fields, prefixes (decode_dbcs.go, decode_more.go, seam.go)
		"\xcd\xf5\xd0\xa1\xc3\xf7 \xa4\xfd\xa4p\x89\xa4\x8f\xac\x8e\xa1\x8f\xa1\xa1", "(10)mail-relay(4)acme(0) (3)x(99)y(0) (0)",
		`{"a": "mail-relay.acme", "b": "-north.internal"} ['x', 'y'] "a","b":"c" 'a','b'`, "[P0764]b 137.201", "req-636f7272656374 req-3f2504e0-4f89 ab_cdef0123456789",
		// od's octal words, cat -v's and rsyslog's bytes (tooldump.go, decode_meta.go), comma hex
		"0000000 060556 062555 051475 134303 0000020 141547", "SM-CM-8ren M-CM-^XdegM-^?M-", "S#303#270ren #3 #777", "hex(2):53,00,f8,00, 53, c3, b8",
		// rows of numbers, tcpdump's and tshark's rows, MIME words, RFC 2231, QP spaces (numrows.go, hexdump.go, views.go)
		"0000000 28526 25972 -18237  2670", "0000010   30753   21280   47299", "00000000: 01101110 01101111  no", "0000000 65746f6e 3072543d 3326726f64346275",
		"	0x0010:  0353 454c 4543 5420  .SELECT ", "0010  03 53 45 4c 45 43 54 20  27 54 72 30", "=?UTF-8?B?U8O4cmVu?= =?utf-8?q?S=C3=B8ren_?= =?x?B?!?=",
		" filename*0*=UTF-8''Proj%20Ni; filename*1*=\"ght\";x*", "owner=Project=20Nightingale=09x =20"} {
		f.Add([]byte(s))
	}
	if files, _ := filepath.Glob("testdata/compressed/*"); len(files) > 0 {
		for _, fn := range files {
			if b, err := os.ReadFile(fn); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v view
		unescape(b, &v)
		checkView(t, &v, len(b))
		for off := 0; off < 2; off++ {
			utf16View(b, off, off == 1, &v)
			checkView(t, &v, len(b))
		}
		buf := make([]byte, 0, len(b)+8)
		ri := scanRun(b)
		decodeBase64(b, ri, true, buf, func([]byte) bool { return false })
		decodeHex(b, buf, func([]byte) bool { return false })
		decodeBase32(b, buf, func(d []byte) bool {
			if len(d) > len(b) {
				t.Fatalf("base32 of %d bytes decoded to %d", len(b), len(d))
			}
			return false
		})
		hasListComma(b)
		decodeRadix(b, buf, func(d []byte) bool {
			if len(d) > len(b)+1 {
				t.Fatalf("radix decoding of %d bytes gave %d", len(b), len(d))
			}
			return false
		})
		for _, val := range [2]*[256]int8{&b85Val, &z85Val} {
			if d := base85Decode(b, val, nil); len(d) > len(b) {
				t.Fatalf("base85 of %d bytes decoded to %d", len(b), len(d))
			}
		}
		if d := ascii85Decode(b, nil); len(d) > 4*len(b) {
			t.Fatalf("ascii85 of %d bytes decoded to %d", len(b), len(d))
		}
		var num numRow
		num.readNumRow(b)
		for s := rowShape(0); s < numRowShapes; s++ {
			for _, cont := range []bool{false, true} {
				if s >= shapeDec1 {
					if from, d, ok := num.words(numShapes[s-shapeDec1], cont, nil); ok && (from < 0 || from > len(b) || len(d) > 64) {
						t.Fatalf("row of numbers %d of %q: from %d, %d bytes", s, b, from, len(d))
					}
				} else if from, d, _, ok := parseRow(s, b, cont, nil); ok && (from < 0 || from > len(b) || len(d) > len(b)+3) { // (uuencode: trailing spaces a log cut)
					t.Fatalf("row shape %d of %q: from %d, %d bytes", s, b, from, len(d))
				}
			}
		}
		if from, to, ok := parseDumpRow(b); ok && (from >= to || to > len(b) || len(appendHex(nil, b[from:to])) > 32) {
			t.Fatalf("dump row of %q at [%d,%d)", b, from, to)
		}
		if utf8.Valid(b) {
			if r := reversed(string(b)); reversed(r) != string(b) || rot13(rot13(string(b))) != string(b) {
				t.Fatalf("reversed or rot13 of %q is not undone by itself", b)
			}
		}
		if out, _, _ := inflate(b, inflateBudget); len(out) > inflateBudget {
			t.Fatalf("inflated %d bytes past the budget", len(out))
		}
		for k := 0; k < len(b); k++ {
			var hv view
			if n := hexEscape(b, k, &hv); n < 0 || k+n > len(b) {
				t.Fatalf("hexEscape at %d of %d: %d", k, len(b), n)
			}
			checkView(t, &hv, len(b))
		}
		if c := cutRunes(b); len(c) > len(b) || !bytes.Contains(b, c) {
			t.Fatalf("cutRunes(%q) = %q", b, c)
		}
		utf16Text(b)
		dbcsViews(b, func(u *view) { checkView(t, u, len(b)) })
		dbcsLike(b)
		if p := shapePrefix(b, b); p > len(b) {
			t.Fatalf("shapePrefix %d of %d bytes", p, len(b))
		}
		for k := 0; k < len(b); k++ {
			if e := fieldJoin(b, k); e != 0 && (e <= k || e > len(b)) {
				t.Fatalf("fieldJoin at %d of %q: %d", k, b, e)
			}
			if _, n := metaByte(b, k); k+n > len(b) {
				t.Fatalf("metaByte at %d of %q: %d", k, b, n)
			}
			if _, n := hashOctalByte(b, k); k+n > len(b) {
				t.Fatalf("hashOctalByte at %d of %q: %d", k, b, n)
			}
			if n, m := dnsLabel(b, k); m != 0 && k+m+n > len(b) {
				t.Fatalf("dnsLabel at %d of %q: %d, %d", k, b, n, m)
			}
		}
		hexStretches(b, func(x []byte) bool {
			if len(x) < 12 || !bytes.Contains(b, x) {
				t.Fatalf("hex stretch %q of %q", x, b)
			}
			return false
		})
		prefixedID(b)
		for _, dec := range []func([]byte, *view) bool{pgUnicodeView, rtfView, tagView} {
			var dv view
			dec(b, &dv)
			checkView(t, &dv, len(b))
		}
		for _, shift := range []byte{'+', '&'} {
			if u := utf7View(b, shift); u != nil {
				checkView(t, u, len(b))
			}
		}
		for _, v := range variants(string(b)) {
			if v == "" {
				t.Fatalf("an empty variant of %q", b)
			}
		}
		var r rep
		r.skeleton(b)
		r.folded(b)
		for _, s := range r.src {
			if int(s) >= len(b) || runeEnd(b, int(s)) > len(b) {
				t.Fatalf("rep offset %d out of %d", s, len(b))
			}
		}
	})
}

func checkView(t *testing.T, v *view, n int) {
	t.Helper()
	for i := range v.text {
		if v.start[i] < 0 || v.start[i] >= v.end[i] || int(v.end[i]) > n {
			t.Fatalf("byte %d maps to [%d,%d) of %d", i, v.start[i], v.end[i], n)
		}
	}
}

// FuzzScrubPlanted: a value planted in any attack form in the middle of
// a fuzzed log is always removed (the attacker finds nothing of it),
// with the value known as plaintext and through an index; scrubbing
// never panics and scrubbing twice changes nothing.
func FuzzScrubPlanted(f *testing.F) {
	for i, v := range attack.Corpus {
		f.Add("2026-11-21 INFO x\nfoo=bar\n", v.Text, uint8(i*7))
	}
	f.Add("-----BEGIN RSA PRIVATE KEY-----\n", "Staple7Battery!", uint8(3))
	f.Add("\xff\xfe\x00a", "Örjan Östlund", uint8(30))
	f.Fuzz(func(t *testing.T, around, value string, form uint8) {
		value = strings.TrimSpace(value)
		if !plantable(value) || len(around) > 4096 {
			t.Skip()
		}
		fm := attack.Forms[int(form)%len(attack.Forms)]
		if fm.Applies != nil && !fm.Applies(value) {
			t.Skip()
		}
		half := len(around) / 2
		before, after := around[:half], around[half:]
		if i := strings.LastIndexByte(before, '\n'); i >= 0 {
			before = before[:i+1]
		} else {
			before = ""
		}
		log, probes := attack.Plant(before, after, attack.Value{Kind: "v", Text: value}, fm)
		ix := NewIndex()
		ix.Add("v", value)
		ix.Finish()
		for _, opts := range []Options{{Values: []Value{{Kind: "v", Text: value}}}, {Index: ix}} {
			s, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			out, leaks := scrubAndCheck(t, s, log, probes)
			if len(leaks) > 0 {
				t.Fatalf("%s\nscrubbed:\n%q", leaks[0], out)
			}
			var again bytes.Buffer
			s.Scrub(&again, strings.NewReader(out))
			if again.String() != out {
				t.Fatalf("scrubbing twice changed the text:\n%q\n%q", out, again.String())
			}
			gluedPiecesGone(t, s, value)
		}
	})
}

// gluedPiecesGone: the value glued to letters and digits on both sides
// (no word boundary) loses every distinctive piece (the pieces' path).
func gluedPiecesGone(t *testing.T, s *Scrubber, value string) {
	t.Helper()
	var out bytes.Buffer
	if _, err := s.Scrub(&out, strings.NewReader("idX"+value+"2q\n")); err != nil {
		t.Fatal(err)
	}
	// The glue's own letters are none of the value's, where they stayed
	// whole ("idX" and the "EEEEE" a marker left of the value's tail made
	// a piece "xeeeee" of "...XEEEEEEEEEE"); nor are a marker's.
	rest := strings.TrimSuffix(strings.TrimPrefix(out.String(), "idX"), "2q\n")
	var sk rep
	sk.skeleton(markerRe.ReplaceAll([]byte(rest), []byte(" ")))
	for _, k := range keysOf(value) {
		if k.dom == domPiece && bytes.Contains(sk.b, k.b) {
			t.Fatalf("glued: piece %q of the value survives in %q", k.b, out.String())
		}
	}
}

// plantable: a value found in every form: printable, one line, with
// DefaultMinLength letters or digits, four of them different (shorter ones match only as whole
// words, and some forms glue the value to others).
func plantable(v string) bool {
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) < 6 || strings.Contains(v, "scrubbed") {
		return false
	}
	alnum := 0
	distinct := map[rune]bool{}
	for _, r := range v {
		if !unicode.IsPrint(r) && r != '\t' || r == utf8.RuneError {
			return false
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			alnum++
			distinct[unicode.ToLower(r)] = true
		}
	}
	// Four different letters or digits at least: "0000000000002000000000"
	// is no distinctive value, and its pieces are every hex dump's
	// offsets and every log's times (the fuzzer's finds in od -c and
	// xxd -c 6 rows).
	return alnum >= DefaultMinLength && len(distinct) >= 4
}
