package heygentest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAvatarGroups(t *testing.T) {
	t.Parallel()
	// A fixed clock keeps the media URLs of both answers the same.
	e := newEnv(t, Options{Clock: newFakeClock().Now})
	items, more, _ := e.get("/v3/avatars").list(t)
	assert.Len(t, items, 20, "default limit")
	assert.True(t, more)

	all, pages := e.walk("/v3/avatars?limit=50", testKey)
	assert.Equal(t, 1, pages)
	require.Len(t, all, SeedAvatarGroups)
	total := 0
	for _, g := range all {
		total += int(number(t, g["looks_count"]))
	}
	assert.Equal(t, SeedAvatarLooks, total)

	pub, _ := e.walk("/v3/avatars?ownership=public&limit=7", testKey)
	priv, _ := e.walk("/v3/avatars?ownership=private&limit=7", testKey)
	assert.Equal(t, SeedAvatarGroups, len(pub)+len(priv))
	assert.NotEmpty(t, priv)
	for _, g := range priv {
		assert.NotNil(t, g["status"])
	}
	for _, g := range pub {
		assert.Nil(t, g["status"])
	}

	g := e.get("/v3/avatars/" + all[3]["id"].(string)).data(t)
	assert.Equal(t, all[3], g)

	e.get("/v3/avatars?ownership=shared").expectError(t, http.StatusBadRequest, "invalid_parameter", "ownership")
	e.get("/v3/avatars?limit=51").expectError(t, http.StatusBadRequest, "invalid_parameter", "limit")
	e.get("/v3/avatars/no-such-group").expectError(t, http.StatusNotFound, "avatar_not_found", "group_id")
}

func TestAvatarLooks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	items, more, _ := e.get("/v3/avatars/looks").list(t)
	assert.Len(t, items, 20)
	assert.True(t, more)

	all, pages := e.walk("/v3/avatars/looks?limit=50", testKey)
	assert.Equal(t, 2, pages)
	require.Len(t, all, SeedAvatarLooks)
	lookIDs := ids(all, "id")
	for _, id := range []string{SampleAvatarID, SampleAvatarID2, SamplePhotoAvatar} {
		assert.Contains(t, lookIDs, id)
	}
	types := map[string]int{}
	for _, l := range all {
		types[l["avatar_type"].(string)]++
	}
	assert.Len(t, types, 3, "every avatar type is represented: %v", types)

	photos, _ := e.walk("/v3/avatars/looks?avatar_type=photo_avatar", testKey)
	require.NotEmpty(t, photos)
	for _, l := range photos {
		assert.Equal(t, "photo_avatar", l["avatar_type"])
	}
	assert.Contains(t, ids(photos, "id"), SamplePhotoAvatar)

	groups, _ := e.walk("/v3/avatars?limit=50", testKey)
	for _, g := range groups[:5] {
		looks, _ := e.walk("/v3/avatars/looks?group_id="+url.QueryEscape(g["id"].(string)), testKey)
		assert.Len(t, looks, int(number(t, g["looks_count"])))
		for _, l := range looks {
			assert.Equal(t, g["id"], l["group_id"])
		}
	}
	priv, _ := e.walk("/v3/avatars/looks?ownership=private&avatar_type=digital_twin&limit=3", testKey)
	assert.NotEmpty(t, priv)

	l := e.get("/v3/avatars/looks/" + SampleAvatarID).data(t)
	assert.Equal(t, SampleAvatarID, l["id"])
	assert.Equal(t, "studio_avatar", l["avatar_type"])
	assert.Equal(t, SampleVoiceID, l["default_voice_id"])
	assert.Contains(t, l["supported_api_engines"], "avatar_iv")
	assert.Equal(t, SampleAvatarID2, e.get("/v3/avatars/looks/" + SampleAvatarID2).data(t)["id"])
	assert.Equal(t, "photo_avatar", e.get("/v3/avatars/looks/" + SamplePhotoAvatar).data(t)["avatar_type"])

	e.get("/v3/avatars/looks?avatar_type=robot").expectError(t, http.StatusBadRequest, "invalid_parameter", "avatar_type")
	e.get("/v3/avatars/looks?ownership=x").expectError(t, http.StatusBadRequest, "invalid_parameter", "ownership")
	e.get("/v3/avatars/looks?limit=0").expectError(t, http.StatusBadRequest, "invalid_parameter", "limit")
	e.get("/v3/avatars/looks/nope").expectError(t, http.StatusNotFound, "avatar_not_found", "look_id")
}

