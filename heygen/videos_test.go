package heygen_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

func TestVideosListRequestAndDecoding(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":[`+videoJSON+`,{"id":"vid_2","status":"pending","title":null,"duration":null}],"has_more":true,"next_token":"tok_2"}`))

	page, err := c.Videos.List(context.Background(), heygen.VideoListParams{Limit: 5, Token: "tok_1", FolderID: "fold 1", Title: "a&b"})
	require.NoError(t, err)

	r := f.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/v3/videos", r.Path)
	assert.Equal(t, "5", r.Query.Get("limit"))
	assert.Equal(t, "tok_1", r.Query.Get("token"))
	assert.Equal(t, "fold 1", r.Query.Get("folder_id"))
	assert.Equal(t, "a&b", r.Query.Get("title"))
	assert.Equal(t, testKey, r.Header.Get("X-Api-Key"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.Equal(t, "kosmo-heygen-go", r.Header.Get("User-Agent"))
	assert.Empty(t, r.Header.Get("Content-Type"), "GET has no body")
	assert.Empty(t, r.Body)

	require.Len(t, page.Data, 2)
	assert.True(t, page.HasMore)
	assert.Equal(t, "tok_2", page.NextToken)

	v := page.Data[0]
	assert.Equal(t, "vid_1", v.ID)
	assert.Equal(t, heygen.VideoStatusCompleted, v.Status)
	assert.Equal(t, "Hello", v.Title)
	require.NotNil(t, v.CreatedAt)
	assert.EqualValues(t, 1735689600, *v.CreatedAt)
	require.NotNil(t, v.CompletedAt)
	assert.EqualValues(t, 1735689700, *v.CompletedAt)
	require.NotNil(t, v.Duration)
	assert.InDelta(t, 12.5, *v.Duration, 1e-9)
	assert.Equal(t, "https://cdn.example/v.mp4", v.VideoURL)
	assert.Equal(t, "https://cdn.example/vc.mp4", v.CaptionedVideoURL)
	assert.Equal(t, "https://cdn.example/v.srt", v.SubtitleURL)
	assert.Equal(t, "https://cdn.example/t.jpg", v.ThumbnailURL)
	assert.Equal(t, "https://cdn.example/v.gif", v.GifURL)
	assert.Equal(t, "https://app.heygen.com/videos/vid_1", v.VideoPageURL)
	assert.Equal(t, "fold_1", v.FolderID)
	assert.Empty(t, v.FailureCode)
	assert.Empty(t, v.FailureMessage)
	assert.Equal(t, "fr-FR", v.OutputLanguage)
	assert.True(t, v.Done())

	// Raw keeps every member, nulls included, with exact numbers.
	assert.Equal(t, json.Number("9007199254740993"), v.Raw["big_number"])
	assert.Equal(t, json.Number("1735689600"), v.Raw["created_at"])
	assert.Equal(t, json.Number("12.5"), v.Raw["duration"])
	assert.Contains(t, v.Raw, "failure_code")
	assert.Nil(t, v.Raw["failure_code"])

	second := page.Data[1]
	assert.Equal(t, "vid_2", second.ID)
	assert.Empty(t, second.Title)
	assert.Nil(t, second.Duration)
	assert.Nil(t, second.CreatedAt)
	assert.False(t, second.Done())
}

func TestVideosListOmitsZeroParams(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":[],"has_more":false,"next_token":null}`))
	page, err := c.Videos.List(context.Background(), heygen.VideoListParams{})
	require.NoError(t, err)
	assert.Empty(t, f.last(t).RawQ)
	assert.NotNil(t, page.Data)
	assert.Empty(t, page.Data)
	assert.False(t, page.HasMore)
	assert.Empty(t, page.NextToken)
}

func TestVideosGet(t *testing.T) {
	c, f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("X-Request-Id", "req-ok")
		reply(w, 200, `{"data":`+videoJSON+`}`)
	})
	v, err := c.Videos.Get(context.Background(), "vid_1")
	require.NoError(t, err)
	r := f.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/v3/videos/vid_1", r.Path)
	assert.Empty(t, r.RawQ)
	assert.Equal(t, "vid_1", v.ID)
	assert.Equal(t, json.Number("9007199254740993"), v.Raw["big_number"])
}

