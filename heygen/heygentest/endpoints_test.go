package heygentest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upload sends POST /v3/assets with one multipart file part.
func (e *env) upload(name, contentType string, data []byte) result {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, name))
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	pw, err := mw.CreatePart(h)
	require.NoError(e.t, err)
	_, _ = pw.Write(data)
	require.NoError(e.t, mw.Close())
	req, err := http.NewRequest("POST", e.ts.URL+"/v3/assets", &buf)
	require.NoError(e.t, err)
	req.Header.Set("X-Api-Key", testKey)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := e.client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	r := result{status: resp.StatusCode, header: resp.Header, body: b}
	checkConformance(e.t, e.srv, "POST", "/v3/assets", nil, r)
	return r
}

// fetch GETs (or PUTs to) an absolute URL with optional headers.
func (e *env) fetch(method, u string, body []byte, hdr ...string) result {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(e.t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: b}
}

func (e *env) ok(method, path string, body any) map[string]any {
	e.t.Helper()
	r := e.do(method, path, testKey, body)
	require.Equal(e.t, http.StatusOK, r.status, "%s %s: %s", method, path, r.body)
	if m, isObj := r.object(e.t)["data"].(map[string]any); isObj {
		return m
	}
	return r.object(e.t)
}

// TestEveryEndpoint drives every endpoint of the catalogue through a
// realistic flow on one sandbox; env.do validates every answer against the
// endpoint's response schema. At the end every endpoint must have
// answered 2xx at least once.
func TestEveryEndpoint(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	done := func() { clock.Advance(time.Minute) }
	png := tinyImage("face", "png")

	t.Run("videos", func(t *testing.T) {
		e.ok("GET", "/v3/videos?limit=2", nil)
		v := e.ok("POST", "/v3/videos", avatarBody(nil))
		id := v["video_id"].(string)
		e.ok("GET", "/v3/videos/"+id, nil)
		b := e.ok("POST", "/v3/videos/batches", map[string]any{"title": "two", "videos": []any{avatarBody(nil), avatarBody(map[string]any{"script": "second"})}})
		assert.EqualValues(t, 2, b["total_items"])
		assert.Equal(t, "processing", b["status"])
		done()
		b = e.ok("GET", "/v3/videos/batches/"+b["batch_id"].(string)+"?limit=1", nil)
		assert.Equal(t, "completed", b["status"])
		assert.Equal(t, true, b["has_more"])
		st := e.do("GET", "/v3/videos/statuses?video_ids="+id+",ghost&batch_ids="+b["batch_id"].(string), testKey, nil)
		items, _, _ := st.list(t)
		require.Len(t, items, 4)
		assert.Equal(t, "completed", items[0]["status"])
		assert.Equal(t, "failed", items[1]["status"])
		assert.Equal(t, b["batch_id"], items[2]["batch_id"])
		e.ok("DELETE", "/v3/videos/"+id, nil)
	})

	t.Run("assets", func(t *testing.T) {
		up := e.upload("face.png", "image/png", png)
		require.Equal(t, http.StatusOK, up.status, "%s", up.body)
		a := up.data(t)
		assert.Equal(t, "image/png", a["mime_type"])
		assert.EqualValues(t, len(png), a["size_bytes"])
		got := e.fetch("GET", a["url"].(string), nil)
		require.Equal(t, http.StatusOK, got.status)
		assert.Equal(t, png, got.body, "the uploaded bytes come back")
		id := a["asset_id"].(string)
		e.ok("GET", "/v3/assets/"+id, nil)
		e.ok("GET", "/v3/assets?username=me", nil)

		data := []byte("1\n00:00:00,000 --> 00:00:01,000\nhi\n")
		sum := sha256.Sum256(data)
		slot := e.ok("POST", "/v3/assets/direct-uploads", map[string]any{"filename": "subs.srt", "content_type": "application/x-subrip",
			"size_bytes": len(data), "checksum_sha256": hex.EncodeToString(sum[:])})
		incomplete := e.do("POST", "/v3/assets/"+slot["asset_id"].(string)+"/complete", testKey, map[string]any{})
		incomplete.expectError(t, http.StatusConflict, "upload_incomplete", "asset_id")
		put := e.fetch("PUT", slot["upload_url"].(string), data, "Content-Type", "application/x-subrip")
		require.Equal(t, http.StatusOK, put.status, "%s", put.body)
		c := e.ok("POST", "/v3/assets/"+slot["asset_id"].(string)+"/complete", map[string]any{})
		assert.Equal(t, "completed", c["status"])

		batch := e.ok("POST", "/v3/assets/direct-uploads/batches", map[string]any{"files": []any{
			map[string]any{"filename": "a.png", "content_type": "image/png", "size_bytes": len(png)},
			map[string]any{"filename": "b.png", "content_type": "image/png", "size_bytes": len(png)},
		}})
		slots := batch["items"].([]any)
		require.Len(t, slots, 2)
		first := slots[0].(map[string]any)
		require.Equal(t, http.StatusOK, e.fetch("PUT", first["upload_url"].(string), png, "Content-Type", "image/png").status)
		bv := e.ok("POST", "/v3/assets/complete/batches", map[string]any{"batch_id": batch["batch_id"]})
		assert.Equal(t, "processing", bv["status"], "one file is still missing")
		e.ok("GET", "/v3/assets/batches/"+batch["batch_id"].(string), nil)
		st := e.do("GET", "/v3/assets/statuses?batch_ids="+batch["batch_id"].(string), testKey, nil)
		items, _, _ := st.list(t)
		assert.Equal(t, []string{"completed", "queued"}, []string{items[0]["status"].(string), items[1]["status"].(string)})
		e.ok("GET", "/v3/assets/search?query=office&type=image&limit=5", nil)
		e.ok("GET", "/v3/assets/search?query=arrow&type=icon", nil)
		e.ok("DELETE", "/v3/assets/"+first["asset_id"].(string), nil)
	})

	t.Run("avatars", func(t *testing.T) {
		e.ok("GET", "/v3/avatars", nil)
		e.ok("GET", "/v3/avatars/looks", nil)
		photo := e.ok("POST", "/v3/avatars", map[string]any{"type": "photo", "name": "Me", "file": map[string]any{"type": "url", "url": "https://example.invalid/me.png"}})
		g := photo["avatar_group"].(map[string]any)
		look := photo["avatar_item"].(map[string]any)
		assert.Equal(t, "processing", g["status"])
		twin := e.ok("POST", "/v3/avatars", map[string]any{"type": "digital_twin", "name": "Twin", "file": map[string]any{"type": "url", "url": "https://example.invalid/me.mp4"}})
		tg := twin["avatar_group"].(map[string]any)
		assert.Equal(t, "pending_consent", tg["status"])
		consent := e.ok("POST", "/v3/avatars/"+tg["id"].(string)+"/consent", map[string]any{"consent_text": "I agree"})
		assert.Equal(t, "processing", consent["avatar_group"].(map[string]any)["status"])
		e.do("POST", "/v3/videos", testKey, avatarBody(map[string]any{"avatar_id": look["id"]})).
			expectError(t, http.StatusBadRequest, "invalid_parameter", "avatar_id")
		done()
		assert.Equal(t, "completed", e.ok("GET", "/v3/avatars/"+g["id"].(string), nil)["status"])
		e.ok("POST", "/v3/videos", avatarBody(map[string]any{"avatar_id": look["id"]}))
		e.ok("GET", "/v3/avatars/looks/"+look["id"].(string), nil)
		renamed := e.ok("PATCH", "/v3/avatars/looks/"+look["id"].(string), map[string]any{"name": "Me again"})
		assert.Equal(t, "Me again", renamed["name"])
		e.ok("DELETE", "/v3/avatars/looks/"+look["id"].(string), nil)
		e.ok("DELETE", "/v3/avatars/"+tg["id"].(string), nil)
		e.do("DELETE", "/v3/avatars/looks/"+SampleAvatarID, testKey, nil).expectError(t, http.StatusForbidden, "resource_access_denied", "look_id")
	})

	t.Run("voices", func(t *testing.T) {
		e.ok("GET", "/v3/voices", nil)
		e.ok("GET", "/v3/voices/"+SampleVoiceID, nil)
		d := e.ok("POST", "/v3/voices", map[string]any{"prompt": "a warm narrator", "seed": 3})
		assert.Len(t, d["voices"], 3)
		c := e.ok("POST", "/v3/voices/clone", map[string]any{"voice_name": "Mine", "audio": map[string]any{"type": "url", "url": "https://example.invalid/me.wav"}})
		id := c["voice_clone_id"].(string)
		assert.Equal(t, "processing", e.ok("GET", "/v3/voices/"+id, nil)["status"])
		done()
		assert.Equal(t, "complete", e.ok("GET", "/v3/voices/"+id, nil)["status"])
		sp := e.ok("POST", "/v3/voices/speech", map[string]any{"text": "Hello there world", "voice_id": id})
		assert.Len(t, sp["word_timestamps"], 3)
		audio := e.fetch("GET", sp["audio_url"].(string), nil)
		require.Equal(t, http.StatusOK, audio.status)
		assert.True(t, bytes.HasPrefix(audio.body, []byte("ID3")))
		e.ok("DELETE", "/v3/voices/"+id, nil)
		e.do("GET", "/v3/voices/"+id, testKey, nil).expectError(t, http.StatusNotFound, "voice_not_found", "voice_id")
	})

	t.Run("account, templates, brand, audio", func(t *testing.T) {
		e.ok("GET", "/v3/users/me", nil)
		e.ok("GET", "/v3/templates", nil)
		e.ok("GET", "/v3/templates/"+SampleTemplateID, nil)
		e.ok("POST", "/v3/templates/"+SampleTemplateID, map[string]any{"variables": map[string]any{}})
		e.ok("GET", "/v3/brand-glossaries", nil)
		e.ok("GET", "/v3/brand-kits", nil)
		s := e.do("GET", "/v3/audio/sounds?query=calm+piano&min_score=0.9", testKey, nil)
		items, _, _ := s.list(t)
		assert.Len(t, items, 5)
		e.ok("GET", "/v3/audio/sounds?query=whoosh&type=sound_effects", nil)
	})

	t.Run("webhooks", func(t *testing.T) {
		e.ok("GET", "/v3/webhooks/event-types", nil)
		ep := e.ok("POST", "/v3/webhooks/endpoints", map[string]any{"url": "https://example.invalid/hook", "events": []any{"avatar_video.success"}})
		require.NotEmpty(t, ep["secret"])
		id := ep["endpoint_id"].(string)
		e.ok("GET", "/v3/webhooks/endpoints", nil)
		up := e.ok("PATCH", "/v3/webhooks/endpoints/"+id, map[string]any{"events": []any{"avatar_video.fail"}})
		assert.Equal(t, []any{"avatar_video.fail"}, up["events"])
		rot := e.ok("POST", "/v3/webhooks/endpoints/"+id+"/rotate-secret", nil)
		assert.NotEqual(t, ep["secret"], rot["secret"])
		ev := e.do("GET", "/v3/webhooks/events?event_type=avatar_video.success", testKey, nil)
		items, _, _ := ev.list(t)
		assert.NotEmpty(t, items, "finished videos produce events")
		e.ok("DELETE", "/v3/webhooks/endpoints/"+id, nil)
		e.do("POST", "/v3/webhooks/endpoints", testKey, map[string]any{"url": "http://plain.invalid"}).expectError(t, http.StatusBadRequest, "invalid_parameter", "url")
	})

	src := map[string]any{"type": "url", "url": "https://example.invalid/in.mp4"}
	t.Run("lipsyncs", func(t *testing.T) {
		l := e.ok("POST", "/v3/lipsyncs", map[string]any{"video": src, "audio": map[string]any{"type": "url", "url": "https://example.invalid/a.mp3"}, "enable_caption": true})
		id := l["lipsync_id"].(string)
		assert.Equal(t, "pending", e.ok("GET", "/v3/lipsyncs/"+id, nil)["status"])
		b := e.ok("POST", "/v3/lipsyncs/batches", map[string]any{"lipsyncs": []any{map[string]any{"video": src, "audio": src, "title": "[fail] one"}}})
		done()
		v := e.ok("GET", "/v3/lipsyncs/"+id, nil)
		assert.Equal(t, "completed", v["status"])
		assert.NotNil(t, v["caption_url"])
		e.ok("GET", "/v3/lipsyncs", nil)
		e.ok("PATCH", "/v3/lipsyncs/"+id, map[string]any{"title": "new"})
		bv := e.ok("GET", "/v3/lipsyncs/batches/"+b["batch_id"].(string), nil)
		assert.Equal(t, "failed", bv["status"])
		e.ok("GET", "/v3/lipsyncs/statuses?lipsync_ids="+id, nil)
		e.ok("DELETE", "/v3/lipsyncs/"+id, nil)
	})

	t.Run("translations and proofreads", func(t *testing.T) {
		e.ok("GET", "/v3/video-translations/languages", nil)
		tr := e.ok("POST", "/v3/video-translations", map[string]any{"video": src, "output_languages": []any{"Spanish", "French (France)"}, "enable_caption": true})
		ids := tr["video_translation_ids"].([]any)
		require.Len(t, ids, 2)
		id := ids[0].(string)
		b := e.ok("POST", "/v3/video-translations/batches", map[string]any{"video_translations": []any{map[string]any{"video": src, "output_languages": []any{"German"}}}})
		pr := e.ok("POST", "/v3/video-translations/proofreads", map[string]any{"video": src, "output_languages": []any{"Italian"}, "title": "check"})
		pid := pr["proofread_ids"].([]any)[0].(string)
		e.do("POST", "/v3/video-translations/proofreads/"+pid+"/generate", testKey, map[string]any{}).expectError(t, http.StatusConflict, "conflict", "proofread_id")
		done()
		v := e.ok("GET", "/v3/video-translations/"+id, nil)
		assert.Equal(t, "completed", v["status"])
		vtt := e.fetch("GET", v["vtt_caption_url"].(string), nil)
		assert.True(t, strings.HasPrefix(string(vtt.body), "WEBVTT"))
		e.ok("GET", "/v3/video-translations", nil)
		e.ok("PATCH", "/v3/video-translations/"+id, map[string]any{"title": "renamed"})
		e.ok("GET", "/v3/video-translations/batches/"+b["batch_id"].(string), nil)
		e.ok("GET", "/v3/video-translations/statuses?video_translation_ids="+id, nil)
		e.ok("GET", "/v3/video-translations/proofreads/"+pid, nil)
		srt := e.ok("GET", "/v3/video-translations/proofreads/"+pid+"/srt", nil)
		assert.Equal(t, http.StatusOK, e.fetch("GET", srt["srt_url"].(string), nil).status)
		e.ok("PUT", "/v3/video-translations/proofreads/"+pid+"/srt", map[string]any{"srt": map[string]any{"type": "url", "url": "https://example.invalid/x.srt"}})
		g := e.ok("POST", "/v3/video-translations/proofreads/"+pid+"/generate", map[string]any{"captions": true})
		assert.NotEmpty(t, g["video_translation_id"])
		e.ok("DELETE", "/v3/video-translations/"+id, nil)
		e.do("POST", "/v3/video-translations", testKey, map[string]any{"video": src, "output_languages": []any{"Klingon"}}).
			expectError(t, http.StatusBadRequest, "invalid_parameter", "output_languages[0]")
	})

	t.Run("video agents", func(t *testing.T) {
		e.ok("GET", "/v3/video-agents/styles?tag=social", nil)
		s := e.ok("POST", "/v3/video-agents", map[string]any{"prompt": "A 30 second explainer about kosmo", "style_id": "style-explainer"})
		id := s["session_id"].(string)
		assert.Equal(t, "thinking", s["status"])
		chat := e.ok("POST", "/v3/video-agents", map[string]any{"prompt": "Let's talk", "mode": "chat"})
		done()
		v := e.ok("GET", "/v3/video-agents/"+id, nil)
		assert.Equal(t, "completed", v["status"])
		e.ok("GET", "/v3/video-agents", nil)
		vids := e.do("GET", "/v3/video-agents/"+id+"/videos", testKey, nil)
		items, _, _ := vids.list(t)
		require.Len(t, items, 1)
		e.ok("GET", "/v3/video-agents/"+id+"/resources/res-"+items[0]["id"].(string), nil)
		assert.Equal(t, "waiting_for_input", e.ok("GET", "/v3/video-agents/"+chat["session_id"].(string), nil)["status"])
		m := e.ok("POST", "/v3/video-agents/"+chat["session_id"].(string), map[string]any{"message": "Make it short"})
		assert.NotEmpty(t, m["run_id"])
		e.ok("POST", "/v3/video-agents/"+chat["session_id"].(string)+"/stop", map[string]any{})
		assert.Equal(t, "failed", e.ok("GET", "/v3/video-agents/"+chat["session_id"].(string), nil)["status"])
	})

	t.Run("background removals and clipping", func(t *testing.T) {
		r := e.ok("POST", "/v3/background-removals", map[string]any{"video": src})
		c := e.ok("POST", "/v3/ai-clipping", map[string]any{"video": src, "title": "talk", "output_settings": map[string]any{"duration_types": []any{"30", "60"}}})
		done()
		rv := e.ok("GET", "/v3/background-removals/"+r["id"].(string), nil)
		assert.Equal(t, "completed", rv["status"])
		assert.NotEmpty(t, rv["layers"].(map[string]any)["foreground"])
		e.ok("GET", "/v3/background-removals", nil)
		e.ok("DELETE", "/v3/background-removals/"+r["id"].(string), nil)
		cv := e.ok("GET", "/v3/ai-clipping/"+c["id"].(string), nil)
		assert.Len(t, cv["clips"], 4)
		e.ok("GET", "/v3/ai-clipping", nil)
		e.ok("DELETE", "/v3/ai-clipping/"+c["id"].(string), nil)
	})

	answered := map[string]bool{}
	for _, r := range e.srv.Requests() {
		if r.Status < 200 || r.Status > 299 {
			continue
		}
		if rt, _, _ := matchRoute(e.srv.routes, r.Path, r.Method); rt != nil {
			answered[rt.method+" "+rt.pattern] = true
		}
	}
	for _, key := range endpointKeys() {
		assert.True(t, answered[key], "%s never answered 2xx", key)
	}
}

