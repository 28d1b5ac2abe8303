package scrub

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Variants: a log may print a known value in a form no decoder brings
// back to it (a name written the German way, UTF-8 read as Latin-1, a
// phone number's digits, an address as one number), so each value also stands for these forms of it, made when the
// matcher (or the index) is built: each is a value of its own, with its
// keys and pieces.

// keysOfForms is the keys of a value and of its variants.
func keysOfForms(text string) []key {
	keys := keysOf(text)
	if len(keys) == 0 {
		return nil
	}
	rl, sp := reversedLabels(text), spelledEmail(text)
	for _, v := range variants(text) {
		if v == rl || v == sp && sp != "" {
			// (the words of a spelled-out e-mail are its domain's labels
			// alone: "gmail" or "example" of every other address)
			// (its pieces are the labels' own run backwards: "oslo.db"
			// of db-primary.oslo.example is every oslo_db line's)
			keys = append(keys, wholeOnly(wholeKeysOf(v))...)
			continue
		}
		keys = append(keys, keysOf(v)...)
	}
	// Written backwards or in ROT13, the value is found whole only: not
	// by its pieces (which are common, a reversed "exampl", only the
	// plain text tells), nor by its words or prefix (their keys cost a
	// seventh of an index scrub's speed).
	t := strings.TrimSpace(text)
	if len(t) <= maxVariantText && (alnumRunes(t) >= DefaultMinLength || !isASCII(t) || len(t) >= DefaultMinLength && hasRare([]byte(t))) {
		// (a short ASCII value's cipher is any short word: the run's
		// host name "vm" in Atbash is "en", in Caesar 3 "yp"; a short
		// name in CJK, 王小明, is distinctive written backwards too, and
		// so is a 6-character one with a password's mark, "Kx9#pQ")
		for _, v := range wholeOnlyForms(t) {
			if v == t {
				continue
			}
			keys = append(keys, wholeOnly(wholeKeysOf(v))...)
		}
	}
	for _, v := range byteForms(t) {
		keys = append(keys, wholeOnly(wholeKeysOf(v))...)
	}
	if len(t) <= maxVariantText && alnumRunes(t) >= DefaultMinLength && wordLetters(t) >= 3 {
		// ROT47 turns most letters into marks, so it goes as it is
		// written, marks and all: its letters and digits alone are any
		// word ("Gail Vega" is "v2:= '682", and v2_68, "2.68" of a
		// schema's name was scrubbed). Not of an id's or a number's
		// (hex digits and digits: a UUID's ROT47 is digits and letters
		// again, whose keys' first bytes pass at every turn: 100,000
		// values' scan ran a tenth slower).
		if r := rot47(t); r != t {
			keys = append(keys, exactKey(r))
		}
	}
	// Its digests: a Gravatar URL holds the MD5 of the lower-case
	// e-mail, and a log that "hides" a value by hashing it lets anyone
	// check a guess (red team scrubatk6: md5 28/28). A short value's too
	// (a PIN, a CJK name of 2 to 4 letters: red team scrubatk16): a
	// digest's windows are no one else's, whatever it is of.
	if len(t) <= maxVariantText {
		keys = append(keys, digestKeys(t)...)
	}
	// A host name's first label alone is a word of it (its marker says
	// word, as for the words of a multi-word value).
	if l := hostLabel(text); l != "" {
		if lk := keysOf(l); len(lk) > 0 && lk[0].dom == domLoose {
			keys = append(keys, key{dom: domToken, b: lk[0].b, scan: lk[0].scan})
		}
	} else if l := wordsLabel(text); l != "" {
		// A label of English words goes as it is written, separators
		// and all ("host mail-relay down"), not as its words
		// ("add mail relay settings").
		keys = append(keys, exactKey(l))
	}
	return keys
}

// exactKey is text's key as it is written, its separators and marks
// kept (folded).
func exactKey(text string) key {
	var fo rep
	fo.folded([]byte(text))
	return scanKey(domExact, fo.b)
}

// wholeOnly drops the keys of pieces, words and a prefix, in place.
func wholeOnly(keys []key) []key {
	return slices.DeleteFunc(keys, func(k key) bool {
		return k.dom == domPiece || k.dom == domWindow || k.dom == domToken || k.dom == domPrefix
	})
}

