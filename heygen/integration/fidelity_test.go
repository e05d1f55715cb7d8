package integration_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
)

// lastBody decodes the body of the last request the simulator saw for
// method+path.
func (f *fixture) lastBody(t *testing.T, method, path string) map[string]any {
	t.Helper()
	reqs := f.sim.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(reqs[i].Body), &m))
			return m
		}
	}
	t.Fatalf("no %s %s request", method, path)
	return nil
}

func engineSettingsSent(t *testing.T, f *fixture) any {
	t.Helper()
	body := f.lastBody(t, "POST", "/v3/videos")
	vs, _ := body["voice_settings"].(map[string]any)
	return vs["engine_settings"]
}

// A Fish voice tuned with stability gets Fish engine settings, not
// ElevenLabs ones forced on every voice.
func TestEngineSettingsFollowTheVoiceEngine(t *testing.T) {
	f := setup(t, true)
	ok(t, f.run(t, `
local fish = app.integrations.heygen.list_voices({engine = "fish", max = 1}).data.voices[1].voice_id
local eleven = app.integrations.heygen.list_voices({engine = "elevenlabs", max = 1}).data.voices[1].voice_id
app.integrations.heygen.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = fish},
  script = "hi", voice_settings = {stability = 0.4}}}, test = true})
return fish`))
	assert.Equal(t, map[string]any{"engine_type": "fish", "stability": 0.4}, engineSettingsSent(t, f))

	// explicit engine: no lookup, fields checked against it
	ok(t, f.run(t, `
app.integrations.heygen.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"},
  script = "hi", voice_settings = {engine = "elevenlabs", style = 0.3, model = "eleven_turbo_v2_5"}}}, test = true})`))
	assert.Equal(t, map[string]any{"engine_type": "elevenlabs", "style": 0.3, "model": "eleven_turbo_v2_5"}, engineSettingsSent(t, f))

	// no tuning: nothing engine-specific is sent
	ok(t, f.run(t, `
app.integrations.heygen.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"},
  script = "hi", voice_settings = {speed = 1.1}}}, test = true})`))
	assert.Nil(t, engineSettingsSent(t, f))
}

func TestEngineSettingsRespectEachEngineRules(t *testing.T) {
	f := setup(t, true)
	scene := func(vs string) string {
		return `app.integrations.heygen.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "hi", voice_settings = ` + vs + `}}, test = true})`
	}
	for vs, want := range map[string]string{
		`{engine = "fish", similarity_boost = 0.5}`: "video_inputs[1].voice_settings.similarity_boost does not apply to the fish voice engine",
		`{engine = "starfish", stability = 0.5}`:    "does not apply to the starfish voice engine (it takes no tuning fields)",
		`{engine = "elevenlabs", model = "s1"}`:     `video_inputs[1].voice_settings.model = "s1" is not a model of the elevenlabs engine`,
		`{model = "eleven_v3", stability = 0.3}`:    "the eleven_v3 model takes stability 0.0, 0.5 or 1.0 only",
		`{similarity = 0.2, style = 0.1}`:           "mixes settings of different voice engines",
		`{similarity = 0.2}`:                        "voice voice-xyz789 does not use an engine that takes these settings (fish)",
	} {
		env := f.run(t, scene(vs))
		require.False(t, env.Success, vs)
		assert.Equal(t, "invalid_argument", env.Error.Code, vs)
		assert.Contains(t, env.Error.Message, want, vs)
	}
}

// Fields the spec calls mutually exclusive are refused together.
func TestMutuallyExclusiveFieldsRefused(t *testing.T) {
	f := setup(t, true)
	env := f.run(t, `app.integrations.heygen.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"},
  script = "hi", background = {type = "image", url = "https://example.com/bg.png", asset_id = "asset_1"}}}, test = true})`)
	require.False(t, env.Success)
	assert.Equal(t, "invalid_argument", env.Error.Code)
	assert.Contains(t, env.Error.Message, "'video_inputs[1].background.url' and 'video_inputs[1].background.asset_id' cannot be given together")
	for _, r := range f.sim.Requests() {
		assert.False(t, r.Method == "POST" && strings.HasPrefix(r.Path, "/v3/videos"), "nothing was sent")
	}
}

