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

// paginate walks a list endpoint page by page, starting at token. It yields
// every item, then stops at the last page, when the consumer stops, or at
// the first error (which it yields with a zero item).
func paginate[T any](ctx context.Context, token string, fetch func(ctx context.Context, token string) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
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
			if page.NextToken == token {
				// A cursor that does not move would loop forever.
				yield(zero, fmt.Errorf("heygen: pagination stalled: next_token %q repeats the current token", token))
				return
			}
			token = page.NextToken
		}
	}
}
