package heygen_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

func TestCallSendsPathQueryAndBody(t *testing.T) {
	c, f := newFake(t, always(200, `{"data": {"id": "ls 1", "width": 1080.0, "ratio": 0.5, "extra": {"n": [1, 2.0]}, "gone": null}, "request_id": "r1"}`))
	ep := heygen.Endpoint{Method: "PATCH", Path: "/v3/lipsyncs/{lipsync_id}", PathParams: []string{"lipsync_id"}, Body: "json"}
	res, err := c.Call(context.Background(), ep, map[string]string{"lipsync_id": "ls 1/x"}, nil, map[string]any{"title": "New"})
	require.NoError(t, err)
	req := f.last(t)
	assert.Equal(t, "PATCH", req.Method)
	assert.Equal(t, "/v3/lipsyncs/ls%201%2Fx", req.Path)
	assert.Equal(t, map[string]any{"title": "New"}, req.JSON(t))
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, testKey, req.Header.Get("X-Api-Key"))

	data := res.Data().(map[string]any)
	assert.Equal(t, int64(1080), data["width"], "a whole number written 1080.0 is an integer")
	assert.Equal(t, 0.5, data["ratio"])
	assert.Equal(t, map[string]any{"n": []any{int64(1), int64(2)}}, data["extra"], "unknown fields are kept")
	assert.Contains(t, data, "gone")
	assert.Equal(t, "r1", res.Body["request_id"], "top-level members are kept")
}

func TestCallGeneratedMethodWithQuery(t *testing.T) {
	c, f := newFake(t, always(200, `{"data": [{"id": "a"}], "has_more": true, "next_token": "t2"}`))
	res, err := c.SearchAssets(context.Background(), url.Values{"query": {"cat"}, "type": {"image"}})
	require.NoError(t, err)
	req := f.last(t)
	assert.Equal(t, "GET /v3/assets/search", req.Method+" "+req.Path)
	assert.Equal(t, "cat", req.Query.Get("query"))
	assert.Empty(t, req.Body)
	assert.Equal(t, true, res.Body["has_more"])
	assert.Equal(t, "t2", res.Body["next_token"])
	assert.Equal(t, []any{map[string]any{"id": "a"}}, res.Data())
}

func TestCallErrors(t *testing.T) {
	t.Run("missing path parameter", func(t *testing.T) {
		c, f := newFake(t, always(200, `{"data": {}}`))
		_, err := c.GetLipsync(context.Background(), "")
		require.ErrorIs(t, err, heygen.ErrEmptyID)
		assert.Empty(t, f.requests())
	})
	t.Run("HeyGen error", func(t *testing.T) {
		c, _ := newFake(t, always(404, `{"error": {"code": "not_found", "message": "no such lipsync"}}`))
		_, err := c.GetLipsync(context.Background(), "x")
		var apiErr *heygen.APIError
		require.True(t, errors.As(err, &apiErr))
		assert.Equal(t, "not_found", apiErr.Code)
		requireNoKey(t, err)
	})
	t.Run("POST is not retried after a 500", func(t *testing.T) {
		c, f := newFake(t, always(500, `{"error": {"code": "internal_error", "message": "boom"}}`))
		_, err := c.CreateLipsync(context.Background(), map[string]any{})
		require.Error(t, err)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("GET is retried after a 500", func(t *testing.T) {
		c, f := newFake(t, sequence(always(500, `{}`), always(200, `{"data": {"id": "x"}}`)))
		_, err := c.GetLipsync(context.Background(), "x")
		require.NoError(t, err)
		assert.Len(t, f.requests(), 2)
	})
	t.Run("multipart is refused", func(t *testing.T) {
		c, f := newFake(t, always(200, `{"data": {}}`))
		_, err := c.Call(context.Background(), heygen.Endpoint{Method: http.MethodPost, Path: "/v3/assets", Body: "multipart"}, nil, nil, nil)
		require.Error(t, err)
		assert.Empty(t, f.requests())
	})
}

func TestEndpointsListEveryRequestOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, ep := range heygen.Endpoints() {
		assert.False(t, seen[ep.String()], ep.String())
		seen[ep.String()] = true
	}
	assert.Len(t, seen, 85)
}

func TestDecodeJSONNumbers(t *testing.T) {
	for in, want := range map[string]any{
		`7`: int64(7), `7.0`: int64(7), `7e0`: int64(7), `7.5`: 7.5, `-0.25`: -0.25,
		`9007199254740993`: int64(9007199254740993), `1e300`: 1e300,
	} {
		got, err := heygen.DecodeJSON([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

// Endpoints that honour Idempotency-Key get one key per call, the same on
// every attempt, and only they retry a POST after a 5xx.
func TestCallIdempotencyKey(t *testing.T) {
	c, f := newFake(t, sequence(always(503, `{}`), always(200, `{"data": {"batch_id": "b1"}}`)))
	res, err := c.CreateLipsyncBatch(context.Background(), map[string]any{"lipsyncs": []any{}})
	require.NoError(t, err)
	assert.Equal(t, "b1", res.Data().(map[string]any)["batch_id"])
	reqs := f.requests()
	require.Len(t, reqs, 2, "a keyed POST is retried")
	key := reqs[0].Header.Get("Idempotency-Key")
	assert.NotEmpty(t, key)
	assert.Equal(t, key, reqs[1].Header.Get("Idempotency-Key"), "the retry repeats the key")
	assert.Equal(t, string(reqs[0].Body), string(reqs[1].Body))

	_, err = c.CreateLipsyncBatch(context.Background(), map[string]any{"lipsyncs": []any{}})
	require.NoError(t, err)
	assert.NotEqual(t, key, f.last(t).Header.Get("Idempotency-Key"), "each call has its own key")

	c2, f2 := newFake(t, always(503, `{}`))
	_, err = c2.CreateVideoBatch(context.Background(), map[string]any{"videos": []any{}})
	require.Error(t, err)
	require.Len(t, f2.requests(), 1, "a POST without a key is not retried")
	assert.Empty(t, f2.requests()[0].Header.Get("Idempotency-Key"))
}
