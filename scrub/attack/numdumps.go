package attack

import (
	"encoding/binary"
	"math/big"
	"strings"
)

// numDumpViews reads s's rows of numbers after a dump offset (od's and
// hexdump's seven digits, xxd's eight and a colon, tcpdump's "0x0010:",
// tshark's four) every way a reader of od, hexdump and xxd would: each
// radix (2, 8, 10, 16) and word size (1, 2, 4, 8 bytes), little-endian
// and big. Rows are read on their own and all joined.
func numDumpViews(s string) []string {
	var rows [][]string
	for _, l := range strings.Split(s, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || !dumpOffset(f[0]) {
			continue
		}
		rows = append(rows, f[1:])
	}
	if len(rows) == 0 {
		return nil
	}
	var out []string
	for _, radix := range []int{2, 8, 10, 16} {
		for _, size := range []int{1, 2, 4, 8} {
			for _, bigEnd := range []bool{false, true} {
				var b []byte
				for _, r := range rows {
					b = append(b, numWords(r, radix, size, bigEnd)...)
				}
				if len(b) > 0 {
					out = append(out, strings.TrimRight(string(b), "\x00"))
				}
			}
		}
	}
	return out
}

// dumpOffset: f is a dump row's offset.
func dumpOffset(f string) bool {
	f = strings.TrimSuffix(strings.TrimPrefix(f, "0x"), ":")
	if len(f) != 4 && len(f) != 7 && len(f) != 8 {
		return false
	}
	return strings.Trim(f, "0123456789abcdefABCDEF") == ""
}

// numWords: the bytes a row's fields show as words of size bytes in
// radix, up to the first field that is no such word (xxd's ASCII
// column).
func numWords(fields []string, radix, size int, bigEnd bool) []byte {
	var b []byte
	for _, f := range fields {
		n, ok := new(big.Int).SetString(f, radix)
		if !ok {
			break
		}
		if n.Sign() < 0 {
			n.Add(n, new(big.Int).Lsh(big.NewInt(1), uint(8*size)))
		}
		if n.Sign() < 0 || n.BitLen() > 8*size {
			break
		}
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], n.Uint64())
		word := w[:size]
		if bigEnd {
			for i, j := 0, size-1; i < j; i, j = i+1, j-1 {
				word[i], word[j] = word[j], word[i]
			}
		}
		b = append(b, word...)
	}
	return b
}
