package integration

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

func lifecycleFunctions() []*registry.Function {
	return []*registry.Function{
		{
			Name: "wait_for_video", FullName: "heygen.heygen_wait_for_video", Op: registry.Read,
			Summary: "Wait until a video is completed (or failed) and return it.",
			Description: "Polls a video until HeyGen finishes it, with growing pauses between polls, and returns the final video. " +
				"Raises when the video fails (with HeyGen's reason) or when the wait times out.",
			Params: []registry.Param{
				{Name: "video_id", Type: registry.String, Required: true, MinLen: 1, Description: "The video to wait for"},
				{Name: "timeout", Type: registry.Number, Default: int64(1200), Min: registry.Ptr(0.01), Max: registry.Ptr(86400), Description: "Give up after this many seconds"},
				{Name: "interval", Type: registry.Number, Min: registry.Ptr(0.05), Max: registry.Ptr(600), Description: "First pause between polls in seconds (default: 2, or 0.25 with --sandbox); doubles up to max_interval"},
				{Name: "max_interval", Type: registry.Number, Default: int64(30), Min: registry.Ptr(0.05), Max: registry.Ptr(600), Description: "Longest pause between polls in seconds"},
			},
			Returns: "`result.data`: the completed video, as get_video returns it (`video_url`, `thumbnail_url`, `duration`, ...).",
			Sections: []registry.Section{{Title: "Progress and errors", Body: "Each status change is reported on stderr " +
				"(`heygen: video abc123 processing after 12s`), and while nothing changes a heartbeat line " +
				"(`heygen: still waiting for video abc123: processing after 1m0s (9 polls)`) at least every 30 seconds, never on stdout. A failed video raises api_error with HeyGen's " +
				"failure_code and failure_message; running out of time raises timeout with the last status in the details. " +
				"Time spent waiting does not count against --cpu-limit, but does against --timeout."}},
			Examples: []registry.Example{{Title: "Create a video and wait for it", Code: `local heygen = app.integrations.heygen
local created = heygen.create_video({
video_inputs = {{character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"}, script = "Hello!"}},
test = true
})
local video = heygen.wait_for_video({video_id = created.data.video_id, timeout = 600})
print("Ready: " .. video.data.video_url)`}},
			Handler: waitForVideo,
		},
		{
			Name: "delete_video", FullName: "heygen.heygen_delete_video", Op: registry.Write,
			Summary:     "Delete a video.",
			Description: "Deletes one video from the HeyGen account (DELETE /v3/videos/{video_id}). This cannot be undone.",
			Params: []registry.Param{
				{Name: "video_id", Type: registry.String, Required: true, MinLen: 1, Description: "The video to delete"},
			},
			Returns: "`result.data.video_id` and `result.data.deleted = true`.",
			Examples: []registry.Example{{Code: `local r = app.integrations.heygen.delete_video({video_id = "abc123"})
print("Deleted: " .. r.data.video_id)`}},
			Handler: deleteVideo,
		},
		{
			Name: "list_all_videos", Columns: []string{"video_id", "status", "title", "created_at", "duration"}, FullName: "heygen.heygen_list_all_videos", Op: registry.Read,
			Summary:     "List every video, walking all pages.",
			Description: "Lists all videos of the account, newest first, reading every page (100 per request), optionally stopping after max.",
			Params: []registry.Param{
				{Name: "max", Type: registry.Integer, Min: registry.Ptr(1), Description: "Stop after this many videos (default: all)"},
				{Name: "folder_id", Type: registry.String, Description: "Only videos in this folder"},
				{Name: "title", Type: registry.String, Description: "Only videos whose title contains this text"},
			},
			Returns: "`result.data.videos` (as list_videos) and `result.data.truncated` (true when max stopped the walk early).",
			Examples: []registry.Example{{Code: `local r = app.integrations.heygen.list_all_videos({max = 500})
local done = 0
for _, v in ipairs(r.data.videos) do
if v.status == "completed" then done = done + 1 end
end
print(done .. " of " .. #r.data.videos .. " videos are completed")`}},
			Handler: listAllVideos,
		},
	}
}

func seconds(args map[string]any, k string, def time.Duration) time.Duration {
	if f, ok := floatArg(args, k); ok {
		return time.Duration(f * float64(time.Second))
	}
	return def
}

