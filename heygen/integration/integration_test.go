package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

const testKey = "sk-integration-test-4242"

type fixture struct {
	sim    *heygentest.Server
	host   *luahost.Host
	stderr *bytes.Buffer
}

func setup(t testing.TB, sandbox bool) *fixture {
	t.Helper()
	sim := heygentest.New(heygentest.Options{ProcessingAfter: 50 * time.Millisecond, CompleteAfter: 150 * time.Millisecond})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	stderr := &bytes.Buffer{}
	h, err := luahost.New(luahost.Options{
		Integrations: []luahost.Binding{{
			Integration: integration.New(),
			Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: srv.URL}},
			Policy:      registry.DefaultPolicy(),
		}},
		Sandbox: sandbox,
		Force:   true,
		Stderr:  stderr,
		Version: "test",
	})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return &fixture{sim: sim, host: h, stderr: stderr}
}

func (f *fixture) run(t testing.TB, code string) *luahost.Envelope {
	t.Helper()
	env := f.host.Run(context.Background(), code, luahost.RunOptions{})
	b, _ := json.Marshal(env)
	assert.NotContains(t, string(b), testKey, "the API key leaked into the envelope")
	assert.NotContains(t, f.stderr.String(), testKey, "the API key leaked into stderr")
	return env
}

func ok(t testing.TB, env *luahost.Envelope) []any {
	t.Helper()
	require.True(t, env.Success, "%+v", env.Error)
	return env.Result
}

func TestDeclarationIsValid(t *testing.T) {
	require.NoError(t, integration.New().Check())
}

func TestKosmoKratorFunctions(t *testing.T) {
	f := setup(t, true)
	res := ok(t, f.run(t, `
local h = app.integrations.heygen
local v = h.list_videos({limit = 2, offset = 0}).data.videos
local g = h.get_video({video_id = "abc123"}).data
local c = h.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "hi"}}, test = true}).data
local a = h.list_avatars({}).data.avatars
local vo = h.list_voices({}).data.voices
local u = h.get_current_user({}).data
local tp = h.list_templates({limit = 20}).data.templates
return #v, v[1].video_id, v[1].id, g.status, g.video_url ~= nil, c.video_id ~= nil, c.status,
  #a, a[1].avatar_id, a[1].avatar_name, #vo, vo[1].display_name, vo[1].language,
  u.plan, type(u.remaining_quota), #tp, tp[1].template_id`))
	assert.Equal(t, []any{
		int64(2), "abc123", "abc123", "completed", true, true, "pending",
		int64(80), "avatar-abc123", "Aria - Office Front", int64(60), "Aria - Friendly", "English",
		"pro", "number", int64(20), "template-abc123",
	}, res)
}

func TestCreateVideoMapping(t *testing.T) {
	f := setup(t, true)
	ok(t, f.run(t, `app.integrations.heygen.create_video({
  video_inputs = {
    {character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "one", voice_settings = {speed = 1.1, stability = 0.5}, background = {type = "color", value = "#112233"}},
    {character = {avatar_id = "avatar-id-here", voice_id = "voice-id-here"}, script = "two"},
  },
  dimension = {width = 1080, height = 1920}, title = "multi"})`))
	var body map[string]any
	for _, r := range f.sim.Requests() {
		if r.Method == "POST" && r.Path == "/v3/videos" {
			require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
		}
	}
	require.NotNil(t, body, "no POST /v3/videos seen")
	assert.Equal(t, "studio", body["type"])
	assert.Equal(t, "1080p", body["resolution"])
	assert.Equal(t, "9:16", body["aspect_ratio"])
	scenes := body["scenes"].([]any)
	require.Len(t, scenes, 2)
	first := scenes[0].(map[string]any)
	assert.Equal(t, "avatar_video", first["type"])
	input := first["input"].(map[string]any)
	assert.Equal(t, "avatar-abc123", input["avatar_id"])
	assert.Equal(t, map[string]any{"type": "color", "color": "#112233"}, input["background"])
	vs := input["voice_settings"].(map[string]any)
	assert.Equal(t, 1.1, vs["speed"])
	assert.Equal(t, map[string]any{"engine_type": "elevenlabs", "stability": 0.5}, vs["engine_settings"])
}

func TestPaginationCachesTokens(t *testing.T) {
	f := setup(t, true)
	env := f.run(t, `
local h = app.integrations.heygen
local a = h.list_videos({limit = 100, offset = 0}).data.videos
local b = h.list_videos({limit = 100, offset = 100}).data.videos
local c = h.list_videos({limit = 10, offset = 195}).data
return a[100].video_id ~= b[1].video_id, #b, #c.videos, c.has_more`)
	assert.Equal(t, []any{true, int64(100), int64(10), true}, ok(t, env))
	reqs := []int64{}
	for _, c := range env.IntegrationCalls {
		reqs = append(reqs, c.HTTPRequests)
	}
	// offset 195 spans pages 1 and 2: the token of page 2 was learned by then
	assert.Equal(t, []int64{1, 1, 2}, reqs)
}

func TestFlatFailures(t *testing.T) {
	cases := []struct {
		name  string
		fault heygentest.Fault
		want  string
	}{
		{"404", heygentest.Fault{}, "404"},
		{"500", heygentest.Fault{Path: "/v3/videos/*", Kind: heygentest.Status, Status: 500}, "500"},
		{"429", heygentest.Fault{Path: "/v3/videos/*", Kind: heygentest.RateLimit, RetryAfter: "0"}, "429"},
		{"malformed", heygentest.Fault{Path: "/v3/videos/*", Kind: heygentest.Malformed}, "malformed_response"},
		{"html", heygentest.Fault{Path: "/v3/videos/*", Kind: heygentest.HTML, Status: 502}, "502"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := setup(t, true)
			id := "abc123"
			if c.name == "404" {
				id = "no-such-video"
			} else {
				f.sim.Inject(c.fault)
			}
			res := ok(t, f.run(t, `local r = app.integrations.heygen.retrieve_video_link({video_id = "`+id+`"}) return r.success, r.error, r.video_url`))
			assert.Equal(t, false, res[0])
			assert.Contains(t, res[1], c.want)
			assert.Nil(t, res[2])
		})
	}
}

