package attack

import (
	"net/netip"
	"slices"
	"strings"
	"unicode"
)

// Lookalike and cipher forms (red team scrubatk5): letters of other
// scripts and styles a reader takes for Latin ones, invisible copies,
// simple ciphers a hostile migration can apply, and a value's kind
// written another way (reverse DNS, an e-mail address spelled out,
// host labels reversed). lookalikeViews reads each back. Not among
// Forms: verify's detector does not read them.
var LookalikeForms = []Form{
	{Name: "small-caps", Render: func(v string) string { return "banner " + mapRunes(v, latinToSmallCaps) + " ready" }},
	{Name: "circled", Render: func(v string) string { return "tag " + shiftLetters(v, 0x24B6, 0x24D0) + " set" }},
	{Name: "regional", Render: func(v string) string { return "flag " + shiftLetters(strings.ToUpper(v), 0x1F1E6, 0x1F1E6) + " set" }},
	{Name: "armenian", Render: func(v string) string { return "user " + mapRunes(v, latinToArmenian) + " logged in" }},
	{Name: "hangul-filler", Render: func(v string) string { return "name: " + between(v, "\u3164") + " end" }},
	{Name: "tag-chars", Render: func(v string) string { return "ok " + ToTags(v) + " done" }},
	// Every ASCII character (a space too) as a tag, between a language
	// tag and a cancel tag, glued to the words around; and the same as
	// JSON's ensure_ascii writes it (surrogate pairs).
	{Name: "tag-chars-all", Render: func(v string) string { return "ok\U000E0001" + allTags(v) + "\U000E007Fdone" }},
	{Name: "tag-chars-json", Render: func(v string) string { return `{"msg": ` + JSON("hi "+allTags(v), true) + `}` }},
	{Name: "caesar1", OwnTag: true, Render: func(v string) string { return "enc: " + Caesar(v, 1) }},
	{Name: "caesar3", OwnTag: true, Render: func(v string) string { return "enc: " + Caesar(v, 3) }},
	{Name: "atbash", OwnTag: true, Render: func(v string) string { return "enc: " + Atbash(v) }},
	{Name: "upside-down", OwnTag: true, Render: func(v string) string { return "flip: " + UpsideDown(v) }},
	{Name: "ip-reverse-dns", Applies: isIPv4, Render: func(v string) string {
		return "PTR lookup " + reverseLabels(v) + ".in-addr.arpa: NXDOMAIN"
	}},
	{Name: "email-at-dot", Applies: isEmail, Render: func(v string) string {
		at := max(0, strings.LastIndexByte(v, '@')) // (twins: Applies is the value's)
		return "contact: " + v[:at] + " [at] " + strings.ReplaceAll(v[min(at+1, len(v)):], ".", " [dot] ")
	}},
	{Name: "host-reversed", Applies: isHost, Render: func(v string) string { return "package " + reverseLabels(v) + " loaded" }},
}

func isIPv4(v string) bool { a, err := netip.ParseAddr(v); return err == nil && a.Is4() }

func isEmail(v string) bool {
	at := strings.LastIndexByte(v, '@')
	return at > 0 && !strings.ContainsAny(v, " \t") && strings.Contains(v[at:], ".")
}

func isHost(v string) bool {
	return strings.Count(v, ".") >= 2 && !isIPv4(v) && !strings.ContainsAny(v, " \t/@:")
}

func reverseLabels(v string) string {
	l := strings.Split(v, ".")
	slices.Reverse(l)
	return strings.Join(l, ".")
}

var (
	latinToSmallCaps = pairs("abcdefghijklmnopqrstuvwyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ")
	latinToArmenian  = pairs("ohnuqgdSOU", "օհոսզցժՏՕՍ")
	turned           = pairs("abcdefghijklmnopqrstuvwxyz", "ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz")
)

func pairs(from, to string) map[rune]rune {
	m := map[rune]rune{}
	t := []rune(to)
	for i, r := range []rune(from) {
		m[r] = t[i]
	}
	return m
}

func invert(m map[rune]rune) map[rune]rune {
	out := map[rune]rune{}
	for k, v := range m {
		out[v] = k
	}
	return out
}

func mapRunes(v string, m map[rune]rune) string {
	return strings.Map(func(r rune) rune {
		if x, ok := m[r]; ok {
			return x
		}
		if x, ok := m[unicode.ToLower(r)]; ok {
			return x
		}
		return r
	}, v)
}

// shiftLetters writes ASCII capitals from upper, small letters from lower.
func shiftLetters(v string, upper, lower rune) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return upper + r - 'A'
		case r >= 'a' && r <= 'z':
			return lower + r - 'a'
		}
		return r
	}, v)
}

// ToTags writes v's ASCII as tag characters (invisible).
func ToTags(v string) string {
	return strings.Map(func(r rune) rune {
		if r > 0x20 && r < 0x7f {
			return 0xE0000 + r
		}
		return r
	}, v)
}

// allTags writes v's ASCII, spaces too, as tag characters.
func allTags(v string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x20 && r < 0x7f {
			return 0xE0000 + r
		}
		return r
	}, v)
}

// Caesar shifts v's ASCII letters by n.
func Caesar(v string, n int) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return 'a' + (r-'a'+rune(n))%26
		case r >= 'A' && r <= 'Z':
			return 'A' + (r-'A'+rune(n))%26
		}
		return r
	}, v)
}

// Atbash mirrors v's ASCII letters.
func Atbash(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return 'z' - (r - 'a')
		case r >= 'A' && r <= 'Z':
			return 'Z' - (r - 'A')
		}
		return r
	}, v)
}

// UpsideDown is v lower-cased, turned and reversed.
func UpsideDown(v string) string { return Reverse(mapRunes(strings.ToLower(v), turned)) }

// lookalikeViews: the attacker's reading of the forms above.
func lookalikeViews(s string) []string {
	unlook := strings.Map(func(r rune) rune {
		switch {
		case r >= 0x24B6 && r < 0x24B6+26:
			return 'a' + r - 0x24B6
		case r >= 0x24D0 && r < 0x24D0+26:
			return 'a' + r - 0x24D0
		case r >= 0x1F1E6 && r < 0x1F1E6+26:
			return 'a' + r - 0x1F1E6
		case r >= 0xE0020 && r < 0xE007F:
			return r - 0xE0000
		case r == 0x3164:
			return -1
		}
		return r
	}, s)
	unlook = mapRunes(mapRunes(unlook, invert(latinToSmallCaps)), invert(latinToArmenian))
	ptr := strings.ReplaceAll(s, " [at] ", "@")
	ptr = strings.ReplaceAll(ptr, " [dot] ", ".")
	var rev []string
	for _, f := range strings.Fields(strings.TrimSuffix(s, ".in-addr.arpa")) {
		rev = append(rev, reverseLabels(strings.TrimSuffix(f, ".in-addr.arpa")))
	}
	return []string{unlook, Caesar(s, 25), Caesar(s, 23), Atbash(s), Reverse(mapRunes(s, invert(turned))), ptr, strings.Join(rev, " ")}
}
