// Package attack plays the attacker against scrubbed text: it renders
// confidential values in the forms logs (and dumps) show them, decodes
// published text the ways an attacker would, and reports which rendered
// values still give away the value or a distinctive piece of it. The
// scrubber's tests (and the commands' end-to-end tests) use it; its
// decoders are written apart from the scrubber's on purpose, with the
// standard library where it has one.
package attack

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Form renders a value as some log line shows it. Render may return
// several lines (joined by '\n'), each of which gets the log header.
type Form struct {
	Name string
	// Bare: the lines after the first have no log header (a value a
	// formatter wrapped onto the next line).
	Bare   bool
	Render func(v string) string
	// Applies reports whether the form exists for v (nil: always).
	Applies func(v string) bool
	// Secret: the form puts the value where a built-in pattern rightly
	// scrubs any value (a URL's password); twins are not rendered in it.
	Secret bool
	// OwnTag: the scrubber knows the form as a variant of the whole value
	// (the value reversed, in ROT13), so its marker's tag is the
	// variant's, and a word of the value alone in it is not found (the
	// words' keys of these variants cost a seventh of an index scrub's
	// speed).
	OwnTag bool
	// Pieces: only the pieces of a value find it in the form (a part of
	// it, the value glued to letters), so Options.NoPieces leaves it.
	Pieces bool
}

// splittable: a value long enough that both of its halves are
// distinctive (6 characters or more each, 4 of them letters or digits).
func splittable(v string) bool {
	if utf8.RuneCountInString(v) < 12 {
		return false
	}
	a, b := half(v)
	return len([]rune(Skeleton(a))) >= 4 && len([]rune(Skeleton(b))) >= 4
}

// half cuts v in the middle (by characters).
func half(v string) (string, string) {
	r := []rune(v)
	return string(r[:len(r)/2]), string(r[len(r)/2:])
}

