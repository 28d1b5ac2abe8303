package attack

import (
	"strings"
	"unicode"
)

// Numbers cut short, glued, masked or spread over cells (red team
// scrubatk6 findings 1, 2, 8, 9): a column too narrow for a card
// (MariaDB's "Data truncated"), a formatter's %.15s, the value without
// its first digits, string building that glues fields, PCI's masked
// card, one digit per cell of a table. Each needs the value to keep 7
// digits or more (fewer are any log's numbers, an IP's "10.77.3.1" every
// 10.77.3.x host's): only the parts of numbers are keys there, so
// NoPieces leaves them. A part is found as a piece or as a variant of
// the value (a phone less its country code is its national number; a
// masked card has a key of its own), so its tag is its own (OwnTag).
var numberForms = []Form{
	{OwnTag: true, Name: "num-cut-last1", Pieces: true, Applies: cutNumber(1), Render: func(v string) string {
		return "Warning 1265 Data truncated for column 'v' at row 1: stored '" + string([]rune(v)[:len([]rune(v))-1]) + "'"
	}},
	{OwnTag: true, Name: "num-cut-last2", Pieces: true, Applies: cutNumber(2), Render: func(v string) string {
		return "name=" + string([]rune(v)[:len([]rune(v))-2]) + "..."
	}},
	{OwnTag: true, Name: "num-cut-first1", Pieces: true, Applies: cutFirst(1), Render: func(v string) string { return "value ends with " + string([]rune(v)[1:]) }},
	{OwnTag: true, Name: "num-cut-first2", Pieces: true, Applies: cutFirst(2), Render: func(v string) string { return "..." + string([]rune(v)[2:]) + " (tail)" }},
	{OwnTag: true, Name: "num-cut-both", Pieces: true, Applies: cutFirst(2), Render: func(v string) string {
		r := []rune(v)
		return "[" + string(r[1:len(r)-1]) + "]"
	}},
	{OwnTag: true, Name: "num-glued", Pieces: true, Applies: glueFindable, Render: func(v string) string {
		return "key=id7" + strings.ReplaceAll(v, " ", "") + "xyz"
	}},
	{Name: "num-per-cell", Applies: cutNumber(0), Render: func(v string) string {
		var cells []string
		for _, r := range v {
			if unicode.IsDigit(r) || unicode.IsLetter(r) {
				cells = append(cells, string(r))
			}
		}
		return "| " + strings.Join(cells, " | ") + " |"
	}},
	{Name: "num-per-cell-bars", Applies: cutNumber(0), Render: func(v string) string {
		var cells []string
		for _, r := range v {
			cells = append(cells, string(r))
		}
		return strings.Join(cells, "|")
	}},
	// PCI's masked card: its first six and last four digits.
	{OwnTag: true, Name: "masked-pan", Applies: isCard, Render: func(v string) string {
		d := cardDigits(v)
		return "charge card=" + d[:6] + strings.Repeat("*", len(d)-10) + d[len(d)-4:] + " approved"
	}},
	{OwnTag: true, Name: "masked-pan-x4", Applies: isCard, Render: func(v string) string {
		d := cardDigits(v)
		return "card " + d[:6] + "xxxx" + d[len(d)-4:] + " declined"
	}},
	{OwnTag: true, Name: "masked-pan-grouped", Applies: isCard, Render: func(v string) string {
		d := cardDigits(v)
		return "pan: " + d[:4] + " " + d[4:6] + "## #### " + d[len(d)-4:]
	}},
	{OwnTag: true, Name: "masked-pan-bullets", Applies: isCard, Render: func(v string) string {
		d := cardDigits(v)
		return "Visa " + d[:6] + "••••••" + d[len(d)-4:]
	}},
}

func init() { Forms = append(Forms, numberForms...) }

// cardDigits is v's digits (the filler's letters for the form's own
// text: filler is no card).
func cardDigits(v string) string {
	if d := DigitsOf(v); len(d) >= 13 {
		return d
	}
	return v + strings.Repeat("q", max(0, 13-len(v)))
}

// DigitsOf is v's ASCII digits.
func DigitsOf(v string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v)
}

// cutNumber: v is a number (its letters and digits mostly digits, at
// least 8 of them) that keeps 7 digits or more with n characters cut
// off at either end.
func cutNumber(n int) func(string) bool {
	return func(v string) bool {
		d := len(DigitsOf(v))
		r := []rune(v)
		return d >= 8 && 4*d >= 3*len([]rune(Skeleton(v))) && d-n >= 7 && cutKeeps(string(r[n:])) && cutKeeps(string(r[:len(r)-n])) &&
			(n < 2 || cutKeeps(string(r[1:len(r)-1])))
	}
}

// cutKeeps: a number cut short keeps 7 digits or more, of 4 different
// digits or more ("0000201" of "00 0020170" is any log's number: the
// scrubber's windows of a number need as many, digits.go).
func cutKeeps(v string) bool {
	d := DigitsOf(v)
	seen := map[rune]bool{}
	for _, c := range d {
		seen[c] = true
	}
	return len(d) >= 7 && len(seen) >= 4
}

// cutFirst is cutNumber for a cut at the start too: not of an IP (a
// version's shape) whose first octet keeps fewer than 2 digits
// ("0.213.47.198" of 10.213.47.198 is every version 0.x.y.z's shape: the
// scrubber leaves it).
func cutFirst(n int) func(string) bool {
	cut := cutNumber(n)
	return func(v string) bool {
		if !cut(v) {
			return false
		}
		first, _, _ := strings.Cut(v, ".")
		return strings.Trim(v, "0123456789.") != "" || len(first)-n >= 2
	}
}

// glueFindable: v glued into a word (its spaces gone) keeps 13 digits
// or more, or a mark between two digits ("+4791234567" is a stranger's
// 10-digit number: no scrubber can tell it).
func glueFindable(v string) bool {
	g := strings.ReplaceAll(v, " ", "")
	if !cutNumber(0)(v) {
		return false
	}
	if len(DigitsOf(g)) >= 13 {
		return true
	}
	for i := 1; i+1 < len(g); i++ {
		if (g[i] < '0' || g[i] > '9') && g[i-1] >= '0' && g[i-1] <= '9' && g[i+1] >= '0' && g[i+1] <= '9' {
			return true
		}
	}
	return false
}

// isCard: v is a card number (13 to 19 digits, maybe grouped).
func isCard(v string) bool {
	d := DigitsOf(v)
	return len(d) >= 13 && len(d) <= 19 && len([]rune(Skeleton(v))) == len(d)
}
