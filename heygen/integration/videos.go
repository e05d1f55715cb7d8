package integration

import (
	"context"
	"strings"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// listPageSize is the page size used to serve offsets: HeyGen's maximum, so
// a window of up to 100 items costs at most two requests.
const listPageSize = 100

// videoValue is the video as scripts see it: HeyGen's object plus video_id.
// Every caller hands over a video it just decoded and keeps nothing else of
// it, so the name is added to Raw in place instead of copying the object.
func videoValue(v *heygen.Video) map[string]any {
	raw := v.Raw
	if raw == nil {
		raw = map[string]any{}
	}
	if cur, taken := raw["video_id"]; !taken || cur == nil {
		raw["video_id"] = v.ID
	}
	return raw
}

func limitOffset() []registry.Param {
	return []registry.Param{
		{Name: "limit", Type: registry.Integer, Default: int64(10), Min: registry.Ptr(1), Max: registry.Ptr(100),
			Description: "Maximum number of %s to return"},
		{Name: "offset", Type: registry.Integer, Default: int64(0), Min: registry.Ptr(0),
			Description: "Number of %s to skip for pagination"},
	}
}

func pagingParams(noun string) []registry.Param {
	ps := limitOffset()
	for i := range ps {
		ps[i].Description = strings.ReplaceAll(ps[i].Description, "%s", noun)
	}
	return ps
}

func listVideos(ctx context.Context, c *registry.Call) (any, error) {
	s := sessionOf(c)
	offset, limit := intArg(c.Args, "offset"), intArg(c.Args, "limit")
	p := heygen.VideoListParams{FolderID: str(c.Args, "folder_id"), Title: str(c.Args, "title")}
	key := "videos?" + p.FolderID + "\x00" + p.Title
	items, more, err := window(ctx, s, key, listPageSize, offset, limit,
		func(ctx context.Context, size int, token string) (*heygen.Page[heygen.Video], error) {
			q := p
			q.Limit, q.Token = size, token
			return s.client.Videos.List(ctx, q)
		})
	if err != nil {
		return nil, mapError("heygen.list_videos", err)
	}
	return map[string]any{"data": map[string]any{
		"videos":   list(items, videoValue),
		"limit":    limit,
		"offset":   offset,
		"has_more": more,
	}}, nil
}

func getVideo(ctx context.Context, c *registry.Call) (any, error) {
	v, err := sessionOf(c).client.Videos.Get(ctx, str(c.Args, "video_id"))
	if err != nil {
		return nil, mapError("heygen.get_video", err)
	}
	return map[string]any{"data": videoValue(v)}, nil
}

func createVideo(ctx context.Context, c *registry.Call) (any, error) {
	const f = "heygen.create_video"
	s := sessionOf(c)
	if err := checkTestMode(f, c.Args, s.sandbox); err != nil {
		return nil, err
	}
	body, err := buildCreateBody(f, c.Args, s.resolverFor(ctx, f))
	if err != nil {
		return nil, err
	}
	created, err := s.client.Videos.CreateRaw(ctx, body)
	if err != nil {
		return nil, mapError(f, err)
	}
	registry.ReportCreated(ctx, "video_id", created.VideoID)
	data := withNames(created.Raw, map[string]any{"video_id": created.VideoID, "status": created.Status})
	return map[string]any{"data": data}, nil
}

// checkTestMode applies the test-mode rule: HeyGen's current API has no
// test mode, so test = true would spend real credits. It is accepted only
// against the simulated service.
func checkTestMode(f string, args map[string]any, sandbox bool) error {
	if !boolArg(args, "test") || sandbox {
		return nil
	}
	return invalid(f, "test = true is not available: HeyGen's current API has no test mode, so this call would create a real video and spend credits").
		WithDetail("param", "test").
		WithHint("rehearse the run with --dry-run (reads are real, the video is planned, not created), try it for free with --sandbox, or pass test = false to create a real video")
}
