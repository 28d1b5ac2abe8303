package anonymize

import (
	"testing"
	"time"
)

var timeCases = []kindCase{
	{kind: "datetime", in: "2020-02-29 12:00:00", check: re(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`)},
	{kind: "datetime", in: "2020-02-29 12:00:00.123", check: re(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`)},
	{kind: "datetime", in: "2020-02-29", check: re(`\d{4}-\d\d-\d\d`)},
	{kind: "date_of_birth", in: "1969-08-14", check: re(`19(6[7-9]|7[01])-\d\d-\d\d`)},
	{kind: "date_of_birth", in: "1969-08-14 00:00:00", check: re(`19(6[7-9]|7[01])-\d\d-\d\d 00:00:00`)},
	// a birth-named datetime column is a date of birth: the same fake
	{kind: "datetime", in: "1969-08-14", col: colInfo{birth: true}, check: re(`19(6[7-9]|7[01])-\d\d-\d\d`)},
}

func TestKindsTime(t *testing.T) { runKindCases(t, timeCases, "testdata/kinds_time.golden") }

func TestDatetimeShiftKeepsOrder(t *testing.T) {
	w := newWorker(testKey(t, "dt"))
	a := kindDatetime(w, &colInfo{}, []byte("2021-01-01 00:00:00"), 0).out
	b := kindDatetime(w, &colInfo{}, []byte("2021-01-01 00:00:10"), 0).out
	ta, _ := time.Parse("2006-01-02 15:04:05", string(a))
	tb, _ := time.Parse("2006-01-02 15:04:05", string(b))
	// order kept, the interval only roughly (the warp's slope is within
	// 0.5 to 1.5 times its scale, 1/1.5 to 1.5)
	if d := tb.Sub(ta); d < 3*time.Second || d > 23*time.Second {
		t.Errorf("interval of 10s became %v: %s .. %s", d, a, b)
	}
	ts := kindDatetime(w, &colInfo{typ: "timestamp"}, []byte("2038-01-19 03:14:07"), 0).out
	tt, _ := time.Parse("2006-01-02 15:04:05", string(ts))
	if tt.After(time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)) || tt.Before(time.Unix(1, 0)) {
		t.Errorf("TIMESTAMP out of range: %s", ts)
	}
}

// TestDateOfBirthNeverStays: no date of birth keeps its day (the shift
// is never 0), also at the calendar's low edge where the shift turns.
func TestDateOfBirthNeverStays(t *testing.T) {
	w := newWorker(testKey(t, "dob-never-stays"))
	start := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 30000; i++ {
		in := start.AddDate(0, 0, i).Format("2006-01-02")
		if out := string(kindDateOfBirth(w, &noColumn, []byte(in), 0).out); out == in {
			t.Fatalf("%s stayed", in)
		}
	}
	for _, in := range []string{"1000-01-01", "1000-06-30", "1001-12-31"} {
		for n := 0; n < 200; n++ {
			out := string(kindDateOfBirth(w, &noColumn, []byte(in), n).out)
			if out == in || out < "1000" {
				t.Fatalf("%s (copy %d) became %s", in, n, out)
			}
		}
	}
}
