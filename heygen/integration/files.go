package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/fsroot"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Files in and out: the only file access a script has. Reads happen only
// under the --allow-read directories and writes only under --output-dir
// (registry.Env.Files); anything else is permission_denied.

func fileFunctions() []*registry.Function {
	modeParam := registry.Param{Name: "mode", Type: registry.String, Default: "auto", Enum: []string{"auto", "multipart", "direct"},
		Description: "How to send the file: auto (one request up to 32 MB, a direct upload above), multipart, or direct"}
	return []*registry.Function{
		{
			Name: "upload_asset", FullName: "heygen.heygen_upload_asset", Op: registry.Write,
			Summary: "Upload a local file as a HeyGen asset.",
			Description: "Uploads one file from a directory allowed with --allow-read (image, video, audio, PDF or SRT) and returns " +
				"its asset_id, for any parameter that takes {type = \"asset_id\", asset_id = ...}. The type and size are checked before " +
				"anything is sent.",
			Params: []registry.Param{
				{Name: "path", Type: registry.String, Required: true, MinLen: 1, Description: "The file, relative to an --allow-read directory or absolute inside one"},
				modeParam,
			},
			Returns: "`result.data`: every field HeyGen returns (`asset_id`, `url`, `mime_type`, `size_bytes`, ...) plus `path`, the file read.",
			Sections: []registry.Section{
				{Title: "Which files", Body: "Only files under a directory given with `--allow-read DIR` can be read (none by default); " +
					"`..`, absolute paths elsewhere and symbolic links leading out are refused with `permission_denied`. Accepted types: " +
					"png, jpeg, mp4, webm, mp3, wav, pdf and srt; the extension must match the content."},
				{Title: "How it maps to HeyGen", Body: "Up to 32 MB: `POST /v3/assets` (multipart). Larger files, or `mode = \"direct\"`: " +
					"`POST /v3/assets/direct-uploads`, a PUT of the bytes to the presigned `upload_url`, then " +
					"`POST /v3/assets/{asset_id}/complete` with the file's SHA-256."},
			},
			Examples: []registry.Example{{Title: "Upload a photo and make it talk", Code: `local heygen = app.integrations.heygen
local photo = heygen.upload_asset({path = "face.png"})
local video = heygen.create_talking_photo({
talking_photo_url = photo.data.url,
script = "Hello from my photo!",
voice_id = "voice-xyz789"
})
print(video.data.video_id)`}},
			Handler: uploadAsset,
		},
		{
			Name: "upload_assets", FullName: "heygen.heygen_upload_assets", Op: registry.Write,
			Summary:     "Upload several local files as HeyGen assets.",
			Description: "Uploads files from --allow-read directories one after another, after checking every one of them first, and returns their assets in order.",
			Params: []registry.Param{
				{Name: "paths", Type: registry.Array, Required: true, MinLen: 1, MaxLen: 100, Items: &registry.Param{Type: registry.String, MinLen: 1},
					Description: "The files, each relative to an --allow-read directory or absolute inside one"},
				modeParam,
			},
			Returns: "`result.data.assets`: one entry per path, as upload_asset returns it.",
			Sections: []registry.Section{{Title: "Errors", Body: "Nothing is sent unless every file can be read and has an accepted " +
				"type. When an upload fails midway the error's details list the assets already uploaded (`uploaded`)."}},
			Examples: []registry.Example{{Code: `local r = app.integrations.heygen.upload_assets({paths = {"intro.mp4", "logo.png"}})
for _, a in ipairs(r.data.assets) do
print(a.path .. " -> " .. a.asset_id)
end`}},
			Handler: uploadAssets,
		},
		{
			Name: "download", FullName: "heygen.heygen_download", Op: registry.Read,
			Summary: "Download a rendered file (video, captions, thumbnail, ...) into the output directory.",
			Description: "Saves one file of a finished video, video translation or lipsync under --output-dir (default: the current " +
				"directory), streaming it with progress on stderr, resuming a broken transfer and refreshing an expired link.",
			Params: []registry.Param{
				{Name: "video_id", Type: registry.String, MinLen: 1, Description: "A video (one of video_id, video_translation_id, lipsync_id)"},
				{Name: "video_translation_id", Type: registry.String, MinLen: 1, Description: "A video translation"},
				{Name: "lipsync_id", Type: registry.String, MinLen: 1, Description: "A lipsync"},
				{Name: "asset", Type: registry.String, Default: "video", Enum: downloadAssetNames(),
					Description: "Which file: video, captioned, subtitle, thumbnail, gif (videos); video, audio, subtitle, vtt (translations); video, subtitle (lipsyncs)"},
				{Name: "path", Type: registry.String, MinLen: 1, Description: "Where to save it, relative to --output-dir (default: <id>-<asset>.<extension>)"},
			},
			Returns: "`result.data`: `path` (absolute), `bytes`, `content_type`, `asset`, the id it came from, `resumed` (how often the " +
				"transfer was resumed) and `refreshed` (how often an expired link was replaced).",
			Sections: []registry.Section{
				{Title: "Files", Body: "| source | asset | HeyGen field |\n|---|---|---|\n" + downloadTable() +
					"\nThe object must be finished: wait_for_video (or poll the translation or lipsync) first."},
				{Title: "Where it goes", Body: "Only under `--output-dir DIR` (the current directory by default); `..`, absolute " +
					"paths elsewhere and symbolic links are refused with `permission_denied`. The file is written as `NAME.part` and " +
					"renamed when complete and of the announced length; an existing file of that name is replaced."},
				{Title: "How it maps to HeyGen", Body: "`GET /v3/videos/{video_id}` (or the translation or lipsync) for the presigned " +
					"URL, then a GET of that URL without the API key; a cut transfer continues with a `Range` request and a refused " +
					"(expired) URL is replaced by fetching the object again."},
			},
			Examples: []registry.Example{{Title: "Create, wait and save the mp4 and its subtitles", Code: `local heygen = app.integrations.heygen
local v = heygen.create_video({
video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "Hello!"}},
caption = true
})
heygen.wait_for_video({video_id = v.data.video_id})
local mp4 = heygen.download({video_id = v.data.video_id, path = "hello.mp4"})
heygen.download({video_id = v.data.video_id, asset = "subtitle", path = "hello.srt"})
print(mp4.data.path .. " (" .. mp4.data.bytes .. " bytes)")`}},
			Handler: download,
		},
	}
}

