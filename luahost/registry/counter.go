package registry

import (
	"context"
	"sync/atomic"
)

type counterKey struct{}

// WithRequestCounter returns a context that counts the HTTP requests made
// on its behalf. The host puts one on every integration call so that the
// audit can say how many requests the call cost.
func WithRequestCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, counterKey{}, n)
}

// CountRequest records one HTTP request against ctx's counter, if any.
// Integrations call it from their transport, once per attempt.
func CountRequest(ctx context.Context) {
	if n, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// UncountRequest takes back one request counted against ctx: a dry run
// answers it from the simulator instead of sending it.
func UncountRequest(ctx context.Context) {
	if n, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		n.Add(-1)
	}
}
