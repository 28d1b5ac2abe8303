package attack

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// Value is a confidential value and its kind.
type Value struct{ Kind, Text string }

// Corpus: values of every class issue #15 names, and a few more. Each has
// a twin of the same shape in Twins, which must stay untouched.
var Corpus = []Value{
	{"password", "Staple7Battery!"},               // ends in '!'
	{"name", "Øystein Ødegård"},                   // Ø
	{"name", "Örjan Östlund-Berg"},                // Ö, a hyphen
	{"name", "Łukasz Żółkiewski"},                 // Ł, Ż
	{"name", "Élodie Dupré"},                      // É
	{"tag", "#ops-night-shift"},                   // starts with '#'
	{"label", "rack\tB7 slot 12"},                 // a tab
	{"path", "prod/eu-west/db01"},                 // '/'
	{"user", "deploy@bastion-3"},                  // '@'
	{"secret", "vault:kv:nightly"},                // ':'
	{"company", "Smith & Wesson Holdings"},        // '&', spaces
	{"code", "qz7vk2"},                            // six characters
	{"name", "王小明"},                               // CJK
	{"name", "Сергей Кузнецов"},                   // Cyrillic
	{"name", "Νικόλαος Παπαδόπουλος"},             // Greek, final sigma
	{"email", "m.kowalczyk@northwind-labs.io"},    // e-mail
	{"hostname", "db7.internal.northwind.io."},    // trailing dot
	{"phone", "(555) 123-4567"},                   // phone
	{"handle", "@zephyr_ops"},                     // handle
	{"ip", "10.77.3.141"},                         // IPv4
	{"name", "Straße Müller GmbH"},                // ß (upper case is SS)
	{"hostname", "bücher-lager.köln-süd.example"}, // IDNA (xn--)
	{"name", "İlkay Işıkoğlu"},                    // Turkish dotted and dotless i
	{"password", "Tr0ub4dor&3!#x"},                // mostly punctuation at its end
	{"secret", "Gh7\tk#Lm@9/q"},                   // a tab, then punctuation
	{"password", "Kx9#pQ"},                        // six characters, one a mark
	{"card", "4539148803436467"},                  // digits only
	{"iban", "NO9386011117947"},                   // mostly digits
	{"phone", "+47 912 34 567"},                   // a country code, groups
	{"ip", "10.213.47.198"},                       // an IP of ten digits
}

// Twins are clean values shaped like Corpus (same classes, same
// punctuation): a scrubber that knows Corpus must leave them alone.
var Twins = []Value{
	{"password", "Purple4Monkey?"},
	{"name", "Ingrid Åkesson"},
	{"name", "Ödön Varga-Nagy"},
	{"name", "Wiesław Mroczek"},
	{"name", "Émile Fournier"},
	{"tag", "#dev-morning-crew"},
	{"label", "shelf\tC3 bay 09"},
	{"path", "test/us-east/web02"},
	{"user", "build@runner-9"},
	{"secret", "cache:tmp:hourly"},
	{"company", "Black & Decker Tools"},
	{"code", "mn4wt8"},
	{"name", "李大伟"},
	{"name", "Дмитрий Соколов"},
	{"name", "Γεώργιος Αθανασίου"},
	{"email", "a.nowak@southgate-media.net"},
	{"hostname", "web3.dmz.southgate.net."},
	{"phone", "(555) 987-6543"},
	{"handle", "@aurora_dev"},
	{"ip", "192.0.2.77"},
	{"name", "Königsallee Bäcker AG"},
	{"hostname", "äpfel-markt.düren-ost.example"},
	{"name", "Gülşen Yıldırımtepe"},
	{"password", "Bl4ckc0ff&9?%q"},
	{"secret", "Wq2\tn%Rp@4/z"},
	{"password", "Vt3$mZ"},
	{"card", "5281037265914408"},
	{"iban", "NO2715032080119"},
	{"phone", "+47 480 12 345"},
	{"ip", "172.31.96.254"},
}

// Words are the words of 6 or more letters of the multi-word values
// (split at spaces and hyphens): a log may print one alone ("Østergaard"
// of a full name), and the scrubber that knows the whole value must
// find it in every form.
func Words(values []Value) []Value {
	var out []Value
	seen := map[string]bool{}
	for _, v := range values {
		if strings.Contains(v.Text, ".") {
			continue // (a host name's labels are not words: its whole is its key)
		}
		words := strings.FieldsFunc(v.Text, func(r rune) bool { return unicode.IsSpace(r) || r == '-' })
		if len(words) < 2 {
			continue
		}
		for _, w := range words {
			if len([]rune(w)) >= 6 && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 && !seen[w] {
				seen[w] = true
				out = append(out, Value{v.Kind + "-word", w})
			}
		}
	}
	return out
}

