package anonymize

import (
	"bytes"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Personal data recognised by its values, for audit and privacy by
// default: each detector says whether one value is (or, in free text,
// holds) data of its class, and which kind anonymizes it keeping its
// format. Columns are judged on samples, so a detector only has to be
// right most of the time on one value; a column needs a share of its
// sampled values to match (see columnVerdict).

// piiClass is one class of personal data.
type piiClass struct {
	name string // what the audit says, plural: "phone numbers", ...
	kind string // the kind that keeps the format
	// whole: the value is one; share: the part of the sampled values that
	// must be for the column to count.
	whole func(v []byte) bool
	share float64
	// inText: free text holding one (the column then suggests text).
	inText func(v []byte) bool
}

var piiClasses = []piiClass{
	{name: "e-mail addresses", kind: "email", whole: isEmail, share: 0.3, inText: hasEmail},
	{name: "payment card numbers (Luhn)", kind: "card_number", whole: isCardNumber, share: 0.5, inText: hasCardNumber},
	{name: "IBANs", kind: "iban", whole: isIBAN, share: 0.5, inText: hasIBAN},
	{name: "national ids (US SSN, UK NINO, Spanish DNI)", kind: "national_id", whole: isNationalID, share: 0.5},
	{name: "phone numbers", kind: "phone", whole: isPhone, share: 0.5, inText: hasPhone},
	{name: "IP addresses", kind: "ip_address", whole: isIPAddr, share: 0.3},
	{name: "host names with a domain", kind: "hostname", whole: isDomainHost, share: 0.3},
	{name: "street addresses", kind: "street_address", whole: isStreetAddress, share: 0.3},
	{name: "person names", kind: "person_name", whole: isPersonName, share: 0.2},
}

// --- e-mail, IP, host --------------------------------------------------

var emailIn = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)

func hasEmail(v []byte) bool { return emailIn.Match(v) }

func isIPAddr(v []byte) bool {
	k := detectKind(bytes.TrimSpace(v))
	return k == "ip_address" || k == "cidr"
}

func isDomainHost(v []byte) bool {
	t := bytes.TrimSpace(v)
	return bytes.Count(t, []byte(".")) >= 2 && detectKind(t) == "hostname"
}

// --- numbers with check digits ----------------------------------------

// compact drops the separators people write inside numbers.
func compact(v []byte, seps string) ([]byte, bool) {
	out := make([]byte, 0, len(v))
	for _, c := range bytes.TrimSpace(v) {
		switch {
		case strings.IndexByte(seps, c) >= 0:
		case c >= '0' && c <= '9' || c >= 'A' && c <= 'Z':
			out = append(out, c)
		case c >= 'a' && c <= 'z':
			out = append(out, c-32)
		default:
			return nil, false
		}
	}
	return out, true
}

func luhnValid(d []byte) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-i)%2 == 0 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// isCardNumber: 13-19 digits (spaces or dashes between groups) that pass
// Luhn and start like a card network's numbers (Visa, Mastercard, Amex,
// Discover, JCB, Diners, UnionPay): a random number passes Luhn one time
// in ten, and a column needs half its values to.
func isCardNumber(v []byte) bool {
	d, ok := compact(v, " -")
	if !ok || len(d) < 13 || len(d) > 19 || !allDigits(d) || !luhnValid(d) {
		return false
	}
	p2 := int(d[0]-'0')*10 + int(d[1]-'0')
	p4 := p2*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	switch {
	case d[0] == '4', p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720, p2 == 34 || p2 == 37,
		p4 == 6011, p2 == 65, p2 == 35, p2 == 36 || p2 == 38 || p2 == 30, p2 == 62:
		return true
	}
	return false
}

var cardIn = regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`)

func hasCardNumber(v []byte) bool {
	for _, m := range cardIn.FindAll(v, -1) {
		if isCardNumber(m) {
			return true
		}
	}
	return false
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// isIBAN: country, check digits, 11-30 letters and digits (spaces
// allowed), and the mod-97 check of ISO 13616.
func isIBAN(v []byte) bool {
	d, ok := compact(v, " ")
	if !ok || len(d) < 15 || len(d) > 34 || d[0] < 'A' || d[1] < 'A' || d[2] > '9' || d[3] > '9' {
		return false
	}
	rem := 0
	for _, c := range append(append([]byte{}, d[4:]...), d[:4]...) {
		if c >= 'A' {
			rem = (rem*100 + int(c-'A') + 10) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return rem == 1
}

var ibanIn = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`)

func hasIBAN(v []byte) bool {
	for _, m := range ibanIn.FindAll(v, -1) {
		if isIBAN(m) {
			return true
		}
	}
	return false
}

var (
	ssnShape  = regexp.MustCompile(`^(\d{3})-(\d{2})-(\d{4})$`)
	ninoShape = regexp.MustCompile(`^[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]$`)
	dniShape  = regexp.MustCompile(`^([XYZ]|\d)\d{7}-?[A-Z]$`)
)

