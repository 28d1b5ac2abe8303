package attack

import (
	"bytes"
	"encoding/ascii85"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Tool dumps and other byte encodings: what od, xxd and uuencode print
// (their real output is tested against the scrubber apart), Go's and
// Java's byte slices, base85, Z85, Ascii85, base58, base32hex, a value
// as one big number, quoted-printable of UTF-16.
var toolForms = []Form{
	{Name: "od-c", Bare: true, Render: func(v string) string { return "dump:\n" + OdC([]byte(v)) }},
	{Name: "od-x", Bare: true, Render: func(v string) string { return "dump:\n" + OdX([]byte(v)) }},
	{Name: "od-An-tx1", Bare: true, Render: func(v string) string { return "dump:\n" + spacedHex([]byte("row="+v+"\n"), 16) }},
	{Name: "xxd-p-c8", Bare: true, Render: func(v string) string { return "hex:\n" + wrapAt(hex.EncodeToString([]byte(v)), 16) }},
	{Name: "xxd-i", Bare: true, Render: func(v string) string { return "unsigned char row[] = {\n" + XxdI([]byte(v)) + "\n};" }},
	{Name: "xxd-c6", Bare: true, Render: func(v string) string { return "payload:\n" + XxdC([]byte(v), 6) }},
	{Name: "tcpdump-X", Bare: true, Render: func(v string) string {
		return "IP 10.0.0.5.41234 > 10.0.0.9.3306: length 64\n" + TcpdumpX([]byte("\x03SELECT '"+v+"'"))
	}},
	{Name: "tshark-x", Bare: true, Render: func(v string) string {
		return "Frame 7:\n" + TsharkX([]byte("\x00\x1a+<M^\x08\x00E\x00\x03SELECT '"+v+"'"))
	}},
	{Name: "go-bytes", Render: func(v string) string { return "DEBUG row bytes=" + fmt.Sprint([]byte(v)) }},
	{Name: "java-bytes", Render: func(v string) string { return "bytes=" + javaBytes([]byte(v)) }},
	{Name: "c-array-inline", Render: func(v string) string { return "static const uint8_t k[] = {" + cHex([]byte(v), ", ") + "};" }},
	{Name: "uuencode", Bare: true, Render: func(v string) string { return UUEncode("row.bin", []byte(v)) }},
	{Name: "base85", Render: func(v string) string { return "blob=" + Base85([]byte(v), b85Chars) }},
	{Name: "z85", Render: func(v string) string { return "curve " + Base85(pad4([]byte(v)), z85Chars) + " key" }},
	{Name: "ascii85", Render: func(v string) string { return "stream <~" + a85(v) + "~> endstream" }},
	{Name: "base58", Render: func(v string) string { return "addr " + Base58([]byte(v)) + " ok" }},
	{Name: "base32hex", Render: func(v string) string { return "id=" + base32.HexEncoding.EncodeToString([]byte(v)) }},
	{Name: "bigint", Render: func(v string) string { return `{"n": ` + new(big.Int).SetBytes([]byte(v)).String() + "}" }},
	{Name: "qp-utf16le", Bare: true, Render: func(v string) string {
		u := utf16.Encode([]rune(v))
		b := make([]byte, 0, 2*len(u))
		for _, x := range u {
			b = append(b, byte(x), byte(x>>8))
		}
		return "body: " + qpWrap(b)
	}},
}

func init() { Forms = append(Forms, toolForms...) }

// OdC is od -c's output (GNU coreutils): seven octal digits of offset,
// sixteen bytes a row, each in four columns, the end offset last.
func OdC(b []byte) string {
	esc := map[byte]string{0: `\0`, 7: `\a`, 8: `\b`, 12: `\f`, 10: `\n`, 13: `\r`, 9: `\t`, 11: `\v`}
	var out strings.Builder
	for off := 0; off < len(b); off += 16 {
		fmt.Fprintf(&out, "%07o", off)
		for _, c := range b[off:min(off+16, len(b))] {
			switch {
			case esc[c] != "":
				fmt.Fprintf(&out, "%4s", esc[c])
			case c >= 0x20 && c < 0x7f:
				fmt.Fprintf(&out, "%4c", c)
			default:
				fmt.Fprintf(&out, " %03o", c)
			}
		}
		out.WriteByte('\n')
	}
	fmt.Fprintf(&out, "%07o", len(b))
	return out.String()
}

// TcpdumpX is tcpdump -X's rows: "0x" and a 4-digit offset, the bytes
// in groups of two, the ASCII column.
func TcpdumpX(b []byte) string {
	var rows []string
	for off := 0; off < len(b); off += 16 {
		row := b[off:min(off+16, len(b))]
		var g []string
		for i := 0; i < len(row); i += 2 {
			g = append(g, hex.EncodeToString(row[i:min(i+2, len(row))]))
		}
		rows = append(rows, fmt.Sprintf("\t0x%04x:  %-39s  %s", off, strings.Join(g, " "), asciiColumn(row)))
	}
	return strings.Join(rows, "\n")
}

// TsharkX is tshark -x's rows: a 4-digit offset, the bytes spaced in
// two halves of eight, the ASCII column.
func TsharkX(b []byte) string {
	var rows []string
	for off := 0; off < len(b); off += 16 {
		row := b[off:min(off+16, len(b))]
		h := spacedHex(row[:min(8, len(row))], 16)[1:]
		if len(row) > 8 {
			h += "  " + spacedHex(row[8:], 16)[1:]
		}
		rows = append(rows, fmt.Sprintf("%04x  %-49s %s", off, h, asciiColumn(row)))
	}
	return strings.Join(rows, "\n")
}

// asciiColumn: the bytes as a dump's last column shows them.
func asciiColumn(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			c = '.'
		}
		s.WriteByte(c)
	}
	return s.String()
}

