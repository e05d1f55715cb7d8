package registry

import (
	"context"
	"sync"
)

// Created collects the ids of what one integration call created (a video,
// an upload), so that the audit record of the call, and the error of a run
// that was interrupted, timed out or failed later, can name them. The
// host puts one on every call's context; handlers report through
// ReportCreated as soon as the service has answered.
type Created struct {
	mu  sync.Mutex
	ids map[string]any
}

type createdKey struct{}

// WithCreated returns a context whose calls report created ids to c.
func WithCreated(ctx context.Context, c *Created) context.Context {
	return context.WithValue(ctx, createdKey{}, c)
}

// ReportCreated records that the call on ctx created the resource key=id
// (for example "video_id", "abc123"). A key reported again with another id
// (a batch of uploads) holds the list of ids. Without a collector on ctx it
// does nothing; an empty id is ignored.
func ReportCreated(ctx context.Context, key, id string) {
	c, ok := ctx.Value(createdKey{}).(*Created)
	if !ok || c == nil || id == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]any{}
	}
	switch old := c.ids[key].(type) {
	case nil:
		c.ids[key] = id
	case string:
		if old != id {
			c.ids[key] = []any{old, id}
		}
	case []any:
		c.ids[key] = append(old, id)
	}
}

// IDs returns a copy of what was reported, or nil when nothing was.
func (c *Created) IDs() map[string]any {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ids) == 0 {
		return nil
	}
	out := make(map[string]any, len(c.ids))
	for k, v := range c.ids {
		if list, ok := v.([]any); ok {
			v = append([]any(nil), list...)
		}
		out[k] = v
	}
	return out
}
