package integration_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// thousandVideos serves an account holding exactly 1,000 videos.
func thousandVideos(b *testing.B) (*heygen.Client, string) {
	b.Helper()
	srv := httptest.NewServer(heygentest.New(heygentest.Options{}))
	b.Cleanup(srv.Close)
	c, err := heygen.NewClient(testKey, heygen.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	for _, err := range c.Videos.All(ctx, heygen.VideoListParams{Limit: 100}) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	for ; n < 1000; n++ {
		if _, err := c.Videos.CreateRaw(ctx, map[string]any{"type": "avatar", "avatar_id": "avatar-abc123", "voice_id": "voice-xyz789", "script": "x"}); err != nil {
			b.Fatal(err)
		}
	}
	return c, srv.URL
}

func BenchmarkList1000VideosGoClient(b *testing.B) {
	c, _ := thousandVideos(b)
	ctx := context.Background()
	for b.Loop() {
		n := 0
		for _, err := range c.Videos.All(ctx, heygen.VideoListParams{Limit: 100}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1000 {
			b.Fatalf("listed %d videos", n)
		}
	}
}

func BenchmarkList1000VideosLua(b *testing.B) {
	_, url := thousandVideos(b)
	h, err := luahost.New(luahost.Options{Integrations: []luahost.Binding{{
		Integration: integration.New(),
		Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: url}},
	}}})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	code := `local n = 0
for off = 0, 900, 100 do
  local page = app.integrations.heygen.list_videos({limit = 100, offset = off}).data.videos
  for _, v in ipairs(page) do if v.video_id then n = n + 1 end end
end
return n`
	ctx := context.Background()
	for b.Loop() {
		env := h.Run(ctx, code, luahost.RunOptions{})
		if !env.Success || env.Result[0] != int64(1000) {
			b.Fatalf("%+v %v", env.Error, env.Result)
		}
	}
}

// BenchmarkList1000VideosFloor is kosmo-bench's reference for the Lua
// listing: the same pages fetched and decoded once into Go maps by
// encoding/json, nothing else.
func BenchmarkList1000VideosFloor(b *testing.B) {
	_, url := thousandVideos(b)
	for b.Loop() {
		n, token := 0, ""
		for {
			u := url + "/v3/videos?limit=100"
			if token != "" {
				u += "&token=" + token
			}
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("X-Api-Key", testKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Data      []map[string]any `json:"data"`
				HasMore   bool             `json:"has_more"`
				NextToken *string          `json:"next_token"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Data)
			if !page.HasMore || page.NextToken == nil {
				break
			}
			token = *page.NextToken
		}
		if n != 1000 {
			b.Fatalf("listed %d videos", n)
		}
	}
}

// BenchmarkHostCallListVideos is the work behind one mcp:serve
// list_videos(100) call without the MCP layer: Host.Call against the
// simulator (seed videos only), from parallel callers.
func BenchmarkHostCallListVideos(b *testing.B) {
	srv := httptest.NewServer(heygentest.New(heygentest.Options{}))
	b.Cleanup(srv.Close)
	h, err := luahost.New(luahost.Options{Integrations: []luahost.Binding{{
		Integration: integration.New(),
		Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: srv.URL}},
	}}})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res := h.Call(ctx, "heygen", "list_videos", map[string]any{"limit": int64(100)}, luahost.CallOptions{})
			if res.Error != nil {
				b.Error(res.Error)
				return
			}
		}
	})
}
