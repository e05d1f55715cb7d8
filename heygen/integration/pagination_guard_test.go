package integration_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// pagedHost runs the integration against handler (the only HeyGen there is).
func pagedHost(t *testing.T, handler http.HandlerFunc) *luahost.Host {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	h, err := luahost.New(luahost.Options{
		Integrations: []luahost.Binding{{
			Integration: integration.New(),
			Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: srv.URL}},
			Policy:      registry.DefaultPolicy(),
		}},
		Version: "test",
	})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h
}

// shortPages serves 20 videos v0..v19 in pages of 3, whatever limit is asked.
func shortPages(requests *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		start := 0
		if tok := r.URL.Query().Get("token"); tok != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(tok, "p"))
		}
		var items []string
		for i := start; i < start+3 && i < 20; i++ {
			items = append(items, fmt.Sprintf(`{"id":"v%d","status":"completed"}`, i))
		}
		more := start+3 < 20
		next := "null"
		if more {
			next = fmt.Sprintf(`"p%d"`, start+3)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[%s],"has_more":%t,"next_token":%s}`, strings.Join(items, ","), more, next)
	}
}

func ids(t *testing.T, env *luahost.Envelope) []string {
	t.Helper()
	require.Nil(t, env.Error, "%+v", env.Error)
	list := env.Result[0].([]any)
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = v.(string)
	}
	return out
}

// HeyGen may return fewer items than asked: offsets count the items that
// actually came, not pages times the page size.
func TestOffsetsCountShortPages(t *testing.T) {
	var requests atomic.Int64
	h := pagedHost(t, shortPages(&requests))
	list := func(offset, limit int) (*luahost.Envelope, []string) {
		env := h.Run(context.Background(), fmt.Sprintf(`local r = app.integrations.heygen.list_videos({offset = %d, limit = %d})
local out = {} for i, v in ipairs(r.data.videos) do out[i] = v.video_id end
return out, r.data.has_more`, offset, limit), luahost.RunOptions{})
		return env, ids(t, env)
	}
	env, got := list(4, 5)
	assert.Equal(t, []string{"v4", "v5", "v6", "v7", "v8"}, got)
	assert.Equal(t, true, env.Result[1])
	_, got = list(17, 10)
	assert.Equal(t, []string{"v17", "v18", "v19"}, got)
	_, got = list(0, 2)
	assert.Equal(t, []string{"v0", "v1"}, got)
}

func TestListAllStopsOnRepeatingToken(t *testing.T) {
	var requests atomic.Int64
	h := pagedHost(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		next := map[string]string{"": "a", "a": "b", "b": "a"}[r.URL.Query().Get("token")]
		fmt.Fprintf(w, `{"data":[{"id":"x","status":"completed"}],"has_more":true,"next_token":%q}`, next)
	})
	env := h.Run(context.Background(), `return app.integrations.heygen.list_all_videos({})`, luahost.RunOptions{})
	require.NotNil(t, env.Error)
	assert.Equal(t, "api_error", env.Error.Code)
	assert.Contains(t, env.Error.Message, "heygen.list_all_videos")
	assert.Contains(t, env.Error.Message, "does not advance")
	assert.EqualValues(t, 3, requests.Load())
}

func TestListVideosStopsOnEmptyPagesForever(t *testing.T) {
	var requests atomic.Int64
	h := pagedHost(t, func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		fmt.Fprintf(w, `{"data":[],"has_more":true,"next_token":"t%d"}`, n)
	})
	env := h.Run(context.Background(), `return app.integrations.heygen.list_videos({offset = 0, limit = 5})`, luahost.RunOptions{})
	require.NotNil(t, env.Error)
	assert.Equal(t, "api_error", env.Error.Code)
	assert.Contains(t, env.Error.Message, "had no items")
	assert.EqualValues(t, 10, requests.Load())
}