// Template variables start from the template's current values; the
// caller's values are laid over them and nothing else is lost.
func TestTemplateVariablesOverlayTheTemplateValues(t *testing.T) {
	f := setup(t, true)
	res := ok(t, f.run(t, `
local h = app.integrations.heygen
local tpl = h.get_template({template_id = "template-abc123"}).data
local names = {}
for name in pairs(tpl.variables) do names[#names + 1] = name end
table.sort(names)
local r = h.create_video_from_template({template_id = "template-abc123",
  variables = {headline = {properties = {content = "New headline"}}}, test = true})
return r.success, json.encode(tpl.variables), #names`))
	require.Equal(t, true, res[0])
	var current map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(res[1].(string)), &current))
	require.Greater(t, len(current), 1, "the seed template needs more than one variable for this test")

	sent := f.lastBody(t, "POST", "/v3/templates/template-abc123")["variables"].(map[string]any)
	require.Len(t, sent, len(current), "every declared variable is sent")
	for name, cur := range current {
		got := sent[name].(map[string]any)
		if name == "headline" {
			props := got["properties"].(map[string]any)
			assert.Equal(t, "New headline", props["content"])
			for k, v := range cur["properties"].(map[string]any) {
				if k != "content" {
					assert.Equal(t, v, props[k], "headline keeps the template's %s", k)
				}
			}
			continue
		}
		assert.Equal(t, cur["properties"], dropNulls(got["properties"]), "%s keeps the template's value", name)
	}
}

// dropNulls removes null members, which a Lua table cannot hold.
func dropNulls(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if x != nil {
			out[k] = dropNulls(x)
		}
	}
	return out
}

// A balance HeyGen did not give is nil with its reason, never 0.
func TestUnknownBalanceIsNilWithReason(t *testing.T) {
	for body, reason := range map[string]string{
		`{"data": {"username": "u", "billing_type": "wallet", "wallet": {"currency": "usd", "remaining_balance": null}}}`: "wallet block without a remaining balance",
		`{"data": {"username": "u", "billing_type": null}}`:                                                               "no billing details",
	} {
		h, _ := recordingHost(t, func(string) (int, string) { return 200, body })
		env := h.Run(context.Background(), `
local u = app.integrations.heygen.get_current_user({}).data
return u.remaining_quota == nil, u.quota_source, u.remaining_quota_unknown`, luahost.RunOptions{})
		require.True(t, env.Success, "%+v", env.Error)
		assert.Equal(t, true, env.Result[0], body)
		assert.Equal(t, "none", env.Result[1])
		assert.Contains(t, env.Result[2], reason)
	}
	h, _ := recordingHost(t, func(string) (int, string) {
		return 200, `{"data": {"username": "u", "billing_type": "wallet", "wallet": {"currency": "usd", "remaining_balance": 0}}}`
	})
	env := h.Run(context.Background(), `local u = app.integrations.heygen.get_current_user({}).data
return u.remaining_quota, u.remaining_quota_unknown`, luahost.RunOptions{})
	require.True(t, env.Success)
	assert.EqualValues(t, 0, env.Result[0], "a real zero stays zero")
	assert.Nil(t, env.Result[1])
}

// ModuleX flat results keep HeyGen's failure code and message for a
// failed video, and the fields the seed does not name.
func TestFlatResultsKeepFailureAndOtherFields(t *testing.T) {
	f := setup(t, true)
	res := ok(t, f.run(t, `
local h = app.integrations.heygen
local failed
for _, v in ipairs(h.list_all_videos({}).data.videos) do
  if v.status == "failed" then failed = v break end
end
local r = h.retrieve_video_link({video_id = failed.id})
local done = h.retrieve_video_link({video_id = "abc123"})
return r.success, r.status, r.failure_code, r.failure_message, r.error, failed.failure_code, done.title ~= nil, done.created_at ~= nil, done.id`))
	assert.Equal(t, true, res[0])
	assert.Equal(t, "failed", res[1])
	assert.NotEmpty(t, res[2])
	assert.Equal(t, res[5], res[2], "HeyGen's failure code is kept")
	assert.NotEmpty(t, res[3])
	assert.Nil(t, res[4])
	assert.Equal(t, []any{true, true, "abc123"}, res[6:])
}