// Requests are checked against the endpoint facts: types, enums, required
// fields, unions and query bounds give HeyGen-style 400s.
func TestRequestsCheckedFromFacts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	src := map[string]any{"type": "url", "url": "https://example.invalid/in.mp4"}
	cases := []struct {
		name, method, path string
		body               any
		param              string
	}{
		{"missing required", "POST", "/v3/lipsyncs", map[string]any{"video": src}, "audio"},
		{"wrong type", "POST", "/v3/lipsyncs", map[string]any{"video": src, "audio": src, "title": 3}, "title"},
		{"enum", "POST", "/v3/lipsyncs", map[string]any{"video": src, "audio": src, "mode": "fast"}, "mode"},
		{"union discriminator", "POST", "/v3/lipsyncs", map[string]any{"video": map[string]any{"type": "file"}, "audio": src}, "video.type"},
		{"union branch field", "POST", "/v3/lipsyncs", map[string]any{"video": map[string]any{"type": "asset_id"}, "audio": src}, "video.asset_id"},
		{"not json", "POST", "/v3/voices/clone", "{", ""},
		{"unknown asset", "POST", "/v3/lipsyncs", map[string]any{"video": map[string]any{"type": "asset_id", "asset_id": "nope"}, "audio": src}, "video.asset_id"},
		{"query enum", "GET", "/v3/assets/search?query=x&type=gif", nil, "type"},
		{"query required", "GET", "/v3/assets", nil, "username"},
		{"query bound", "GET", "/v3/lipsyncs?limit=101", nil, "limit"},
		{"query number", "GET", "/v3/audio/sounds?query=x&min_score=high", nil, "min_score"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, testKey, tc.body)
			if tc.name == "unknown asset" {
				r.expectError(t, http.StatusNotFound, "asset_not_found", tc.param)
				return
			}
			r.expectError(t, http.StatusBadRequest, "invalid_parameter", tc.param)
			assert.Equal(t, docURLBase+"invalid_parameter", r.apiErr(t)["doc_url"], "documentation links are not presigned")
		})
	}
}

