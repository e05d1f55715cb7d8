package heygen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

// testKey is easy to spot if it ever leaks into an error message.
const testKey = "hg-TEST-SECRET-KEY-7f3a9c"

// seenRequest is what the fake server recorded about one request.
type seenRequest struct {
	Method  string
	Path    string // escaped path
	Query   url.Values
	RawQ    string
	Header  http.Header
	Body    []byte
	Attempt int // 1-based index of the request on the server
}

// JSON decodes the recorded body into a generic map.
func (s seenRequest) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(s.Body, &m), "body: %s", s.Body)
	return m
}

// fake is an httptest server that records requests and answers with a
// handler chosen by the test.
type fake struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []seenRequest
	waits  []time.Duration
	hooked []string
}

func (f *fake) requests() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.reqs...)
}

func (f *fake) sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

func (f *fake) hooks() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.hooked...)
}

func (f *fake) last(t *testing.T) seenRequest {
	t.Helper()
	r := f.requests()
	require.NotEmpty(t, r, "no request reached the server")
	return r[len(r)-1]
}

// handlerFunc answers request number n (1-based).
type handlerFunc func(w http.ResponseWriter, r *http.Request, n int)

// newFake starts a server with h and a client pointed at it. The client
// sleeps instantly (recording each wait) unless opts override it.
func newFake(t *testing.T, h handlerFunc, opts ...heygen.Option) (*heygen.Client, *fake) {
	t.Helper()
	f := &fake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		n := len(f.reqs) + 1
		f.reqs = append(f.reqs, seenRequest{
			Method:  r.Method,
			Path:    r.URL.EscapedPath(),
			Query:   r.URL.Query(),
			RawQ:    r.URL.RawQuery,
			Header:  r.Header.Clone(),
			Body:    body,
			Attempt: n,
		})
		f.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(f.srv.Close)

	base := []heygen.Option{
		heygen.WithBaseURL(f.srv.URL),
		heygen.WithSleep(func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.waits = append(f.waits, d)
			f.mu.Unlock()
			return ctx.Err()
		}),
		heygen.WithRequestHook(func(method, path string, attempt int) {
			f.mu.Lock()
			f.hooked = append(f.hooked, fmt.Sprintf("%s %s #%d", method, path, attempt))
			f.mu.Unlock()
		}),
	}
	c, err := heygen.NewClient(testKey, append(base, opts...)...)
	require.NoError(t, err)
	return c, f
}

// reply writes a JSON body with the given status.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// always answers every request the same way.
func always(status int, body string) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, status, body) }
}

// sequence answers request n with steps[n-1], repeating the last step.
func sequence(steps ...handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		i := min(n-1, len(steps)-1)
		steps[i](w, r, n)
	}
}

// requireNoKey fails when the API key appears in err's text.
func requireNoKey(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	require.NotContains(t, err.Error(), testKey)
	require.NotContains(t, err.Error(), "TEST-SECRET")
}

// videoJSON is a fully populated video object used by several tests.
const videoJSON = `{
	"id": "vid_1",
	"status": "completed",
	"title": "Hello",
	"created_at": 1735689600,
	"completed_at": 1735689700,
	"duration": 12.5,
	"video_url": "https://cdn.example/v.mp4",
	"captioned_video_url": "https://cdn.example/vc.mp4",
	"subtitle_url": "https://cdn.example/v.srt",
	"thumbnail_url": "https://cdn.example/t.jpg",
	"gif_url": "https://cdn.example/v.gif",
	"video_page_url": "https://app.heygen.com/videos/vid_1",
	"folder_id": "fold_1",
	"failure_code": null,
	"failure_message": null,
	"output_language": "fr-FR",
	"big_number": 9007199254740993
}`