func TestFlatUnauthorized(t *testing.T) {
	sim := heygentest.New(heygentest.Options{})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	h, err := luahost.New(luahost.Options{Integrations: []luahost.Binding{{
		Integration: integration.New(),
		Accounts:    []registry.Account{{Name: "default", Secret: "invalid-key", BaseURL: srv.URL}},
	}}})
	require.NoError(t, err)
	env := h.Run(context.Background(), `local r = app.integrations.heygen.list_voice_id_options({}) return r.success, r.error`, luahost.RunOptions{})
	res := ok(t, env)
	assert.Equal(t, false, res[0])
	assert.Contains(t, res[1], "401")
}

func TestFlatTimeout(t *testing.T) {
	f := setup(t, true)
	f.sim.Inject(heygentest.Fault{Path: "/v3/webhooks/event-types", Kind: heygentest.Slow, Delay: 5 * time.Second})
	env := f.host.Run(context.Background(), `local r = app.integrations.heygen.list_custom_events_options({}) return r.success, r.error`,
		luahost.RunOptions{Timeout: 300 * time.Millisecond})
	// the run's own deadline ends the run (it is not the service's failure)
	assert.Equal(t, "timeout", env.Error.Code)
}

func TestModuleXSuccess(t *testing.T) {
	f := setup(t, true)
	res := ok(t, f.run(t, `
local h = app.integrations.heygen
local tp = h.create_talking_photo({talking_photo_id = "photo-abc123", text = "hi", voice_id = "voice-xyz789", talking_style = "expressive", matting = true, caption = true})
local tv = h.create_video_from_template({template_id = "template-abc123", variables = {headline = "Hello"}, caption = true})
local ev = h.list_custom_events_options({})
local vo = h.list_voice_id_options({})
local link = h.retrieve_video_link({video_id = "abc123"})
return tp.success, tp.video_id ~= nil, tp.status, tv.success, tv.status, ev.success, ev.events[1], vo.voices[1].voice_id, vo.voices[1].name,
  link.success, link.status, link.video_url ~= nil, link.thumbnail_url ~= nil, type(link.duration)`))
	assert.Equal(t, []any{true, true, "pending", true, "pending", true, "avatar_video.success", "voice-xyz789", "Aria - Friendly",
		true, "completed", true, true, "number"}, res)
	var body map[string]any
	for _, r := range f.sim.Requests() {
		if r.Method == "POST" && r.Path == "/v3/videos" {
			require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
		}
	}
	assert.Equal(t, "high", body["expressiveness"])
	assert.Equal(t, true, body["remove_background"])
	assert.Equal(t, "photo-abc123", body["avatar_id"])
}

func TestTemplateVariablesChecked(t *testing.T) {
	f := setup(t, true)
	env := f.run(t, `app.integrations.heygen.create_video_from_template({template_id = "template-abc123", variables = {headlin = "x"}})`)
	require.NotNil(t, env.Error)
	assert.Equal(t, "invalid_argument", env.Error.Code)
	assert.Contains(t, env.Error.Message, "headlin")
	assert.Contains(t, env.Error.Message, "Did you mean: headline")
}

func TestWaitForVideo(t *testing.T) {
	f := setup(t, true)
	res := ok(t, f.run(t, `
local h = app.integrations.heygen
local c = h.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "hello"}}})
local v = h.wait_for_video({video_id = c.data.video_id, interval = 0.05})
local gone = h.delete_video({video_id = c.data.video_id})
local ok, err = pcall(h.get_video, {video_id = c.data.video_id})
return v.data.status, v.data.video_url ~= nil, gone.data.deleted, ok, err.status`))
	assert.Equal(t, []any{"completed", true, true, false, int64(404)}, res)
	assert.Contains(t, f.stderr.String(), "completed after")

	env := f.run(t, `
local h = app.integrations.heygen
local c = h.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "this one will [fail]"}}})
return h.wait_for_video({video_id = c.data.video_id, interval = 0.05})`)
	require.NotNil(t, env.Error)
	assert.Equal(t, "api_error", env.Error.Code)
	assert.Contains(t, env.Error.Message, "failed")

	env = f.run(t, `
local h = app.integrations.heygen
local c = h.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "slow"}}})
return h.wait_for_video({video_id = c.data.video_id, interval = 0.05, timeout = 0.06})`)
	require.NotNil(t, env.Error)
	assert.Equal(t, "timeout", env.Error.Code)
}

func TestTestModeRefusedOutsideSandbox(t *testing.T) {
	f := setup(t, false)
	env := f.run(t, `app.integrations.heygen.create_talking_photo({talking_photo_id = "photo-abc123", text = "hi", voice_id = "voice-xyz789", test = true})`)
	require.NotNil(t, env.Error)
	assert.Equal(t, "invalid_argument", env.Error.Code)
	assert.Contains(t, env.Error.Hint, "--sandbox")
}

func TestListAllVideos(t *testing.T) {
	f := setup(t, true)
	env := f.run(t, `local r = app.integrations.heygen.list_all_videos({}) local m = app.integrations.heygen.list_all_videos({max = 150}) return #r.data.videos, r.data.truncated, #m.data.videos, m.data.truncated`)
	assert.Equal(t, []any{int64(260), false, int64(150), true}, ok(t, env))
}