// OdX is od -x's output: 16-bit words in little-endian order.
func OdX(b []byte) string {
	var out strings.Builder
	for off := 0; off < len(b); off += 16 {
		fmt.Fprintf(&out, "%07o", off)
		for i := off; i < min(off+16, len(b)); i += 2 {
			hi := byte(0)
			if i+1 < len(b) {
				hi = b[i+1]
			}
			fmt.Fprintf(&out, " %02x%02x", hi, b[i])
		}
		out.WriteByte('\n')
	}
	fmt.Fprintf(&out, "%07o", len(b))
	return out.String()
}

// spacedHex is od -An -tx1's output: n bytes a row, each after a space.
func spacedHex(b []byte, n int) string {
	var rows []string
	for off := 0; off < len(b); off += n {
		var r strings.Builder
		for _, c := range b[off:min(off+n, len(b))] {
			fmt.Fprintf(&r, " %02x", c)
		}
		rows = append(rows, r.String())
	}
	return strings.Join(rows, "\n")
}

// XxdI is xxd -i's rows: twelve bytes a row, indented by two.
func XxdI(b []byte) string {
	var rows []string
	for off := 0; off < len(b); off += 12 {
		row := "  " + cHex(b[off:min(off+12, len(b))], ", ")
		if off+12 < len(b) {
			row += ","
		}
		rows = append(rows, row)
	}
	return strings.Join(rows, "\n")
}

func cHex(b []byte, sep string) string {
	var s []string
	for _, c := range b {
		s = append(s, fmt.Sprintf("0x%02x", c))
	}
	return strings.Join(s, sep)
}

