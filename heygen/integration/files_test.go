package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/fsroot"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

type filesFixture struct {
	sim     *heygentest.Server
	url     string
	host    *luahost.Host
	in, out string
	stderr  *bytes.Buffer
}

func setupFiles(t *testing.T, withFiles bool) *filesFixture {
	t.Helper()
	sim := heygentest.New(heygentest.Options{})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	base := t.TempDir()
	f := &filesFixture{sim: sim, url: srv.URL, in: filepath.Join(base, "in"), out: filepath.Join(base, "out"), stderr: &bytes.Buffer{}}
	require.NoError(t, os.MkdirAll(f.in, 0o755))
	require.NoError(t, os.MkdirAll(f.out, 0o755))
	opts := luahost.Options{
		Integrations: []luahost.Binding{{
			Integration: integration.New(),
			Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: srv.URL}},
			Policy:      registry.DefaultPolicy(),
		}},
		Force:  true,
		Stderr: f.stderr,
	}
	if withFiles {
		roots, err := fsroot.New([]string{f.in}, f.out)
		require.NoError(t, err)
		t.Cleanup(func() { roots.Close() })
		opts.Files = roots
	}
	h, err := luahost.New(opts)
	require.NoError(t, err)
	t.Cleanup(h.Close)
	f.host = h
	return f
}

// api calls the simulator directly, for the jobs no function creates here.
func (f *filesFixture) api(t *testing.T, path string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", f.url+path, bytes.NewReader(b))
	req.Header.Set("X-Api-Key", testKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	require.Equal(t, 200, resp.StatusCode, "%s", raw)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out["data"].(map[string]any)
}

func TestDownloadOtherJobs(t *testing.T) {
	f := setupFiles(t, true)
	src := map[string]any{"type": "url", "url": "https://example.invalid/in.mp4"}
	l := f.api(t, "/v3/lipsyncs", map[string]any{"video": src, "audio": src, "enable_caption": true})
	tr := f.api(t, "/v3/video-translations", map[string]any{"video": src, "output_languages": []any{"German"}, "enable_caption": true})
	lid := l["lipsync_id"].(string)
	tid := tr["video_translation_ids"].([]any)[0].(string)

	env := f.host.Run(context.Background(), `
local h = app.integrations.heygen
local ok, e = pcall(h.download, {lipsync_id = "`+lid+`"})
return e.code, e.message`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, "invalid_argument", env.Result[0])
	assert.Contains(t, env.Result[1], `has no video_url yet (status "pending")`)

	f.sim.Advance(time.Minute)
	env = f.host.Run(context.Background(), `
local h = app.integrations.heygen
local out = {}
out[1] = h.download({lipsync_id = "`+lid+`", path = "lip.mp4"}).data
out[2] = h.download({lipsync_id = "`+lid+`", asset = "subtitle"}).data
out[3] = h.download({video_translation_id = "`+tid+`", asset = "vtt", path = "de/captions.vtt"}).data
out[4] = h.download({video_translation_id = "`+tid+`", asset = "audio"}).data
return out`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	res := env.Result[0].([]any)
	paths := []string{}
	for _, r := range res {
		paths = append(paths, r.(map[string]any)["path"].(string))
	}
	assert.Equal(t, []string{
		filepath.Join(f.out, "lip.mp4"),
		filepath.Join(f.out, lid+"-subtitle.srt"),
		filepath.Join(f.out, "de/captions.vtt"),
		filepath.Join(f.out, tid+"-audio.mp3"),
	}, paths)
	vtt, err := os.ReadFile(paths[2])
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(vtt), "WEBVTT"))
	mp3, err := os.ReadFile(paths[3])
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(mp3, []byte("ID3")))
	assert.Contains(t, f.stderr.String(), "heygen: download lipsync "+lid+" (video): saved")
	assert.Equal(t, lid, res[0].(map[string]any)["lipsync_id"])
}

func TestUploadThenUseTheAsset(t *testing.T) {
	f := setupFiles(t, true)
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("x", 64))
	require.NoError(t, os.WriteFile(filepath.Join(f.in, "bg.png"), png, 0o644))
	env := f.host.Run(context.Background(), `
local h = app.integrations.heygen
local a = h.upload_asset({path = "bg.png", mode = "direct"}).data
local v = h.create_video({
  video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "hi",
    background = {type = "image", asset_id = a.asset_id}}}
}).data
return a.asset_id, a.mime_type, a.size_bytes, a.status, v.video_id ~= nil`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, "image/png", env.Result[1])
	assert.EqualValues(t, len(png), env.Result[2])
	assert.Equal(t, "completed", env.Result[3], "direct uploads are completed")
	assert.Equal(t, true, env.Result[4])
	var put bool
	for _, r := range f.sim.Requests() {
		put = put || r.Method == "PUT" && strings.HasPrefix(r.Path, "/media/uploads/")
	}
	assert.True(t, put, "the bytes went to the upload slot")
}

func TestNoFileAccessWithoutRoots(t *testing.T) {
	f := setupFiles(t, false)
	env := f.host.Run(context.Background(), `return app.integrations.heygen.upload_asset({path = "a.png"})`, luahost.RunOptions{})
	require.False(t, env.Success)
	assert.Equal(t, "permission_denied", string(env.Error.Code))
	assert.Contains(t, env.Error.Message, "no file access")
}

// Every write names what it created in its audit record: uploads their
// assets (a batch lists them all), generated create_* functions the ids of
// their answer.
func TestWritesReportWhatTheyCreated(t *testing.T) {
	f := setupFiles(t, true)
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("x", 64))
	for _, name := range []string{"a.png", "b.png"} {
		require.NoError(t, os.WriteFile(filepath.Join(f.in, name), png, 0o644))
	}
	env := f.host.Run(context.Background(), `
local h = app.integrations.heygen
local one = h.upload_asset({path = "a.png"}).data.asset_id
local two = h.upload_assets({paths = {"a.png", "b.png"}}).data.assets
local src = {type = "url", url = "https://example.invalid/in.mp4"}
local lip = h.create_lipsync({video = src, audio = src}).data
return one, two[1].asset_id, two[2].asset_id, lip.lipsync_id`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	calls := env.IntegrationCalls
	require.Len(t, calls, 3)
	assert.Equal(t, map[string]any{"asset_id": env.Result[0]}, calls[0].Created)
	assert.Equal(t, map[string]any{"asset_id": []any{env.Result[1], env.Result[2]}}, calls[1].Created)
	assert.Equal(t, env.Result[3], calls[2].Created["lipsync_id"])
}

// A failed video has no files: download says why (HeyGen's failure) and
// fetches nothing, even when the failed object still carries a URL.
func TestDownloadRefusesAFailedVideo(t *testing.T) {
	f := setupFiles(t, true)
	env := f.host.Run(context.Background(), `
return app.integrations.heygen.create_video({video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "[fail] please"}}}).data.video_id`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	id := env.Result[0].(string)
	f.sim.Advance(time.Hour)
	before := len(f.sim.Requests())
	env = f.host.Run(context.Background(), `return app.integrations.heygen.download({video_id = "`+id+`", path = "v.mp4"})`, luahost.RunOptions{})
	require.False(t, env.Success)
	assert.Equal(t, "api_error", env.Error.Code)
	assert.Contains(t, env.Error.Message, "failed, so it has no files")
	for _, r := range f.sim.Requests()[before:] {
		assert.False(t, strings.HasPrefix(r.Path, "/media/"), "nothing is fetched: %s", r.Path)
	}
	_, err := os.Stat(filepath.Join(f.out, "v.mp4"))
	assert.True(t, os.IsNotExist(err))
}