func TestVoices(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	all, pages := e.walk("/v3/voices", testKey)
	assert.Equal(t, 3, pages, "60 public voices at the default 20 per page")
	require.Len(t, all, SeedPublicVoices)
	voiceIDs := ids(all, "voice_id")
	assert.Contains(t, voiceIDs, SampleVoiceID)
	assert.Contains(t, voiceIDs, SampleVoiceID2)
	langs, genders := map[string]bool{}, map[string]bool{}
	for _, v := range all {
		assert.Equal(t, "public", v["type"])
		langs[v["language"].(string)] = true
		genders[v["gender"].(string)] = true
	}
	assert.GreaterOrEqual(t, len(langs), 5)
	assert.Len(t, genders, 2)

	same, _ := e.walk("/v3/voices?type=public&limit=100", testKey)
	assert.Equal(t, voiceIDs, ids(same, "voice_id"))

	priv, _ := e.walk("/v3/voices?type=private", testKey)
	assert.Len(t, priv, SeedPrivateVoices)

	en, _ := e.walk("/v3/voices?language=english&gender=FEMALE&limit=4", testKey)
	require.NotEmpty(t, en)
	for _, v := range en {
		assert.Equal(t, "English", v["language"])
		assert.Equal(t, "female", v["gender"])
	}
	starfish, _ := e.walk("/v3/voices?engine=starfish&limit=100", testKey)
	assert.NotEmpty(t, starfish)
	assert.Less(t, len(starfish), SeedPublicVoices)

	v := e.get("/v3/voices/" + SampleVoiceID).data(t)
	assert.Equal(t, SampleVoiceID, v["voice_id"])
	assert.Nil(t, v["status"])
	var failed string
	for _, pv := range priv {
		d := e.get("/v3/voices/" + pv["voice_id"].(string)).data(t)
		assert.NotNil(t, d["status"])
		assert.NotNil(t, d["created_at"])
		if d["status"] == "failed" {
			failed = d["voice_id"].(string)
			assert.NotEmpty(t, d["failure_message"])
		}
	}
	assert.NotEmpty(t, failed)

	e.get("/v3/voices?type=shared").expectError(t, http.StatusBadRequest, "invalid_parameter", "type")
	e.get("/v3/voices?limit=101").expectError(t, http.StatusBadRequest, "invalid_parameter", "limit")
	e.get("/v3/voices/nope").expectError(t, http.StatusNotFound, "voice_not_found", "voice_id")
}

func TestCurrentUserBilling(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	blocks := []string{"wallet", "subscription", "usage_based"}
	check := func(key, billing string) map[string]any {
		u := e.do("GET", "/v3/users/me", key, nil).data(t)
		assert.Equal(t, billing, u["billing_type"], key)
		assert.NotEmpty(t, u["username"])
		for _, b := range blocks {
			if b == billing {
				assert.NotNil(t, u[b], "%s: %s must be filled", key, b)
			} else {
				assert.Contains(t, u, b)
				assert.Nil(t, u[b], "%s: %s must be null", key, b)
			}
		}
		return u
	}
	w := check("my-wallet-key", "wallet")["wallet"].(map[string]any)
	assert.Equal(t, "usd", w["currency"])
	assert.Greater(t, number(t, w["remaining_balance"]), 0.0)

	ub := check("team-USAGE-key", "usage_based")["usage_based"].(map[string]any)
	assert.Greater(t, number(t, ub["remaining_credits"]), 0.0)

	free := check("a-free-key", "subscription")["subscription"].(map[string]any)
	assert.Equal(t, "free", free["plan"])

	pro := check(testKey, "subscription")["subscription"].(map[string]any)
	assert.Equal(t, "pro", pro["plan"])
	prem := pro["credits"].(map[string]any)["premium_credits"].(map[string]any)
	assert.Greater(t, number(t, prem["remaining"]), 0.0)

	// Different keys are different users; the same key is the same user.
	assert.NotEqual(t, e.do("GET", "/v3/users/me", "k1", nil).data(t)["username"], e.do("GET", "/v3/users/me", "k2", nil).data(t)["username"])
	assert.Equal(t, e.do("GET", "/v3/users/me", "k1", nil).data(t), e.do("GET", "/v3/users/me", "k1", nil).data(t))
}

func TestWebhookEventTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	items, more, _ := e.get("/v3/webhooks/event-types").list(t)
	assert.False(t, more)
	require.Len(t, items, 30)
	types := ids(items, "event_type")
	for _, want := range []string{"avatar_video.success", "avatar_video.fail", "video_translate.success", "batch.finished"} {
		assert.Contains(t, types, want)
	}
	for _, it := range items {
		assert.NotEmpty(t, it["description"])
	}
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	items, more, _ := e.get("/v3/templates").list(t)
	assert.Len(t, items, 10)
	assert.True(t, more)
	all, pages := e.walk("/v3/templates", testKey)
	assert.Equal(t, 3, pages)
	require.Len(t, all, SeedTemplateCount)
	assert.Equal(t, SampleTemplateID, all[0]["id"])
	e.get("/v3/templates?limit=101").expectError(t, http.StatusBadRequest, "invalid_parameter", "limit")

	kinds := map[string]bool{}
	for _, it := range all {
		d := e.get("/v3/templates/" + it["id"].(string)).data(t)
		vars := d["variables"].(map[string]any)
		assert.NotEmpty(t, vars)
		scenes := d["scenes"].([]any)
		assert.Len(t, d["scene_ids"], len(scenes))
		for _, sc := range scenes {
			for _, ref := range sc.(map[string]any)["variables"].([]any) {
				r := ref.(map[string]any)
				assert.Contains(t, vars, r["name"])
				kinds[r["variable_type"].(string)] = true
			}
		}
	}
	assert.Len(t, kinds, 6, "text, image, video, audio, character and voice all occur")

	sample := e.get("/v3/templates/" + SampleTemplateID).data(t)
	vars := sample["variables"].(map[string]any)
	assert.Len(t, vars, 7)
	head := vars["headline"].(map[string]any)
	assert.Equal(t, "text", head["type"])
	assert.Equal(t, "headline", head["name"])
	assert.NotEmpty(t, head["properties"].(map[string]any)["content"])

	e.get("/v3/templates/nope").expectError(t, http.StatusNotFound, "resource_not_found", "template_id")
}

// sampleVariables returns the sample template's variables as GET returns
// them, ready to be sent back.
func sampleVariables(t *testing.T, e *env) map[string]any {
	return e.get("/v3/templates/" + SampleTemplateID).data(t)["variables"].(map[string]any)
}

func TestGenerateFromTemplate(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	vars := sampleVariables(t, e)
	vars["headline"].(map[string]any)["properties"] = map[string]any{"content": "Big news"}
	vars["logo"].(map[string]any)["properties"] = map[string]any{"asset_id": "asset-logo", "fit": "cover"}
	vars["presenter"].(map[string]any)["properties"] = map[string]any{"character_id": SamplePhotoAvatar, "type": "talking_photo"}
	delete(vars, "music") // omitted variables keep their defaults
	tpl := e.get("/v3/templates/" + SampleTemplateID).data(t)
	sceneIDs := tpl["scene_ids"].([]any)

	r := e.post("/v3/templates/"+SampleTemplateID, map[string]any{
		"variables": vars, "title": "From template", "folder_id": "folder-marketing",
		"scene_ids": []any{sceneIDs[0], sceneIDs[0]}, "caption": true, "include_gif": true,
		"dimension": map[string]any{"width": 1920, "height": 1080}, "fps": 30,
		"subtitles": map[string]any{"preset_name": "bold", "position": map[string]any{"x": 0.5, "y": 0.9}},
	})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	v := r.data(t)
	assert.Equal(t, "pending", v["status"])
	assert.Equal(t, "From template", v["title"])
	assert.Equal(t, "folder-marketing", v["folder_id"])
	id := v["id"].(string)

	items, _, _ := e.get("/v3/videos?limit=1&folder_id=folder-marketing").list(t)
	assert.Equal(t, id, items[0]["id"])
	clock.Advance(time.Minute)
	done := e.get("/v3/videos/" + id).data(t)
	assert.Equal(t, "completed", done["status"])
	assert.NotNil(t, done["captioned_video_url"])
	assert.NotNil(t, done["gif_url"])

	// The minimal request: no variables changed at all.
	r = e.post("/v3/templates/"+SampleTemplateID, map[string]any{"variables": map[string]any{}})
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "Product launch", r.data(t)["title"], "the title defaults to the template name")

	// [fail] in a text variable makes the render fail.
	r = e.post("/v3/templates/"+SampleTemplateID, map[string]any{"variables": map[string]any{
		"headline": map[string]any{"name": "headline", "type": "text", "properties": map[string]any{"content": "doomed [fail]"}},
	}})
	require.Equal(t, http.StatusOK, r.status)
	clock.Advance(time.Minute)
	assert.Equal(t, "failed", e.get("/v3/videos/" + r.data(t)["id"].(string)).data(t)["status"])
}

func TestGenerateFromTemplateValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	text := func(content any) map[string]any {
		return map[string]any{"name": "headline", "type": "text", "properties": map[string]any{"content": content}}
	}
	withVar := func(name string, v any) map[string]any {
		return map[string]any{"variables": map[string]any{name: v}}
	}
	cases := []struct {
		name   string
		body   any
		status int
		code   string
		param  string
	}{
		{"no body", "", 400, "invalid_parameter", ""},
		{"no variables", map[string]any{"title": "x"}, 400, "invalid_parameter", "variables"},
		{"variables not an object", map[string]any{"variables": []any{}}, 400, "invalid_parameter", "variables"},
		{"unknown variable", withVar("nope", text("x")), 400, "invalid_parameter", "variables.nope"},
		{"wrong declared type", withVar("headline", map[string]any{"type": "image", "properties": map[string]any{"url": "u"}}), 400, "invalid_parameter", "variables.headline"},
		{"text content not a string", withVar("headline", text(42)), 400, "invalid_parameter", "variables.headline"},
		{"value not an object", withVar("headline", "just text"), 400, "invalid_parameter", "variables.headline"},
		{"missing properties", withVar("headline", map[string]any{"type": "text"}), 400, "invalid_parameter", "variables.headline"},
		{"mismatching name", withVar("headline", map[string]any{"name": "other", "type": "text", "properties": map[string]any{"content": "x"}}), 400, "invalid_parameter", "variables.headline"},
		{"image without source", withVar("logo", map[string]any{"type": "image", "properties": map[string]any{"fit": "contain"}}), 400, "invalid_parameter", "variables.logo"},
		{"image url not a string", withVar("logo", map[string]any{"type": "image", "properties": map[string]any{"url": 5}}), 400, "invalid_parameter", "variables.logo"},
		{"video given as text", withVar("b_roll", map[string]any{"type": "text", "properties": map[string]any{"content": "x"}}), 400, "invalid_parameter", "variables.b_roll"},
		{"unknown character", withVar("presenter", map[string]any{"type": "character", "properties": map[string]any{"character_id": "ghost"}}), 404, "avatar_not_found", "variables.presenter"},
		{"bad character type", withVar("presenter", map[string]any{"type": "character", "properties": map[string]any{"character_id": SampleAvatarID, "type": "robot"}}), 400, "invalid_parameter", "variables.presenter"},
		{"unknown voice", withVar("narrator_voice", map[string]any{"type": "voice", "properties": map[string]any{"voice_id": "ghost"}}), 404, "voice_not_found", "variables.narrator_voice"},
		{"unknown scene", map[string]any{"variables": map[string]any{}, "scene_ids": []any{"nope"}}, 400, "invalid_parameter", "scene_ids[0]"},
		{"empty scenes", map[string]any{"variables": map[string]any{}, "scene_ids": []any{}}, 400, "invalid_parameter", "scene_ids"},
		{"bad fps", map[string]any{"variables": map[string]any{}, "fps": 24}, 400, "invalid_parameter", "fps"},
		{"odd width", map[string]any{"variables": map[string]any{}, "dimension": map[string]any{"width": 1921, "height": 1080}}, 400, "invalid_parameter", "dimension.width"},
		{"tiny dimension", map[string]any{"variables": map[string]any{}, "dimension": map[string]any{"width": 64, "height": 36}}, 400, "invalid_parameter", "dimension.height"},
		{"wrong ratio", map[string]any{"variables": map[string]any{}, "dimension": map[string]any{"width": 1080, "height": 1920}}, 400, "invalid_parameter", "dimension"},
		{"missing height", map[string]any{"variables": map[string]any{}, "dimension": map[string]any{"width": 1920}}, 400, "invalid_parameter", "dimension.height"},
		{"subtitles without preset", map[string]any{"variables": map[string]any{}, "subtitles": map[string]any{"font_size": 12}}, 400, "invalid_parameter", "subtitles.preset_name"},
		{"caption not bool", map[string]any{"variables": map[string]any{}, "caption": "yes"}, 400, "invalid_parameter", "caption"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.do("POST", "/v3/templates/"+SampleTemplateID, testKey, tc.body).expectError(t, tc.status, tc.code, tc.param)
		})
	}
	e.post("/v3/templates/nope", map[string]any{"variables": map[string]any{}}).expectError(t, http.StatusNotFound, "resource_not_found", "template_id")
	all, _ := e.walk("/v3/videos?limit=100", testKey)
	assert.Len(t, all, SeedVideoCount, "rejected requests create nothing")
	assert.True(t, strings.HasPrefix(mediaHost, "https://sandbox.kosmo.invalid"))
}
