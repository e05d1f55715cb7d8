package heygentest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListVideosWalksAllPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	all, pages := e.walk("/v3/videos?limit=100", testKey)
	require.Equal(t, 3, pages)
	require.Len(t, all, SeedVideoCount)
	assert.Equal(t, SampleVideoID, all[0]["id"], "the sample video is the newest")

	seen := map[string]bool{}
	statuses := map[string]int{}
	captioned := 0
	var prev float64
	for i, v := range all {
		id := v["id"].(string)
		require.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
		created := number(t, v["created_at"])
		if i > 0 {
			require.LessOrEqual(t, created, prev, "created_at must descend")
		}
		prev = created
		st := v["status"].(string)
		statuses[st]++
		switch st {
		case "completed":
			for _, f := range []string{"video_url", "thumbnail_url", "gif_url"} {
				assert.True(t, strings.HasPrefix(v[f].(string), e.ts.URL+mediaPrefix), "%s of %s", f, id)
				assert.Contains(t, v[f], "?expires=", "%s of %s is presigned", f, id)
			}
			assert.True(t, strings.HasPrefix(v["video_page_url"].(string), mediaHost+"/share/"), "video_page_url of %s", id)
			assert.Greater(t, number(t, v["duration"]), 0.0)
			assert.GreaterOrEqual(t, number(t, v["completed_at"]), created)
			assert.Nil(t, v["failure_code"])
			if v["captioned_video_url"] != nil {
				captioned++
				assert.NotNil(t, v["subtitle_url"])
			}
		case "failed":
			assert.NotEmpty(t, v["failure_code"])
			assert.NotEmpty(t, v["failure_message"])
			assert.Nil(t, v["video_url"])
		default:
			assert.Nil(t, v["video_url"])
			assert.Nil(t, v["completed_at"])
		}
	}
	for _, st := range []string{"pending", "processing", "completed", "failed"} {
		assert.Positive(t, statuses[st], "no %s video in the seed", st)
	}
	assert.Positive(t, captioned)
}

func TestListVideosLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	items, more, tok := e.get("/v3/videos").list(t)
	assert.Len(t, items, 10, "default limit")
	assert.True(t, more)
	assert.NotEmpty(t, tok)

	items, _, _ = e.get("/v3/videos?limit=1").list(t)
	assert.Len(t, items, 1)
	items, _, _ = e.get("/v3/videos?limit=100").list(t)
	assert.Len(t, items, 100)

	for _, bad := range []string{"0", "101", "-5", "abc", "1.5", ""} {
		e.get("/v3/videos?limit="+url.QueryEscape(bad)).expectError(t, http.StatusBadRequest, "invalid_parameter", "limit")
	}
}

func TestListVideosTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	_, _, tok := e.get("/v3/videos?limit=5").list(t)

	// A token continues the same query even with another page size.
	items, _, _ := e.get("/v3/videos?limit=7&token=" + url.QueryEscape(tok)).list(t)
	assert.Len(t, items, 7)

	for _, bad := range []string{"garbage!", "Zm9vYmFy", strings.Repeat("A", 40)} {
		e.get("/v3/videos?token="+url.QueryEscape(bad)).expectError(t, http.StatusBadRequest, "invalid_parameter", "token")
	}
	// A token is bound to its filters and to its list.
	e.get("/v3/videos?title=update&token="+url.QueryEscape(tok)).expectError(t, http.StatusBadRequest, "invalid_parameter", "token")
	e.get("/v3/templates?token="+url.QueryEscape(tok)).expectError(t, http.StatusBadRequest, "invalid_parameter", "token")
}

func TestListVideosFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	inFolder, _ := e.walk("/v3/videos?limit=7&folder_id=folder-sales", testKey)
	require.NotEmpty(t, inFolder)
	for _, v := range inFolder {
		assert.Equal(t, "folder-sales", v["folder_id"])
	}

	titled, _ := e.walk("/v3/videos?limit=9&title=ONBOARDING", testKey)
	require.NotEmpty(t, titled)
	for _, v := range titled {
		assert.Contains(t, strings.ToLower(v["title"].(string)), "onboarding")
	}

	// The title filter ignores case, and so do its tokens.
	_, _, tok := e.get("/v3/videos?limit=2&title=ONBOARDING").list(t)
	page, _, _ := e.get("/v3/videos?limit=2&title=onboarding&token=" + url.QueryEscape(tok)).list(t)
	assert.Equal(t, ids(titled[2:4], "id"), ids(page, "id"))

	both, _ := e.walk("/v3/videos?limit=100&title=onboarding&folder_id=folder-sales", testKey)
	assert.Less(t, len(both), len(titled))
	for _, v := range both {
		assert.Equal(t, "folder-sales", v["folder_id"])
	}

	none, pages := e.walk("/v3/videos?title=no-such-title-anywhere", testKey)
	assert.Empty(t, none)
	assert.Equal(t, 1, pages)
}