func waitForVideo(ctx context.Context, c *registry.Call) (any, error) {
	const f = "heygen.wait_for_video"
	s := sessionOf(c)
	id := str(c.Args, "video_id")
	timeout := seconds(c.Args, "timeout", 20*time.Minute)
	firstPause := 2 * time.Second
	if s.sandbox {
		firstPause = 250 * time.Millisecond
	}
	opts := heygen.WaitOptions{
		Interval:    seconds(c.Args, "interval", firstPause),
		MaxInterval: seconds(c.Args, "max_interval", 30*time.Second),
	}
	hb := newHeartbeat(s.progress, id)
	opts.OnPoll = hb.poll
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stop := hb.start()
	v, err := s.client.Videos.Wait(wctx, id, opts)
	stop()
	last := hb.status()
	if err != nil {
		if ctx.Err() == nil && wctx.Err() != nil && !isAPIError(err) {
			e := errcode.New(errcode.Timeout, "%s: video %s is still %s after %s", f, id, orUnknown(last), timeout).
				WithDetail("video_id", id).WithDetail("last_status", orUnknown(last)).
				WithHint("HeyGen is still working on it: wait again later, or pass a longer timeout (seconds)")
			return nil, e
		}
		return nil, mapError(f, err)
	}
	return map[string]any{"data": videoValue(v)}, nil
}

// heartbeatEvery is the longest a wait stays silent on stderr.
var heartbeatEvery = 30 * time.Second

// heartbeat reports a wait on stderr: every status change at once, and
// otherwise a line (status, elapsed time, polls) every heartbeatEvery, so
// a long wait never looks hung.
type heartbeat struct {
	w  io.Writer
	id string

	mu    sync.Mutex
	last  string // status of the latest poll
	polls int    // polls so far
	began time.Time
	now   func() time.Time
	tick  func(d time.Duration) (<-chan time.Time, func())
}

func newHeartbeat(w io.Writer, id string) *heartbeat {
	return &heartbeat{w: w, id: id, now: time.Now, tick: func(d time.Duration) (<-chan time.Time, func()) {
		t := time.NewTicker(d)
		return t.C, t.Stop
	}}
}

// poll is WaitOptions.OnPoll.
func (h *heartbeat) poll(v *heygen.Video, elapsed time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.polls++
	if v.Status != h.last {
		fmt.Fprintf(h.w, "heygen: video %s %s after %s\n", cmp.Or(v.ID, h.id), v.Status, elapsed.Round(time.Second))
		h.last = v.Status
	}
}

// start prints a heartbeat line at every tick until the returned function
// is called.
func (h *heartbeat) start() (stop func()) {
	h.began = h.now()
	ticks, stopTicks := h.tick(heartbeatEvery)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-ticks:
				h.beat()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		stopTicks()
	}
}

func (h *heartbeat) beat() {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(h.w, "heygen: still waiting for video %s: %s after %s (%d polls)\n",
		h.id, orUnknown(h.last), h.now().Sub(h.began).Round(time.Second), h.polls)
}

func (h *heartbeat) status() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

func isAPIError(err error) bool {
	var a *heygen.APIError
	var vf *heygen.VideoFailedError
	return errors.As(err, &a) || errors.As(err, &vf)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func deleteVideo(ctx context.Context, c *registry.Call) (any, error) {
	id := str(c.Args, "video_id")
	if err := sessionOf(c).client.Videos.Delete(ctx, id); err != nil {
		return nil, mapError("heygen.delete_video", err)
	}
	return map[string]any{"data": map[string]any{"video_id": id, "deleted": true}}, nil
}

func listAllVideos(ctx context.Context, c *registry.Call) (any, error) {
	s := sessionOf(c)
	p := heygen.VideoListParams{FolderID: str(c.Args, "folder_id"), Title: str(c.Args, "title")}
	videos, more, err := all(ctx, listPageSize, intArg(c.Args, "max"),
		func(ctx context.Context, size int, token string) (*heygen.Page[heygen.Video], error) {
			q := p
			q.Limit, q.Token = size, token
			return s.client.Videos.List(ctx, q)
		})
	if err != nil {
		return nil, mapError("heygen.list_all_videos", err)
	}
	return map[string]any{"data": map[string]any{"videos": list(videos, videoValue), "truncated": more}}, nil
}