// Forms are the renderings the scrubber must defeat: at least the ones
// issue #15 lists, each as real software prints it.
var Forms = []Form{
	{Name: "plain", Render: func(v string) string { return "Migrating instance on host " + v + " (step 3)" }},
	{Name: "upper", Render: func(v string) string { return "HOST " + strings.ToUpper(v) + " DOWN" }},
	{Name: "lower", Render: func(v string) string { return "host " + strings.ToLower(v) + " down" }},
	{Name: "title", Render: func(v string) string { return "Owner: " + pyTitle(v) + ", since 2019" }},
	{Name: "trailing-space", Render: func(v string) string { return "display_name=" + v + "   \t" }},
	{Name: "double-quoted", Render: func(v string) string { return `renamed server to "` + v + `"` }},
	{Name: "single-quoted", Render: func(v string) string { return "value '" + v + "' rejected" }},
	{Name: "sqlalchemy-dict", Render: func(v string) string {
		return "[parameters: {'display_name': " + PyRepr(v) + ", 'id': 7, 'deleted': 0}]"
	}},
	{Name: "sqlalchemy-tuple", Render: func(v string) string { return "[parameters: (" + PyRepr(v) + ", 7, 0)]" }},
	{Name: "python-repr", Render: func(v string) string { return "got " + PyRepr(v) + " from the API" }},
	{Name: "python-ascii", Render: func(v string) string { return "u" + PyASCII(v) + " is not valid" }},
	{Name: "python-bytes", Render: func(v string) string { return "payload=" + PyBytes([]byte(v)) }},
	{Name: "pymysql-duplicate", Render: func(v string) string {
		return "pymysql.err.IntegrityError: (1062, " + PyRepr("Duplicate entry '"+v+"-0' for key 'uniq_instances0name0deleted'") + ")"
	}},
	{Name: "mariadb-incorrect-string", Secret: true, Render: func(v string) string {
		return "ERROR 1366 (22007) at line 4242: Incorrect string value: '" + mysqlPrintable(v, 0) + "' for column `nova`.`instances`.`display_name` at row 1"
	}},
	{Name: "mariadb-incorrect-string-cut", Secret: true, Render: func(v string) string {
		// What the server really prints: 6 bytes from the first one the
		// column's charset refused.
		b := []byte(v)
		i := 0
		for i < len(b) && b[i] < 0x80 {
			i++
		}
		if i == len(b) {
			i = 0
		}
		return "ERROR 1366 (22007): Incorrect string value: '" + mysqlPrintable(string(b[i:]), 6) + "' for column `nova`.`instances`.`hostname` at row 3"
	}},
	{Name: "pymysql-incorrect-string", Secret: true, Render: func(v string) string {
		return "pymysql.err.DataError: (1366, " + PyRepr("Incorrect string value: '"+mysqlPrintable(v, 0)+"' for column `display_name` at row 1") + ")"
	}},
	{Name: "json-ascii", Render: func(v string) string { return `{"event": "rename", "display_name": ` + JSON(v, true) + `, "id": 7}` }},
	{Name: "json-raw", Render: func(v string) string { return `{"event": "rename", "display_name": ` + JSON(v, false) + `}` }},
	{Name: "url-plus", Render: func(v string) string { return "GET /servers?name=" + url.QueryEscape(v) + "&limit=10 HTTP/1.1" }},
	{Name: "url-lower", Render: func(v string) string { return "redirect to /u/" + strings.ToLower(url.PathEscape(v)) + "/profile" }},
	{Name: "url-userinfo", Secret: true, Render: func(v string) string {
		return "connection = mysql+pymysql://nova:" + url.QueryEscape(v) + "@db.example.org/nova?charset=utf8"
	}},
	{Name: "url-query", Render: func(v string) string {
		return "Console URL http://console.example.org:6080/vnc_auto.html?token=" + url.QueryEscape(v) + "&x=1"
	}},
	{Name: "html-named", Render: func(v string) string { return "<td class=\"name\">" + HTMLNamed(v) + "</td>" }},
	{Name: "html-decimal", Render: func(v string) string { return "<td>" + HTMLNumeric(v, false) + "</td>" }},
	{Name: "html-hex", Render: func(v string) string { return "<td>" + HTMLNumeric(v, true) + "</td>" }},
	{Name: "utf16le", Render: func(v string) string { return "blob " + UTF16(v, false) + " end" }},
	{Name: "utf16be", Render: func(v string) string { return "blob " + UTF16(v, true) + " end" }},
	{Name: "hex-bare", Render: func(v string) string { return "raw key " + hex.EncodeToString([]byte(v)) + " stored" }},
	{Name: "hex-sql", Render: func(v string) string {
		return "INSERT INTO t VALUES (X'" + strings.ToUpper(hex.EncodeToString([]byte(v))) + "')"
	}},
	{Name: "hex-0x-mixed", Render: func(v string) string { return "value 0x" + mixedCase(hex.EncodeToString([]byte("k="+v))) + " done" }},
	{Name: "base64", Render: func(v string) string { return "user_data=" + base64.StdEncoding.EncodeToString([]byte(v)) }},
	{Name: "base64-at-1", Render: func(v string) string {
		return "user_data=" + base64.StdEncoding.EncodeToString([]byte("x"+v+"!"))
	}},
	{Name: "base64-at-2", Render: func(v string) string {
		return "metadata " + base64.StdEncoding.EncodeToString([]byte("xy"+v+"zz")) + " ok"
	}},
	{Name: "base64-url-raw", Render: func(v string) string {
		return "token=" + base64.RawURLEncoding.EncodeToString([]byte("{\"u\":\""+v+"\"}"))
	}},
	{Name: "base64-gzip", Render: func(v string) string {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		fmt.Fprintf(zw, "#cloud-config\nusers:\n  - name: ops\nchpasswd:\n  list: |\n    ops:%s\n", v)
		zw.Close()
		return "instance user_data " + base64.StdEncoding.EncodeToString(b.Bytes())
	}},
	{Name: "quoted-printable", Render: func(v string) string { return "body: " + QuotedPrintable(v, false) + " --" }},
	{Name: "mime-q", Render: func(v string) string { return "Subject: =?utf-8?q?" + QuotedPrintable(v, true) + "?= (queued)" }},
	{Name: "mime-b", Render: func(v string) string {
		return "From: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(v)) + "?= <noreply@example.org>"
	}},
	{Name: "c-octal", Render: func(v string) string { return "warning: could not open " + COctal(v) + ": No such file" }},
	{Name: "braced-u", Render: func(v string) string { return "name: " + Braced(v, `\u{%x}`) + " (escaped)" }},
	{Name: "perl-x", Render: func(v string) string { return "name => " + Braced(v, `\x{%x}`) + "," }},
	{Name: "shell-quoted", Render: func(v string) string {
		return "+ openstack server set --name '" + strings.ReplaceAll(v, "'", `'\''`) + "' 4f0e1c2d"
	}},
	{Name: "split-lines", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "value=" + a + "\n" + b + " was rejected"
	}},
	{Name: "split-logged", Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "value=" + a + "\n" + b + " (continued)"
	}},
	{Name: "split-pprint", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "{'name': (" + PyRepr(a) + "\n          " + PyRepr(b) + ")}"
	}},
	// A line over 16 KB cut by the container runtime into records
	// (here cut in the value, as a longer line's cut may fall anywhere).
	{Name: "split-docker-json", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "container log:\n" + DockerRecord("INFO nova.compute.manager [-] name="+a) + "\n" + DockerRecord(b+" (migrated)\n")
	}},
	{Name: "split-cri", Bare: true, Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "container log:\n2026-11-21T10:00:00.517612345Z stdout P INFO nova.compute.manager [-] name=" + a +
			"\n2026-11-21T10:00:00.517612399Z stdout F " + b + " (migrated)"
	}},
	{Name: "split-separator", Applies: splittable, Render: func(v string) string {
		a, b := half(v)
		return "fields " + a + " | " + b + " end"
	}},
}

