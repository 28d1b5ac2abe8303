package anonymize

import (
	"fmt"
	"strings"
	"time"
)

var dateLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"}

// kindDatetime: shifted by one key-derived offset (the same for every
// value, so order and intervals hold), in the same format, kept within
// DATETIME/TIMESTAMP range. Zero dates are MySQL's "no date" and stay.
func kindDatetime(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	if strings.HasPrefix(s, "0000-00-00") {
		return result{out: in}
	}
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		shifted := t.Add(w.shift)
		lo, hi := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
		if strings.EqualFold(c.typ, "timestamp") {
			lo, hi = time.Unix(1, 0).UTC(), time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)
		}
		if shifted.Before(lo) || shifted.After(hi) {
			shifted = t.Add(-w.shift)
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
	return fallback(w, in, n)
}