// javaBytes is Arrays.toString of a byte[] (signed).
func javaBytes(b []byte) string {
	var s []string
	for _, c := range b {
		s = append(s, strconv.Itoa(int(int8(c))))
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// UUEncode is uuencode's output (historical, '`' for zero).
func UUEncode(name string, b []byte) string {
	enc := func(x byte) byte {
		if x == 0 {
			return '`'
		}
		return x + ' '
	}
	var out strings.Builder
	fmt.Fprintf(&out, "begin 644 %s\n", name)
	for off := 0; off < len(b); off += 45 {
		row := b[off:min(off+45, len(b))]
		out.WriteByte(enc(byte(len(row))))
		for i := 0; i < len(row); i += 3 {
			var g [3]byte
			copy(g[:], row[i:])
			out.WriteByte(enc(g[0] >> 2))
			out.WriteByte(enc((g[0]<<4 | g[1]>>4) & 63))
			out.WriteByte(enc((g[1]<<2 | g[2]>>6) & 63))
			out.WriteByte(enc(g[2] & 63))
		}
		out.WriteByte('\n')
	}
	out.WriteString("`\nend")
	return out.String()
}

const (
	b85Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
	z85Chars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
	b58Chars = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
)

// Base85 is Python's b85encode (alpha b85Chars; a short last group
// written without its padding) or Z85 (z85Chars, b a multiple of 4).
func Base85(b []byte, alpha string) string {
	var out strings.Builder
	for i := 0; i < len(b); i += 4 {
		var g [4]byte
		n := copy(g[:], b[i:])
		x := uint32(g[0])<<24 | uint32(g[1])<<16 | uint32(g[2])<<8 | uint32(g[3])
		var c [5]byte
		for k := 4; k >= 0; k-- {
			c[k] = alpha[x%85]
			x /= 85
		}
		out.Write(c[:n+1])
	}
	return out.String()
}

func pad4(b []byte) []byte { return append(b, make([]byte, (4-len(b)%4)%4)...) }

func a85(v string) string {
	dst := make([]byte, ascii85.MaxEncodedLen(len(v)))
	return string(dst[:ascii85.Encode(dst, []byte(v))])
}

// Base58 is Bitcoin's base58 of b.
func Base58(b []byte) string {
	n := new(big.Int).SetBytes(b)
	var out []byte
	for r, base := new(big.Int), big.NewInt(58); n.Sign() > 0; {
		n.DivMod(n, base, r)
		out = append(out, b58Chars[r.Int64()])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// qpWrap is Python's quopri.encodestring of binary data: =XX for all but
// printable ASCII, lines of 76 with soft breaks.
func qpWrap(b []byte) string {
	var out, line strings.Builder
	for _, c := range b {
		tok := string(c)
		if c < 0x20 || c >= 0x7f || c == '=' {
			tok = fmt.Sprintf("=%02X", c)
		}
		if line.Len()+len(tok) > 75 {
			out.WriteString(line.String() + "=\n")
			line.Reset()
		}
		line.WriteString(tok)
	}
	out.WriteString(line.String())
	return out.String()
}

// The attacker's decoders of these forms.

var (
	odRow      = regexp.MustCompile(`(?m)^[0-7]{7}((?:    |   .|  \\.| [0-7]{3})+) *$`)
	odWordsRow = regexp.MustCompile(`(?m)^[0-9a-f]{7}((?: [0-9a-f]{4})+) *$`)
	hexPair    = regexp.MustCompile(`(?:0[xX])?\b[0-9a-fA-F]{2}\b`)
	xxdRowRe   = regexp.MustCompile(`(?m)^[0-9a-f]{8}: ((?:[0-9a-f]{2,4} )+)`)
	byteSlice  = regexp.MustCompile(`\[(-?\d+(?:,? -?\d+){3,})\]`)
	radixTok   = regexp.MustCompile("[0-9A-Za-z!#$%&()*+\\-;<=>?@^_`{|}~.:/\\[\\]]{6,}")
	digitRun   = regexp.MustCompile(`\d{12,}`)
	signedInt  = regexp.MustCompile(`-?\d+`)
)

// toolViews decodes s as the tool dumps and encodings above.
func toolViews(s string) []string {
	var out []string
	add := func(b []byte) {
		if len(b) > 0 {
			out = append(out, string(b))
		}
	}
	// od -c
	var b []byte
	for _, m := range odRow.FindAllStringSubmatch(s, -1) {
		f := m[1]
		for i := 0; i+4 <= len(f); i += 4 {
			switch c := f[i : i+4]; {
			case c[1] != ' ':
				x, _ := strconv.ParseUint(c[1:], 8, 8)
				b = append(b, byte(x))
			case c[2] == '\\':
				b = append(b, map[byte]byte{'0': 0, 'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11}[c[3]])
			default:
				b = append(b, c[3])
			}
		}
	}
	add(b)
	// od -x, hexdump: words swapped
	b = nil
	for _, m := range odWordsRow.FindAllStringSubmatch(s, -1) {
		for _, w := range strings.Fields(m[1]) {
			x, _ := hex.DecodeString(w)
			b = append(b, x[1], x[0])
		}
	}
	add(bytes.TrimRight(b, "\x00"))
	// xxd rows of any width
	b = nil
	for _, m := range xxdRowRe.FindAllStringSubmatch(s, -1) {
		x, _ := hex.DecodeString(strings.ReplaceAll(m[1], " ", ""))
		b = append(b, x...)
	}
	add(b)
	// spaced hex pairs and C arrays, over lines
	b = nil
	for _, m := range hexPair.FindAllString(s, -1) {
		x, _ := hex.DecodeString(m[len(m)-2:])
		b = append(b, x...)
	}
	add(b)
	// Go's and Java's byte slices
	for _, m := range byteSlice.FindAllStringSubmatch(s, -1) {
		b = nil
		for _, n := range signedInt.FindAllString(m[1], -1) {
			x, _ := strconv.Atoi(n)
			b = append(b, byte(x))
		}
		add(b)
	}
	add(uuDecode(s))
	out = append(out, numDumpViews(s)...)
	out = append(out, columnViews(s)...)
	// base85, Z85, Ascii85, base58, base32hex of each token
	for _, tok := range radixTok.FindAllString(s, -1) {
		for _, t := range []string{tok, strings.TrimSuffix(strings.TrimPrefix(tok, "<~"), "~>")} {
			add(fromBase85(t, b85Chars))
			add(bytes.TrimRight(fromBase85(t, z85Chars), "\x00"))
			dst := make([]byte, 4*len(t))
			if n, _, err := ascii85.Decode(dst, []byte(t), true); err == nil {
				add(dst[:n])
			}
			if x, ok := fromBase58(t); ok {
				add(x)
			}
			if x, err := base32.HexEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(t, "=")); err == nil {
				add(x)
			}
		}
	}
	for _, d := range digitRun.FindAllString(s, -1) {
		n, _ := new(big.Int).SetString(d, 10)
		add(n.Bytes())
	}
	return out
}

func uuDecode(s string) []byte {
	var b []byte
	for _, l := range strings.Split(s, "\n") {
		if len(l) < 2 || strings.HasPrefix(l, "begin ") || l[0] < '!' || l[0] > 'M' {
			continue
		}
		n := int(l[0]-' ') & 63
		var row []byte
		for i := 1; i+4 <= len(l); i += 4 {
			var q [4]byte
			for k := range q {
				q[k] = (l[i+k] - ' ') & 63
			}
			row = append(row, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2, q[2]<<6|q[3])
		}
		b = append(b, row[:min(n, len(row))]...)
	}
	return b
}

func fromBase85(t, alpha string) []byte {
	var b []byte
	for i := 0; i+1 < len(t); i += 5 {
		x, n := uint64(0), 0
		for k := 0; k < 5; k++ {
			d := 84
			if i+k < len(t) {
				if d = strings.IndexByte(alpha, t[i+k]); d < 0 {
					return b
				}
				n++
			}
			x = x*85 + uint64(d)
		}
		if x > 0xffffffff {
			return b
		}
		b = append(b, []byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}[:n-1]...)
	}
	return b
}

func fromBase58(t string) ([]byte, bool) {
	n := new(big.Int)
	for i := 0; i < len(t); i++ {
		d := strings.IndexByte(b58Chars, t[i])
		if d < 0 {
			return nil, false
		}
		n.Mul(n, big.NewInt(58)).Add(n, big.NewInt(int64(d)))
	}
	return n.Bytes(), true
}
