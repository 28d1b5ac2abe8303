package scrub

// Match is one secret found in a buffer: where it is and what it is,
// never the value itself. Start and End are byte offsets into the buffer
// given to Find; an encoded form (a base64 run, a hex blob) is reported
// as the whole run that holds the value.
type Match struct {
	Start, End int
	Kind       string // the value's kind (hostname, email, ...) or the pattern's name
	Source     string // values, index, run, config, or pattern
}

// The Kind of a match that is a piece of a known value rather than the
// whole value: one word of a multi-word value, or the first bytes of a
// long value cut short (as MariaDB's messages cut them).
const (
	KindWord   = "token"
	KindPrefix = "prefix"
)

// Find reports, in order of position, every secret in buf that Scrub
// would replace: known values (index, value lists, the run's secrets) in
// every form Scrub decodes, and the patterns. Matches do not overlap.
// buf is read as lines ('\n'); a value split over two lines gives a match
// in each. Find is safe for concurrent use; found must not keep buf.
//
// It is the one matcher for logs and dumps: gate scrub writes markers
// over these spans, fuzzy verify counts them.
func (s *Scrubber) Find(buf []byte, found func(Match)) {
	w := s.getWorker()
	defer s.putWorker(w)
	inKey := false
	off := 0
	w.scanLines(buf, nil, nil, &inKey, func(line []byte, spans []span) {
		for _, sp := range mergeSpans(w.dropInMarkers(line, spans)) {
			found(Match{Start: off + sp.start, End: off + sp.end, Kind: sp.kind, Source: sp.source})
		}
		off += len(line)
	})
}
