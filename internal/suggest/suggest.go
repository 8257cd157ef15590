// Package suggest finds the word a user most likely meant: the config
// key, the scheme or the subcommand behind a typo, for "did you mean"
// messages. It knows no word lists of its own; callers pass them.
package suggest

import "strings"

// Closest returns the candidate that word most likely misspells, or "".
// Case, '-' and '_' are ignored first ("lockout-cooldown", "responseHeader"),
// then a few typos are allowed, more for longer words.
func Closest(word string, candidates []string) string {
	w := Fold(word)
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(w, Fold(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(1, len(w)/3)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// Fold is s without case, '-' and '_': two names that fold alike are the same
// word written another way ("no-proxy", "NoProxy", "no_proxy").
func Fold(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("_", "", "-", "").Replace(s)
}

// editDistance is the Levenshtein distance over bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
