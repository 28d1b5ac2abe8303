package anonymize

// SetMemo turns the memory of fakes (memo.go) on or off for the runs
// that follow, and returns how many values it has given so far.
func SetMemo(on bool) int64 {
	memoOff = !on
	return memoHits.Load()
}