// isNationalID: a US SSN (valid area, group and serial), a UK National
// Insurance number, a Spanish DNI/NIE with its check letter.
func isNationalID(v []byte) bool {
	t := bytes.ToUpper(bytes.TrimSpace(v))
	if m := ssnShape.FindSubmatch(t); m != nil {
		area := string(m[1])
		return area != "000" && area != "666" && area[0] != '9' && string(m[2]) != "00" && string(m[3]) != "0000"
	}
	if ninoShape.Match(t) {
		return true
	}
	if dniShape.Match(t) {
		num := bytes.ReplaceAll(t[:len(t)-1], []byte("-"), nil)
		n := 0
		for _, c := range num {
			switch c {
			case 'X', 'Y', 'Z':
				n = n*10 + int(c-'X')
			default:
				n = n*10 + int(c-'0')
			}
		}
		return "TRWAGMYFPDXBNJZSQVHLCKE"[n%23] == t[len(t)-1]
	}
	return false
}

// --- phone numbers -----------------------------------------------------

var (
	isoDate    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)
	phoneIn    = regexp.MustCompile(`(?:\+\d{1,3}[ .-]?)?\(?\d{2,4}\)?[ .-]\d{2,4}[ .-]?\d{2,5}(?:[ .-]\d{2,5})?`)
	phoneChars = " +()-./"
)

// isPhone: digits with the separators people write in phone numbers, 7
// to 15 digits, in a phone's shape (a leading + or 0, or separated
// groups); not a date, a decimal, a version or an IP address.
func isPhone(v []byte) bool {
	t := bytes.TrimSpace(v)
	if len(t) < 7 || len(t) > 24 || isoDate.Match(t) || isNationalID(t) {
		return false
	}
	digits, groups, inGroup := 0, 0, false
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9':
			digits++
			if !inGroup {
				groups++
				inGroup = true
			}
		case strings.IndexByte(phoneChars, c) >= 0:
			inGroup = false
		default:
			return false
		}
	}
	if digits < 7 || digits > 15 {
		return false
	}
	if bytes.Count(t, []byte(".")) == 3 && groups == 4 { // an IPv4 address
		return false
	}
	if groups == 2 && bytes.Count(t, []byte(".")) == 1 && t[0] != '0' { // a decimal
		return false
	}
	return t[0] == '+' || t[0] == '(' || t[0] == '0' && groups >= 2 || groups >= 3
}

func hasPhone(v []byte) bool {
	for _, m := range phoneIn.FindAll(v, -1) {
		if isPhone(m) {
			return true
		}
	}
	return false
}

// --- dates of birth ----------------------------------------------------

// birthYears: a date-only value in the years people alive were born in,
// long enough ago to be a birth rather than an event.
func birthYear(v []byte) (int, bool) {
	t := bytes.TrimSpace(v)
	if len(t) != 10 {
		return 0, false
	}
	d, err := time.Parse("2006-01-02", string(t))
	if err != nil {
		return 0, false
	}
	y := d.Year()
	return y, y >= 1900 && y <= time.Now().Year()-12
}

// --- names and addresses -----------------------------------------------

var (
	nameWords   = setOf(firstNames, lastNames)
	streetWords = setOf([]string{"street", "st", "avenue", "ave", "road", "rd", "alley", "crescent", "close", "highway", "hwy",
		"parkway", "pkwy", "circle", "cir",
		"lane", "ln", "boulevard", "blvd", "drive", "dr", "way", "court", "ct", "place", "pl", "square", "sq", "terrace",
		"rue", "avenida", "calle", "via", "viale", "piazza", "strasse", "straße", "str", "weg", "gasse", "platz", "allee",
		"straat", "laan", "plein", "ulica", "ul", "apt", "suite", "flat", "floor"})
)

func setOf(lists ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, w := range l {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}

// isPersonName: two to four capitalised words of letters (with ' - .),
// at least one of them a first or last name of gofakeit's lists.
func isPersonName(v []byte) bool {
	t := bytes.TrimSpace(v)
	if len(t) < 3 || len(t) > 80 || !utf8.Valid(t) {
		return false
	}
	words := strings.Fields(string(t))
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	known := false
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		lowerOK := i > 0 && i < len(words)-1 && (w == "van" || w == "der" || w == "de" || w == "la" || w == "von" || w == "da" || w == "del")
		if !unicode.IsUpper(r) && !lowerOK {
			return false
		}
		for _, c := range w {
			if !unicode.IsLetter(c) && c != '\'' && c != '-' && c != '.' {
				return false
			}
		}
		if nameWords[strings.ToLower(strings.Trim(w, ".'"))] {
			known = true
		}
	}
	return known
}

var houseNumber = regexp.MustCompile(`(^|[\s,])\d{1,5}[A-Za-z]?($|[\s,])`)

// isStreetAddress: a house number and a street word ("12 Baker St",
// "Hauptstraße 5", "42 Rue de la Paix").
func isStreetAddress(v []byte) bool {
	t := bytes.TrimSpace(v)
	if len(t) < 6 || len(t) > 200 || !houseNumber.Match(t) {
		return false
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(string(t)), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if streetWords[w] || streetSuffix(w) != "" {
			return true
		}
	}
	return false
}