func TestUploadRefusesTypesAndSizes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.upload("notes.txt", "text/plain", []byte("hello")).expectError(t, http.StatusUnsupportedMediaType, "unsupported_media_type", "file")
	e.upload("empty.png", "image/png", nil).expectError(t, http.StatusBadRequest, "invalid_parameter", "file")
	r := e.upload("guess.mp4", "", tinyMP4("x"))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "video/mp4", r.data(t)["mime_type"], "the type is taken from the name when the part has none")
	e.do("POST", "/v3/assets/direct-uploads", testKey, map[string]any{"filename": "x.exe", "content_type": "application/x-msdownload", "size_bytes": 10}).
		expectError(t, http.StatusUnsupportedMediaType, "unsupported_media_type", "content_type")
	slot := e.ok("POST", "/v3/assets/direct-uploads", map[string]any{"filename": "a.png", "content_type": "image/png", "size_bytes": 4})
	assert.Equal(t, http.StatusBadRequest, e.fetch("PUT", slot["upload_url"].(string), []byte("12345"), "Content-Type", "image/png").status, "more than announced")
	assert.Equal(t, http.StatusForbidden, e.fetch("PUT", slot["upload_url"].(string), []byte("1234"), "Content-Type", "image/jpeg").status, "other content type")
	require.Equal(t, http.StatusOK, e.fetch("PUT", slot["upload_url"].(string), []byte("1234"), "Content-Type", "image/png").status)
	e.do("POST", "/v3/assets/"+slot["asset_id"].(string)+"/complete", testKey, map[string]any{"checksum_sha256": strings.Repeat("0", 64)}).
		expectError(t, http.StatusBadRequest, "invalid_parameter", "checksum_sha256")
}

