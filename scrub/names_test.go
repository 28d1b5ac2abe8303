package scrub

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestShortPartsGo: a person name's short words alone, a password's
// mostly-punctuation tail or half, lookalike letters, ciphers and a
// value's kind written another way (red team scrubatk5): in each line
// the part named must go, with --values and with an index; twins of the
// same shapes stay.
func TestShortPartsGo(t *testing.T) {
	vals := []Value{
		{Kind: "person_name", Text: "Zoë Ångström-Kowalczyk"},
		{Kind: "person_name", Text: "Nguyễn Thị Minh Khai"},
		{Kind: "string", Text: "Tr0ub4dor&3!#x"},
		{Kind: "string", Text: "Gh7\tk#Lm@9/q"},
		{Kind: "string", Text: "Kx9#pQ"},
		{Kind: "ip_address", Text: "10.23.145.201"},
		{Kind: "email", Text: "zoe.kowalczyk@kwvmail.io"},
		{Kind: "hostname", Text: "db-prod-07.internal.acmequux.net"},
		{Kind: "person_name", Text: "Łukasz Wróblewski"},
		{Kind: "person_name", Text: "Ольга Іваненко"},
	}
	cases := []struct{ line, gone string }{
		{"hello Lukasz", "Lukasz"},
		{"LUKASZ:", "LUKASZ"},
		{"Dear Olga,", "Olga"},
		{"Dear Zoë, your account was migrated", "Zoë"},
		{"surname=Khai given=Minh", "Khai"},
		{"customer: Kowalczyk, Zoë", "Zoë"},
		{"PTR 201.145.23.10.in-addr.arpa", "201.145.23.10"},
		{"contact: zoe.kowalczyk [at] kwvmail [dot] io", "kowalczyk"},
		{"package net.acmequux.internal.db-prod-07", "acmequux"},
		{"enc: " + caesar("Tr0ub4dor&3!#x", 3), caesar("Tr0ub4dor", 3)},
		{"enc: " + caesar("Tr0ub4dor&3!#x", 1), caesar("Tr0ub4dor", 1)},
		{"enc: " + atbash("Tr0ub4dor&3!#x"), atbash("Tr0ub4dor")},
		{"flip: " + attack.UpsideDown("Tr0ub4dor&3!#x"), attack.UpsideDown("Tr0ub4dor")},
		{"banner ᴛʀ0ᴜʙ4ᴅᴏʀ&3!#x ready", "ᴛʀ0ᴜʙ4ᴅᴏʀ"},
		{"tag Ⓣⓡ0ⓤⓑ4ⓓⓞⓡ&3!#ⓧ set", "ⓤⓑ4ⓓⓞⓡ"},
		{"flag 🇹🇷0🇺🇧4🇩🇴🇷&3!#🇽 set", "🇺🇧4🇩🇴🇷"},
		{"name: T\u3164r\u31640\u3164u\u3164b\u31644\u3164d\u3164o\u3164r end", "r\u31640\u3164u"},
		{"ok " + attack.ToTags("Tr0ub4dor&3!#x") + " done", attack.ToTags("ub4dor")},
		{"user Zօë Ångstrօm-Kօwalczyk logged in", "Kօwalczyk"},
	}
	ix := NewIndex()
	for _, v := range vals {
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	for _, mode := range []struct {
		name string
		opts Options
	}{{"values", Options{Values: vals}}, {"index", Options{Index: ix}}} {
		s, err := New(mode.opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			var out bytes.Buffer
			if _, err := s.Scrub(&out, strings.NewReader(c.line+"\n")); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(strings.ToLower(out.String()), strings.ToLower(c.gone)) {
				t.Errorf("%s: %q survived in %q", mode.name, c.gone, out.String())
			}
		}
		twins := "Dear Ida and Tom: ends with rd&3!#y, PTR 1.2.0.192.in-addr.arpa, enc: Uifsf\n" + strings.Join(ordinaryLookalike, "\n") + "\n"
		var out bytes.Buffer
		if _, err := s.Scrub(&out, strings.NewReader(twins)); err != nil {
			t.Fatal(err)
		}
		if out.String() != twins {
			t.Errorf("%s: a twin line changed: %q", mode.name, strings.Join(slices.DeleteFunc(strings.Split(out.String(), "\n"), func(l string) bool { return strings.Contains(twins, l) }), "\n"))
		}
	}
}

// ordinaryLookalike: log lines the lookalike folds, the ciphers'
// variants, name words and punctuated pieces could hit.
var ordinaryLookalike = []string{
	"2026-11-21 10:00:14.020 4242 INFO nova.compute.manager [-] PTR lookup 1.2.0.192.in-addr.arpa returned web3.dmz.southgate.net",
	"2026-11-21 10:00:14.021 4242 DEBUG oslo_db.sqlalchemy [-] SELECT id FROM instances WHERE hostname LIKE 'db-%' AND deleted = 0 LIMIT 1000",
	"2026-11-21 10:00:14.022 4242 INFO nova.db.main.migrations [-] Dear operator, the migration of table block_device_mapping (version 1.2.3, 2026-11-21T10:00:14Z) is done: Ⓘ 12 rows, ⓦ 0 warnings 🇩🇪 ok",
	"2026-11-21 10:00:14.023 4242 WARNING nova.db [-] Ada Ann Ida Max Tom Kai Bob Lee Eve Amy Joe: no such flavor (id=#42!), check 'nova.conf' at /etc/nova: retry?",
	"2026-11-21 10:00:14.024 4242 INFO nova.db [-] Հայերեն ᴀᴛᴛ ɐʇʇ passed; checksum !=#&*@:;'|?<>= ok",
}

// TestLookalikeForms: every value of the attack corpus in every
// lookalike and cipher form (attack.LookalikeForms) is gone, known as
// plaintext and from an index.
func TestLookalikeForms(t *testing.T) {
	vals, ix := corpusSecrets("")
	for _, opts := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range attack.Corpus {
			for _, f := range attack.LookalikeForms {
				if f.Applies != nil && !f.Applies(v.Text) {
					continue
				}
				log, probes := attack.Plant("", "", v, f)
				var out bytes.Buffer
				if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
					t.Fatal(err)
				}
				leaks, _, err := attack.Check(log, out.String(), probes, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range leaks {
					t.Errorf("index %v: leak: %s", opts.Index != nil, l)
				}
			}
		}
	}
}
