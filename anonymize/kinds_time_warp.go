package anonymize

import (
	"encoding/binary"
	"math"
	"time"
)

// The timeline warp W of kindDatetime. Why not a shift: one offset for
// the whole dump falls to one known date; a key-derived base plus a
// per-entity jitter fell too (attack1, F6-F7): where created_at grows
// with the id, a line fitted to the published created_at against the id
// averages the jitter away, and one known date (the first customer's
// signup) then pins the base, so every date was recovered to about a day.
// W defeats that fit:
//
//		W(t) = ref + base + scale * (x + D(x)),  x = t - ref
//
//	  - scale is keyed and never near 1 (1.2 to 1.5, or its inverse): the
//	    fitted line's slope is the scale times the donor's growth rate, and
//	    the attacker cannot tell the two apart, so a date d away from the
//	    known one is off by a fifth of d or more (weeks for d of months);
//	  - D is a sum of keyed piecewise-linear wiggles at 1, 8, 64, 512 and
//	    4096 days, each moving time by up to a tenth of its period (up to
//	    200 days at the slowest), so the slope varies from place to place:
//	    the curve the attacker fits says as much about W as about the
//	    donor's growth;
//	  - ref (a keyed instant in 2008-2021) and base (30 to 730 days, either
//	    way) are unknown too.
//
// D's slope is within [-0.5, 0.5], so W is strictly increasing: order is
// kept, within a row and across the dump (before the jitter). It is a
// function of the instant alone, so an instant has one image.
//
// What it does not defeat, as no order-keeping map can: a pair of
// columns whose original difference is a known constant (a token's fixed
// lifetime) shows W's local slope at that date; with many such rows and
// one known date, W can be rebuilt piece by piece. Keep such columns
// out (null, or fixed), or scale the dump (duckface), which adds rows.
type warp struct {
	ref   int64   // unix seconds
	base  float64 // seconds
	scale float64
	// the last knots read per level: dates of a row, and rows of a dump,
	// are near each other
	last [len(warpLevels)]knotPair
}

type knotPair struct {
	m    int64
	a, b float64
	ok   bool
}

// warpLevels are the wiggles' periods; each moves time by up to
// warpAmp of its period (the sum of warpAmp is D's largest slope).
var warpLevels = [...]float64{86400, 8 * 86400, 64 * 86400, 512 * 86400, 4096 * 86400}

const warpAmp = 0.1

// The warp's scale is log-uniform in [warpScaleLo, warpScaleHi] or the
// inverse range, never near 1.
const warpScaleLo, warpScaleHi = 1.15, 1.8

func newWarp(p *prf) warp {
	r := p.seed("datetime-warp", nil, 0)
	days := 30 + r.IntN(700)
	if r.IntN(2) == 0 {
		days = -days
	}
	lns := math.Log(warpScaleLo) + r.Float64()*(math.Log(warpScaleHi)-math.Log(warpScaleLo))
	if r.IntN(2) == 0 {
		lns = -lns
	}
	ref := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC).Unix() + r.Int64N(14*365*86400)
	return warp{ref: ref, base: float64(days*86400 + r.IntN(86400)), scale: math.Exp(lns)}
}

// at is W(t) plus jitter seconds, to the microsecond (cut: order kept).
func (wp *warp) at(w *worker, t time.Time, jitter int64) time.Time {
	x := float64(t.Unix()-wp.ref) + float64(t.Nanosecond())/1e9
	d := 0.0
	for k, period := range warpLevels {
		u := x / period
		m := math.Floor(u)
		kp := &wp.last[k]
		if !kp.ok || kp.m != int64(m) {
			*kp = knotPair{m: int64(m), a: w.knot(k, int64(m)), b: w.knot(k, int64(m)+1), ok: true}
		}
		d += warpAmp * period * (kp.a + (u-m)*(kp.b-kp.a))
	}
	y := wp.base + wp.scale*(x+d) + float64(jitter)
	sec := math.Floor(y)
	us := math.Floor((y - sec) * 1e6)
	if math.IsNaN(y) || math.Abs(y) > 1e12 {
		sec, us = 0, 0
		if y > 0 {
			sec = 1e12 // beyond the year 9999: clamped by the caller
		} else if y < 0 {
			sec = -1e12
		}
	}
	return time.Unix(wp.ref+int64(sec), int64(us)*1000).UTC()
}

// knot is level k's keyed value at m, in [-0.5, 0.5).
func (w *worker) knot(k int, m int64) float64 {
	var b [9]byte
	b[0] = byte(k)
	binary.LittleEndian.PutUint64(b[1:], uint64(m))
	t := w.prf.mac.tag("datetime-warp-knot", 0, b[:], 0)
	return float64(binary.LittleEndian.Uint64(t[:8])>>11)/(1<<53) - 0.5
}