// downloadable maps a source and an asset name to the field holding its
// URL and the file extension to use by default.
var downloadable = []struct {
	source, param, asset, field, ext string
}{
	{heygen.SourceVideo, "video_id", "video", "video_url", ""},
	{heygen.SourceVideo, "video_id", "captioned", "captioned_video_url", ""},
	{heygen.SourceVideo, "video_id", "subtitle", "subtitle_url", ".srt"},
	{heygen.SourceVideo, "video_id", "thumbnail", "thumbnail_url", ".jpg"},
	{heygen.SourceVideo, "video_id", "gif", "gif_url", ".gif"},
	{heygen.SourceTranslation, "video_translation_id", "video", "video_url", ".mp4"},
	{heygen.SourceTranslation, "video_translation_id", "audio", "audio_url", ".mp3"},
	{heygen.SourceTranslation, "video_translation_id", "subtitle", "srt_caption_url", ".srt"},
	{heygen.SourceTranslation, "video_translation_id", "vtt", "vtt_caption_url", ".vtt"},
	{heygen.SourceLipsync, "lipsync_id", "video", "video_url", ".mp4"},
	{heygen.SourceLipsync, "lipsync_id", "subtitle", "caption_url", ".srt"},
}

func downloadAssetNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range downloadable {
		if !seen[d.asset] {
			seen[d.asset] = true
			out = append(out, d.asset)
		}
	}
	return out
}

func downloadTable() string {
	var b strings.Builder
	for _, d := range downloadable {
		fmt.Fprintf(&b, "| `%s` | `%s` | `%s` |\n", d.param, d.asset, d.field)
	}
	return b.String()
}

func filesOf(c *registry.Call) error {
	if c.Env.Files == nil {
		return errcode.New(errcode.PermissionDenied, "%s: this run has no file access", c.Function.Label()).
			WithHint("run it with kosmo integrations:lua, which allows --allow-read DIR and --output-dir DIR")
	}
	return nil
}

// checkedFile is a local file opened and checked for upload.
type checkedFile struct {
	path string
	up   heygen.UploadFile
	stop func()
}

