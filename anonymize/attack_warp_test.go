package anonymize_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/internal/dumptest"
)

const day = 24 * time.Hour

// warpDonor is a donor like the red team's (attack1): users whose
// created_at grows with the id (0.4 days an id from 2019-03-14, the first
// customer's signup day being public), updated_at up to 300 days later,
// a birthday inside a JSON profile, and orders (a child table) over four
// years. Deleted ids leave gaps.
type warpDonor struct {
	dump                    []byte
	ids                     []int
	created, updated, birth map[int]time.Time
	orderUser               map[int]int
	orderAt                 map[int]time.Time
	firstSignup             time.Time // the attacker's one known fact
	signupRate              float64   // days an id (not known to the attacker)
	rowsByID, ordersByID    map[int]map[string]string
}

func newWarpDonor(t *testing.T, users int) *warpDonor {
	rng := rand.New(rand.NewPCG(7741, 1))
	d := &warpDonor{created: map[int]time.Time{}, updated: map[int]time.Time{}, birth: map[int]time.Time{},
		orderUser: map[int]int{}, orderAt: map[int]time.Time{}, firstSignup: time.Date(2019, 3, 14, 0, 0, 0, 0, time.UTC), signupRate: 0.4}
	var b strings.Builder
	b.WriteString("CREATE TABLE `users` (`id` int NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime, `profile` text, PRIMARY KEY (`id`));\n")
	b.WriteString("CREATE TABLE `orders` (`id` int NOT NULL, `user_id` int NOT NULL, `created_at` datetime NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`));\n")
	base := d.firstSignup.Add(9 * time.Hour)
	oid := 0
	for i := 0; len(d.ids) < users; i++ {
		id := i + 1
		if i%7 == 3 && i > 0 {
			continue // a deleted user
		}
		d.ids = append(d.ids, id)
		c := base.Add(time.Duration(float64(i)*d.signupRate*float64(day)) + time.Duration(rng.IntN(86400))*time.Second)
		if id == 1 {
			c = base // the first customer signed up on the public day
		}
		u := c.Add(time.Duration(1+rng.IntN(300))*day + time.Duration(rng.IntN(86400))*time.Second)
		bd := time.Date(1950+rng.IntN(53), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		d.created[id], d.updated[id], d.birth[id] = c, u, bd
		prof, _ := json.Marshal(map[string]string{"birthday": bd.Format("2006-01-02"), "plan": "pro"})
		fmt.Fprintf(&b, "INSERT INTO `users` VALUES (%d,'%s','%s','%s');\n", id, c.Format(dtLayout), u.Format(dtLayout), prof)
		for k := rng.IntN(3); k > 0; k-- {
			oid++
			at := base.Add(time.Duration(rng.IntN(1500))*day + time.Duration(rng.IntN(86400))*time.Second)
			if at.Before(c) {
				at = c.Add(time.Duration(rng.IntN(86400)) * time.Second)
			}
			d.orderUser[oid], d.orderAt[oid] = id, at
			fmt.Fprintf(&b, "INSERT INTO `orders` VALUES (%d,%d,'%s');\n", oid, id, at.Format(dtLayout))
		}
	}
	d.dump = []byte(b.String())
	return d
}

func (d *warpDonor) anonymize(t *testing.T, keyName string) {
	doc := "tables:\n  users: {created_at: datetime, updated_at: datetime, profile: json}\n  orders: {created_at: datetime}\n"
	out, _, err := run(t, d.dump, doc, key(t, keyName), 2)
	if err != nil {
		t.Fatal(err)
	}
	d.rowsByID, d.ordersByID = map[int]map[string]string{}, map[int]map[string]string{}
	for _, r := range dumptest.Rows(t, out, "users") {
		id, _ := strconv.Atoi(r["id"])
		d.rowsByID[id] = r
	}
	for _, r := range dumptest.Rows(t, out, "orders") {
		id, _ := strconv.Atoi(r["id"])
		d.ordersByID[id] = r
	}
}

func days(d time.Duration) float64 { return d.Hours() / 24 }

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// TestDatetimeWarpResistsTheFit replays the red team's attack on the
// datetime kind (attack1, F6-F7, their dedate.py and vip_dates.py) on a
// donor of our own, under several keys:
//
//  1. fit-against-id: the published created_at against the id is a
//     line plus the entities' jitter; the attacker fits it (least
//     squares, which averages the jitter out), pins it with the one known
//     date (user 1 signed up on 2019-03-14) and reads every user's
//     original signup off the line; each user's shift (published minus
//     estimate) then gives the originals of all that user's dates
//     (updated_at, orders);
//  2. the shift of the one user whose signup is known (the VIP), applied
//     to her other dates and to the birthday in her JSON profile;
//  3. an attacker who even knows every user's exact created_at shift
//     (the strongest use of the fit) and applies it to the birthday.
//
// The recovered dates must be off by weeks, not days (median error over
// the users above 14 days for every key), while each row keeps its
// order, an order its place before or after its user's signup, and
// sentinels their value.
func TestDatetimeWarpResistsTheFit(t *testing.T) {
	d := newWarpDonor(t, 3000)
	var aware []float64
	for _, keyName := range []string{"warp-a", "warp-b", "warp-c", "warp-d"} {
		t.Run(keyName, func(t *testing.T) {
			d.anonymize(t, keyName)
			pub := func(id int, col string) time.Time { return mustTime(t, d.rowsByID[id][col]) }
			// The structure the tool must keep.
			for _, id := range d.ids {
				if pub(id, "created_at").After(pub(id, "updated_at")) {
					t.Fatalf("user %d: created_at after updated_at", id)
				}
			}
			for oid, uid := range d.orderUser {
				before := d.orderAt[oid].Before(d.created[uid])
				if mustTime(t, d.ordersByID[oid]["created_at"]).Before(pub(uid, "created_at")) != before {
					t.Fatalf("order %d: its place against its user's signup changed", oid)
				}
			}
			// Attack 1: least squares of published created_at (days from the
			// known day) against the id.
			var sx, sy, sxx, sxy, n float64
			for _, id := range d.ids {
				x, y := float64(id-1), days(pub(id, "created_at").Sub(d.firstSignup))
				sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
			}
			slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
			estCreated := func(id int) time.Time {
				return d.firstSignup.Add(time.Duration(slope * float64(id-1) * float64(day)))
			}
			var errCreated, errUpdated, errOrder []float64
			shift := map[int]time.Duration{}
			for _, id := range d.ids {
				shift[id] = pub(id, "created_at").Sub(estCreated(id))
				errCreated = append(errCreated, math.Abs(days(estCreated(id).Sub(d.created[id]))))
				errUpdated = append(errUpdated, math.Abs(days(pub(id, "updated_at").Add(-shift[id]).Sub(d.updated[id]))))
			}
			for oid, uid := range d.orderUser {
				est := mustTime(t, d.ordersByID[oid]["created_at"]).Add(-shift[uid])
				errOrder = append(errOrder, math.Abs(days(est.Sub(d.orderAt[oid]))))
			}
			t.Logf("fit: %.4f days an id (the donor's: %.1f); median error: created_at %.0f d, updated_at %.0f d, orders %.0f d",
				slope, d.signupRate, median(errCreated), median(errUpdated), median(errOrder))
			for what, errs := range map[string][]float64{"created_at": errCreated, "updated_at": errUpdated, "orders.created_at": errOrder} {
				if m := median(errs); m < 14 {
					t.Errorf("fit-against-id plus one known date recovers %s to a median of %.1f days", what, m)
				}
			}
			// Attack 1b: the attacker knows the warp's design too: its scale
			// is 1.15 to 1.8 or the inverse. Told which (the best case for
			// them: nothing in the dump says), they divide the fitted slope
			// by the middle of that range and read the signups off the line.
			guess := math.Sqrt(1.15 * 1.8)
			if slope < d.signupRate {
				guess = 1 / guess
			}
			var errAware []float64
			for _, id := range d.ids {
				est := d.firstSignup.Add(time.Duration(slope / guess * float64(id-1) * float64(day)))
				errAware = append(errAware, math.Abs(days(est.Sub(d.created[id]))))
			}
			aware = append(aware, median(errAware))
			t.Logf("knowing the design: median error %.0f days", median(errAware))
			// Attack 2: the VIP's shift from her known signup day.
			vip := pub(1, "created_at").Sub(d.firstSignup)
			var prof map[string]string
			if err := json.Unmarshal([]byte(d.rowsByID[1]["profile"]), &prof); err != nil {
				t.Fatal(err)
			}
			bday, err := time.Parse("2006-01-02", prof["birthday"])
			if err != nil {
				t.Fatalf("birthday %q: %v", prof["birthday"], err)
			}
			if e := math.Abs(days(bday.Add(-vip).Sub(d.birth[1]))); e < 14 {
				t.Errorf("the VIP's signup shift gives her birthday to %.1f days", e)
			}
			// Attack 3: every user's exact created_at shift, applied to the
			// birthday in the same row.
			var errBirth []float64
			for _, id := range d.ids {
				if err := json.Unmarshal([]byte(d.rowsByID[id]["profile"]), &prof); err != nil {
					t.Fatal(err)
				}
				b, _ := time.Parse("2006-01-02", prof["birthday"])
				exact := pub(id, "created_at").Sub(d.created[id])
				errBirth = append(errBirth, math.Abs(days(b.Add(-exact).Sub(d.birth[id]))))
			}
			if m := median(errBirth); m < 60 {
				t.Errorf("the row's exact shift gives the birthday to a median of %.1f days", m)
			}
		})
	}
	// Told the scale's range and its direction, the attacker is off by
	// 10% to 25% of the distance to the known date for most keys (a
	// median of weeks to months), but for about one key in ten (the
	// scale near the range's middle) by days: measured over 40 keys,
	// p10 11 days, median 85 (see the closing note of issue 13).
	if m := median(aware); m < 14 {
		t.Errorf("knowing the design, the attacker recovers created_at to a median of %.1f days over the keys", m)
	}
}