// completedVideo creates a video with captions and moves the clock past
// its rendering.
func completedVideo(t *testing.T, e *env, clock *fakeClock) map[string]any {
	r := e.ok("POST", "/v3/videos", avatarBody(map[string]any{"caption": map[string]any{"file_format": "srt"}}))
	clock.Advance(time.Minute)
	return e.ok("GET", "/v3/videos/"+r["video_id"].(string), nil)
}

func TestMediaFilesAreValid(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	v := completedVideo(t, e, clock)
	checks := map[string]func([]byte) bool{
		"video_url":     func(b []byte) bool { return string(b[4:8]) == "ftyp" && bytes.Contains(b, []byte("moov")) },
		"thumbnail_url": func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) },
		"gif_url":       func(b []byte) bool { return bytes.HasPrefix(b, []byte("GIF8")) },
		"subtitle_url":  func(b []byte) bool { return bytes.HasPrefix(b, []byte("1\n00:00:00,000 --> ")) },
	}
	for field, valid := range checks {
		r := e.fetch("GET", v[field].(string), nil)
		require.Equal(t, http.StatusOK, r.status, field)
		assert.True(t, valid(r.body), "%s is not a valid file: %q", field, truncate(r.body, 40))
		assert.Equal(t, fmt.Sprint(len(r.body)), r.header.Get("Content-Length"))
		assert.Equal(t, r.body, e.fetch("GET", v[field].(string), nil).body, "%s is stable", field)
	}
	assert.Equal(t, "video/mp4", e.fetch("HEAD", v["video_url"].(string), nil).header.Get("Content-Type"))
	assert.Equal(t, http.StatusMethodNotAllowed, e.fetch("DELETE", v["video_url"].(string), nil).status)
}

