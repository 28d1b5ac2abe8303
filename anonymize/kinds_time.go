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

// isBirthSentinel: the dates of birth kept as they are, the zero date
// and 9999-12-31; 1970-01-01 is someone's birthday, not "unknown".
func isBirthSentinel(s string) bool {
	return strings.HasPrefix(s, "0000-00-00") || strings.HasPrefix(s, "9999-12-31")
}

// kindDatetime maps a date through the dump's warp, then moves it by its
// entity's jitter (warp.go says why both):
//
//	fake = W(t) + J(entity)
//
// W is a keyed, strictly increasing map of the whole timeline whose
// slope varies at random from place to place and whose overall scale is
// not 1, so one known (original, fake) pair says little about dates far
// from it; J is uniform within the column's window (datetime:window=30d)
// for each entity (the row's family root, or its primary key: see
// planEntity). One entity's dates keep their order (created_at <=
// updated_at <= deleted_at), not their intervals; a family stays close
// together; the same instant gets the same fake within an entity.
// Sentinels stay; results out of the type's range are clamped to it
// (clamping keeps order). Dates of birth are not events: a birth-named
// column or JSON key gets kindDateOfBirth instead.
func kindDatetime(w *worker, c *colInfo, in []byte, n int) result {
	if c.birth {
		return kindDateOfBirth(w, c, in, n)
	}
	s := string(in)
	if isSentinel(s) {
		return result{out: in}
	}
	for _, layout := range layoutsFor(s) {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		shifted := w.warp.at(w, t, w.entityJitter(c, n))
		lo, hi := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
		if strings.EqualFold(c.typ, "timestamp") {
			lo, hi = time.Unix(1, 0).UTC(), time.Date(2038, 1, 19, 3, 14, 7, 999999999, time.UTC)
		}
		if shifted.Before(lo) {
			shifted = lo
		} else if shifted.After(hi) {
			shifted = hi
		}
		return result{out: []byte(formatLike(shifted, s, layout))}
	}
	return fallback(w, c, in, n)
}

// formatLike formats t in s's layout, with as many fractional digits as
// s has (cut, not rounded: cutting keeps order).
func formatLike(t time.Time, s, layout string) string {
	if dot := strings.IndexByte(s, '.'); dot >= 0 && len(layout) > 19 && layout[10] == ' ' {
		frac := len(s) - dot - 1
		return t.Format("2006-01-02 15:04:05") + "." + fmt.Sprintf("%09d", t.Nanosecond())[:frac]
	}
	return t.Format(layout)
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

// entityJitter is the current row's entity's offset in seconds, within
// the column's window, drawn once per row.
func (w *worker) entityJitter(c *colInfo, n int) int64 {
	win := c.window
	if win == 0 && c.params["window"] == "" {
		win = int64(rules.DefaultWindow / time.Second)
	}
	rc := &w.row
	if n == 0 && rc.shiftOK && rc.window == win {
		return rc.shift
	}
	j := int64(0)
	if win > 0 {
		j = w.rng("datetime-entity", rc.entity, n).Int64N(2*win+1) - win
	}
	if n == 0 {
		rc.shift, rc.window, rc.shiftOK = j, win, true
	}
	return j
}

// isBirthName: a column or key that holds a date of birth (birthday,
// date_of_birth, dob, born_on).
func isBirthName(name string) bool {
	l := strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "", ".", "").Replace(name))
	return strings.Contains(l, "birth") || l == "dob" || strings.HasSuffix(l, "dob") || strings.HasPrefix(l, "born")
}

// kindDateOfBirth: a date of birth is personal data, not an event: it
// does not move with its entity's events (the entity's known signup day
// would give it away), but to a keyed random date within two years of
// it, the same for the same date everywhere. The time of day stays when
// it is midnight, else is random too. Same layout as the original.
func kindDateOfBirth(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	if isBirthSentinel(s) {
		return result{out: in}
	}
	for _, layout := range layoutsFor(s) {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		r := w.rng("date-of-birth", in[:min(len(in), 10)], n)
		day := t.Truncate(24 * time.Hour)
		d := r.IntN(4*365) - 2*365 // never 0: no birthday stays as it was
		if d >= 0 {
			d++
		}
		fake := day.AddDate(0, 0, d)
		if tod := t.Sub(day); tod != 0 {
			fake = fake.Add(time.Duration(r.Int64N(int64(24 * time.Hour))))
		}
		if fake.Year() < 1000 {
			fake = fake.AddDate(0, 0, -2*d) // the other way: not the original
		}
		return result{out: []byte(formatLike(fake, s, layout))}
	}
	return fallback(w, c, in, n)
}
