package scrub

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestRedTeam20Forms replays red team scrubatk20's realistic forms that
// came through: a Windows registry export's comma-separated hex (of
// UTF-8 and, hex(2), of UTF-16), od's default rows (octal 16-bit words),
// cat -v's M- notation, rsyslog's #ooo escapes of 8-bit bytes, an IPv4
// address mapped into IPv6 with padded hex groups, an IPv6 address's
// ip6.arpa name.
func TestRedTeam20Forms(t *testing.T) {
	const name = "Søren Ødegård"
	vs, _ := secretsOf([]string{name, "10.42.17.203", "2001:db8:4a2b::17:cafe", "3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8b13"})
	vs = append(vs, Value{Kind: "name", Text: "Zoë Kowalczyk"}) // (a values file's kind for a person)
	ix := NewIndex()
	for _, v := range vs {
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	// MySQL's COMPRESS(): the length (4 bytes, little-endian), then zlib.
	var z bytes.Buffer
	z.Write([]byte{byte(len(name)), 0, 0, 0})
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(name))
	zw.Close()
	compressHex := fmt.Sprintf("%X", z.Bytes())
	commas := func(b []byte, sep string) string {
		var parts []string
		for _, c := range b {
			parts = append(parts, fmt.Sprintf("%02x", c))
		}
		return strings.Join(parts, sep)
	}
	var u16 []byte
	for _, u := range utf16.Encode([]rune(name)) {
		u16 = append(u16, byte(u), byte(u>>8))
	}
	reg16, reg8, spaced := commas(append(u16, 0, 0), ","), commas([]byte(name), ","), commas(u16, ", ")
	// od's rows: an octal offset, then 16-bit little-endian words in octal.
	var od strings.Builder
	b := []byte("name=" + name + " end\n")
	for off := 0; off < len(b); off += 16 {
		fmt.Fprintf(&od, "%07o", off)
		for k := off; k < min(off+16, len(b)); k += 2 {
			w := int(b[k])
			if k+1 < len(b) {
				w |= int(b[k+1]) << 8
			}
			fmt.Fprintf(&od, " %06o", w)
		}
		od.WriteByte('\n')
	}
	fmt.Fprintf(&od, "%07o", len(b))
	rows := strings.Split(od.String(), "\n")
	var catV, rsys strings.Builder
	for _, c := range []byte(name) {
		switch {
		case c < 0x80:
			catV.WriteByte(c)
			rsys.WriteByte(c)
		case c&0x7f < 0x20:
			fmt.Fprintf(&catV, "M-^%c", c&0x7f|0x40)
			fmt.Fprintf(&rsys, "#%03o", c)
		default:
			fmt.Fprintf(&catV, "M-%c", c&0x7f)
			fmt.Fprintf(&rsys, "#%03o", c)
		}
	}
	checkGone(t, vs, ix, []lineCase{
		{`"Owner"=hex(2):` + reg16, reg16[12:48]},
		{`"Owner"=hex:` + reg8, reg8[6:30]},
		{"bytes: " + spaced + " end", spaced[10:40]},
		{"$ od /tmp/app.conf\n" + od.String(), rows[0][8:29]},
		{"$ od /tmp/app.conf\n" + od.String(), rows[1][8:22]},
		{"output: " + catV.String() + " end", catV.String()[6:]},
		{"May 14 09:12:33 ctl01 nova-api[2187]: user " + rsys.String() + " logged in", rsys.String()[6:]},
		{"client 0000:0000:0000:0000:0000:ffff:0a2a:11cb ok", "0a2a:11cb"},
		{"client ::ffff:0a2a:11cb ok", "0a2a:11cb"},
		{"PTR e.f.a.c.7.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.2.a.4.8.b.d.0.1.0.0.2.ip6.arpa", "e.f.a.c.7.1.0.0"},
		{"client 64:ff9b::a2a:11cb ok", "a2a:11cb"},
		{"client 2002:a2a:11cb::1 ok", "a2a:11cb"},
		{"plug tap3f2b9c1e-7d into br-int", "3f2b9c1e-7d"},
		{"ovs-vsctl del-port br-int qvo3f2b9c1e-7d", "3f2b9c1e-7d"},
		{"instance 3F2B9C1E deleted", "3F2B9C1E"},
		{"compressed " + compressHex, compressHex[12:40]},
		{"sockaddr sin_addr=0a2a11cb port=3306", "0a2a11cb"},
		{"client 64:ff9b::0a2a:11cb ok", "0a2a:11cb"},
		{"client 2002:0a2a:11cb::1 ok", "0a2a:11cb"},
		{"bytes " + strings.ReplaceAll(reg8, ",", ";") + " end", reg8[6:30]},
		{"first_name='Zoë' ok", "Zoë"},
		{"Kowalczyk, Zoë: welcome", "Zoë"},
		// (clean: numbers with commas, an issue number, an Emacs key)
		{"values 10,20,30,40,50,60,70,80 ok", ""},
		{"fixed in #303, see #270 and #245", ""},
		{"press M-x to run a command, C-x C-s to save", ""},
		{"0000000 this is no od row", ""},
	})
}
