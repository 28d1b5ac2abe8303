package scrub

import "bytes"

// Seams: a value cut over two lines ("...password=Correct9" on one,
// "Horse! ..." on the next; pprint's ('Customer ACME '\n 'Corp')). The
// end of each line's decoded text is joined with the start of the
// next's (after the log header both lines share) and scanned; a value
// found across the join is scrubbed in both lines.

// seamBytes: how much of each side of a seam is joined.
const seamBytes = 4 * maxScan

// lineResult is one line with its spans and its decoded view (for the
// seams).
type lineResult struct {
	line  []byte
	spans []span
	final *view
}

// scanLines finds the secrets of every line in data ('\n'-terminated,
// the last one maybe not) and calls emit for each, in order, with its
// spans. prev and next are the lines just before and after data (nil at
// the stream's edges): the seams with them count, only data's side of
// them is reported.
func (w *worker) scanLines(data, prev, next []byte, inKey *bool, emit func(line []byte, spans []span)) {
	var last *lineResult
	if prev != nil && w.m.skel != nil {
		last = &lineResult{line: prev, final: finalView(prev)}
	}
	first := true
	for len(data) > 0 {
		n := bytes.IndexByte(data, '\n') + 1
		if n == 0 {
			n = len(data)
		}
		cur := &lineResult{line: data[:n]}
		cur.spans, cur.final = w.spans(cur.line, inKey)
		if last != nil && w.m.skel != nil {
			a, b := w.seam(last, cur)
			if !first {
				last.spans = append(last.spans, a...)
			}
			cur.spans = append(cur.spans, b...)
		}
		if last != nil && !first {
			emit(last.line, last.spans)
		}
		last, first = cur, false
		data = data[n:]
	}
	if last == nil || first {
		return
	}
	if next != nil && w.m.skel != nil {
		a, _ := w.seam(last, &lineResult{line: next, final: finalView(next)})
		last.spans = append(last.spans, a...)
	}
	emit(last.line, last.spans)
}

// finalView is a line's text with every escape undone, as knownSpans
// leaves it.
func finalView(line []byte) *view {
	cur := &view{text: bytes.TrimRight(line, "\r\n")}
	for round := 0; round < 3 && needsDecoding(cur.text); round++ {
		next := &view{}
		if !unescape(cur.text, next) {
			break
		}
		next.compose(cur)
		cur = next
	}
	return cur
}

// sharedHeader is how many bytes of b are a log header a shares (the
// same text, digits counting as equal), cut back to a space.
func sharedHeader(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && (a[n] == b[n] || isDigit(a[n]) && isDigit(b[n])) {
		n++
	}
	for n > 0 && b[n-1] != ' ' {
		n--
	}
	if n < 16 {
		return 0
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// seam finds the values across the join of two lines: the spans each
// line gets.
func (w *worker) seam(a, b *lineResult) (sa, sb []span) {
	ta, tb := a.final, b.final
	if len(ta.text) == 0 || len(tb.text) == 0 {
		return nil, nil
	}
	// Where b's content starts (after a header shared with a), in b's
	// view.
	skip := sharedHeader(a.line, b.line)
	hs := 0
	for hs < len(tb.text) {
		st, _ := tb.source(hs, hs+1)
		if st >= skip {
			break
		}
		hs++
	}
	as := max(0, len(ta.text)-seamBytes)
	he := min(len(tb.text), hs+seamBytes)
	j := &w.seamView
	j.text, j.start, j.end = j.text[:0], j.start[:0], j.end[:0]
	for i := as; i < len(ta.text); i++ {
		st, en := ta.source(i, i+1)
		j.push(ta.text[i], st, en)
	}
	at := len(j.text)
	for i := hs; i < he; i++ {
		st, en := tb.source(i, i+1)
		j.push(tb.text[i], st, en)
	}
	if at == 0 || at == len(j.text) {
		return nil, nil
	}
	aEnd := int(j.end[at-1])
	bStart := int(j.start[at])
	w.sk.skeleton(j.text)
	w.hits = w.m.scanSkel(w, &w.sk, false, w.hits[:0])
	for _, h := range w.hits {
		if int(w.sk.src[h.i]) >= at || int(w.sk.end[h.e-1]) <= at {
			continue // on one side only: that line's own scan has it
		}
		st := int(j.start[w.sk.src[h.i]])
		en := int(j.end[w.sk.end[h.e-1]-1])
		sa = append(sa, span{st, aEnd, h.ent.kind, h.ent.source})
		sb = append(sb, span{bStart, en, h.ent.kind, h.ent.source})
	}
	return sa, sb
}
