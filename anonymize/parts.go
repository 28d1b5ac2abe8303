package anonymize

import "bytes"

// knownBy reports v (of kind) to visit, and the parts of it a scrubber
// must know alone: a URL's parts (urlParts), and the data inside free
// text (hosts, addresses, e-mails, URLs, ids), each known by its own
// parts in turn. What the kind keeps as it is is not reported.
func (w *worker) knownBy(kind string, v []byte, visit func(kind string, v []byte)) {
	if keptAsIs(kind, v) {
		return
	}
	visit(kind, v)
	switch {
	case kind == "url":
		urlParts(w, v, visit)
	case kind == "text" && mayHoldData(v):
		w.rewriteText(v, func(k string, d []byte) { w.knownBy(k, d, visit) })
	}
}

// PartFinder finds the parts of values known in plaintext (gate scrub's
// values files, its config) that a scrubber must know alone, by the
// rules fuzzy index follows for a dump's values (Collect). Not safe for
// concurrent use.
type PartFinder struct{ w *worker }

// NewPartFinder returns a PartFinder.
func NewPartFinder() *PartFinder {
	return &PartFinder{newWorker(&Key{secret: make([]byte, MinKeyBytes)})} // no transforms run
}

// Parts calls visit with each part of v that is to be known alone (not
// v itself). Such a value's kind is often no column's (a password, a
// bare value), so its shape decides too: a value of kind url, or one
// that is a URL whole (scheme://, no space), is read as a URL; of kind
// json, or a JSON object or array, by the leaves the json kind replaces
// (as a json column's with no paths or keys); any other as free text,
// for the data inside it.
func (p *PartFinder) Parts(kind string, v []byte, visit func(kind string, part []byte)) {
	each := func(k string, part []byte) {
		if !bytes.Equal(part, v) {
			visit(k, part)
		}
	}
	t := bytes.TrimSpace(v)
	if kind == "json" || len(t) > 1 && (t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']') {
		if jsonLeaves(p.w, &colInfo{}, v, func(k string, leaf []byte) { p.w.knownBy(k, leaf, each) }) {
			return
		}
	}
	as := "text"
	if kind == "url" || isURLShaped(v) {
		as = "url"
	}
	p.w.knownBy(as, v, each)
}

// isURLShaped: scheme://..., without white space.
func isURLShaped(v []byte) bool {
	i := bytes.Index(v, []byte("://"))
	if i <= 0 || bytes.ContainsAny(v, " \t\r\n") {
		return false
	}
	for j, c := range v[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-')) {
			return false
		}
	}
	return true
}