// wholeOnlyForms: a value written backwards, in ROT13, Caesar's shift
// of 3 or a shift of 1, in Atbash, upside down (confusables.go) (ROT47:
// exactKeys). Not every shift: each costs a value's whole keys (25 shifts
// made building 100,000 values' keys several times slower).
func wholeOnlyForms(t string) []string {
	return []string{reversed(t), rot13(t), caesar(t, 1), caesar(t, 3), atbash(t), upsideDown(t)}
}

// rot47 rotates the printable ASCII characters but the space ('!' to
// '~') by 47 (red team scrubatk19: a name in ROT47 came through).
func rot47(text string) string {
	b := []byte(text)
	for i, c := range b {
		if c >= '!' && c <= '~' {
			b[i] = '!' + (c-'!'+47)%94
		}
	}
	return string(b)
}

// maxVariantText: longer values (notes, tracebacks) get no variants (a
// long text is found by its pieces; its hex alone would be 3 times as
// long).
const maxVariantText = 256

// variants returns the other forms of a value (not the value itself).
func variants(text string) []string {
	text = strings.TrimSpace(text)
	if len(text) > maxVariantText || text == "" {
		return nil
	}
	var out []string
	add := func(v string) {
		if v != "" && v != text {
			out = append(out, v)
		}
	}
	if !isASCII(text) {
		m := mojibake(text, false)
		add(m)
		add(mojibake(m, false))
		w := mojibake(text, true)
		add(w)
		add(mojibake(w, true))
		add(transliterate(text, true))
		add(transliterate(text, false))
		if d := dotted(text); asciiAlnumCount(d) >= DefaultMinLength {
			add(d) // (a name all dots, "王小明"'s, is every hexdump's)
		}
	}
	for _, v := range phoneForms(text) {
		add(v)
	}
	for _, v := range ipForms(text) {
		add(v)
	}
	for _, v := range nameForms(text) {
		add(v)
	}
	return out
}

// nameForms: an e-mail address spelled out against harvesters (user
// at example dot com: the skeleton ignores the brackets of [at]), a
// host name's labels in reverse order (Java package and reverse-DNS
// style: net.example.db-primary-07).
func nameForms(text string) []string {
	if strings.ContainsAny(text, " \t") {
		return nil
	}
	if sp := spelledEmail(text); sp != "" {
		return []string{sp}
	}
	if rl := reversedLabels(text); rl != "" {
		return []string{rl}
	}
	return nil
}

// spelledEmail is an e-mail address spelled out ("" if text is none).
func spelledEmail(text string) string {
	if strings.ContainsAny(text, " \t") {
		return ""
	}
	if at := strings.LastIndexByte(text, '@'); at > 0 && at < len(text)-1 && strings.Contains(text[at:], ".") {
		return text[:at] + " at " + strings.ReplaceAll(text[at+1:], ".", " dot ")
	}
	return ""
}

// reversedLabels is a host name's labels in reverse order ("": text is
// no host name with a dot).
func reversedLabels(text string) string {
	if _, err := netip.ParseAddr(text); err == nil || strings.ContainsAny(text, "/@: \t") || strings.Count(text, ".") < 1 {
		return ""
	}
	l := strings.Split(strings.TrimSuffix(text, "."), ".")
	slices.Reverse(l)
	return strings.Join(l, ".")
}

// reversed is text's runes in reverse order (a migration that stores
// a string backwards, Python's s[::-1]).
func reversed(text string) string {
	r := []rune(text)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// rot13 is text with its ASCII letters rotated by 13 (Python's
// codecs.encode(s, "rot13"), tr A-Za-z N-ZA-Mn-za-m).
func rot13(text string) string { return caesar(text, 13) }

// dotted is text as a hex dump's ASCII column shows it: a dot for each
// byte that is no printable ASCII.
func dotted(text string) string {
	b := []byte(text)
	for i, c := range b {
		if c < 0x20 || c >= 0x7f {
			b[i] = '.'
		}
	}
	return string(b)
}

// asciiAlnumCount is the number of ASCII letters and digits in s.
func asciiAlnumCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if asciiAlnum[s[i]] != 0 {
			n++
		}
	}
	return n
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// cp1252High: what Windows-1252 shows for bytes 0x80-0x9f (the five it
// leaves undefined pass through as C1 controls, as most decoders do).
var cp1252High = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8d, 'Ž', 0x8f,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9d, 'ž', 'Ÿ',
}

