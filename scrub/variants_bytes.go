package scrub

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
)

// Forms of a value's bytes that no decoder brings back (red team
// scrubatk18), found whole only (wholeOnly: their pieces would be any
// binary's):
//   - a Cyrillic or Greek value in a legacy 8-bit charset, read as
//     Latin-1 or cp1252: "Äìèòðèé" is Дмитрий's cp1251 shown as Latin-1,
//     and a hex dump, a bytes repr or base64 of those bytes decodes to
//     them (decoded bytes that are not UTF-8 are read as Latin-1). A raw
//     line of such bytes is read in those charsets already
//     (decode_charsets.go); a decoded blob and mojibake text were not.
//   - a UUID's 16 bytes in base64 (padded or not, standard and URL
//     alphabets), and as Microsoft writes a GUID's bytes (its first
//     three groups little-endian);
//   - an IPv4 address's octets in hex or octal, the address as
//     /proc/net/tcp prints it.
func byteForms(text string) []string {
	t := strings.TrimSpace(text)
	var out []string
	if legacyScript(t) {
		for _, cm := range legacyCharsets {
			b, err := cm.NewEncoder().Bytes([]byte(t))
			if err != nil {
				continue // (a letter the charset has not)
			}
			// (mojibake reads a string's bytes as Latin-1: b's own here)
			out = append(out, mojibake(string(b), false), mojibake(string(b), true))
		}
	}
	out = append(out, uuidForms(t)...)
	return append(out, ipByteForms(t)...)
}

// ipByteForms: an IPv4 address's octets in hex or in octal (inet_aton
// reads both), and the address little-endian in hex, as /proc/net/tcp
// prints it. (Whole only: a piece of "0x0a.0x4d.0x03" is every C
// array's "0x03, 0x04".)
func ipByteForms(t string) []string {
	a, err := netip.ParseAddr(t)
	if err != nil || !a.Is4() {
		return nil
	}
	b := a.As4()
	return []string{
		fmt.Sprintf("0x%02x.0x%02x.0x%02x.0x%02x", b[0], b[1], b[2], b[3]),
		fmt.Sprintf("%#o.%#o.%#o.%#o", b[0], b[1], b[2], b[3]),
		fmt.Sprintf("%08X", binary.LittleEndian.Uint32(b[:])),
	}
}

// legacyScript: t has Cyrillic, Greek, Arabic or Hebrew letters (the
// scripts of legacyCharsets).
func legacyScript(t string) bool {
	for _, r := range t {
		if unicode.In(r, unicode.Cyrillic, unicode.Greek, unicode.Arabic, unicode.Hebrew) {
			return true
		}
	}
	return false
}

// uuidForms: a UUID's 16 bytes in base64 and in Microsoft's GUID byte
// order, the names of devices made after it (none for what is no UUID).
func uuidForms(t string) []string {
	if len(t) != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return nil
	}
	b, err := hex.DecodeString(t[:8] + t[9:13] + t[14:18] + t[19:23] + t[24:])
	if err != nil || len(b) != 16 {
		return nil
	}
	// (one spelling each: a key is of letters and digits, case-folded,
	// so padding, the alphabets' + / - _ and case are the same key)
	ms := []byte{b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]}
	m := hex.EncodeToString(ms)
	return append([]string{base64.StdEncoding.EncodeToString(b), m[:8] + "-" + m[8:12] + "-" + m[12:16] + "-" + t[19:]}, uuidNames(t)...)
}
