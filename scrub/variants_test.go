package scrub

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// TestVariants: a known value printed in a form no decoder brings back
// (mojibake once and twice, Latin-1 and cp1252; names written in Latin
// letters; a phone number's other spellings; an IPv4 address in other
// notations; a host name's first label) and its bytes as spaced hex, a
// hexdump -C or xxd dump, UTF-16 of Cyrillic, Greek and CJK: the form
// goes, with --values and with an index; ordinary lines stay.
func TestVariants(t *testing.T) {
	vals := []string{"Jürgen Müller-Lüdenscheidt", "Øystein Ødegård", "Łukasz Żółkiewski", "Дмитрий Шостаковичев",
		"Αλέξανδρος Παπαδόπουλος", "王小明", "+1 (415) 555-0199", "+49 30 12345678", "+44 20 7946 0958", "10.77.3.141",
		"db-primary-07.internal.acme-corp.net", "bücher-lager.köln-süd.example", "Staple7Battery!"}
	vs, ix := secretsOf(vals)
	cases := []struct{ line, gone string }{
		{"user J\u00c3\u00bcrgen M\u00c3\u00bcller-L\u00c3\u00bcdenscheidt logged in", "denscheidt"},
		{"user J\u00c3\u0083\u00c2\u00bcrgen M\u00c3\u0083\u00c2\u00bcller-L\u00c3\u0083\u00c2\u00bcdenscheidt", "denscheidt"},
		{"name=\u00c3\u0098ystein \u00c3\u0098deg\u00c3\u00a5rd", "ystein"},
		{"name=\u00c3\u02dcystein \u00c3\u02dcdeg\u00c3\u00a5rd", "ystein"},
		{"owner \u00c5\u0081ukasz \u00c5\u00bb\u00c3\u00b3\u00c5\u0082kiewski", "kiewski"},
		{"owner \u00c5\ufffdukasz \u00c5\u00bb\u00c3\u00b3\u00c5\u201akiewski", "kiewski"},
		{"author Juergen Mueller-Luedenscheidt", "Mueller"},
		{"author Oeystein Oedegaard", "Oedegaard"},
		{"author Lukasz Zolkiewski", "Zolkiewski"},
		{"author Dmitriy Shostakovichev", "Shostakovichev"},
		{"author Alexandros Papadopoulos", "Papadopoulos"},
		{"call 14155550199 now", "4155550199"},
		{"call +14155550199 now", "4155550199"},
		{"call 415-555-0199 now", "555-0199"},
		{"call 415.555.0199", "555.0199"},
		{"fax 004930 12345678", "12345678"},
		{"tel:+493012345678", "3012345678"},
		{"call +442079460958 now", "2079460958"},
		{"call 00442079460958 now", "2079460958"},
		{"call 020-7946-0958 now", "7946-0958"},
		{"call 020 7946 0958 now", "7946 0958"},
		{"call 02079460958 now", "2079460958"},
		{"call +44 (0)20 7946 0958 now", "7946 0958"},
		{"local 7946 0958 now", "7946 0958"},
		{"local 79460958 now", "79460958"},
		{"local 555-0199 now", "555-0199"},
		{"peer 172819341 down", "172819341"},
		{"peer 0x0a4d038d down", "0a4d038d"},
		{"peer 010.077.003.141 down", "010.077.003.141"},
		{"peer ::ffff:10.77.3.141 down", "10.77.3.141"},
		{"host db-primary-07 rebooted", "db-primary-07"},
		{"bytes 53 74 61 70 6c 65 37 42 61 74 74 65 72 79 21 end", "53 74 61 70 6c 65"},
		{"bytes 53:74:61:70:6c:65:37:42:61:74:74:65:72:79:21", "53:74:61:70:6c:65"},
		{"00000000  53 74 61 70 6c 65 37 42  61 74 74 65 72 79 21 0a  |Staple7Battery!.|", "53 74 61 70 6c 65"},
		{"00000000: 5374 6170 6c65 3742 6174 7465 7279 210a  Staple7Battery!.", "5374 6170 6c65"},
		{"00000000  c3 98 79 73 74 65 69 6e 20 c3 98 64 65 67 c3 a5  |..ystein ..deg..|", "79 73 74 65 69 6e"},
		{"00000000  d0 94 d0 bc d0 b8 d1 82 d1 80 d0 b8 d0 b9 20 d0  |.............. .|", "d1 82 d1 80"},
		{"00000000  4a c3 bc 72 67 65 6e 20 4d c3 bc 6c 6c 65 72 2d  |J..rgen M..ller-|", "rgen M"},
		{"name " + utf16LE("Дмитрий Шостаковичев") + " end", utf16LE("Шостак")},
		{"name " + utf16BE("Αλέξανδρος Παπαδόπουλος") + " end", utf16BE("Παπαδ")},
		{"name " + utf16LE("王小明") + " end", utf16LE("王小明")},
		{"Running online data migration step 12 of 500 for table instances", ""},
		{"mac 52:54:00:12:34:56 up, at 10:42:17 on 2026-11-21, id 0x1f", ""},
		{"server mailbox rebooted, 4155 rows", ""},
	}
	checkGone(t, vs, ix, cases)
}

