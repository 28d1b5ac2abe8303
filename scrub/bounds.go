package scrub

// Bounds: what one line may cost. A line longer than maxLine is scanned
// in pieces (readBlocks), and what blobs inflate to is bounded per line,
// so no input makes a worker hold more than a few times maxLine, or work
// without end (a gzip bomb in a base64 run). What could not be read
// whole is not passed through: it is scrubbed whole (fail closed).

// inflateBudget bounds the bytes the blobs of one line (or piece) may
// inflate to, in all: base64 of gzip in a log (Nova's user_data, at most
// 64 KB of base64) inflates to less. A blob past it is scrubbed
// whole.
const inflateBudget = 1 << 20

// Kind and source of a blob scrubbed whole because it could not be read
// whole (the report counts "limit:blob").
const (
	kindBlob    = "blob"
	sourceLimit = "limit"
)

// setCuts notes where the block's line was cut, if it was.
func (w *worker) setCuts(b *block) {
	w.cutHead, w.cutTail = nil, nil
	if len(b.in) == 0 {
		return
	}
	if b.cutStart {
		w.cutHead = &b.in[0]
	}
	if b.cutEnd {
		w.cutTail = &b.in[len(b.in)-1]
	}
}

// atCut: the run [i, k) of v, a view of the line being scanned, reaches
// a cut of a long line (its start or its end). What lies past the cut is
// scanned with the next piece, so neither part of the run can be decoded
// whole (a value across the cut, a gzip stream's tail without its
// head): the run is scrubbed whole, on each side.
func (w *worker) atCut(v *view, i, k int) bool {
	line := w.curLine
	if w.cutHead == nil && w.cutTail == nil || len(line) == 0 {
		return false
	}
	a, b := v.source(i, k)
	return a == 0 && w.cutHead == &line[0] || b == len(line) && w.cutTail == &line[len(line)-1]
}

// inflateRoom is how much more the line's blobs may inflate to.
func (w *worker) inflateRoom() int { return max(inflateBudget-w.inflated, 0) }