// openUpload opens a file under the readable directories and checks its
// size and type before anything is sent.
func openUpload(c *registry.Call, p, mode string) (*checkedFile, error) {
	f, err := c.Env.Files.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, errcode.Wrap(errcode.InvalidArgument, err, fmt.Sprintf("%s: %v", p, err))
	}
	name := filepath.Base(p)
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, errcode.New(errcode.InvalidArgument, "%s is not a regular file", p).WithDetail("path", p)
	}
	if st.Size() == 0 {
		f.Close()
		return nil, errcode.New(errcode.InvalidArgument, "%s is empty; there is nothing to upload", p).WithDetail("path", p)
	}
	if mode == heygen.UploadMultipart && st.Size() > heygen.MaxAssetBytes {
		f.Close()
		return nil, errcode.New(errcode.InvalidArgument, "%s has %d bytes; a multipart upload takes at most %d", p, st.Size(), heygen.MaxAssetBytes).
			WithHint("use mode = \"auto\" or \"direct\" for larger files").WithDetail("path", p)
	}
	head := make([]byte, 512)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, errcode.Wrap(errcode.InvalidArgument, err, fmt.Sprintf("%s: %v", p, err))
	}
	mime, err := heygen.AssetMIMEType(name, head[:n])
	if err != nil {
		f.Close()
		return nil, errcode.New(errcode.InvalidArgument, "%v", err).WithDetail("path", p).
			WithHint("HeyGen takes png, jpeg, mp4, webm, mp3, wav, pdf and srt files")
	}
	return &checkedFile{path: p, stop: func() { f.Close() },
		up: heygen.UploadFile{Name: name, ContentType: mime, Size: st.Size(), Content: f}}, nil
}

func assetValue(a *heygen.Asset, p string) map[string]any {
	return withNames(a.Raw, map[string]any{"asset_id": a.AssetID, "path": p})
}

func uploadAsset(ctx context.Context, c *registry.Call) (any, error) {
	if err := filesOf(c); err != nil {
		return nil, err
	}
	mode := str(c.Args, "mode")
	cf, err := openUpload(c, str(c.Args, "path"), mode)
	if err != nil {
		return nil, err
	}
	defer cf.stop()
	s := sessionOf(c)
	fmt.Fprintf(s.progress, "heygen: uploading %s (%s, %s)\n", cf.path, cf.up.ContentType, sizeText(cf.up.Size))
	a, err := s.client.UploadAsset(ctx, cf.up, mode)
	if err != nil {
		return nil, mapError("heygen.upload_asset", err)
	}
	registry.ReportCreated(ctx, "asset_id", a.AssetID)
	return map[string]any{"data": assetValue(a, cf.path)}, nil
}

func uploadAssets(ctx context.Context, c *registry.Call) (any, error) {
	if err := filesOf(c); err != nil {
		return nil, err
	}
	mode := str(c.Args, "mode")
	paths, _ := c.Args["paths"].([]any)
	files := make([]*checkedFile, 0, len(paths))
	defer func() {
		for _, f := range files {
			f.stop()
		}
	}()
	for _, raw := range paths {
		cf, err := openUpload(c, raw.(string), mode)
		if err != nil {
			return nil, err
		}
		files = append(files, cf)
	}
	s := sessionOf(c)
	assets := make([]any, 0, len(files))
	for i, cf := range files {
		fmt.Fprintf(s.progress, "heygen: uploading %s (%d of %d, %s, %s)\n", cf.path, i+1, len(files), cf.up.ContentType, sizeText(cf.up.Size))
		a, err := s.client.UploadAsset(ctx, cf.up, mode)
		if err != nil {
			e := mapError("heygen.upload_assets", err)
			var ce *errcode.Error
			if errors.As(e, &ce) {
				ce.WithDetail("uploaded", assets).WithDetail("failed_path", cf.path)
			}
			return nil, e
		}
		registry.ReportCreated(ctx, "asset_id", a.AssetID)
		assets = append(assets, assetValue(a, cf.path))
	}
	return map[string]any{"data": map[string]any{"assets": assets}}, nil
}

