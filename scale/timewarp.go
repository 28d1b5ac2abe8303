package scale

import (
	"math"
	"strconv"
	"time"
)

// DefaultWindow is how far a copy's datetimes may move (either way).
const DefaultWindow = 21 * 24 * time.Hour

// warp is the monotone map one copy of a family applies to all its
// datetimes: t + shift + a*sin(2*pi*t/period + phase). Its slope stays in
// [0.5, 1.5], so dates within a row and within the family keep their
// order, while the intervals between them change from copy to copy (a
// shift alone would keep every interval, and the distinct intervals would
// count the originals). |warp(t) - t| <= the window.
type warp struct {
	shift, amp, period, phase float64
	dup                       *dupLater // nil, or a child taken twice's terms
}

// dupLater: a child taken twice into one family copy (and its subtree)
// is dated later than its family's warp, by one keyed term per level of
// duplication (the same term for the whole subtree below it). A term is
// a shift plus a sinus no larger than it (never negative: the subtree
// stays after its parents), with a slope of at most 0.05 (the warp's own
// is at least 0.5, and there are at most 8 terms: order within a row
// holds), so that the intervals between a row's datetimes differ from
// its twin's: a shift alone kept them, and the distinct intervals
// counted the twins as one row.
type dupLater struct {
	n  int
	lv [8]dupTerm
}

type dupTerm struct{ shift, amp, period, phase float64 }

// newDupTerm: a term from one PRF output, shifting by up to most.
func newDupTerm(h uint64, most float64) dupTerm {
	u := func(i uint) float64 { return float64(h>>(16*i)&0xffff) / (1 << 16) }
	d := dupTerm{shift: (0.05 + 0.95*u(0)) * most, phase: u(2) * 2 * math.Pi}
	d.amp = d.shift * (0.5 + 0.5*u(1))
	// slope amp*2*pi/period between 0.025 and 0.05
	d.period = 40 * math.Pi * d.amp * (1 + u(3))
	if d.period < 1 {
		d.amp, d.period = 0, 1
	}
	return d
}

func newWarp(p *prf, root uint64, window float64) warp {
	h := p.hash(dWarp, root, 0, nil)
	u := func(i uint) float64 { return float64(h>>(16*i)&0xffff) / (1 << 16) }
	w := warp{
		shift: (u(0) - 0.5) * window,
		amp:   u(1) * window / 2,
		phase: u(2) * 2 * math.Pi,
	}
	// slope amp*2*pi/period between 0.25 and 0.5
	w.period = 4 * math.Pi * w.amp * (1 + u(3))
	if w.period < 1 {
		w.amp, w.period = 0, 1
	}
	return w
}

func (w warp) at(sec float64) float64 {
	out := sec + w.shift + w.amp*math.Sin(2*math.Pi*sec/w.period+w.phase)
	if w.dup != nil {
		for _, d := range w.dup.lv[:w.dup.n] {
			out += d.shift + d.amp*math.Sin(2*math.Pi*sec/d.period+d.phase)
		}
	}
	return out
}

// A datetime literal as MariaDB dumps it: YYYY-MM-DD[ HH:MM:SS[.f...]].
type civil struct {
	y, mo, d, h, mi, s int
	frac               int // fractional digits
	hasTime            bool
}

func parseCivil(b []byte) (civil, bool) {
	var c civil
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return c, false
	}
	d2 := func(i int) int { return int(b[i]-'0')*10 + int(b[i+1]-'0') }
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if b[i] < '0' || b[i] > '9' {
			return c, false
		}
	}
	c.y, c.mo, c.d = d2(0)*100+d2(2), d2(5), d2(8)
	if len(b) == 10 {
		return c, true
	}
	if len(b) < 19 || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return c, false
	}
	for _, i := range [...]int{11, 12, 14, 15, 17, 18} {
		if b[i] < '0' || b[i] > '9' {
			return c, false
		}
	}
	c.hasTime = true
	c.h, c.mi, c.s = d2(11), d2(14), d2(17)
	if len(b) > 19 {
		if b[19] != '.' || len(b) == 20 || len(b) > 26 {
			return c, false
		}
		c.frac = len(b) - 20
		for _, ch := range b[20:] {
			if ch < '0' || ch > '9' {
				return c, false
			}
		}
	}
	return c, true
}

// daysFromCivil counts days since 1970-01-01 (proleptic Gregorian).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func civilFromDays(z int64) (int, int, int) {
	z += 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}

// Bounds of the types, in seconds since the epoch.
var (
	minDatetime  = float64(daysFromCivil(1000, 1, 1) * 86400)
	maxDatetime  = float64(daysFromCivil(9999, 12, 31)*86400 + 86399)
	minTimestamp = 1.0
	maxTimestamp = float64(2147483647)
)

// isSentinel: values that mean "none" or "forever" stay exactly.
func isSentinel(c civil) bool {
	switch {
	case c.y == 0 || c.mo == 0 || c.d == 0:
		return true // zero dates
	case c.y == 9999 && c.mo == 12 && c.d == 31:
		return true
	case c.y == 1970 && c.mo == 1 && c.d == 1 && c.h == 0 && c.mi == 0 && c.s <= 1:
		return true
	case c.y == 2038 && c.mo == 1 && c.d == 19 && c.h == 3 && c.mi == 14 && c.s == 7:
		return true
	}
	return false
}

// appendWarped writes the warped literal's text (unquoted) to dst; ok is
// false when b is not a datetime it understands (it is then kept).
func appendWarped(dst, b []byte, w warp, typ string) ([]byte, bool) {
	c, ok := parseCivil(b)
	if !ok || isSentinel(c) {
		return dst, false
	}
	scale := pow10[c.frac]
	fracVal := 0.0
	if c.frac > 0 {
		v := 0
		for _, ch := range b[20:] {
			v = v*10 + int(ch-'0')
		}
		fracVal = float64(v) / scale
	}
	sec := float64(daysFromCivil(c.y, c.mo, c.d)*86400+int64(c.h*3600+c.mi*60+c.s)) + fracVal
	out := w.at(sec)
	lo, hi := minDatetime, maxDatetime
	if typ == "timestamp" {
		lo, hi = minTimestamp, maxTimestamp
	}
	out = math.Min(math.Max(out, lo), hi)
	whole := math.Floor(out)
	fr := int64(math.Floor((out - whole) * scale))
	if !c.hasTime {
		fr = 0
	}
	days := int64(whole) / 86400
	rem := int64(whole) - days*86400
	if rem < 0 {
		days--
		rem += 86400
	}
	y, mo, d := civilFromDays(days)
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, mo, 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, d, 2)
	if !c.hasTime {
		return dst, true
	}
	dst = append(dst, ' ')
	dst = appendPadded(dst, int(rem/3600), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, int(rem/60%60), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, int(rem%60), 2)
	if c.frac > 0 {
		dst = append(dst, '.')
		dst = appendPadded(dst, int(fr), c.frac)
	}
	return dst, true
}

var pow10 = [...]float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6}

func appendPadded(dst []byte, v, width int) []byte {
	if width == 2 && v >= 0 && v < 100 {
		return append(dst, byte('0'+v/10), byte('0'+v%10))
	}
	if width == 4 && v >= 1000 && v < 10000 {
		return append(dst, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// civilSeconds is a literal's time in seconds, for spans in pass 1.
func civilSeconds(b []byte) (float64, bool) {
	c, ok := parseCivil(b)
	if !ok || isSentinel(c) {
		return 0, false
	}
	return float64(daysFromCivil(c.y, c.mo, c.d)*86400 + int64(c.h*3600+c.mi*60+c.s)), true
}