// mojibake is text's UTF-8 read as Latin-1 (cp1252: as Windows-1252)
// and written as UTF-8 again: "Jürgen" shows as "JÃ¼rgen".
func mojibake(text string, cp1252 bool) string {
	if isASCII(text) {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if cp1252 && c >= 0x80 && c < 0xa0 {
			b.WriteRune(cp1252High[c-0x80])
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// digraphs: letters written with two Latin letters when a keyboard or a
// system lacks them (German, Scandinavian, Icelandic, Dutch, French
// ligatures); the fold already takes the others to their base letter
// (é to e, ñ to n), but not the letters with a stroke, which have no
// decomposition (Łukasz is Lukasz on an ASCII keyboard, Đorđe Dorde).
var digraphs = map[rune]string{
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ħ': "h", 'Ħ': "H", 'ŧ': "t", 'Ŧ': "T",
	'ä': "ae", 'ö': "oe", 'ü': "ue", 'Ä': "Ae", 'Ö': "Oe", 'Ü': "Ue",
	'ø': "oe", 'Ø': "Oe", 'å': "aa", 'Å': "Aa", 'æ': "ae", 'Æ': "Ae",
	'œ': "oe", 'Œ': "Oe", 'þ': "th", 'Þ': "Th", 'ð': "d", 'Ð': "D",
	'ß': "ss", 'ĳ': "ij", 'Ĳ': "Ij",
}

// latinOf: Cyrillic and Greek letters in Latin (one common scheme: the
// ones passports and most systems use).
var latinOf = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i", 'й': "y",
	'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
	'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g",
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i", 'κ': "k", 'λ': "l",
	'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'φ': "f",
	'χ': "ch", 'ψ': "ps", 'ω': "o", 'ά': "a", 'έ': "e", 'ή': "i", 'ί': "i", 'ό': "o", 'ύ': "y", 'ώ': "o", 'ϊ': "i", 'ϋ': "y", 'ΐ': "i", 'ΰ': "y",
}

// transliterate writes text's letters in Latin: with digraphs (Müller
// as Mueller, Ødegård as Oedegaard), or with their first letter alone
// (Odegard; þ stays th), Cyrillic and Greek by latinOf either way; ""
// when text has none of these letters.
func transliterate(text string, withDigraphs bool) string {
	var b strings.Builder
	changed := false
	for _, r := range text {
		lower := unicode.ToLower(r)
		if s, ok := latinOf[lower]; ok {
			if lower != r && s != "" {
				s = strings.ToUpper(s[:1]) + s[1:]
			}
			b.WriteString(s)
			changed = true
			continue
		}
		if s, ok := digraphs[r]; ok {
			if !withDigraphs && lower != 'þ' {
				s = s[:1]
			}
			b.WriteString(s)
			changed = true
			continue
		}
		b.WriteRune(r)
	}
	if !changed {
		return ""
	}
	return b.String()
}

// ipInside: text is an IPv4 address, a network ("10.40.0.0/16") or
// holds one between its separators ("10.0.0.1 - 10.0.0.9"): its digits
// are no phone number's (read as one, "10.40.0.0/16" was every
// "104.0.0.0/16" too).
func ipInside(text string) bool {
	if _, err := netip.ParseAddr(text); err == nil {
		return true
	}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '/' || r == '-' || r == '(' || r == ')' || r == '+' }) {
		if a, err := netip.ParseAddr(f); err == nil && a.Is4() {
			return true
		}
	}
	return false
}

