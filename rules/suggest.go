package rules

import (
	"strings"
	"unicode/utf8"
)

// suggest returns "; did you mean X?" for the candidate nearest to word
// (edit distance, case ignored), or "" when none is near.
func suggest(word string, candidates []string) string {
	if n := Nearest(word, candidates); n != "" {
		return "; did you mean " + n + "?"
	}
	return ""
}

// Nearest returns the candidate closest to word by edit distance, when
// it is close enough to be a typo of it (at most a third of the word's
// letters, and at least one); "" otherwise.
func Nearest(word string, candidates []string) string {
	w := strings.ToLower(word)
	limit := utf8.RuneCountInString(w) / 3
	if limit < 1 {
		limit = 1
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		d := distance(w, strings.ToLower(c), bestD)
		if d < bestD || d == bestD && best != "" && c < best {
			best, bestD = c, d
		}
	}
	if bestD > limit {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b (adjacent
// transpositions count one), or more than max when it exceeds max.
func distance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