func download(ctx context.Context, c *registry.Call) (any, error) {
	if err := filesOf(c); err != nil {
		return nil, err
	}
	// Exactly one source.
	var source, param, id string
	for _, p := range []string{"video_id", "video_translation_id", "lipsync_id"} {
		if v := str(c.Args, p); v != "" {
			if param != "" {
				return nil, errcode.New(errcode.InvalidArgument, "heygen.download: give one of video_id, video_translation_id and lipsync_id, not %s and %s", param, p)
			}
			param, id = p, v
		}
	}
	if param == "" {
		return nil, errcode.New(errcode.InvalidArgument, "heygen.download: give video_id, video_translation_id or lipsync_id").
			WithHint("for example download({video_id = \"abc123\", path = \"video.mp4\"})")
	}
	asset := str(c.Args, "asset")
	field, ext := "", ""
	var offered []string
	for _, d := range downloadable {
		if d.param != param {
			continue
		}
		offered = append(offered, d.asset)
		if d.asset == asset {
			source, field, ext = d.source, d.field, d.ext
		}
	}
	if field == "" {
		return nil, errcode.New(errcode.InvalidArgument, "heygen.download: a %s has no %q file; choose one of %s",
			strings.TrimSuffix(param, "_id"), asset, strings.Join(offered, ", ")).WithDetail("param", "asset")
	}
	s := sessionOf(c)
	fetch := func(ctx context.Context) (map[string]any, string, error) {
		obj, err := s.client.GetFileSource(ctx, source, id)
		if err != nil {
			return nil, "", mapError("heygen.download", err)
		}
		u, _ := obj[field].(string)
		st, _ := obj["status"].(string)
		what := strings.ReplaceAll(source, "_", " ") + " " + id
		if st == "failed" {
			// a failed job's leftover URL is not its result: never fetch it
			msg, _ := obj["failure_message"].(string)
			code, _ := obj["failure_code"].(string)
			return obj, "", errcode.New(errcode.APIError, "heygen.download: %s failed, so it has no files: %s", what, msg).
				WithDetail("status", st).WithDetail("failure_code", code).
				WithHint("create it again; the failure message says what HeyGen could not do")
		}
		if u != "" {
			return obj, u, nil
		}
		var e *errcode.Error
		switch st {
		case "completed", "complete", "success":
			e = errcode.New(errcode.InvalidArgument, "heygen.download: %s is %s but has no %s: that file was not produced", what, st, field).
				WithHint("ask for it when creating (for example caption = true for subtitles), or choose another asset")
		default:
			e = errcode.New(errcode.InvalidArgument, "heygen.download: %s has no %s yet (status %q)", what, field, st).
				WithHint("wait until it is completed (wait_for_video for videos), then download")
		}
		return obj, "", e.WithDetail("status", st).WithDetail("param", "asset")
	}
	// A path given is checked before anything is fetched; the default name
	// may need the extension of the URL.
	p := str(c.Args, "path")
	var target *fsroot.Target
	var err error
	if p != "" {
		if target, err = c.Env.Files.Create(p); err != nil {
			return nil, err
		}
	}
	obj, u, err := fetch(ctx)
	if err != nil {
		return nil, err
	}
	if target == nil {
		if ext == "" {
			ext = filepath.Ext(urlPath(u))
		}
		p = id + "-" + asset + ext
		if target, err = c.Env.Files.Create(p); err != nil {
			return nil, err
		}
	}
	part, _, err := target.OpenPart()
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		part.Close()
		if !ok {
			target.Discard()
		}
	}()
	if err := part.Truncate(0); err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, err, fmt.Sprintf("%s: %v", p, err))
	}
	label := fmt.Sprintf("heygen: download %s %s (%s)", strings.ReplaceAll(source, "_", " "), id, asset)
	lastShown := time.Time{}
	res, err := s.client.DownloadTo(ctx, heygen.Download{
		URL: u,
		Refresh: func(ctx context.Context) (string, error) {
			_, fresh, err := fetch(ctx)
			return fresh, err
		},
		Progress: func(written, total int64) {
			now := time.Now()
			if written == total || written != 0 && now.Sub(lastShown) < 500*time.Millisecond {
				return // the end is reported as "saved"
			}
			lastShown = now
			if total >= 0 {
				fmt.Fprintf(s.progress, "%s: %s of %s\n", label, sizeText(written), sizeText(total))
			} else {
				fmt.Fprintf(s.progress, "%s: %s\n", label, sizeText(written))
			}
		},
		Event: func(msg string) { fmt.Fprintf(s.progress, "%s: %s\n", label, msg) },
	}, part, 0)
	if err != nil {
		return nil, mapError("heygen.download", err)
	}
	if err := part.Sync(); err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, err, fmt.Sprintf("%s: %v", p, err))
	}
	if err := target.Commit(); err != nil {
		return nil, err
	}
	ok = true
	fmt.Fprintf(s.progress, "%s: saved %s to %s\n", label, sizeText(res.Bytes), target.Path)
	out := map[string]any{
		"path": target.Path, "bytes": res.Bytes, "content_type": res.ContentType, "asset": asset,
		"resumed": res.Resumed, "refreshed": res.Refreshed, param: id,
	}
	if st, has := obj["status"]; has {
		out["status"] = st
	}
	return map[string]any{"data": out}, nil
}

func urlPath(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