func TestPathParamsAreEscaped(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"id":"x","status":"pending"}}`))
	_, err := c.Videos.Get(context.Background(), "a/b c?d")
	require.NoError(t, err)
	assert.Equal(t, "/v3/videos/a%2Fb%20c%3Fd", f.last(t).Path)
	assert.Empty(t, f.last(t).RawQ)
}

func TestEmptyIDIsRejectedWithoutRequest(t *testing.T) {
	c, f := newFake(t, always(200, `{}`))
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["Videos.Get"] = c.Videos.Get(ctx, "")
	checks["Videos.Delete"] = c.Videos.Delete(ctx, "")
	_, checks["Videos.Wait"] = c.Videos.Wait(ctx, "", heygen.WaitOptions{})
	_, checks["Avatars.GetLook"] = c.Avatars.GetLook(ctx, "")
	_, checks["Avatars.GetGroup"] = c.Avatars.GetGroup(ctx, "")
	_, checks["Voices.Get"] = c.Voices.Get(ctx, "")
	_, checks["Templates.Get"] = c.Templates.Get(ctx, "")
	_, checks["Templates.Generate"] = c.Templates.Generate(ctx, "", &heygen.GenerateTemplateRequest{})
	_, checks["Templates.GenerateRaw"] = c.Templates.GenerateRaw(ctx, "", map[string]any{})
	for name, err := range checks {
		assert.ErrorIs(t, err, heygen.ErrEmptyID, name)
	}
	assert.Empty(t, f.requests())
}

func TestVideosDelete(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"id":"vid_1","deleted":true}}`))
	require.NoError(t, c.Videos.Delete(context.Background(), "vid_1"))
	r := f.last(t)
	assert.Equal(t, http.MethodDelete, r.Method)
	assert.Equal(t, "/v3/videos/vid_1", r.Path)
	assert.Empty(t, r.Body)
}

func TestVideosDeleteNoContent(t *testing.T) {
	c, _ := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusNoContent) })
	require.NoError(t, c.Videos.Delete(context.Background(), "vid_1"))
}

func TestVideosDeleteNotFound(t *testing.T) {
	c, _ := newFake(t, always(404, `{"error":{"code":"video_not_found","message":"Video not found"}}`))
	err := c.Videos.Delete(context.Background(), "nope")
	var apiErr *heygen.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "video_not_found", apiErr.Code)
	assert.Equal(t, http.MethodDelete, apiErr.Method)
	assert.Equal(t, "/v3/videos/nope", apiErr.Path)
}

func TestVideosCreateAvatar(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"video_id":"vid_new","status":"waiting","output_format":"mp4","extra":12345678901234567890}}`))
	speed, pitch := 1.1, 0.0
	req := &heygen.CreateVideoRequest{
		Type:             heygen.VideoTypeAvatar,
		AvatarID:         "look_1",
		VoiceID:          "voice_1",
		Script:           "Hello there",
		Title:            "Greeting",
		Resolution:       "1080p",
		AspectRatio:      "9:16",
		OutputFormat:     "mp4",
		Fit:              "cover",
		RemoveBackground: new(false),
		Background:       &heygen.Background{Type: "color", Value: "#00FF00"},
		Caption:          &heygen.Caption{FileFormat: "srt", Style: "default"},
		CallbackURL:      "https://hooks.example/done",
		CallbackID:       "cb-1",
		Engine:           &heygen.Engine{Type: "avatar_v", ReferenceLookID: "look_ref"},
		Expressiveness:   "high",
		MotionPrompt:     "wave",
		VoiceSettings: &heygen.VoiceSettings{
			Speed: &speed, Pitch: &pitch, Locale: "en-US",
			EngineSettings: &heygen.VoiceEngineSettings{EngineType: "elevenlabs", Model: "eleven_v3", UseSpeakerBoost: new(true)},
		},
		Watermark: &heygen.Watermark{
			Image:     heygen.AssetFromURL("https://cdn.example/logo.png"),
			Placement: &heygen.WatermarkPlacement{Position: "top_left"},
		},
	}
	out, err := c.Videos.Create(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, "vid_new", out.VideoID)
	assert.Equal(t, "waiting", out.Status)
	assert.Equal(t, "mp4", out.OutputFormat)
	assert.Equal(t, json.Number("12345678901234567890"), out.Raw["extra"])

	r := f.last(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v3/videos", r.Path)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, testKey, r.Header.Get("X-Api-Key"))
	assert.JSONEq(t, `{
		"type": "avatar",
		"avatar_id": "look_1",
		"voice_id": "voice_1",
		"script": "Hello there",
		"title": "Greeting",
		"resolution": "1080p",
		"aspect_ratio": "9:16",
		"output_format": "mp4",
		"fit": "cover",
		"remove_background": false,
		"background": {"type": "color", "value": "#00FF00"},
		"caption": {"file_format": "srt", "style": "default"},
		"callback_url": "https://hooks.example/done",
		"callback_id": "cb-1",
		"engine": {"type": "avatar_v", "reference_look_id": "look_ref"},
		"expressiveness": "high",
		"motion_prompt": "wave",
		"voice_settings": {"speed": 1.1, "pitch": 0, "locale": "en-US",
			"engine_settings": {"engine_type": "elevenlabs", "model": "eleven_v3", "use_speaker_boost": true}},
		"watermark": {"image": {"type": "url", "url": "https://cdn.example/logo.png"}, "placement": {"position": "top_left"}}
	}`, string(r.Body))
}

func TestVideosCreateImage(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"video_id":"v","status":"waiting"}}`))
	_, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{
		Type:         heygen.VideoTypeImage,
		Image:        heygen.AssetFromBase64("image/png", "iVBORw0KGgo="),
		AudioAssetID: "asset_audio",
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"image","image":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="},"audio_asset_id":"asset_audio"}`, string(f.last(t).Body))
}

