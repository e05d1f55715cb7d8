package integration_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

type recorded struct {
	method, path, query string
	body                map[string]any
}

// recordingHost runs Lua against a server that records each request and
// answers with answer(method+" "+path).
func recordingHost(t *testing.T, answer func(req string) (int, string)) (*luahost.Host, func() []recorded) {
	t.Helper()
	var mu sync.Mutex
	var seen []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		rec := recorded{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery}
		if len(raw) > 0 {
			require.NoError(t, json.Unmarshal(raw, &rec.body))
		}
		mu.Lock()
		seen = append(seen, rec)
		mu.Unlock()
		status, body := answer(r.Method + " " + r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	h, err := luahost.New(luahost.Options{
		Integrations: []luahost.Binding{{
			Integration: integration.New(),
			Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: srv.URL}},
			Policy:      registry.DefaultPolicy(),
		}},
		Force: true, Version: "test",
	})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h, func() []recorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]recorded(nil), seen...)
	}
}

func TestGeneratedFunctionSendsTheDeclaredRequest(t *testing.T) {
	h, seen := recordingHost(t, func(req string) (int, string) {
		return 200, `{"data": {"lipsync_id": "ls_1", "status": "pending", "width": 1080.0, "novel_field": {"x": 1}}}`
	})
	env := h.Run(context.Background(), `
local r = app.integrations.heygen.create_lipsync({
  video = {type = "url", url = "https://example.com/in.mp4"},
  audio = {type = "asset_id", asset_id = "aud_1"},
  title = "Dub",
})
return r.data.lipsync_id, r.data.width, r.data.novel_field.x`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, "ls_1", env.Result[0])
	assert.EqualValues(t, 1080, env.Result[1])
	assert.EqualValues(t, 1, env.Result[2], "fields kosmo does not know are kept")
	reqs := seen()
	require.Len(t, reqs, 1)
	assert.Equal(t, "POST", reqs[0].method)
	assert.Equal(t, "/v3/lipsyncs", reqs[0].path)
	assert.Equal(t, map[string]any{
		"video": map[string]any{"type": "url", "url": "https://example.com/in.mp4"},
		"audio": map[string]any{"type": "asset_id", "asset_id": "aud_1"},
		"title": "Dub",
	}, reqs[0].body)
}

func TestGeneratedFunctionPathAndQuery(t *testing.T) {
	h, seen := recordingHost(t, func(req string) (int, string) {
		return 200, `{"data": [{"id": "a1"}], "has_more": true, "next_token": "tok2"}`
	})
	env := h.Run(context.Background(), `
local r = app.integrations.heygen.search_assets({query = "mountain lake", type = "image", limit = 5})
local g = app.integrations.heygen.get_video_agent_resource({session_id = "s/1", resource_id = "r 2"})
return r.has_more, r.next_token, r.data[1].id`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{true, "tok2", "a1"}, env.Result)
	reqs := seen()
	require.Len(t, reqs, 2)
	assert.Equal(t, "GET", reqs[0].method)
	assert.Equal(t, "/v3/assets/search", reqs[0].path)
	assert.Equal(t, "limit=5&query=mountain+lake&type=image", reqs[0].query)
	assert.Nil(t, reqs[0].body)
	assert.Equal(t, "/v3/video-agents/s%2F1/resources/r%202", reqs[1].path)
}

func TestGeneratedFunctionValidatesAgainstTheSchema(t *testing.T) {
	h, seen := recordingHost(t, func(string) (int, string) { return 200, `{"data": {}}` })
	for code, want := range map[string]string{
		`app.integrations.heygen.create_lipsync({video = {type = "file", url = "x"}, audio = {type = "url", url = "y"}})`:                           `heygen.create_lipsync: parameter 'video.type' must be one of: asset_id, url, got string "file"`,
		`app.integrations.heygen.create_lipsync({video = {type = "url"}, audio = {type = "url", url = "y"}})`:                                       `heygen.create_lipsync: missing required parameter 'video.url' (a string)`,
		`app.integrations.heygen.search_assets({query = "x", type = "image", limit = 500})`:                                                         `heygen.search_assets: parameter 'limit' must be an integer between 1 and 50, got integer 500`,
		`app.integrations.heygen.create_avatar({type = "prompt", name = "A"})`:                                                                      `heygen.create_avatar: missing required parameter 'prompt' (a string)`,
		`app.integrations.heygen.create_webhook_endpoint({url = "https://x", evnts = {}})`:                                                          `heygen.create_webhook_endpoint: unknown parameter 'evnts'. Did you mean: events`,
		`app.integrations.heygen.create_speech({text = "hi", voice_id = "v", speed = 3})`:                                                           `heygen.create_speech: parameter 'speed' must be a number between 0.5 and 2, got integer 3`,
		`app.integrations.heygen.create_speech({text = string.rep("a", 5001), voice_id = "v"})`:                                                     `heygen.create_speech: parameter 'text' must be a string of 1 to 5000 characters`,
		`app.integrations.heygen.create_video_batch({videos = {{type = "avatar", avatar_id = "a", script = "hi", audio_url = "https://x/a.mp3"}}})`: `heygen.create_video_batch: parameters 'videos[1].audio_url' and 'videos[1].script' cannot be given together`,
		`app.integrations.heygen.get_lipsync({})`:                                                                                                   `heygen.get_lipsync: missing required parameter 'lipsync_id' (a non-empty string)`,
	} {
		env := h.Run(context.Background(), code, luahost.RunOptions{})
		require.False(t, env.Success, code)
		assert.Equal(t, "invalid_argument", env.Error.Code, code)
		assert.Contains(t, env.Error.Message, want, code)
	}
	assert.Empty(t, seen(), "nothing invalid reaches HeyGen")
}

func TestGeneratedFunctionRaisesHeyGenErrors(t *testing.T) {
	h, _ := recordingHost(t, func(string) (int, string) {
		return 404, `{"error": {"code": "not_found", "message": "no such job"}}`
	})
	env := h.Run(context.Background(), `
local ok, err = pcall(app.integrations.heygen.get_clipping_job, {job_id = "j1"})
return ok, err.code, err.status, err.heygen_code`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{false, "api_error", int64(404), "not_found"}, env.Result)
}

// Every generated function's docs example is a call whose arguments
// validate (the answer here is a stub).
func TestGeneratedExamplesAreValidCalls(t *testing.T) {
	h, seen := recordingHost(t, func(string) (int, string) { return 200, `{"data": {}}` })
	n := 0
	for _, f := range integration.New().Functions {
		if len(f.Examples) != 1 || !strings.HasSuffix(f.Examples[0].Code, "\ndump(result.data)") {
			continue
		}
		n++
		env := h.Run(context.Background(), f.Examples[0].Code, luahost.RunOptions{})
		assert.True(t, env.Success, "%s: %s\n%+v", f.Name, f.Examples[0].Code, env.Error)
	}
	assert.GreaterOrEqual(t, n, 74)
	assert.Len(t, seen(), n)
}
