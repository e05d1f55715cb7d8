package integration

import (
	"context"
	"strconv"

	"github.com/kosmo-dev/kosmo/heygen"
)

// maxEmptyPages is how many pages in a row may bring no item while
// claiming more before a walk is declared stuck.
const maxEmptyPages = 10

// cursor remembers, for one listing, the token and the position of the
// first item of every page seen so far, and where the listing ends.
type cursor struct {
	tokens []string // tokens[k] fetches page k; tokens[0] is ""
	starts []int    // starts[k] is the position of page k's first item
	end    int      // index of the last page, or -1 while unknown
}

// guard stops a walk whose cursor does not advance: a next_token that was
// already used, or pages that keep bringing nothing while claiming more.
type guard struct {
	seen  map[string]bool
	empty int
}

func newGuard(tokens ...string) *guard {
	g := &guard{seen: map[string]bool{}}
	for _, t := range tokens {
		g.seen[t] = true
	}
	return g
}

// next checks the step from a page to the one its next_token names.
func (g *guard) next(items int, next string) error {
	if items == 0 {
		g.empty++
	} else {
		g.empty = 0
	}
	msg := ""
	switch {
	case g.seen[next]:
		msg = "pagination does not advance: next_token \"" + next + "\" was already used"
	case g.empty >= maxEmptyPages:
		msg = "pagination does not advance: " + strconv.Itoa(g.empty) + " pages in a row had no items but claimed more"
	}
	if msg != "" {
		// An APIError, so that mapError names the function and codes it api_error.
		return &heygen.APIError{StatusCode: 200, Code: heygen.CodePaginationLoop, Message: msg + " (stopped instead of looping for ever)"}
	}
	g.seen[next] = true
	return nil
}

// window returns items [offset, offset+limit) of a token-paginated listing
// read in pages of up to pageSize. HeyGen's API has no offsets, so pages
// are walked from the nearest known page; tokens and page positions are
// kept for the rest of the run, so listing offsets 0, 100, 200, ... costs
// one request each. Positions count the items HeyGen actually returned, so
// short pages shift the window correctly. more reports whether items exist
// past the window.
func window[T any](ctx context.Context, s *session, key string, pageSize, offset, limit int,
	fetch func(ctx context.Context, limit int, token string) (*heygen.Page[T], error)) (items []T, more bool, err error) {
	s.mu.Lock()
	cur := s.cursors[key]
	if cur == nil {
		cur = &cursor{tokens: []string{""}, starts: []int{0}, end: -1}
		s.cursors[key] = cur
	}
	// Start from the last known page that begins at or before offset.
	p := 0
	for k := len(cur.starts) - 1; k >= 0; k-- {
		if cur.starts[k] <= offset {
			p = k
			break
		}
	}
	tokens := append([]string(nil), cur.tokens...)
	s.mu.Unlock()

	items = []T{}
	g := newGuard(tokens[:p+1]...)
	for {
		page, err := fetch(ctx, pageSize, tokens[p])
		if err != nil {
			return nil, false, err
		}
		base := offsetOf(s, cur, p)
		last := !page.HasMore || page.NextToken == ""
		s.mu.Lock()
		if last {
			cur.end = p
		} else if p+1 == len(cur.tokens) {
			cur.tokens = append(cur.tokens, page.NextToken)
			cur.starts = append(cur.starts, base+len(page.Data))
		}
		s.mu.Unlock()
		for i, it := range page.Data {
			pos := base + i
			if pos >= offset+limit {
				return items, true, nil
			}
			if pos >= offset {
				items = append(items, it)
			}
		}
		if last {
			return items, false, nil
		}
		if err := g.next(len(page.Data), page.NextToken); err != nil {
			return nil, false, err
		}
		if base+len(page.Data) >= offset+limit {
			// The window is full; more exist since this page said so.
			return items, true, nil
		}
		p++
		if p >= len(tokens) {
			tokens = append(tokens, page.NextToken)
		}
	}
}

// offsetOf reads the position of page p's first item.
func offsetOf(s *session, cur *cursor, p int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cur.starts[p]
}

// all walks every page of a listing, up to max items (0 = no cap).
func all[T any](ctx context.Context, pageSize, max int,
	fetch func(ctx context.Context, limit int, token string) (*heygen.Page[T], error)) ([]T, bool, error) {
	out := []T{}
	token := ""
	g := newGuard(token)
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
		if err := g.next(len(page.Data), page.NextToken); err != nil {
			return nil, false, err
		}
		token = page.NextToken
	}
}