func TestMediaRangeRequests(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	u := completedVideo(t, e, clock)["video_url"].(string)
	full := e.fetch("GET", u, nil).body
	part := e.fetch("GET", u, nil, "Range", "bytes=100-")
	require.Equal(t, http.StatusPartialContent, part.status)
	assert.Equal(t, full[100:], part.body)
	assert.Equal(t, fmt.Sprintf("bytes 100-%d/%d", len(full)-1, len(full)), part.header.Get("Content-Range"))
	assert.Equal(t, "bytes", part.header.Get("Accept-Ranges"))
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, e.fetch("GET", u, nil, "Range", fmt.Sprintf("bytes=%d-", len(full)+5)).status)
}

func TestMediaURLsExpireAndAreSigned(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now, URLTTL: 10 * time.Minute})
	u := completedVideo(t, e, clock)["video_url"].(string)
	require.Equal(t, http.StatusOK, e.fetch("GET", u, nil).status)

	tampered := strings.Replace(u, "video.mp4", "video.webm", 1)
	r := e.fetch("GET", tampered, nil)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Contains(t, string(r.body), "<Code>SignatureDoesNotMatch</Code>")
	parsed, _ := url.Parse(u)
	assert.Equal(t, http.StatusForbidden, e.fetch("GET", e.ts.URL+parsed.Path, nil).status, "unsigned")

	clock.Advance(12 * time.Minute)
	r = e.fetch("GET", u, nil)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Contains(t, string(r.body), "Request has expired")
	assert.Equal(t, "application/xml", r.header.Get("Content-Type"))
	fresh := e.ok("GET", "/v3/videos/"+strings.Split(parsed.Path, "/")[3], nil)["video_url"].(string)
	assert.NotEqual(t, u, fresh)
	assert.Equal(t, http.StatusOK, e.fetch("GET", fresh, nil).status, "fetching the resource again gives a fresh URL")

	// The control API moves the clock too.
	req, _ := http.NewRequest("POST", e.ts.URL+"/_sandbox/clock", strings.NewReader(`{"advance":"1h"}`))
	resp, err := e.client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, http.StatusForbidden, e.fetch("GET", fresh, nil).status)
}