// phoneForms: a phone number's other spellings: its digits alone, with
// a + (E.164), with 00, with dashes, dots or spaces between its groups,
// and without its country code when it has one (+1, +49 ...), and then
// without its area code when the local number has 7 digits or more.
func phoneForms(text string) []string {
	var digits strings.Builder
	var groups []string
	cur := ""
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			digits.WriteByte(c)
			cur += string(c)
		case strings.IndexByte(" ()+-./", c) >= 0:
			if cur != "" {
				groups = append(groups, cur)
				cur = ""
			}
		default:
			return nil
		}
	}
	if cur != "" {
		groups = append(groups, cur)
	}
	d := digits.String()
	if len(d) < 7 || len(d) > 19 || len(groups) < 2 && text[0] != '+' || isDate(groups) {
		return nil
	}
	if ipInside(text) {
		return nil
	}
	if len(d) > 15 {
		// A card's 16 to 19 digits in groups: its digits alone (red
		// team scrubatk16: "5500 0055 5555 5559" was found spaced and
		// dashed, not as one number), and other separators.
		return []string{d, strings.Join(groups, "-"), strings.Join(groups, " "), strings.Join(groups, ".")}
	}
	out := []string{d, "+" + d, "00" + d, "tel:+" + d}
	if text[0] != '+' && len(d) == 10 && d[0] >= '2' {
		// A North American number with its country code: +15551234567,
		// +1 555 123 4567, 1-555-123-4567 (red team scrubatk16).
		out = append(out, "1"+d, "+1"+d, "001"+d, "+1 "+strings.Join(groups, " "), "1-"+strings.Join(groups, "-"), "+1 "+text)
	}
	for _, sep := range []string{"-", ".", " "} {
		out = append(out, strings.Join(groups, sep))
	}
	if text[0] == '+' && len(groups) >= 2 {
		// Without the country code (the first group): the national number.
		rest := strings.Join(groups[1:], "")
		out = append(out, rest, "0"+rest, strings.Join(groups[1:], " "), strings.Join(groups[1:], "-"))
	}
	if text[0] == '+' && len(groups) >= 4 {
		// Without the area code too: the local number (7946 0958 of
		// +44 20 7946 0958), when it still has 7 digits or more.
		if local := strings.Join(groups[2:], ""); len(local) >= 7 {
			out = append(out, local, strings.Join(groups[2:], " "), strings.Join(groups[2:], "-"))
		}
	}
	return out
}