func TestVideosCreateCinematic(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"video_id":"v","status":"waiting"}}`))
	_, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{
		Type:          heygen.VideoTypeCinematicAvatar,
		AvatarIDs:     []string{"look_1", "look_2"},
		Prompt:        "walks on a beach",
		References:    []heygen.AssetInput{*heygen.AssetFromID("asset_1")},
		Duration:      new(8),
		EnhancePrompt: new(true),
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"cinematic_avatar","avatar_id":["look_1","look_2"],"prompt":"walks on a beach",
		"references":[{"type":"asset_id","asset_id":"asset_1"}],"duration":8,"enhance_prompt":true}`, string(f.last(t).Body))

	_, err = c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{Type: "cinematic_avatar", AvatarID: "x", AvatarIDs: []string{"y"}})
	require.Error(t, err)
	assert.Len(t, f.requests(), 1, "an invalid body is never sent")
}

func TestVideosCreateStudio(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"video_id":"v","status":"waiting"}}`))
	vol := 0.5
	_, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{
		Type:        heygen.VideoTypeStudio,
		Title:       "Story",
		AspectRatio: "16:9",
		Scenes: []heygen.Scene{
			{Type: "avatar_video", Input: &heygen.SceneInput{
				Type: "avatar", AvatarID: "look_1", Script: "Hi", VoiceID: "voice_1",
				Background: &heygen.SceneBackground{Type: "color", Color: "#112233"},
			}},
			{Type: "image", Source: heygen.AssetFromURL("https://cdn.example/a.png"), Duration: new(3.5)},
			{Type: "video", Source: heygen.AssetFromID("asset_v"), Playback: &heygen.Playback{Volume: &vol, Mute: new(false)}},
		},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"studio","title":"Story","aspect_ratio":"16:9","scenes":[
		{"type":"avatar_video","input":{"type":"avatar","avatar_id":"look_1","script":"Hi","voice_id":"voice_1",
			"background":{"type":"color","color":"#112233"}}},
		{"type":"image","source":{"type":"url","url":"https://cdn.example/a.png"},"duration":3.5},
		{"type":"video","source":{"type":"asset_id","asset_id":"asset_v"},"playback":{"volume":0.5,"mute":false}}
	]}`, string(f.last(t).Body))
}

