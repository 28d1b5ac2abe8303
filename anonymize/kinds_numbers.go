package anonymize

import (
	"math/big"
	"strconv"
	"strings"
)

// intRange is the range of an integer column type.
func intRange(typ string, unsigned bool) (*big.Int, *big.Int) {
	bits := map[string]uint{"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "integer": 32, "bigint": 64}[strings.ToLower(typ)]
	if bits == 0 {
		bits = 64
	}
	one := big.NewInt(1)
	if unsigned {
		max := new(big.Int).Sub(new(big.Int).Lsh(one, bits), one)
		return big.NewInt(0), max
	}
	max := new(big.Int).Sub(new(big.Int).Lsh(one, bits-1), one)
	min := new(big.Int).Neg(new(big.Int).Lsh(one, bits-1))
	return min, max
}

// kindInteger: a keyed permutation of the numbers with the same number of
// digits and sign (format-preserving: distinct inputs stay distinct, so
// unique columns never collide), kept within the column type's range.
// Each column family has its own permutation (tweaked by the root
// column's name): equal values in unrelated columns stop being equal,
// while a column and the columns referencing it still join.
func kindInteger(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" || len(digits) > 19 {
		return fallback(w, c, in, n)
	}
	v, _ := strconv.ParseUint(digits, 10, 64)
	d := len(strings.TrimLeft(digits, "0"))
	if d == 0 {
		return result{out: in} // zero has nothing to hide
	}
	lo := uint64(1)
	for i := 1; i < d; i++ {
		lo *= 10
	}
	hi := lo*10 - 1
	if d == 1 {
		lo = 1
	}
	if isIntType(c.typ) {
		// Stay inside the type's range: the top digit count of INT is
		// 1000000000..2147483647, not ..9999999999.
		min, max := intRange(c.typ, c.unsigned)
		limit := max
		if neg {
			limit = new(big.Int).Neg(min)
		}
		if limit.IsUint64() && limit.Uint64() < hi {
			hi = limit.Uint64()
		}
	}
	if hi < lo || v < lo || v > hi {
		return fallback(w, c, in, n)
	}
	dom := c.intDomain
	if dom == "" {
		dom = "integer"
	}
	out := w.permuteIn(dom, v-lo, hi-lo+1, n) + lo
	res := strconv.FormatUint(out, 10)
	// keep leading zeros (zero-padded strings)
	if pad := len(digits) - len(res); pad > 0 {
		res = strings.Repeat("0", pad) + res
	}
	if neg {
		res = "-" + res
	}
	return result{out: []byte(res)}
}

func isIntType(t string) bool {
	switch strings.ToLower(t) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
		return true
	}
	return false
}

// permuteIn is a keyed bijection on [0, size): a 4-round Feistel network
// on the next even power of two, cycle-walking until the result is in
// range. Format-preserving kinds use it so distinct values stay distinct.
func (w *worker) permuteIn(domain string, x, size uint64, n int) uint64 {
	if size <= 1 {
		return 0
	}
	bits := uint(64 - leadingZeros(size-1))
	if bits%2 == 1 {
		bits++
	}
	half := bits / 2
	mask := uint64(1)<<half - 1
	ck := permKey{domain, size, n}
	keys, ok := w.perms[ck]
	if !ok {
		r := w.rng(domain+"-permutation", []byte(strconv.FormatUint(size, 10)), n)
		for i := range keys {
			keys[i] = r.Uint64()
		}
		if len(w.perms) > 10000 {
			clear(w.perms)
		}
		w.perms[ck] = keys
	}
	y := x
	for {
		l, rr := y>>half, y&mask
		for i := 0; i < 4; i++ {
			f := mix(rr^keys[i]) & mask
			l, rr = rr, l^f
		}
		y = l<<half | rr
		if y < size {
			return y
		}
	}
}

func leadingZeros(x uint64) int {
	n := 0
	for i := 63; i >= 0; i-- {
		if x&(1<<uint(i)) != 0 {
			break
		}
		n++
	}
	return n
}

func mix(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ z>>31
}

// intDomain is the permutation domain of a column family.
func intDomain(family string) string { return "integer\x00" + family }