func TestMediaTruncationFault(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	u := completedVideo(t, e, clock)["video_url"].(string)
	full := e.fetch("GET", u, nil).body
	e.srv.Inject(Fault{Path: "/media/*", Kind: Truncated, Times: 1})
	resp, err := e.client.Get(u)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Error(t, err, "the body is cut short")
	assert.Equal(t, full[:len(got)], got)
	assert.Less(t, len(got), len(full))
	rest := e.fetch("GET", u, nil, "Range", fmt.Sprintf("bytes=%d-", len(got)))
	assert.Equal(t, full, append(got, rest.body...), "a range request resumes it")
	assert.Equal(t, http.StatusPartialContent, e.srv.Requests()[len(e.srv.Requests())-1].Status)
}

func TestWebhookEventsFollowJobs(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	src := map[string]any{"type": "url", "url": "https://example.invalid/in.mp4"}
	tr := e.ok("POST", "/v3/video-translations", map[string]any{"video": src, "output_languages": []any{"French"}})
	clock.Advance(time.Second)
	bad := e.ok("POST", "/v3/ai-clipping", map[string]any{"video": src, "title": "[fail] talk"})
	clock.Advance(time.Second)
	e.ok("POST", "/v3/videos", avatarBody(nil))
	items, _, _ := e.do("GET", "/v3/webhooks/events", testKey, nil).list(t)
	assert.Empty(t, items, "nothing has finished yet")
	clock.Advance(time.Minute)
	all, _ := e.walk("/v3/webhooks/events?limit=1", testKey)
	var types []string
	for _, ev := range all {
		types = append(types, ev["event_type"].(string))
	}
	assert.Equal(t, []string{"avatar_video.success", "ai_clipping.fail", "video_translate.success"}, types, "newest first")
	one, _, _ := e.do("GET", "/v3/webhooks/events?entity_id="+bad["id"].(string), testKey, nil).list(t)
	require.Len(t, one, 1)
	assert.Equal(t, bad["id"], one[0]["event_data"].(map[string]any)["job_id"])
	tid := tr["video_translation_ids"].([]any)[0].(string)
	one, _, _ = e.do("GET", "/v3/webhooks/events?event_type=video_translate.success", testKey, nil).list(t)
	require.Len(t, one, 1)
	assert.Equal(t, tid, one[0]["event_data"].(map[string]any)["video_translation_id"])
}
