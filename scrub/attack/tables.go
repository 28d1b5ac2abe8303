package attack

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Forms of a value wrapped over the rows of a table cell, as prettytable
// and the openstack client print a long value in a narrow column: cut
// at the column's width, or at spaces (a word longer than the column is
// cut too).
var tableForms = []Form{
	{Name: "table-cut-w5", Bare: true, Render: func(v string) string { return table(cutEvery(v, 5), 5) }},
	{Name: "table-cut-w8", Bare: true, Render: func(v string) string { return table(cutEvery(v, 8), 8) }},
	{Name: "table-words-w10", Bare: true, Render: func(v string) string { return table(wrapWords(v, 10), 10) }},
}

func init() { Forms = append(Forms, tableForms...) }

// table renders chunks as one record's name cell, the rows after the
// first with an empty id.
func table(chunks []string, w int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "+----+-%s-+\n| id | %-*s |\n+----+-%s-+\n", strings.Repeat("-", w), w, "name", strings.Repeat("-", w))
	for i, c := range chunks {
		id := ""
		if i == 0 {
			id = "7"
		}
		fmt.Fprintf(&b, "| %2s | %s%s |\n", id, c, strings.Repeat(" ", max(0, w-utf8.RuneCountInString(c))))
	}
	fmt.Fprintf(&b, "+----+-%s-+", strings.Repeat("-", w))
	return b.String()
}

// cutEvery cuts v every w runes.
func cutEvery(v string, w int) []string {
	r := []rune(v)
	var out []string
	for i := 0; i < len(r); i += w {
		out = append(out, string(r[i:min(i+w, len(r))]))
	}
	return out
}

// wrapWords wraps v at spaces to lines of at most w runes (textwrap's
// way: a longer word is cut).
func wrapWords(v string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(v) {
		for utf8.RuneCountInString(word) > w {
			if line != "" {
				out, line = append(out, line), ""
			}
			c := cutEvery(word, w)
			out = append(out, c[0])
			word = strings.Join(c[1:], "")
		}
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= w:
			line += " " + word
		default:
			out, line = append(out, line), word
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// tableJoins is the attacker's reading of table rows: each column's
// cells joined, as they are and with a space between.
func tableJoins(text string) []string {
	var cols [][]string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, " ")
		i := strings.IndexByte(l, '|')
		if i < 0 || !strings.HasSuffix(l, "|") || i == len(l)-1 {
			continue
		}
		for c, cell := range strings.Split(l[i+1:len(l)-1], "|") {
			for len(cols) <= c {
				cols = append(cols, nil)
			}
			if cell = strings.TrimSpace(cell); cell != "" {
				cols[c] = append(cols[c], cell)
			}
		}
	}
	var out []string
	for _, c := range cols {
		if len(c) > 1 {
			out = append(out, strings.Join(c, ""), strings.Join(c, " "))
		}
	}
	return out
}
