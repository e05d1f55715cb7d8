package integration

import (
	"context"

	"github.com/kosmo-dev/kosmo/heygen"
)

// cursor remembers, for one listing, the token of every page seen so far
// and where the listing ends.
type cursor struct {
	tokens []string // tokens[k] fetches page k; tokens[0] is ""
	end    int      // index of the last page, or -1 while unknown
}

// window returns items [offset, offset+limit) of a token-paginated listing
// read in fixed pages of pageSize. HeyGen's API has no offsets, so pages
// are walked from the nearest known token; tokens are kept for the rest of
// the run, so listing offsets 0, 100, 200, ... costs one request each.
// more reports whether items exist past the window.
func window[T any](ctx context.Context, s *session, key string, pageSize, offset, limit int,
	fetch func(ctx context.Context, limit int, token string) (*heygen.Page[T], error)) (items []T, more bool, err error) {
	s.mu.Lock()
	cur := s.cursors[key]
	if cur == nil {
		cur = &cursor{tokens: []string{""}, end: -1}
		s.cursors[key] = cur
	}
	s.mu.Unlock()

	first := offset / pageSize
	last := (offset + limit - 1) / pageSize
	items = []T{}
	if cur.end >= 0 && first > cur.end {
		return items, false, nil // past the end seen earlier in this run
	}
	for p := min(first, len(cur.tokens)-1); p <= last; p++ {
		if cur.end >= 0 && p > cur.end {
			return items, false, nil
		}
		page, err := fetch(ctx, pageSize, cur.tokens[p])
		if err != nil {
			return nil, false, err
		}
		s.mu.Lock()
		if page.HasMore && page.NextToken != "" {
			if p+1 == len(cur.tokens) {
				cur.tokens = append(cur.tokens, page.NextToken)
			}
		} else {
			cur.end = p
		}
		s.mu.Unlock()
		if p < first {
			continue // walking towards the window to learn tokens
		}
		base := p * pageSize
		for i, it := range page.Data {
			pos := base + i
			if pos >= offset+limit {
				return items, true, nil
			}
			if pos >= offset {
				items = append(items, it)
			}
		}
		if !page.HasMore || page.NextToken == "" {
			return items, false, nil
		}
		if p == last {
			return items, true, nil
		}
	}
	return items, cur.end < 0 || last < cur.end, nil
}

// all walks every page of a listing, up to max items (0 = no cap).
func all[T any](ctx context.Context, pageSize, max int,
	fetch func(ctx context.Context, limit int, token string) (*heygen.Page[T], error)) ([]T, bool, error) {
	out := []T{}
	token := ""
	for {
		page, err := fetch(ctx, pageSize, token)
		if err != nil {
			return nil, false, err
		}
		for _, it := range page.Data {
			if max > 0 && len(out) >= max {
				return out, true, nil
			}
			out = append(out, it)
		}
		if !page.HasMore || page.NextToken == "" {
			return out, false, nil
		}
		if max > 0 && len(out) >= max {
			return out, true, nil
		}
		token = page.NextToken
	}
}
