package heygen

import (
	"context"
	"fmt"
	"iter"
)

// Page is one page of a list endpoint. Ask for the next page by passing
// NextToken as the Token of the same list parameters; there is no next page
// when HasMore is false or NextToken is empty.
type Page[T any] struct {
	Data      []T
	HasMore   bool
	NextToken string
}

// maxEmptyPages is how many pages in a row may bring no item while
// claiming more exist before a walk is declared stuck.
const maxEmptyPages = 10

// paginate walks a list endpoint page by page, starting at token. It yields
// every item, then stops at the last page, when the consumer stops, or at
// the first error (which it yields with a zero item). A cursor that comes
// back to a token already used, or pages that keep bringing nothing while
// claiming more, end the walk with an *APIError (CodePaginationLoop)
// instead of looping for ever.
func paginate[T any](ctx context.Context, token string, fetch func(ctx context.Context, token string) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{token: true}
		empty := 0
		for {
			page, err := fetch(ctx, token)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range page.Data {
				if !yield(item, nil) {
					return
				}
			}
			if !page.HasMore || page.NextToken == "" {
				return
			}
			if len(page.Data) == 0 {
				empty++
			} else {
				empty = 0
			}
			if seen[page.NextToken] || empty >= maxEmptyPages {
				yield(zero, paginationLoop(token, page.NextToken, empty))
				return
			}
			seen[page.NextToken] = true
			token = page.NextToken
		}
	}
}

// paginationLoop describes a listing whose cursor does not advance.
func paginationLoop(token, next string, empty int) *APIError {
	msg := fmt.Sprintf("pagination does not advance: next_token %q was already used", next)
	if empty >= maxEmptyPages {
		msg = fmt.Sprintf("pagination does not advance: %d pages in a row had no items but claimed more", empty)
	}
	return &APIError{StatusCode: 200, Code: CodePaginationLoop, Message: msg + " (stopped instead of looping for ever)"}
}