func utf16LE(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

func utf16BE(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return string(b)
}

// lineCase: a log line and what must be gone from it after scrubbing
// ("": the line must come out byte for byte).
type lineCase = struct{ line, gone string }

// checkGone scrubs each case's line in every mode (values, index) and
// checks what must be gone is, and a clean line stays as it was.
func checkGone(t *testing.T, vs []Value, ix *Index, cases []lineCase) {
	t.Helper()
	for _, mode := range scrubbersOf(t, vs, ix) {
		for _, c := range cases {
			var out bytes.Buffer
			if _, err := mode.s.Scrub(&out, strings.NewReader(c.line+"\n")); err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSuffix(out.String(), "\n")
			if c.gone == "" && got != c.line {
				t.Errorf("%s: %q altered: %q", mode.name, c.line, got)
			}
			if c.gone != "" && strings.Contains(got, c.gone) {
				t.Errorf("%s: %q -> %q: %q survives", mode.name, c.line, got, c.gone)
			}
		}
	}
}

// TestForgedMarkers replays red team scrubatk5's hostile channel: text
// shaped like a marker ([scrubbed:KIND:TAG]) was copied through whole,
// so a migration could publish every secret as a "kind" in hex, base64url
// or plain. Only a marker this scrubber writes (a value kind, a
// pattern's name, blob) is left alone; a marker that is real stays
// byte for byte (scrubbing twice changes nothing).
func TestForgedMarkers(t *testing.T) {
	vs, ix := secretsOf([]string{"Staple7Battery!", "vip.customer@bigbank.com"})
	hexed := fmt.Sprintf("%x", "Staple7Battery!")
	b64 := base64.RawURLEncoding.EncodeToString([]byte("vip.customer@bigbank.com"))
	checkGone(t, vs, ix, []lineCase{
		{"note [scrubbed:" + hexed + ":0000] done", hexed[:12]},
		{"note [scrubbed:" + b64 + ":0000] done", b64[:12]},
		{"note [scrubbed:Staple7Battery:1a2b] done", "Staple7"},
		{"note [scrubbed:vip.customer-bigbank.com:0000]", "customer"},
		{"note [scrubbed:email:1a2b] and [scrubbed:secret:ffff] and [scrubbed:password:0000]", ""},
	})
}

// TestShortValueNoCipher: a value too short to be found inside words
// (the run's host name "vm") has no cipher forms: in Atbash it is "en"
// and in Caesar 3 "yp", and every log's words would lose them (gate's
// end-to-end attack corpus on a machine called vm).
func TestShortValueNoCipher(t *testing.T) {
	vs, ix := secretsOf([]string{"vm"})
	checkGone(t, vs, ix, []lineCase{
		{"name: Gülşen Yıldırımtepe x", ""},
		{"//Ndu+yP/b7t27KezGXdhrGz2fbbed1O5rabYwxzHg", ""},
		{"wn iz mv ɯʌ", ""},
	})
}

// TestRedTeam16Forms replays red team scrubatk16's finds in forms the
// scrubber claims: Ascii85 between "<~" and "~>" after a key's '='
// (read from the '=' as base85 and Z85 only), and quoted-printable of
// ASCII, every byte "=XX" (no non-ASCII escape to turn the family on),
// and Ascii85 without its "<~" and "~>"; "size=85" and a lone "=3D"
// stay.
func TestRedTeam16Forms(t *testing.T) {
	vs, ix := secretsOf([]string{"db-prod-7.fjordline.internal", "Tr0ub4dor&3!#x", "zebulon.quartermaine@fjordline-intra.example"})
	checkGone(t, vs, ix, []lineCase{
		{"data=<~A7@-0Ec5J?2_J]WDfTB)Bl7K7Bl8$(Ec,<%~>", "A7@-0Ec5J?2_J]WDfTB"},
		{"blob <~A7@-0Ec5J?2_J]WDfTB)Bl7K7Bl8$(Ec,<%~> end", "A7@-0Ec5J?2_J]WDfTB"},
		{"qp==54=72=30=75=62=34=64=6F=72=26=33=21=23=78", "=54=72=30=75=62=34"},
		{"body: x=3D1 =54=72=30=75=62=34=64=6F=72=26=33=21=23=78 end", "=62=34=64=6F=72"},
		{"size=85 a=3D b=20 done", ""},
		// Ascii85 bare (Python's a85encode), after a key, quoted.
		{"a85 H=^Q.Ci=2DEHP]1FCfK0@;0Uj5\\=bLEb'!#DIkD6DKKo-/nK99D/a<& end", "DEHP]1FCfK0@;0Uj5"},
		{"blob='A7@-0Ec5J?2_J]WDfTB)Bl7K7Bl8$(Ec,<%', ok", "WDfTB)Bl7K7"},
	})
}

// TestRedTeam17Forms replays red team scrubatk17's finds (index mode;
// values mode had them too): a value in base64 or hex framed by bytes
// of no text (a protocol buffer's tag and length, NUL padding, a UTF-16
// byte-order mark before ASCII); a card known in groups, written as one
// number; a North American phone with its country code; an IPv6
// address written out without its zeros' padding.
func TestRedTeam17Forms(t *testing.T) {
	vs, ix := secretsOf([]string{`Tr0ub4d'or&\Horse!`, "(555) 123-4567", "5500 0055 5555 5559", "2001:db8:85a3::8a2e:370:7334"})
	checkGone(t, vs, ix, []lineCase{
		{"tok=//5UcjB1YjRkJ29yJlxIb3JzZSE=", "//5UcjB1YjRkJ29y"},
		{"tok=__5UcjB1YjRkJ29yJlxIb3JzZSE", "__5UcjB1YjRkJ29y"},
		{"nul=AFRyMHViNGQnb3ImXEhvcnNlIQA=", "AFRyMHViNGQnb3Im"},
		{"pb=ChJUcjB1YjRkJ29yJlxIb3JzZSEQAQ==", "ChJUcjB1YjRkJ29y"},
		{"hex 0a1254723075623464276f72265c486f727365211001", "54723075623464276f72265c"},
		{"x=deadbe2835353529203132332d34353637cafe", "2835353529203132332d"},
		{"pb=Cg4oNTU1KSAxMjMtNDU2NxAB", "Cg4oNTU1KSAxMjMt"},
		{"card 5500005555555559 ok", "5500005555555559"},
		{`{"pan":"5500-0055-5555-5559"}`, "5555-5559"},
		{"phone=+15551234567", "5551234567"},
		{"call +1 555 123 4567 now", "555 123 4567"},
		{"from 2001:db8:85a3:0:0:8a2e:370:7334 ok", "8a2e:370:7334"},
		{"[2001:db8:85a3:0:0:8a2e:370:7334]:443", "8a2e:370:7334"},
		{"base64 of words: bWlncmF0aW9u aW5zdGFuY2Vz ok", ""},
	})
}

// TestFramedTextOnly: a value in bytes of no text is found as written,
// framed by binary bytes; the same digits with control bytes between
// them are chance (a generated SSH key's random bytes decoded: each
// control byte a separator, a Latin-1 letter folded, a short IPv6
// address turned up in nova's scaled dump, 1 pipeline run in 300).
func TestFramedTextOnly(t *testing.T) {
	vs, ix := secretsOf([]string{"10.4.27.19"})
	checkGone(t, vs, ix, []lineCase{
		{"key=mgGPA8QxMC40LjI3LjE5hwKTBP4GgQeIEZUT", "mgGPA8QxMC40LjI3"},
		{"key=mgGPA8QxMAw0CjI3BTE5hwKTBP4GgQeIEZUT", ""},
	})
	for _, c := range []struct {
		b    string
		want bool
	}{
		{"10.4.27.19", true},
		{"Müller\tGmbH", true},
		{"M\xfcller", true}, // (Latin-1)
		{"\xc4,\f2\n8\x87\xb9", false},
		{"10\x004.27.19", false},
		{"ab\x85cd", false},
	} {
		if got := framedText([]byte(c.b)); got != c.want {
			t.Errorf("framedText(%q) = %v", c.b, got)
		}
	}
}

// TestNetworkIsNoPhone: a network's digits are no phone number's: read
// as one, "10.40.0.0/16" was also "104.0.0.0/16" (any separators between
// its digits), a generated network in nova's scaled dump (fuzzy verify,
// 1 pipeline run in 200).
func TestNetworkIsNoPhone(t *testing.T) {
	vs, ix := secretsOf([]string{"10.40.0.0/16", "(555) 123-4567"})
	checkGone(t, vs, ix, []lineCase{
		{`{"cidr": "10.40.0.0/16"}`, "10.40.0.0/16"},
		{"net 10.40.0.0/16 up", "10.40.0.0"},
		{`{"cidr": "104.0.0.0/16"}`, ""},
		{"net 1.0.40.0/16 up", ""},
		{"call 555.123.4567", "555.123.4567"},
	})
}

// TestRedTeam18Forms: red team scrubatk18's finds: a Cyrillic name in a
// legacy charset (cp1251 in hex, base64 and as Latin-1 mojibake, KOI8-R
// in a bytes repr), an IPv4 address as /proc/net/tcp prints it, in hex
// and octal octets, a North American number with 001, a UUID's bytes in
// base64 and as Microsoft orders a GUID's, a wrapped blob's middle line
// (with a CJK value known, bytes are read as UTF-16 of CJK too: the
// middle line's first alignment read so, and its others were not tried).
func TestRedTeam18Forms(t *testing.T) {
	vs, ix := secretsOf([]string{"Дмитрий Соколов", "10.42.137.201", "(555) 123-4567", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "王小明"})
	checkGone(t, vs, ix, []lineCase{
		{"cp1251 c4ece8f2f0e8e920d1eeeaeeebeee2", "c4ece8f2f0e8e9"},
		{"name=xOzo8vDo6SDR7uru6+7i", "xOzo8vDo6SDR7uru"},
		{"shown as Äìèòðèé Ñîêîëîâ", "Äìèòðèé"},
		{`koi8 b'\xe4\xcd\xc9\xd4\xd2\xc9\xca \xf3\xcf\xcb\xcf\xcc\xcf'`, `\xe4\xcd\xc9\xd4`},
		{"   0: C9892A0A:0016 00000000:0000 0A", "C9892A0A"},
		{"addr 0x0a.0x2a.0x89.0xc9 ok", "0x89.0xc9"},
		{"addr 012.052.0211.0311 ok", "0211.0311"},
		{"dial 0015551234567", "5551234567"},
		{"id PyUE4E+JQdOaDAMF6CwzAQ== ok", "PyUE4E+JQdOaDAMF"},
		{"id=PyUE4E-JQdOaDAMF6CwzAQ", "PyUE4E-JQdOaDAMF"},
		{"guid {E004253F-894F-D341-9A0C-0305E82C3301}", "E004253F-894F"},
		// (a base64 blob's middle line, wrapped one character into a
		// group: its first alignment reads as text, the padding's "PPP")
		{"UFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBMTAuNDIuMTM3LjIwMUJCQkJCQkJCQkJCQkJCQkJCQ", "MTAuNDIuMTM3LjIw"},
		{"bytes of ordinary hex: 0a1b2c3d4e5f6a7b8c9d", ""},
	})
}

// TestRedTeam18Residue: what scrubatk18's probes still kept after its
// first fixes. Continuation lines that carry a prefix of their own (a
// console's "[P0764]b ", a container's "nova_1 | ") with the rest of a
// value or of a wrapped blob; xxd's groups of 4 hex digits with a short
// last one; a CJK name in GBK, Big5 or Shift_JIS bytes; UTF-16 in a
// bytes repr (printable bytes shown as themselves) and after a byte
// order mark; a host name as a DNS debug log writes it ("(4)mail(5)...");
// a CJK name cut after its first character; a value cut between two
// adjacent strings of a JSON object, a dict or a list.
func TestRedTeam18Residue(t *testing.T) {
	vs, ix := secretsOf([]string{"Дмитрий Соколов", "王小明", "10.42.137.201", "@kowalski_ops", "correct horse battery staple",
		"DE89370400440532013000", "mail-relay.acme-north.internal"})
	const h = "2024-05-14 09:12:33.101 2211 ERROR nova.compute.manager [req-x - - - - -] "
	checkGone(t, vs, ix, []lineCase{
		{"[P0764]a " + h + "value 10.42.\n[P0764]b 137.201 rejected", "137.201"},
		{"[P1180]a " + h + "value @kowal\n[P1180]b ski_ops rejected", "ski_ops"},
		{"[P5887]a " + h + "value correct horse \\\n[P5887]b     battery staple", "battery"},
		{"[P5835]a " + h + "value DE893704004\\\n[P5835]b     40532013000", "40532013000"},
		{"nova_1  | " + h + "value DE893704004\nnova_1  | 40532013000 rejected", "40532013000"},
		{"[P5245]a " + h + "blob:\n[P5245]b WFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhtYWlsLXJl\n" +
			"[P5245]c bGF5LmFjbWUtbm9ydGguaW50ZXJuYWxZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZ\n[P5245]d WVlZWVlZWVlZWVlZWVlZWQ==", "tYWlsLXJl"},
		{"x=E78E 8BE5 B08F E698 8E", "E78E 8BE5"},
		{"x=e78e 8be5 b08f e698 8e.", "b08f"},
		{"gbk cdf5d0a1c3f7", "cdf5d0a1c3f7"},
		{`gbk b'\xcd\xf5\xd0\xa1\xc3\xf7'`, `\xd0\xa1`},
		{"big5 a4fda470a9fa", "a4fda470a9fa"},
		{"sjis 89A48FAC96BE", "89A48FAC96BE"},
		{"gbk zfXQocP3 ok", "zfXQocP3"},
		{`got b'\x14\x04<\x048\x04B\x04@\x048\x049\x04 \x00!\x04>\x04:\x04>\x04;\x04>\x042\x04'`, `\x04B\x04@`},
		{`got b'\x04\x14\x04<\x048\x04B\x04@\x048\x049\x00 \x04!\x04>\x04:\x04>\x04;\x04>\x042'`, `\x04B\x04@`},
		{h + "value 王\n" + h + "小明 rejected", "小明"},
		{"[P5155]a " + h + "value 王\\\n[P5155]b     小明", "小明"},
		{`got b'\x8bs\x0f\\\x0ef'`, `\x0f`},
		{"bom fffe8b730f5c0e66", "8b730f5c0e66"},
		{"bom //6Lcw9cDmY= ok", "Lcw9cDmY"},
		{"query (10)mail-relay(10)acme-north(8)internal(0)", "acme-north"},
		{`{"a": "mail-relay.acme", "b": "-north.internal"}`, "north.internal"},
		{`{"a": "10.42.", "b": "137.201"}`, "137.201"},
		{`{"a":"correct horse ","b":"battery staple"}`, "battery"},
		{`{'a': '@kowal', 'b': 'ski_ops'}`, "ski_ops"},
		{`["DE893704004", "40532013000"]`, "40532013000"},
		{`{"a": "garden", "n": 7, "b": "report"}`, ""},
		{`{"a": "10.42.", "n": 7, "b": "137.201"}`, ""},
		{"nova_1  | " + h + "step 12 of 500\nnova_1  | rows updated 345", ""},
		{"query (3)www(7)example(3)com(0)", ""},
	})
}

// TestHexAfterWord: a value's hex after a word and a dash or an
// underscore ("req-" and hex) is read as hex; a request id ("req-" and
// a UUID, on every OpenStack line) is no base64 and stays.
func TestHexAfterWord(t *testing.T) {
	vs, ix := secretsOf([]string{"correct horse battery staple"})
	hexed := fmt.Sprintf("%x", "correct horse battery staple")
	checkGone(t, vs, ix, []lineCase{
		{"id req-" + hexed + " done", hexed[:16]},
		{"id abc_" + hexed + " done", hexed[:16]},
		{"id zz" + hexed + "zz done", hexed[:16]},
		{"[req-3f2504e0-4f89-41d3-9a0c-0305e82c3301 - - - - -] Running", ""},
		{"[req-1a2b3c4d - - - - -] Running", ""},
	})
}

// TestRedTeam19Forms: red team scrubatk19's finds: text smuggled in
// variation selectors after an emoji, bytes written in binary (spaced
// and as one run), ROT47, EBCDIC bytes (raw, in hex, in base64), an
// Arabic or Hebrew name in its legacy 8-bit charset, an Arabic name
// stretched with tatweels, a card and an IP in native digits, a value
// cut into adjacent MIME encoded words, gzip a byte into base64 and as
// raw bytes in the line.
func TestRedTeam19Forms(t *testing.T) {
	const z, ar, he = "Zoë Kowalczyk-Brennan", "محمد الفارسي", "יהונתן רוזנברג"
	vs, ix := secretsOf([]string{z, ar, he, "4539 1488 0343 6467", "10.213.47.198"})
	var sel, bits, run strings.Builder
	sel.WriteString("😀")
	for i, b := range []byte(z) {
		if b < 16 {
			sel.WriteRune(0xFE00 + rune(b))
		} else {
			sel.WriteRune(0xE0100 + rune(b) - 16)
		}
		if i > 0 {
			bits.WriteByte(' ')
		}
		fmt.Fprintf(&bits, "%08b", b)
		fmt.Fprintf(&run, "%08b", b)
	}
	r47 := []byte(z)
	for i, c := range r47 {
		if c >= '!' && c <= '~' {
			r47[i] = '!' + (c-'!'+47)%94
		}
	}
	enc := func(cm *charmap.Charmap, s string) string {
		b, err := cm.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	e500 := enc(charmap.CodePage037, z)
	var words []string
	for _, part := range []string{"Zoë ", "Kowal", "czyk-", "Brenn", "an"} {
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(part))+"?=")
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(z))
	zw.Close()
	gzOff := base64.URLEncoding.EncodeToString(append([]byte{0}, gz.Bytes()...))
	checkGone(t, vs, ix, []lineCase{
		{"display_name= " + sel.String() + " ok", sel.String()[4:20]},
		{"display_name= " + bits.String() + " ok", bits.String()[:40]},
		{"bits=" + run.String() + " ok", run.String()[:40]},
		{"display_name= " + string(r47) + " ok", string(r47[6:])},
		{"display_name= " + fmt.Sprintf("%x", e500), fmt.Sprintf("%x", e500)[:16]},
		{"display_name= " + base64.StdEncoding.EncodeToString([]byte(e500)), base64.StdEncoding.EncodeToString([]byte(e500))[:16]},
		{"raw " + e500 + " end", e500[4:12]},
		{"raw " + enc(charmap.Windows1256, ar) + " end", enc(charmap.Windows1256, ar)[:5]},
		{"raw " + enc(charmap.ISO8859_8, he) + " end", enc(charmap.ISO8859_8, he)[:5]},
		{"Subject: " + strings.Join(words, " ") + " (queued)", words[2]},
		{"Subject: " + strings.Join(words, "") + " (queued)", words[3]},
		{"blob " + gzOff + " end", gzOff[8:30]},
		{"display_name= " + gz.String() + " end", gz.String()[10:20]},
		{"name محـــمد الفـــارسي ok", "الفـــارسي"},
		{"card ٤٥٣٩ ١٤٨٨ ٠٣٤٣ ٦٤٦٧ ok", "٠٣٤٣ ٦٤٦٧"},
		{"from १०.२१३.४७.१९८ ok", "४७.१९८"},
		{"flags 01000000 00000001 10000000 00000000 set", ""},
		{"مرحبا ٢٠٢٦ ok", ""},
		{"I ❤️ it 👍🏽 ok", ""},
	})
}
