package attack

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A value a character, byte or code a line: an Ansible loop over a
// string, PowerShell's GetBytes(), a string's letters or ord()s printed
// one per line.
var columnForms = []Form{
	{Name: "ansible-loop", Render: func(v string) string { return perLine(v, "ok: [ctl01] => (item=%s)", runes) }},
	{Name: "chars-per-line", Bare: true, Render: func(v string) string { return "chars:\n" + perLine(v, "%s", runes) }},
	{Name: "ps-getbytes", Bare: true, Render: func(v string) string {
		return "PS> [Text.Encoding]::UTF8.GetBytes($s)\n" + perLine(v, "%s", utf8Bytes)
	}},
	{Name: "ps-getbytes-utf16", Bare: true, Render: func(v string) string {
		return "PS> [Text.Encoding]::Unicode.GetBytes($s)\n" + perLine(v, "%s", utf16Bytes)
	}},
	{Name: "ord-per-line", Bare: true, Render: func(v string) string { return "codes:\n" + perLine(v, "%s", ords) }},
	{Name: "node-inspect-chars", Bare: true, Render: func(v string) string { return "console.log(Array.from(s)):\n" + nodeChars(v) }},
}

// nodeChars is Node's util.inspect of Array.from(v): six quoted
// characters a row.
func nodeChars(v string) string {
	var items []string
	for _, c := range strings.Split(v, "") {
		items = append(items, "'"+strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(c)+"'")
	}
	var rows []string
	for i := 0; i < len(items); i += 6 {
		rows = append(rows, "  "+strings.Join(items[i:min(i+6, len(items))], ", "))
	}
	return "[\n" + strings.Join(rows, ",\n") + "\n]"
}

func init() { Forms = append(Forms, columnForms...) }

// perLine prints each unit of v (units) in format, one a line.
func perLine(v, format string, units func(string) []string) string {
	var lines []string
	for _, u := range units(v) {
		lines = append(lines, fmt.Sprintf(format, u))
	}
	return strings.Join(lines, "\n")
}

func runes(v string) []string { return strings.Split(v, "") }

func utf8Bytes(v string) []string {
	var out []string
	for _, c := range []byte(v) {
		out = append(out, strconv.Itoa(int(c)))
	}
	return out
}

func utf16Bytes(v string) []string {
	var out []string
	for _, u := range utf16.Encode([]rune(v)) {
		out = append(out, strconv.Itoa(int(u&0xff)), strconv.Itoa(int(u>>8)))
	}
	return out
}

func ords(v string) []string {
	var out []string
	for _, r := range v {
		out = append(out, strconv.Itoa(int(r)))
	}
	return out
}

// columnViews reads s's lines down the column: their log headers
// dropped, what every line (or every line but the first, a title) has
// before and after its middle cut off, the middles joined; middles that
// are all numbers also as bytes and as code points.
func columnViews(s string) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) < 4 {
		return nil
	}
	for i, l := range lines {
		lines[i] = header.ReplaceAllString(l, "")
	}
	var out []string
	for _, sub := range [][]string{lines, lines[1:]} {
		pre, suf := sub[0], sub[0]
		short := len(sub[0])
		for _, l := range sub[1:] {
			for !strings.HasPrefix(l, pre) {
				pre = pre[:len(pre)-1]
			}
			for !strings.HasSuffix(l, suf) {
				suf = suf[1:]
			}
			short = min(short, len(l))
		}
		if len(pre)+len(suf) >= short {
			continue
		}
		var text strings.Builder
		var bytes []byte
		var codes strings.Builder
		numeric := true
		for _, l := range sub {
			mid := l[len(pre) : len(l)-len(suf)]
			text.WriteString(mid)
			n, err := strconv.Atoi(mid)
			if numeric = numeric && err == nil && n >= 0 && n <= utf8.MaxRune; numeric {
				bytes = append(bytes, byte(n))
				codes.WriteRune(rune(n))
			}
		}
		out = append(out, text.String())
		if numeric {
			out = append(out, string(bytes), codes.String())
			out = append(out, fromUTF16(string(bytes))...)
		}
	}
	return out
}
