package sqldump

import "sort"

// ValueAt finds the value whose bytes (as read: quotes and introducer
// included) hold offset off of the statement's Raw: its row and column.
// ok is false for an offset between values (the head, separators). It
// lets a checker say where in the rows a finding is without showing it.
func (in *Insert) ValueAt(off int) (row, col int, ok bool) {
	i := sort.Search(len(in.spans), func(i int) bool { return int(in.spans[i].end) > off })
	if i == len(in.spans) || int(in.spans[i].start) > off || in.width == 0 {
		return 0, 0, false
	}
	return i / in.width, i % in.width, true
}

// ValueSpan is the byte range in the statement's Raw of the value at
// row, col as read (quotes and introducer included).
func (in *Insert) ValueSpan(row, col int) (start, end int) {
	sp := in.spans[row*in.width+col]
	return int(sp.start), int(sp.end)
}