// Keyset tokens keep a walk consistent while videos are added or removed.
func TestListVideosStableUnderWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	first, more, tok := e.get("/v3/videos?limit=100").list(t)
	require.True(t, more)
	created := e.post("/v3/videos", map[string]any{"type": "avatar", "avatar_id": SampleAvatarID, "script": "Hello"})
	require.Equal(t, http.StatusOK, created.status)
	deleted := e.do("DELETE", "/v3/videos/"+first[99]["id"].(string), testKey, nil)
	require.Equal(t, http.StatusOK, deleted.status)

	got := ids(first, "id")
	for tok != "" {
		var page []map[string]any
		page, _, tok = e.get("/v3/videos?limit=100&token=" + url.QueryEscape(tok)).list(t)
		got = append(got, ids(page, "id")...)
	}
	assert.Len(t, got, SeedVideoCount)
	seen := map[string]bool{}
	for _, id := range got {
		assert.False(t, seen[id], "duplicate %s", id)
		seen[id] = true
	}
	assert.False(t, seen[created.data(t)["video_id"].(string)], "a video created mid-walk is not on later pages")
}

func TestGetVideo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	v := e.get("/v3/videos/" + SampleVideoID).data(t)
	assert.Equal(t, SampleVideoID, v["id"])
	assert.Equal(t, "completed", v["status"])
	for _, f := range []string{"video_url", "thumbnail_url", "gif_url", "video_page_url", "captioned_video_url", "subtitle_url", "completed_at", "duration", "created_at"} {
		assert.NotNil(t, v[f], f)
	}
	// Every field of the Video object is present, null or not.
	assert.Len(t, v, 16)

	e.get("/v3/videos/nope").expectError(t, http.StatusNotFound, "video_not_found", "video_id")
	e.get("/v3/videos/"+url.PathEscape("a b/c")).expectError(t, http.StatusNotFound, "video_not_found", "video_id")
}

func TestDeleteVideo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	r := e.do("DELETE", "/v3/videos/"+SampleVideoID, testKey, nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, map[string]any{"id": SampleVideoID, "deleted": true}, r.data(t))
	e.get("/v3/videos/"+SampleVideoID).expectError(t, http.StatusNotFound, "video_not_found", "video_id")
	e.do("DELETE", "/v3/videos/"+SampleVideoID, testKey, nil).expectError(t, http.StatusNotFound, "video_not_found", "video_id")

	all, _ := e.walk("/v3/videos?limit=100", testKey)
	assert.Len(t, all, SeedVideoCount-1)
	assert.NotContains(t, ids(all, "id"), SampleVideoID)
}