// Filler renders a form's context: what the form prints around any value.
const filler = "qxqxqxqxqxqxqx"

// Probe is one value in one form: lines [First, First+N) of the log.
type Probe struct {
	Value       Value
	Form        string
	First, N    int
	contextView []string
}

// Log renders every value in every form that applies, each line with a
// log header; after each probe come the same form of the twin (of the
// same index, when twins are given) and one of the ordinary lines. It
// returns the log, the probes and the numbers of the clean lines (twins'
// and ordinary ones).
func Log(values, twins []Value, ordinary []string) (string, []Probe, []int) {
	var b strings.Builder
	var probes []Probe
	var cleanLines []int
	line := 0
	ci := 0
	for vi, v := range values {
		for fi, f := range Forms {
			if f.Applies != nil && !f.Applies(v.Text) {
				continue
			}
			text := withHeaders(f, f.Render(v.Text), vi, fi)
			n := strings.Count(text, "\n")
			probes = append(probes, Probe{Value: v, Form: f.Name, First: line, N: n, contextView: contextView(f)})
			b.WriteString(text)
			line += n
			if vi < len(twins) && !f.Secret && (f.Applies == nil || f.Applies(twins[vi].Text)) {
				t := withHeaders(f, f.Render(twins[vi].Text), vi, fi)
				b.WriteString(t)
				for i := 0; i < strings.Count(t, "\n"); i++ {
					cleanLines = append(cleanLines, line)
					line++
				}
			}
			if len(ordinary) > 0 {
				b.WriteString(ordinary[ci%len(ordinary)])
				b.WriteByte('\n')
				cleanLines = append(cleanLines, line)
				line++
				ci++
			}
		}
	}
	return b.String(), probes, cleanLines
}

// memoMap holds results the judge computes again and again: the views of
// each form's filler rendering (they depend on the form alone, and the
// tests build many logs) and of scrubbed texts.
type memoMap[V any] struct {
	sync.Mutex
	m map[string]V
}

var (
	contextViews memoMap[[]string]
	ctxSkels     memoMap[string]
	outViews     memoMap[[]string]
)

func memo[V any](mm *memoMap[V], key string, f func() V) V {
	mm.Lock()
	v, ok := mm.m[key]
	mm.Unlock()
	if ok {
		return v
	}
	v = f()
	mm.Lock()
	if mm.m == nil || len(mm.m) > 1<<16 { // bounded: a fuzzer's texts never repeat
		mm.m = map[string]V{}
	}
	mm.m[key] = v
	mm.Unlock()
	return v
}

func contextView(f Form) []string {
	return memo(&contextViews, f.Name, func() []string { return Views(withHeaders(f, f.Render(filler), 0, 0)) })
}

