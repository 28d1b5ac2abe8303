package scrub

import "bytes"

// Container log records that carry one log line in parts: Docker's
// json-file driver and the CRI format (Kubernetes' kubelet, containerd,
// CRI-O) cut a line over 16 KB into records, and only the last ends the
// line. A value cut between two records is read across their seam as
// one cut between two lines is (seam.go): from where the first record's
// text ends (not the line's: json-file's record goes on with its stream
// and time) to where the second's begins (after its prefix).

// dockerPrefixes: how a json-file record begins (Docker writes it
// compact; Python's json.dumps puts a space after the colon).
var dockerPrefixes = [...][]byte{[]byte(`{"log":"`), []byte(`{"log": "`)}

// dockerLog is where a json-file record's log text is in line ([from,
// to), escapes as written) and whether it is partial: no "\n" ends it.
func dockerLog(line []byte) (from, to int, partial, ok bool) {
	for _, p := range dockerPrefixes {
		if !bytes.HasPrefix(line, p) {
			continue
		}
		for i := len(p); i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				body := line[len(p):i]
				return len(p), i, !bytes.HasSuffix(body, []byte(`\n`)) || bytes.HasSuffix(body, []byte(`\\n`)) && !bytes.HasSuffix(body, []byte(`\\\n`)), true
			}
		}
		return 0, 0, false, false
	}
	return 0, 0, false, false
}

// criPartial: after a CRI record's timestamp and stream, a tags field,
// "P" for a partial record, "F" for the last ("2024-05-14T09:12:33.5Z
// stdout P ..."): where a shares a header with b, a's may end in "P "
// where b's ends in "F " or "P ".
func criPartial(a, b []byte, n int) bool {
	return n+2 <= len(a) && n+2 <= len(b) && a[n] == 'P' && a[n+1] == ' ' && (b[n] == 'P' || b[n] == 'F') && b[n+1] == ' '
}

// recordSide: for a partial json-file record, its fully decoded view v
// cut where the record's text ends, and where in it a value may start
// that goes on in the next record; ok false if none may.
func (w *worker) recordSide(line []byte, v *view) (seamSide, bool) {
	_, to, partial, ok := dockerLog(line)
	if !ok || !partial || w.m.skel == nil {
		return seamSide{}, false
	}
	k := to
	if v.start != nil {
		k = 0
		for k < len(v.start) && int(v.start[k]) < to {
			k++
		}
	}
	if k > len(v.text) {
		return seamSide{}, false
	}
	sub := &view{text: v.text[:k]}
	if v.start != nil {
		sub.start, sub.end = v.start[:k], v.end[:k]
	}
	// (scanned again, cut: a key that runs into the cut says where it
	// may go on; its spans here are the line's, found already)
	w.goesOn = false
	w.scanView(sub, false, nil)
	t := w.tailOf(&w.sk, sub.text)
	return seamSide{sub, t}, t.at >= 0
}