// A script without a voice_id is a request HeyGen accepts: the avatar's
// default voice speaks it.
func TestScriptWithoutVoiceUsesTheAvatarsDefaultVoice(t *testing.T) {
	f := setup(t, true)
	res := ok(t, f.run(t, `return app.integrations.heygen.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123"}, script = "hi"}}, test = true}).data.video_id`))
	assert.NotEmpty(t, res[0])
	body := f.lastBody(t, "POST", "/v3/videos")
	assert.Equal(t, "hi", body["script"])
	assert.NotContains(t, body, "voice_id")
}

// create_video_from_template also offers the fields of the generate
// request the seed does not name, as the spec declares them.
func TestTemplateGenerateFieldsPassThrough(t *testing.T) {
	f := setup(t, true)
	ok(t, f.run(t, `return app.integrations.heygen.create_video_from_template({template_id = "template-abc123", test = true,
  dimension = {width = 1280, height = 720}, include_gif = true, callback_id = "job-7"}).video_id`))
	body := f.lastBody(t, "POST", "/v3/templates/template-abc123")
	assert.Equal(t, map[string]any{"width": 1280.0, "height": 720.0}, body["dimension"])
	assert.Equal(t, true, body["include_gif"])
	assert.Equal(t, "job-7", body["callback_id"])

	env := f.run(t, `return app.integrations.heygen.create_video_from_template({template_id = "template-abc123", test = true, dimension = {width = 100, height = 720}})`)
	require.False(t, env.Success)
	assert.Contains(t, env.Error.Message, "parameter 'dimension.width' must be an integer between 128 and 4096")
}

// create_video reaches HeyGen's own fields the seed does not name, with
// the spec's shapes and rules.
func TestCreateVideoPassesHeyGensOwnFields(t *testing.T) {
	f := setup(t, true)
	ok(t, f.run(t, `
local look
for _, a in ipairs(app.integrations.heygen.list_avatars({}).data.avatars) do
  for _, e in ipairs(a.supported_api_engines or {}) do
    if e == "avatar_v" then look = a.avatar_id end
  end
  if look then break end
end
return app.integrations.heygen.create_video({video_inputs = {{character = {avatar_id = look, voice_id = "voice-xyz789"},
  script = "hi", motion_prompt = "waves hello", engine = {type = "avatar_v"}}}, fit = "cover", test = true}).data.video_id`))
	body := f.lastBody(t, "POST", "/v3/videos")
	assert.Equal(t, "waves hello", body["motion_prompt"])
	assert.Equal(t, "cover", body["fit"])
	assert.Equal(t, map[string]any{"type": "avatar_v"}, body["engine"])

	for code, want := range map[string]string{
		`{video_inputs = {{character = {avatar_id = "a", voice_id = "v"}, script = "hi", expressiveness = "high", engine = {type = "avatar_v"}}}, test = true}`:                                    "expressiveness cannot be combined with engine avatar_v",
		`{video_inputs = {{character = {avatar_id = "a", voice_id = "v"}, script = "one"}, {character = {avatar_id = "a", voice_id = "v"}, script = "two"}}, output_format = "webm", test = true}`: "output_format applies to one-scene videos only",
		`{video_inputs = {{character = {avatar_id = "a", voice_id = "v"}, script = "hi", engine = {type = "avatar_x"}}}, test = true}`:                                                             "parameter 'video_inputs[1].engine.type' must be one of: avatar_iii, avatar_iv, avatar_v",
	} {
		env := f.run(t, `return app.integrations.heygen.create_video(`+code+`)`)
		require.False(t, env.Success, code)
		assert.Equal(t, "invalid_argument", env.Error.Code)
		assert.Contains(t, env.Error.Message, want)
	}
}
