package registry

import (
	"sort"
	"strings"
)

// Suggest returns up to three candidates close to name: those within an
// edit distance of about a third of name's length, plus candidates that
// contain name or are contained in it, and no more than one edit worse
// than the best. Closest first, then alphabetical.
func Suggest(name string, candidates []string) []string {
	type scored struct {
		s string
		d int
	}
	lname := strings.ToLower(name)
	limit := len(lname)/3 + 1
	if limit > 4 {
		limit = 4
	}
	var hits []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := Distance(lname, lc)
		switch {
		case d <= limit:
		case len(lname) >= 3 && (strings.Contains(lc, lname) || strings.Contains(lname, lc)):
			d = limit + 1
		default:
			continue
		}
		hits = append(hits, scored{c, d})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].d != hits[j].d {
			return hits[i].d < hits[j].d
		}
		return hits[i].s < hits[j].s
	})
	// Keep only the best and those at most one edit worse, so that one
	// clear match is not diluted by merely similar names.
	for i := range hits {
		if hits[i].d > hits[0].d+1 {
			hits = hits[:i]
			break
		}
	}
	if len(hits) > 3 {
		hits = hits[:3]
	}
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.s
	}
	return out
}

// Distance is the Damerau (optimal string alignment) edit distance, so that
// a swapped pair of letters ("vidoes") costs one edit.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	if n == 0 {
		return m
	}
	if m == 0 {
		return n
	}
	prev2 := make([]int, m+1)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}
