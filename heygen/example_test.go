package heygen_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/kosmo-dev/kosmo/heygen"
)

// exampleServer stands in for api.heygen.com so that the examples run
// offline and print the same thing every time.
func exampleServer(h http.HandlerFunc) *httptest.Server {
	return httptest.NewServer(h)
}

// noWait makes the client skip real pauses; it is only here to keep the
// examples fast. Real code leaves the default.
func noWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func ExampleVideosService_List() {
	srv := exampleServer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("token") == "" {
			io.WriteString(w, `{"data":[{"id":"v1","status":"completed","title":"Welcome"},
				{"id":"v2","status":"processing","title":"Launch"}],"has_more":true,"next_token":"page2"}`)
			return
		}
		io.WriteString(w, `{"data":[{"id":"v3","status":"failed","title":"Draft"}],"has_more":false,"next_token":null}`)
	})
	defer srv.Close()

	client, err := heygen.NewClient("my-api-key", heygen.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	// One page at a time.
	page, err := client.Videos.List(ctx, heygen.VideoListParams{Limit: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("first page:", len(page.Data), "videos, more:", page.HasMore)

	// Or every video, with the pages fetched behind the scenes.
	for v, err := range client.Videos.All(ctx, heygen.VideoListParams{Limit: 2}) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Printf("%s %-10s %s\n", v.ID, v.Status, v.Title)
	}
	// Output:
	// first page: 2 videos, more: true
	// v1 completed  Welcome
	// v2 processing Launch
	// v3 failed     Draft
}

func ExampleVideosService_Create() {
	var polls atomic.Int32
	srv := exampleServer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v3/videos":
			io.WriteString(w, `{"data":{"video_id":"vid_42","status":"waiting","output_format":"mp4"}}`)
		case r.URL.Path == "/v3/videos/vid_42":
			status := [...]string{"pending", "processing", "completed"}[min(polls.Add(1)-1, 2)]
			fmt.Fprintf(w, `{"data":{"id":"vid_42","status":%q,"video_url":"https://cdn.example/vid_42.mp4","duration":8.5}}`, status)
		default:
			http.NotFound(w, r)
		}
	})
	defer srv.Close()

	client, err := heygen.NewClient("my-api-key", heygen.WithBaseURL(srv.URL), heygen.WithSleep(noWait))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	created, err := client.Videos.Create(ctx, &heygen.CreateVideoRequest{
		Type:        heygen.VideoTypeAvatar,
		AvatarID:    "look_123",
		VoiceID:     "voice_456",
		Script:      "Welcome to the team!",
		AspectRatio: "16:9",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created", created.VideoID, "status", created.Status)

	video, err := client.Videos.Wait(ctx, created.VideoID, heygen.WaitOptions{
		OnPoll: func(v *heygen.Video, _ time.Duration) { fmt.Println("poll:", v.Status) },
	})
	var failed *heygen.VideoFailedError
	switch {
	case errors.As(err, &failed):
		fmt.Println("render failed:", failed.Code, failed.Message)
	case err != nil:
		fmt.Println("gave up:", err)
	default:
		fmt.Printf("done: %s (%.1fs)\n", video.VideoURL, *video.Duration)
	}
	// Output:
	// created vid_42 status waiting
	// poll: pending
	// poll: processing
	// poll: completed
	// done: https://cdn.example/vid_42.mp4 (8.5s)
}

func ExampleAPIError() {
	srv := exampleServer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-7")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"video_not_found","message":"Video not found","param":null,"doc_url":null}}`)
	})
	defer srv.Close()

	client, err := heygen.NewClient("my-api-key", heygen.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}

	_, err = client.Videos.Get(context.Background(), "missing")
	var apiErr *heygen.APIError
	var netErr *heygen.NetworkError
	switch {
	case errors.As(err, &apiErr):
		fmt.Println("status:", apiErr.StatusCode)
		fmt.Println("code:", apiErr.Code)
		fmt.Println("request id:", apiErr.RequestID)
		fmt.Println(err)
	case errors.As(err, &netErr):
		fmt.Println("network trouble, timeout:", netErr.Timeout())
	case err != nil:
		fmt.Println(err)
	}
	// Output:
	// status: 404
	// code: video_not_found
	// request id: req-7
	// heygen: GET /v3/videos/missing: 404 video_not_found: Video not found (request id req-7)
}