// DockerRecord is a json-file log driver's record of text (Docker's
// compact JSON).
func DockerRecord(text string) string {
	b, _ := json.Marshal(text)
	return `{"log":` + string(b) + `,"stream":"stdout","time":"2026-11-21T10:00:00.517612345Z"}`
}

// QuotedPrintable is Python's quopri.encodestring (header: the MIME
// word's, with '_' for a space and '?' '_' escaped).
func QuotedPrintable(v string, header bool) string {
	var b strings.Builder
	for _, c := range []byte(v) {
		switch {
		case header && c == ' ':
			b.WriteByte('_')
		case c == '=' || c >= 0x7f || c < 0x20 && c != '\t' || header && (c == '?' || c == '_' || c == '\t'):
			fmt.Fprintf(&b, "=%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// COctal quotes a name as git (core.quotePath) and C do: bytes outside
// ASCII as three octal digits.
func COctal(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(v) {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Braced writes every character outside printable ASCII in format (Rust's
// and JavaScript's \u{..}, Perl's \x{..}).
func Braced(v, format string) string {
	var b strings.Builder
	for _, r := range v {
		if r < 0x20 || r >= 0x7f {
			fmt.Fprintf(&b, format, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pyTitle is Python's str.title(): upper case after every non-letter.
func pyTitle(s string) string {
	prev := false
	return strings.Map(func(r rune) rune {
		l := unicode.IsLetter(r)
		defer func() { prev = l }()
		if l && !prev {
			return unicode.ToTitle(r)
		}
		if l {
			return unicode.ToLower(r)
		}
		return r
	}, s)
}

func mixedCase(s string) string {
	b := []byte(s)
	for i := range b {
		if i%2 == 1 && b[i] >= 'a' && b[i] <= 'f' {
			b[i] -= 32
		}
	}
	return string(b)
}

// pyQuote picks Python's quote for a repr.
func pyQuote(s string) byte {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return '"'
	}
	return '\''
}

// pyEscape writes the escapes str and bytes reprs share, reporting
// whether r was one.
func pyEscape(b *strings.Builder, r rune, q byte) bool {
	switch r {
	case rune(q), '\\':
		b.WriteByte('\\')
		b.WriteRune(r)
	case '\t':
		b.WriteString(`\t`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	default:
		return false
	}
	return true
}

// PyRepr is Python 3's repr() of a str.
func PyRepr(s string) string { return pyStr(s, false) }

// PyASCII is Python's ascii() of a str (Python 2's repr of unicode).
func PyASCII(s string) string { return pyStr(s, true) }

func pyStr(s string, ascii bool) string {
	q := pyQuote(s)
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case pyEscape(&b, r, q):
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x80 || !ascii && unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// PyBytes is Python's repr() of bytes.
func PyBytes(v []byte) string {
	q := pyQuote(string(v))
	var b strings.Builder
	b.WriteString("b")
	b.WriteByte(q)
	for _, c := range v {
		switch {
		case pyEscape(&b, rune(c), q):
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// mysqlPrintable is MariaDB's convert_to_printable(): bytes outside
// 0x20-0x7f as \xNN (upper case), at most n bytes (0: all), then "...".
func mysqlPrintable(s string, n int) string {
	b := []byte(s)
	cut := n > 0 && len(b) > n
	if cut {
		b = b[:n]
	}
	var out strings.Builder
	for _, c := range b {
		if c >= 0x20 && c <= 0x7f {
			out.WriteByte(c)
		} else {
			fmt.Fprintf(&out, `\x%02X`, c)
		}
	}
	if cut {
		out.WriteString("...")
	}
	return out.String()
}

// JSON is Python's json.dumps() of a str (ensure_ascii or not).
func JSON(s string, ascii bool) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r < 0x80 || !ascii:
			b.WriteRune(r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// named HTML entities for the letters the corpus uses (the rest numeric).
var named = map[rune]string{
	'&': "&amp;", '<': "&lt;", '>': "&gt;", '"': "&quot;", '\'': "&#x27;",
	'ö': "&ouml;", 'Ö': "&Ouml;", 'ø': "&oslash;", 'Ø': "&Oslash;", 'å': "&aring;", 'Å': "&Aring;",
	'é': "&eacute;", 'É': "&Eacute;", 'è': "&egrave;", 'ł': "&lstrok;", 'Ł': "&Lstrok;",
	'ó': "&oacute;", 'ż': "&zdot;", 'Ż': "&Zdot;", 'ü': "&uuml;", 'ä': "&auml;", '@': "&commat;",
	'/': "&sol;", ':': "&colon;", '#': "&num;", '!': "&excl;", '\t': "&Tab;", '(': "&lpar;", ')': "&rpar;",
}

// HTMLNamed escapes like html.escape() plus named entities for accented
// letters and punctuation (numeric for other non-ASCII).
func HTMLNamed(s string) string {
	var b strings.Builder
	for _, r := range s {
		if e, ok := named[r]; ok {
			b.WriteString(e)
		} else if r >= 0x80 {
			fmt.Fprintf(&b, "&#%d;", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// HTMLNumeric writes every character as a numeric entity.
func HTMLNumeric(s string, hexa bool) string {
	var b strings.Builder
	for _, r := range s {
		if hexa {
			fmt.Fprintf(&b, "&#x%X;", r)
		} else {
			fmt.Fprintf(&b, "&#%d;", r)
		}
	}
	return b.String()
}

// UTF16 encodes s as UTF-16 (little or big endian), bytes as a string.
func UTF16(s string, big bool) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if big {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}
