// Package piidb builds the fixture of the audit and privacy-by-default
// tests: a small shop database on a real server whose columns hold
// personal data (person names, phone numbers, US SSNs, IBANs, card
// numbers, dates of birth, e-mails, IPs, host names, street addresses)
// under names that do not say so, next to columns that hold none (keys,
// foreign keys, booleans, enums, states, codes, amounts, recent dates),
// dumped by the real mariadb-dump.
package piidb

import (
	"database/sql"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
)

// Schema is the shop's DDL. The personal columns' names are chosen not to
// look confidential, so that only their values can give them away.
const Schema = `
CREATE TABLE customers (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nm varchar(80) NOT NULL,
  c_tel varchar(32),
  ref varchar(16),
  acct varchar(40),
  pan varchar(24),
  born date,
  contact varchar(120),
  seen_from varchar(45),
  origin varchar(120),
  line1 varchar(120),
  tier varchar(10) NOT NULL,
  status enum('active','closed','suspended') NOT NULL,
  vip tinyint(1) NOT NULL DEFAULT 0,
  state varchar(12) NOT NULL,
  notes text,
  sku varchar(16) NOT NULL,
  created_at datetime NOT NULL,
  UNIQUE KEY sku (sku)
) ENGINE=InnoDB;
CREATE TABLE orders (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id int NOT NULL,
  amount decimal(10,2) NOT NULL,
  placed date NOT NULL,
  ship_to varchar(160),
  carrier varchar(20) NOT NULL,
  tracking varchar(24) NOT NULL,
  qty int NOT NULL,
  CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;
`

// Personal lists the personal-data columns, each with the class of data
// it holds (as an audit should name it).
var Personal = map[string]string{
	"customers.nm":        "person name",
	"customers.c_tel":     "phone number",
	"customers.ref":       "national id",
	"customers.acct":      "IBAN",
	"customers.pan":       "payment card number",
	"customers.born":      "date of birth",
	"customers.contact":   "e-mail address",
	"customers.seen_from": "IP address",
	"customers.origin":    "host name",
	"customers.line1":     "street address",
	"orders.ship_to":      "street address",
}

// NotPersonal lists columns that hold no personal data, and why.
var NotPersonal = map[string]string{
	"customers.id": "primary key", "customers.tier": "low-cardinality", "customers.status": "enum",
	"customers.vip": "boolean", "customers.state": "low-cardinality", "customers.sku": "code",
	"customers.created_at": "timestamp", "orders.id": "primary key", "orders.customer_id": "foreign key",
	"orders.amount": "number", "orders.placed": "recent date", "orders.carrier": "low-cardinality",
	"orders.tracking": "code", "orders.qty": "number",
}

// Fixture is a filled shop database.
type Fixture struct {
	Server *dbserver.Server
	DB     string
	// Values holds every value written to each personal column.
	Values map[string][]string
}

// Sizes of the fill.
const (
	Customers = 240
	Orders    = 480
)

var (
	first = []string{"Maria", "José", "Zoë", "Łukasz", "Aoife", "Chen", "Fatima", "Olamide", "Søren", "Émile", "Jürgen", "Priya",
		"Kenji", "Amara", "Dmitri", "Isabella", "Mohammed", "Sakura", "Liam", "Noor", "Grace", "Oliver", "Hannah", "William"}
	last = []string{"González", "Müller", "O'Brien", "Nowak", "Kowalczyk", "Smith", "Nakamura", "Okafor", "Haddad", "Lindqvist",
		"Dubois", "Rossi", "Patel", "Kim", "Silva", "Ivanova", "Van der Berg", "Murphy", "Schmidt", "Fernández", "Johnson", "Brown"}
	streets  = []string{"Elm Street", "Oak Avenue", "Baker St", "Rue de la Paix", "Hauptstraße", "Via Roma", "Maple Drive", "Calle Mayor", "Sunset Blvd", "High Street"}
	domains  = []string{"gmail.com", "example-mail.net", "acme-corp.com", "posteo.de", "yahoo.co.uk"}
	sites    = []string{"fra1", "lon2", "nyc3", "sgp1"}
	firms    = []string{"acme-corp", "globex", "initech", "umbrella-health"}
	notes    = []string{"Prefers delivery after 6pm.", "Asked to be called back at %s.", "Complained about the last parcel.", "Wants invoices sent to %s.", "Regular since the first year.", ""}
	carriers = []string{"ups", "dhl", "fedex", "post"}
)

func ascii(s string) string {
	r := strings.NewReplacer("é", "e", "É", "E", "ë", "e", "ü", "u", "ø", "o", "Ø", "O", "ł", "l", "Ł", "L", "á", "a", "'", "", " ", "")
	return strings.ToLower(r.Replace(s))
}

// Luhn appends the check digit that makes digits pass the Luhn test.
func Luhn(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + string(rune('0'+(10-sum%10)%10))
}

// IBAN makes a valid IBAN of a country from its BBAN.
func IBAN(country, bban string) string {
	num := ""
	for _, c := range bban + country + "00" {
		if c >= 'A' && c <= 'Z' {
			num += fmt.Sprint(int(c-'A') + 10)
		} else {
			num += string(c)
		}
	}
	n, _ := new(big.Int).SetString(num, 10)
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%s%02d%s", country, check, bban)
}

func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