func withHeaders(f Form, text string, vi, fi int) string {
	lines := strings.Split(text, "\n")
	var b strings.Builder
	for i, l := range lines {
		if i == 0 || !f.Bare {
			fmt.Fprintf(&b, "2026-11-21 10:%02d:%02d.%03d 4242 INFO nova.db.main.migrations [-] ", vi%60, fi%60, i)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// Pieces are what of v an attacker must not find: the whole value, every
// run of 6 characters (with a letter or digit in it), every word of 4 or
// more letters and digits with a letter among them (a name token),
// and the same for the value's letters and digits alone (Skeleton), as
// separators may change or go.
func Pieces(v string) (raw, skel []string) {
	f := Fold(strings.TrimSpace(v))
	raw = append(raw, f)
	r := []rune(f)
	for i := 0; i+6 <= len(r); i++ {
		if w := string(r[i : i+6]); Skeleton(w) != "" && !zeroRun(w) { // (six spaces tell nothing)
			raw = append(raw, w)
		}
	}
	for _, t := range strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		// (a word of digits alone is a number's part: what chance makes
		// of those is the digit rules', FuzzScrubPlanted's "0 00127"
		// wrapped after its "0")
		if len([]rune(t)) >= 4 && strings.IndexFunc(t, unicode.IsLetter) >= 0 {
			raw = append(raw, t)
		}
	}
	s := []rune(Skeleton(f))
	if len(s) >= 6 {
		skel = append(skel, string(s))
		for i := 0; i+6 <= len(s); i++ {
			if w := string(s[i : i+6]); !zeroRun(w) {
				skel = append(skel, w)
			}
		}
	}
	return raw, skel
}

// zeroRun: w is digits alone, four of them zeros ("000002", "00:00.0"):
// what every hex dump's offsets and every log's times hold, no piece of
// a value (FuzzScrubPlanted's finds in od -c rows of a value of zeros).
func zeroRun(w string) bool {
	zeros := 0
	for _, r := range w {
		switch {
		case r == '0':
			zeros++
		case r >= '1' && r <= '9', r == ':', r == '.', r == ' ':
		default:
			return false
		}
	}
	return zeros >= 4
}

// Leak is a probe whose value the attacker still finds, and how.
type Leak struct {
	Probe Probe
	Piece string // what was found (test data only: never print real values)
	View  string // the decoded view it was found in
}

func (l Leak) String() string {
	view := l.View
	if len(view) > 160 {
		view = view[:160] + "..."
	}
	return fmt.Sprintf("%s %q as %s: %q found in %q", l.Probe.Value.Kind, l.Probe.Value.Text, l.Probe.Form, l.Piece, view)
}

// Check plays the attacker on scrubbed, the scrubber's output for log:
// every probe whose value (or a distinctive piece: one the form's own
// text does not hold) shows in any decoded view is a leak; every clean
// line that changed is reported by number.
func Check(log, scrubbed string, probes []Probe, cleanLines []int) (leaks []Leak, altered []int, err error) {
	in := strings.SplitAfter(log, "\n")
	out := strings.SplitAfter(scrubbed, "\n")
	if len(in) != len(out) {
		return nil, nil, fmt.Errorf("scrubbing changed the number of lines: %d -> %d", len(in), len(out))
	}
	for _, n := range cleanLines {
		if in[n] != out[n] {
			altered = append(altered, n)
		}
	}
	for _, p := range probes {
		text := markerTag.ReplaceAllString(strings.Join(out[p.First:p.First+p.N], ""), markerSep)
		if l, ok := leak(p, text); ok {
			leaks = append(leaks, l)
		}
	}
	return leaks, altered, nil
}

// markerTag finds the scrubber's markers; Check reads each as markerSep,
// a separator no piece crosses (in the skeleton too). A marker's 4-digit
// tag is keyed noise, and its words are the scrubber's: a value's token
// "0000" matching a tag by chance (1 in 65,536 per marker), or "ybaste"
// in the Caesar reading of "scrubbed:v:] where" (both FuzzScrubPlanted
// finds), is not the attacker learning anything.
var markerTag = regexp.MustCompile(`\[scrubbed:[A-Za-z0-9_.-]+:[0-9a-f]{4}\]`)

const markerSep = "\uffff"

// skeletonParts is Skeleton of each part of v between markers.
func skeletonParts(v string) string {
	if !strings.Contains(v, markerSep) {
		return Skeleton(v)
	}
	parts := strings.Split(v, markerSep)
	for i := range parts {
		parts[i] = Skeleton(parts[i])
	}
	return strings.Join(parts, markerSep)
}

func leak(p Probe, text string) (Leak, bool) {
	raw, skel := Pieces(p.Value.Text)
	ctxRaw := strings.Join(p.contextView, "\x00")
	ctxSkel := memo(&ctxSkels, p.Form, func() string {
		var sk []string
		for _, v := range p.contextView {
			sk = append(sk, Skeleton(v))
		}
		return strings.Join(sk, "\x00")
	})
	// The same scrubbed text comes back from every mode of a test (the
	// markers' tags are masked): its views are read once.
	views := memo(&outViews, text, func() []string { return Views(text) })
	for _, v := range views {
		for _, piece := range raw {
			if strings.Contains(v, piece) && !strings.Contains(ctxRaw, piece) {
				return Leak{p, piece, v}, true
			}
		}
		sv := skeletonParts(v)
		for _, piece := range skel {
			if strings.Contains(sv, piece) && !strings.Contains(ctxSkel, piece) {
				return Leak{p, piece, sv}, true
			}
		}
	}
	return Leak{}, false
}

// Plant renders v in the form named form as its own lines between before
// and after (each a whole number of lines, or empty): the log and its one
// probe, for Check (with no clean lines).
func Plant(before, after string, v Value, form Form) (string, []Probe) {
	if before != "" && !strings.HasSuffix(before, "\n") {
		before += "\n"
	}
	text := withHeaders(form, form.Render(v.Text), 0, 0)
	p := Probe{Value: v, Form: form.Name, First: strings.Count(before, "\n"), N: strings.Count(text, "\n"),
		contextView: Views(withHeaders(form, form.Render(filler), 0, 0))}
	return before + text + after, []Probe{p}
}
