package anonymize

import (
	"fmt"
	"strings"
	"time"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

var dateLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"}

// sentinels are dates that mean "never", "not set" or a type's limit:
// they carry nothing about the donor, and applications compare against
// them, so they stay exactly (the date part, then the time of day).
var sentinels = map[string]bool{
	"1970-01-01 00:00:00": true, "1970-01-01 00:00:01": true, "1970-01-01": true,
	"2038-01-19 03:14:07": true, "1000-01-01 00:00:00": true, "1000-01-01": true,
	"9999-12-31": true,
}

// isSentinel: zero dates, 9999-12-31 at any time, and the exact instants
// above (a fraction of zeros and the ISO 'T' form included).
func isSentinel(s string) bool {
	if strings.HasPrefix(s, "0000-00-00") || strings.HasPrefix(s, "9999-12-31") {
		return true
	}
	if len(s) == 10 {
		return sentinels[s]
	}
	if len(s) < 19 {
		return false
	}
	head := s[:19]
	if head[10] == 'T' {
		head = head[:10] + " " + head[11:]
	}
	if !sentinels[head] {
		return false
	}
	return strings.Trim(s[19:], ".0Z") == "" || s[19:] == "+00:00"
}

// kindDatetime: each entity (the row's family root, or its primary key:
// see planEntity) moves by its own offset, a key-derived base plus a
// keyed jitter within the column's window (datetime:window=30d). One
// row's dates move together, so created_at <= updated_at <= deleted_at
// holds and a parent's children stay close to it; but knowing one date
// (or the base, from a sentinel that was shifted) tells the attacker
// nothing exact about another entity's. Sentinels stay; results out of
// the type's range are clamped to it (clamping keeps order).
func kindDatetime(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	if isSentinel(s) {
		return result{out: in}
	}
	for _, layout := range layoutsFor(s) {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		shifted := t.Add(w.dateShift(c, n))
		lo, hi := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
		if strings.EqualFold(c.typ, "timestamp") {
			lo, hi = time.Unix(1, 0).UTC(), time.Date(2038, 1, 19, 3, 14, 7, 999999999, time.UTC)
		}
		if shifted.Before(lo) {
			shifted = lo
		} else if shifted.After(hi) {
			shifted = hi
		}
		out := shifted.Format(layout)
		// Keep the original's fractional digits exactly.
		if dot := strings.IndexByte(s, '.'); dot >= 0 && len(layout) > 19 && layout[10] == ' ' {
			frac := len(s) - dot - 1
			out = shifted.Format("2006-01-02 15:04:05") + "." + fmt.Sprintf("%09d", shifted.Nanosecond())[:frac]
		}
		if len(layout) == 10 {
			out = shifted.Format(layout)
		}
		return result{out: []byte(out)}
	}
	return fallback(w, c, in, n)
}

// layoutsFor: the layouts s can have (a failed parse costs an error).
func layoutsFor(s string) []string {
	switch {
	case len(s) == 10:
		return dateLayouts[4:]
	case len(s) > 10 && s[10] == 'T':
		return dateLayouts[1:3]
	case len(s) == 19:
		return dateLayouts[3:4]
	}
	return dateLayouts
}

// dateShift is the offset of the current row's entity: the worker's
// base shift plus the entity's jitter, drawn once per row.
func (w *worker) dateShift(c *colInfo, n int) time.Duration {
	win := c.window
	if win == 0 && c.params["window"] == "" {
		win = int64(rules.DefaultWindow / time.Second)
	}
	rc := &w.row
	if n == 0 && rc.shiftOK && rc.window == win {
		return w.shift + time.Duration(rc.shift)*time.Second
	}
	j := int64(0)
	if win > 0 {
		j = w.rng("datetime-entity", rc.entity, n).Int64N(2*win+1) - win
	}
	if n == 0 {
		rc.shift, rc.window, rc.shiftOK = j, win, true
	}
	return w.shift + time.Duration(j)*time.Second
}