// isDate: groups that read as a date (2026-11-21, 21.11.2026): a known
// date's digits alone are any log's timestamps. Three groups only, and
// only a real day and month: +44 20 7946 0958 is a London number, not
// the 44th of a month (its E.164 form was never looked for).
func isDate(groups []string) bool {
	if len(groups) != 3 {
		return false
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	day := func(d, m string) bool { return n(d) >= 1 && n(d) <= 31 && n(m) >= 1 && n(m) <= 12 }
	y := groups
	switch {
	case len(y[0]) == 4 && len(y[1]) <= 2 && len(y[2]) <= 2:
		return day(y[2], y[1]) || day(y[1], y[2])
	case len(y[0]) <= 2 && len(y[1]) <= 2 && len(y[2]) == 4:
		return day(y[0], y[1]) || day(y[1], y[0])
	}
	return false
}

// ipForms: an IPv4 address as one number (decimal, hex), with its
// octets zero-padded, mapped into IPv6 in hex (::ffff:hhhh:hhhh;
// ::ffff:a.b.c.d holds the address's own form, found as it is: a
// variant's words would match it without the address's shape);
// an IPv6 address written out whole.
func ipForms(text string) []string {
	a, err := netip.ParseAddr(text)
	if err != nil {
		return nil
	}
	if a.Is6() {
		// Written out, padded and not ("2001:db8:85a3:0:0:8a2e:370:7334":
		// red team scrubatk16), and in RFC 5952's short form.
		e := a.StringExpanded()
		var groups []string
		for _, g := range strings.Split(e, ":") {
			if t := strings.TrimLeft(g, "0"); t != "" {
				groups = append(groups, t)
			} else {
				groups = append(groups, "0")
			}
		}
		u := strings.Join(groups, ":")
		// and its reverse DNS name's nibbles (ip6.arpa), last first
		nib := strings.ReplaceAll(e, ":", "")
		arpa := make([]byte, 0, 2*len(nib))
		for i := len(nib) - 1; i >= 0; i-- {
			arpa = append(arpa, nib[i], '.')
		}
		return []string{e, strings.ToUpper(e), u, strings.ToUpper(u), a.String(), string(arpa[:len(arpa)-1])}
	}
	b := a.As4()
	n := binary.BigEndian.Uint32(b[:])
	return []string{
		strconv.FormatUint(uint64(n), 10),
		fmt.Sprintf("0x%08x", n), fmt.Sprintf("0x%x", n), fmt.Sprintf("%08x", n), // (a sockaddr's sin_addr=0a2a11cb)
		fmt.Sprintf("%03d.%03d.%03d.%03d", b[0], b[1], b[2], b[3]),
		fmt.Sprintf("::ffff:%x:%x", n>>16, n&0xffff),
		fmt.Sprintf("::ffff:%04x:%04x", n>>16, n&0xffff), // (as a whole address written out pads it)
		// NAT64's well-known prefix, 6to4's (the address after 2002:), the
		// old IPv4-compatible form
		fmt.Sprintf("64:ff9b::%x:%x", n>>16, n&0xffff), fmt.Sprintf("64:ff9b::%04x:%04x", n>>16, n&0xffff),
		fmt.Sprintf("2002:%x:%x", n>>16, n&0xffff), fmt.Sprintf("2002:%04x:%04x", n>>16, n&0xffff),
		fmt.Sprintf("::%x:%x", n>>16, n&0xffff),
		fmt.Sprintf("0:0:0:0:0:ffff:%x:%x", n>>16, n&0xffff),
		// reverse DNS: the octets backwards (PTR names, in-addr.arpa)
		fmt.Sprintf("%d.%d.%d.%d", b[3], b[2], b[1], b[0]),
	}
}

// uuidNames: the names OpenStack's Neutron gives a port's devices, a
// prefix and the port UUID's first 11 characters (tap3f2b9c1e-7d, the
// qvo, qvb and qbr of its hybrid bridge, a router's qr- and qg-), and
// a UUID's first group alone, as short ids print it (red team
// scrubatk20). Found whole only (byteForms): pieces of hex are every
// digest's. t is a UUID (uuidForms checks it).
func uuidNames(t string) []string {
	u := strings.ToLower(t[:11])
	return []string{"tap" + u, "qvo" + u, "qvb" + u, "qbr" + u, "qr-" + u, "qg-" + u, u[:8]}
}

// hostLabel is a host name's first label alone, when it says something:
// 6 runes or more, not a common word nor common words (db-primary-07 of
// db-primary-07.internal.acme-corp.net; not "server", "mail" or
// "mail-relay").
func hostLabel(text string) string {
	text = strings.TrimSuffix(text, ".")
	dot := strings.IndexByte(text, '.')
	if dot <= 0 || strings.ContainsAny(text, " /@:\t") || strings.Count(text, ".") < 1 {
		return ""
	}
	for _, l := range strings.Split(text, ".") {
		if l == "" {
			return ""
		}
	}
	label := text[:dot]
	if utf8.RuneCountInString(label) < pieceRunes || allDigits([]byte(label)) || commonWord(label) || commonWord(strings.ReplaceAll(label, "-", "")) || englishWords(label) {
		return ""
	}
	return label
}

// wordsLabel is a host name's first label of English words joined by
// separators (hostLabel's "mail-relay"), or "".
func wordsLabel(text string) string {
	text = strings.TrimSuffix(text, ".")
	dot := strings.IndexByte(text, '.')
	if dot <= 0 || strings.ContainsAny(text, " /@:\t") {
		return ""
	}
	label := text[:dot]
	if utf8.RuneCountInString(label) < pieceRunes || !strings.ContainsAny(label, "-_") || !englishWords(label) || commonWord(label) {
		return ""
	}
	return label
}

// englishWords: every part of a host label is an English word or has
// two letters or fewer, and none a digit ("mail-relay" is any mail
// system's words, found in "add mail relay settings": red team
// scrubatk18).
func englishWords(label string) bool {
	for _, p := range strings.FieldsFunc(label, func(r rune) bool { return r == '-' || r == '_' }) {
		if strings.ContainsAny(p, "0123456789") || utf8.RuneCountInString(p) > 2 && !englishWord(p) {
			return false
		}
	}
	return true
}

// alnumRunes counts the letters and digits of t.
func alnumRunes(t string) int {
	n := 0
	for _, r := range t {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// wordLetters counts t's ASCII letters that are no hex digits.
func wordLetters(t string) int {
	n := 0
	for _, c := range []byte(t) {
		if c|0x20 >= 'g' && c|0x20 <= 'z' {
			n++
		}
	}
	return n
}