func group4(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// Create makes the shop database on s and fills it.
func Create(t testing.TB, s *dbserver.Server) *Fixture {
	t.Helper()
	db, name := dbtest.NewDB(t, s)
	dbtest.Client(t, s, name, Schema)
	f := &Fixture{Server: s, DB: name, Values: map[string][]string{}}
	r := rand.New(rand.NewPCG(12, 34))
	add := func(col, v string) string {
		f.Values[col] = append(f.Values[col], v)
		return v
	}
	var rows [][]any
	for i := 1; i <= Customers; i++ {
		fn, ln := first[r.IntN(len(first))], last[r.IntN(len(last))]
		var tel string
		switch i % 4 {
		case 0:
			tel = fmt.Sprintf("+1 (%s) %s-%s", digits(r, 3), digits(r, 3), digits(r, 4))
		case 1:
			tel = fmt.Sprintf("+44 20 %s %s", digits(r, 4), digits(r, 4))
		case 2:
			tel = fmt.Sprintf("030 %s", digits(r, 7))
		default:
			tel = fmt.Sprintf("%s.%s.%s", digits(r, 3), digits(r, 3), digits(r, 4))
		}
		ssn := fmt.Sprintf("%03d-%02d-%04d", 1+r.IntN(665), 1+r.IntN(98), 1+r.IntN(9998))
		var iban string
		switch i % 3 {
		case 0:
			iban = IBAN("DE", digits(r, 18))
		case 1:
			iban = group4(IBAN("GB", "NWBK"+digits(r, 14)))
		default:
			iban = IBAN("FR", digits(r, 23))
		}
		var pan string
		switch i % 3 {
		case 0:
			pan = Luhn("4" + digits(r, 14))
		case 1:
			pan = group4(Luhn("5" + string(rune('1'+r.IntN(5))) + digits(r, 13)))
		default:
			pan = Luhn("37" + digits(r, 12))
		}
		born := fmt.Sprintf("%d-%02d-%02d", 1940+r.IntN(66), 1+r.IntN(12), 1+r.IntN(28))
		mail := fmt.Sprintf("%s.%s@%s", ascii(fn), ascii(ln), domains[r.IntN(len(domains))])
		ip := fmt.Sprintf("203.0.113.%d", r.IntN(255))
		if i%3 == 0 {
			ip = fmt.Sprintf("2001:db8::%x", r.IntN(65535))
		}
		host := fmt.Sprintf("ws%d.%s.%s.com", r.IntN(400), sites[r.IntN(len(sites))], firms[r.IntN(len(firms))])
		street := fmt.Sprintf("%d %s", 1+r.IntN(2400), streets[r.IntN(len(streets))])
		if i%5 == 0 {
			street = fmt.Sprintf("%s %d", streets[4], 1+r.IntN(99))
		}
		note := notes[r.IntN(len(notes))]
		if strings.Contains(note, "%s") {
			if strings.Contains(note, "called") {
				note = fmt.Sprintf(note, tel)
			} else {
				note = fmt.Sprintf(note, mail)
			}
		}
		rows = append(rows, []any{add("customers.nm", fn+" "+ln), add("customers.c_tel", tel), add("customers.ref", ssn),
			add("customers.acct", iban), add("customers.pan", pan), add("customers.born", born), add("customers.contact", mail),
			add("customers.seen_from", ip), add("customers.origin", host), add("customers.line1", street),
			[]string{"gold", "silver", "bronze"}[r.IntN(3)], []string{"active", "closed", "suspended"}[r.IntN(3)], r.IntN(2),
			[]string{"pending", "verified"}[r.IntN(2)], note, fmt.Sprintf("SKU-%05d", i*7),
			fmt.Sprintf("2024-%02d-%02d %02d:%02d:00", 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60))})
	}
	insert(t, db, "INSERT INTO customers (nm, c_tel, ref, acct, pan, born, contact, seen_from, origin, line1, tier, status, vip, state, notes, sku, created_at) VALUES ", rows)
	rows = rows[:0]
	for i := 1; i <= Orders; i++ {
		ship := fmt.Sprintf("%d %s, Apt %d", 1+r.IntN(2400), streets[r.IntN(len(streets))], 1+r.IntN(40))
		rows = append(rows, []any{1 + r.IntN(Customers), fmt.Sprintf("%d.%02d", 5+r.IntN(500), r.IntN(100)),
			fmt.Sprintf("2024-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28)), add("orders.ship_to", ship),
			carriers[r.IntN(len(carriers))], fmt.Sprintf("1Z%06X%010d", r.IntN(1<<24), r.IntN(1e9)), 1 + r.IntN(9)})
	}
	insert(t, db, "INSERT INTO orders (customer_id, amount, placed, ship_to, carrier, tracking, qty) VALUES ", rows)
	return f
}

func insert(t testing.TB, db *sql.DB, head string, rows [][]any) {
	t.Helper()
	for len(rows) > 0 {
		n := min(len(rows), 100)
		var q strings.Builder
		q.WriteString(head)
		var args []any
		for i, row := range rows[:n] {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(" + strings.TrimSuffix(strings.Repeat("?,", len(row)), ",") + ")")
			args = append(args, row...)
		}
		if _, err := db.Exec(q.String(), args...); err != nil {
			t.Fatalf("fill: %v", err)
		}
		rows = rows[n:]
	}
}

// Dump dumps the shop with the real mariadb-dump and extra options.
func (f *Fixture) Dump(t testing.TB, args ...string) []byte {
	t.Helper()
	return dbtest.Dump(t, f.Server, append(args, f.DB)...)
}
