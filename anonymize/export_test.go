package anonymize

// SetMemo turns the memory of fakes (memo.go) on or off for the runs
// that follow, and returns how many values it has given so far.
func SetMemo(on bool) int64 {
	memoOff = !on
	return memoHits.Load()
}

// SetMaxUntracked sets how many embedded values one pass remembers, and
// returns the bound it replaces.
func SetMaxUntracked(n int) int {
	old := maxUntracked
	maxUntracked = n
	return old
}