func TestVideosCreateRaw(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"video_id":"v9","status":"waiting"}}`))
	out, err := c.Videos.CreateRaw(context.Background(), map[string]any{"type": "avatar", "avatar_id": "look_1", "future_field": 7})
	require.NoError(t, err)
	assert.Equal(t, "v9", out.VideoID)
	assert.JSONEq(t, `{"type":"avatar","avatar_id":"look_1","future_field":7}`, string(f.last(t).Body))
	assert.Equal(t, http.MethodPost, f.last(t).Method)
	assert.Equal(t, "/v3/videos", f.last(t).Path)
}

func TestVideosCreateNilBody(t *testing.T) {
	c, f := newFake(t, always(200, `{}`))
	_, err := c.Videos.Create(context.Background(), nil)
	require.Error(t, err)
	_, err = c.Videos.CreateRaw(context.Background(), nil)
	require.Error(t, err)
	assert.Empty(t, f.requests())
}

func TestVideosCreateMissingDataIsMalformed(t *testing.T) {
	c, _ := newFake(t, always(200, `{"video_id":"v"}`))
	_, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{Type: "avatar", AvatarID: "x"})
	var apiErr *heygen.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, heygen.CodeMalformedResponse, apiErr.Code)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, `"data"`)
}

// --- Wait ---

func statusVideo(status string) handlerFunc {
	return always(200, `{"data":{"id":"vid_w","status":"`+status+`"}}`)
}

func TestWaitPendingProcessingCompleted(t *testing.T) {
	c, f := newFake(t, sequence(
		statusVideo("pending"),
		statusVideo("processing"),
		statusVideo("processing"),
		always(200, `{"data":{"id":"vid_w","status":"completed","video_url":"https://cdn.example/w.mp4"}}`),
	))
	var polled []string
	v, err := c.Videos.Wait(context.Background(), "vid_w", heygen.WaitOptions{
		Interval:    time.Second,
		MaxInterval: 3 * time.Second,
		OnPoll: func(v *heygen.Video, elapsed time.Duration) {
			polled = append(polled, v.Status)
			assert.GreaterOrEqual(t, elapsed, time.Duration(0))
		},
	})
	require.NoError(t, err)
	assert.Equal(t, "https://cdn.example/w.mp4", v.VideoURL)
	assert.Equal(t, []string{"pending", "processing", "processing", "completed"}, polled)
	for _, r := range f.requests() {
		assert.Equal(t, "/v3/videos/vid_w", r.Path)
		assert.Equal(t, http.MethodGet, r.Method)
	}

	// Three pauses: ~1s, ~2s, ~3s (capped), each with jitter in [0.75,1.25)
	// and never above MaxInterval.
	waits := f.sleeps()
	require.Len(t, waits, 3)
	bases := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	for i, w := range waits {
		assert.GreaterOrEqual(t, w, time.Duration(float64(bases[i])*0.75), "wait %d", i)
		assert.LessOrEqual(t, w, min(time.Duration(float64(bases[i])*1.25), 3*time.Second), "wait %d", i)
	}
}

func TestWaitFailed(t *testing.T) {
	c, _ := newFake(t, sequence(
		statusVideo("processing"),
		always(200, `{"data":{"id":"vid_w","status":"failed","failure_code":"MOVIO_ERR","failure_message":"avatar rendering failed"}}`),
	))
	v, err := c.Videos.Wait(context.Background(), "vid_w", heygen.WaitOptions{})
	require.Error(t, err)
	require.NotNil(t, v)
	assert.Equal(t, heygen.VideoStatusFailed, v.Status)
	var failed *heygen.VideoFailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, "vid_w", failed.VideoID)
	assert.Equal(t, "MOVIO_ERR", failed.Code)
	assert.Equal(t, "avatar rendering failed", failed.Message)
	assert.Equal(t, "heygen: video vid_w failed: MOVIO_ERR: avatar rendering failed", err.Error())
}

func TestWaitContextDeadlineDuringPause(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, f := newFake(t, statusVideo("processing"), heygen.WithSleep(func(ctx context.Context, d time.Duration) error {
		cancel() // the deadline strikes while we wait
		<-ctx.Done()
		return ctx.Err()
	}))
	v, err := c.Videos.Wait(ctx, "vid_w", heygen.WaitOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, v, "the last video seen is returned")
	assert.Equal(t, "processing", v.Status)
	assert.Len(t, f.requests(), 1)
}

func TestWaitRealDeadline(t *testing.T) {
	// No fake sleep: the real timer must give way to the context promptly.
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	c, _ := newFake(t, statusVideo("pending"))
	c2, err := heygen.NewClient(testKey, heygen.WithBaseURL(c.BaseURL()))
	require.NoError(t, err)
	start := time.Now()
	v, err := c2.Videos.Wait(ctx, "vid_w", heygen.WaitOptions{Interval: time.Hour})
	assert.Less(t, time.Since(start), 5*time.Second)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotNil(t, v)
	assert.Equal(t, "pending", v.Status)
	requireNoKey(t, err)
}

func TestWaitReturnsAPIErrors(t *testing.T) {
	c, _ := newFake(t, sequence(statusVideo("pending"), always(404, `{"error":{"code":"video_not_found","message":"gone"}}`)))
	v, err := c.Videos.Wait(context.Background(), "vid_w", heygen.WaitOptions{})
	var apiErr *heygen.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	require.NotNil(t, v)
	assert.Equal(t, "pending", v.Status)
	assert.False(t, errors.Is(err, context.Canceled))
}