func avatarBody(extra map[string]any) map[string]any {
	b := map[string]any{"type": "avatar", "avatar_id": SampleAvatarID, "voice_id": SampleVoiceID, "script": "Welcome to the sandbox."}
	for k, v := range extra {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func imageInput() map[string]any {
	return map[string]any{"type": "url", "url": "https://example.invalid/face.png"}
}

func TestCreateVideoVariants(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	bodies := map[string]map[string]any{
		"avatar": avatarBody(map[string]any{
			"title": "Full avatar request", "resolution": "1080p", "aspect_ratio": "9:16", "fit": "cover",
			"remove_background": false, "background": map[string]any{"type": "color", "value": "#112233"},
			"caption":      map[string]any{"file_format": "srt", "style": "default"},
			"callback_url": "https://example.invalid/hook", "callback_id": "cb-1",
			"engine":         map[string]any{"type": "avatar_iii"},
			"voice_settings": map[string]any{"speed": 1.2, "pitch": -3, "volume": 0.8, "locale": "en-GB", "engine_settings": map[string]any{"engine_type": "elevenlabs", "model": "eleven_v3", "stability": 0.4}},
			"watermark":      map[string]any{"image": map[string]any{"type": "asset_id", "asset_id": "asset-1"}, "opacity": 0.5, "placement": map[string]any{"position": "top_left"}},
		}),
		"avatar default voice": {"type": "avatar", "avatar_id": SampleAvatarID2, "script": "No voice given."},
		"avatar audio":         {"type": "avatar", "avatar_id": SampleAvatarID, "audio_url": "https://example.invalid/a.mp3"},
		"avatar silent":        {"type": "avatar", "avatar_id": SampleAvatarID},
		"talking photo": {"type": "avatar", "avatar_id": SamplePhotoAvatar, "voice_id": SampleVoiceID2, "script": "I am a photo.",
			"expressiveness": "high", "motion_prompt": "nods slowly"},
		"image": {"type": "image", "image": map[string]any{"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
			"script": "Hi", "voice_id": SampleVoiceID, "output_format": "mp4"},
		"cinematic": {"type": "cinematic_avatar", "prompt": "A walk on the beach", "avatar_id": []string{SampleAvatarID, SampleAvatarID2},
			"duration": 6, "resolution": "1080p", "aspect_ratio": "1:1", "references": []any{imageInput()}},
		"studio": {"type": "studio", "title": "Studio cut", "scenes": []any{
			map[string]any{"type": "avatar_video", "input": map[string]any{"type": "avatar", "avatar_id": SampleAvatarID, "script": "One", "voice_id": SampleVoiceID,
				"background": map[string]any{"type": "color", "color": "#000000"}}},
			map[string]any{"type": "avatar_video", "input": map[string]any{"type": "image", "image": imageInput(), "audio_asset_id": "asset-9"}},
			map[string]any{"type": "image", "source": imageInput(), "duration": 4.5},
			map[string]any{"type": "image", "source": imageInput(), "script": "Narrated", "voice_id": SampleVoiceID},
			map[string]any{"type": "video", "source": map[string]any{"type": "url", "url": "https://example.invalid/clip.mp4"}, "playback": map[string]any{"volume": 0.3, "mute": false}},
		}},
	}
	var created []string
	for name, body := range bodies {
		r := e.post("/v3/videos", body)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", name, r.body)
		d := r.data(t)
		assert.Equal(t, "pending", d["status"], name)
		assert.Equal(t, "mp4", d["output_format"], name)
		created = append(created, d["video_id"].(string))
	}
	head, _, _ := e.get(fmt.Sprintf("/v3/videos?limit=%d", len(created))).list(t)
	assert.ElementsMatch(t, created, ids(head, "id"), "created videos come first")

	clock.Advance(time.Minute)
	for _, id := range created {
		v := e.get("/v3/videos/" + id).data(t)
		assert.Equal(t, "completed", v["status"])
		assert.Greater(t, number(t, v["duration"]), 0.0)
	}
}

func TestCreateVideoWebm(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	r := e.post("/v3/videos", avatarBody(map[string]any{"output_format": "webm"}))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "webm", r.data(t)["output_format"])
	clock.Advance(time.Hour)
	v := e.get("/v3/videos/" + r.data(t)["video_id"].(string)).data(t)
	u, err := url.Parse(v["video_url"].(string))
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(u.Path, ".webm"))

	noMatting := ""
	for _, l := range e.srv.cat.looks {
		if !l.matting && l.ready() && l.AvatarType == "studio_avatar" {
			noMatting = l.ID
			break
		}
	}
	require.NotEmpty(t, noMatting)
	e.post("/v3/videos", avatarBody(map[string]any{"avatar_id": noMatting, "output_format": "webm"})).
		expectError(t, http.StatusBadRequest, "invalid_parameter", "output_format")
}

func TestCreateVideoValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	var notReady, twin, processingVoice string
	for _, l := range e.srv.cat.looks {
		if !l.ready() && notReady == "" {
			notReady = l.ID
		}
		if l.AvatarType == "digital_twin" && l.ready() && twin == "" {
			twin = l.ID
		}
	}
	for _, v := range e.srv.cat.voices {
		if v.status == "processing" {
			processingVoice = v.id
		}
	}
	require.NotEmpty(t, notReady)
	require.NotEmpty(t, twin)
	require.NotEmpty(t, processingVoice)

	scene := func(s map[string]any) map[string]any {
		return map[string]any{"type": "studio", "scenes": []any{s}}
	}
	cases := []struct {
		name   string
		body   any
		status int
		code   string
		param  string
		// schemaRejects says whether the published request schema itself
		// rejects the body (as opposed to a rule only the server knows).
		// The schema tells union branches apart only by a discriminator,
		// which plain JSON Schema cannot express, so a wrong discriminator
		// value often passes it.
		schemaRejects bool
	}{
		{"empty body", "", 400, "invalid_parameter", "", true},
		{"not json", "{nope", 400, "invalid_parameter", "", true},
		{"array body", "[]", 400, "invalid_parameter", "", true},
		{"missing type", map[string]any{"avatar_id": SampleAvatarID}, 400, "invalid_parameter", "type", true},
		{"unknown type", map[string]any{"type": "hologram"}, 400, "invalid_parameter", "type", true},
		{"avatar without avatar_id", map[string]any{"type": "avatar", "script": "x"}, 400, "invalid_parameter", "avatar_id", true},
		{"avatar_id not a string", avatarBody(map[string]any{"avatar_id": 42}), 400, "invalid_parameter", "avatar_id", true},
		{"script not a string", avatarBody(map[string]any{"script": true}), 400, "invalid_parameter", "script", true},
		{"bad resolution", avatarBody(map[string]any{"resolution": "8k"}), 400, "invalid_parameter", "resolution", true},
		{"bad aspect ratio", avatarBody(map[string]any{"aspect_ratio": "2:1"}), 400, "invalid_parameter", "aspect_ratio", true},
		{"bad output format", avatarBody(map[string]any{"output_format": "avi"}), 400, "invalid_parameter", "output_format", true},
		{"background without type", avatarBody(map[string]any{"background": map[string]any{"value": "#fff"}}), 400, "invalid_parameter", "background.type", true},
		{"caption style", avatarBody(map[string]any{"caption": map[string]any{"style": "fancy"}}), 400, "invalid_parameter", "caption.style", true},
		{"watermark without image", avatarBody(map[string]any{"watermark": map[string]any{"opacity": 1}}), 400, "invalid_parameter", "watermark.image", true},
		{"unknown avatar", avatarBody(map[string]any{"avatar_id": "no-such-look"}), 404, "avatar_not_found", "avatar_id", false},
		{"unknown voice", avatarBody(map[string]any{"voice_id": "no-such-voice"}), 404, "voice_not_found", "voice_id", false},
		{"voice still training", avatarBody(map[string]any{"voice_id": processingVoice}), 400, "voice_not_usable", "voice_id", false},
		{"look not ready", avatarBody(map[string]any{"avatar_id": notReady}), 400, "invalid_parameter", "avatar_id", false},
		{"script and audio", avatarBody(map[string]any{"audio_url": "https://example.invalid/a.mp3"}), 400, "invalid_parameter", "script", false},
		{"two audio sources", map[string]any{"type": "avatar", "avatar_id": SampleAvatarID, "audio_url": "u", "audio_asset_id": "a"}, 400, "invalid_parameter", "audio_url", false},
		{"speed out of range", avatarBody(map[string]any{"voice_settings": map[string]any{"speed": 3}}), 400, "invalid_parameter", "voice_settings.speed", false},
		{"unknown voice engine", avatarBody(map[string]any{"voice_settings": map[string]any{"engine_settings": map[string]any{"engine_type": "robot"}}}), 400, "invalid_parameter", "voice_settings.engine_settings.engine_type", false},
		{"unknown engine", avatarBody(map[string]any{"engine": map[string]any{"type": "turbo"}}), 400, "invalid_parameter", "engine.type", false},
		{"engine not supported by look", avatarBody(map[string]any{"engine": map[string]any{"type": "avatar_v"}}), 400, "invalid_parameter", "engine.type", false},
		{"expressiveness with avatar_v", avatarBody(map[string]any{"avatar_id": twin, "engine": map[string]any{"type": "avatar_v"}, "expressiveness": "high"}), 400, "invalid_parameter", "expressiveness", false},
		{"motion prompt on video avatar", avatarBody(map[string]any{"motion_prompt": "wave"}), 400, "invalid_parameter", "motion_prompt", false},
		{"webm with background", avatarBody(map[string]any{"output_format": "webm", "background": map[string]any{"type": "color", "value": "#fff"}}), 400, "invalid_parameter", "background", false},
		{"bad background color", avatarBody(map[string]any{"background": map[string]any{"type": "color", "value": "blue"}}), 400, "invalid_parameter", "background.value", false},
		{"image background without source", avatarBody(map[string]any{"background": map[string]any{"type": "image"}}), 400, "invalid_parameter", "background.url", false},
		{"image without image", map[string]any{"type": "image", "script": "x", "voice_id": SampleVoiceID}, 400, "invalid_parameter", "image", true},
		{"image input without url", map[string]any{"type": "image", "image": map[string]any{"type": "url"}}, 400, "invalid_parameter", "image.url", true},
		{"image input of unknown type", map[string]any{"type": "image", "image": map[string]any{"type": "ftp", "url": "x"}}, 400, "invalid_parameter", "image.type", false},
		{"image script without voice", map[string]any{"type": "image", "image": imageInput(), "script": "x"}, 400, "invalid_parameter", "voice_id", false},
		{"cinematic without prompt", map[string]any{"type": "cinematic_avatar", "avatar_id": []string{SampleAvatarID}}, 400, "invalid_parameter", "prompt", true},
		{"cinematic avatar_id not array", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": SampleAvatarID}, 400, "invalid_parameter", "avatar_id", false},
		{"cinematic too many avatars", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": []string{"a", "b", "c", "d"}}, 400, "invalid_parameter", "avatar_id", false},
		{"cinematic no avatars", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": []string{}}, 400, "invalid_parameter", "avatar_id", false},
		{"cinematic unknown avatar", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": []string{SampleAvatarID, "ghost"}}, 404, "avatar_not_found", "avatar_id[1]", false},
		{"cinematic short duration", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": []string{SampleAvatarID}, "duration": 3}, 400, "invalid_parameter", "duration", false},
		{"cinematic fractional duration", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": []string{SampleAvatarID}, "duration": 5.5}, 400, "invalid_parameter", "duration", true},
		{"cinematic duration and auto", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": []string{SampleAvatarID}, "duration": 5, "auto_duration": true}, 400, "invalid_parameter", "duration", false},
		{"cinematic ratio", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": []string{SampleAvatarID}, "aspect_ratio": "4:5"}, 400, "invalid_parameter", "aspect_ratio", false},
		{"cinematic resolution", map[string]any{"type": "cinematic_avatar", "prompt": "p", "avatar_id": []string{SampleAvatarID}, "resolution": "4k"}, 400, "invalid_parameter", "resolution", true},
		{"studio without scenes", map[string]any{"type": "studio"}, 400, "invalid_parameter", "scenes", true},
		{"studio empty scenes", map[string]any{"type": "studio", "scenes": []any{}}, 400, "invalid_parameter", "scenes", false},
		{"studio scene type", scene(map[string]any{"type": "slideshow"}), 400, "invalid_parameter", "scenes[0].type", true},
		{"studio scene without source", scene(map[string]any{"type": "video"}), 400, "invalid_parameter", "scenes[0].source", true},
		{"studio scene without input", scene(map[string]any{"type": "avatar_video"}), 400, "invalid_parameter", "scenes[0].input", true},
		{"studio unknown avatar", scene(map[string]any{"type": "avatar_video", "input": map[string]any{"type": "avatar", "avatar_id": "ghost"}}), 404, "avatar_not_found", "scenes[0].input.avatar_id", false},
		{"studio unknown voice", scene(map[string]any{"type": "image", "source": imageInput(), "script": "x", "voice_id": "ghost"}), 404, "voice_not_found", "scenes[0].voice_id", false},
		{"studio zero duration", scene(map[string]any{"type": "image", "source": imageInput(), "duration": 0}), 400, "invalid_parameter", "scenes[0].duration", false},
		{"studio duration and script", scene(map[string]any{"type": "image", "source": imageInput(), "duration": 3, "script": "x", "voice_id": SampleVoiceID}), 400, "invalid_parameter", "scenes[0].duration", false},
		{"studio playback volume", scene(map[string]any{"type": "video", "source": imageInput(), "playback": map[string]any{"volume": 2}}), 400, "invalid_parameter", "scenes[0].playback.volume", false},
		{"studio color background", scene(map[string]any{"type": "avatar_video", "input": map[string]any{"type": "avatar", "avatar_id": SampleAvatarID, "background": map[string]any{"type": "image"}}}), 400, "invalid_parameter", "scenes[0].input.background.type", true},
	}
	reqSchema := loadSchema(t, schemaFileName("POST", "/v3/videos"), "request_schema", false)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/v3/videos", testKey, tc.body)
			r.expectError(t, tc.status, tc.code, tc.param)
			body, isStr := tc.body.(string)
			if !isStr {
				b, err := jsonMarshal(tc.body)
				require.NoError(t, err)
				body = string(b)
			}
			v, err := unmarshalForSchema(body)
			if err != nil {
				require.True(t, tc.schemaRejects, "body is not JSON but the case says the schema accepts it")
				return
			}
			verr := reqSchema.Validate(v)
			if tc.schemaRejects {
				assert.Error(t, verr, "the request schema should reject this body too")
			} else {
				assert.NoError(t, verr, "the request schema accepts this body; only the server's own rules reject it")
			}
		})
	}
	all, _ := e.walk("/v3/videos?limit=100", testKey)
	assert.Len(t, all, SeedVideoCount, "rejected requests create nothing")
}
