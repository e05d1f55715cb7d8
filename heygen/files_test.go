package heygen_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/heygen/heygentest"
)

type fileClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fileClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func simClient(t *testing.T, o heygentest.Options) (*heygen.Client, *heygentest.Server, *httptest.Server) {
	t.Helper()
	sim := heygentest.New(o)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := heygen.NewClient("sk-files-test-key", heygen.WithBaseURL(srv.URL), heygen.WithBackoff(0, 0))
	require.NoError(t, err)
	return c, sim, srv
}

// part is an in-memory PartFile.
type part struct{ bytes.Buffer }

func (p *part) Truncate(n int64) error { p.Buffer.Truncate(int(n)); return nil }

func TestAssetMIMEType(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, tc := range []struct {
		name string
		head []byte
		want string
		err  string
	}{
		{"a.png", png, "image/png", ""},
		{"A.PNG", png, "image/png", ""},
		{"a.jpg", png, "", "the name says image/jpeg but the content is image/png"},
		{"a.png", []byte("%PDF-1.7\n"), "", "content is application/pdf"},
		{"a.srt", []byte("1\n00:00:00,000 --> 00:00:01,000\nhi\n"), "application/x-subrip", ""},
		{"a.srt", png, "", "the name says application/x-subrip but the content is image/png"},
		{"a.gif", []byte("GIF89a"), "", `does not take ".gif" files`},
		{"noext", []byte("x"), "", `does not take "" files`},
		{"a.mp3", []byte("ID3\x03"), "audio/mpeg", ""},
		{"a.wav", []byte("RIFF\x00\x00\x00\x00WAVEfmt "), "audio/wav", ""},
	} {
		got, err := heygen.AssetMIMEType(tc.name, tc.head)
		if tc.err != "" {
			require.Error(t, err, tc.name)
			assert.Contains(t, err.Error(), tc.err)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
}

func TestUploadAssetBothWays(t *testing.T) {
	c, sim, _ := simClient(t, heygentest.Options{})
	ctx := context.Background()
	data := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("pixels", 100))
	for _, mode := range []string{heygen.UploadMultipart, heygen.UploadDirect, heygen.UploadAuto} {
		a, err := c.UploadAsset(ctx, heygen.UploadFile{Name: "face.png", Size: int64(len(data)), Content: bytes.NewReader(data)}, mode)
		require.NoError(t, err, mode)
		assert.NotEmpty(t, a.AssetID)
		assert.Equal(t, "image/png", a.MIMEType)
		assert.EqualValues(t, len(data), a.SizeBytes)
		resp, err := http.Get(a.URL)
		require.NoError(t, err)
		var got bytes.Buffer
		_, _ = got.ReadFrom(resp.Body)
		resp.Body.Close()
		assert.Equal(t, data, got.Bytes(), "%s: the stored bytes come back", mode)
	}
	var paths []string
	for _, r := range sim.Requests() {
		paths = append(paths, r.Method+" "+strings.Split(r.Path, "/")[1]+"/"+strings.Join(strings.Split(r.Path, "/")[2:3], ""))
		if strings.HasPrefix(r.Path, "/media/uploads/") {
			assert.Empty(t, r.KeyLabel, "the API key is not sent to the upload URL")
		}
	}
	assert.Contains(t, paths, "PUT media/uploads")
	_, err := c.UploadAsset(ctx, heygen.UploadFile{Name: "x.exe", Size: 3, Content: bytes.NewReader([]byte("MZ!"))}, "")
	require.Error(t, err)
	_, err = c.UploadAsset(ctx, heygen.UploadFile{Name: "big.png", Size: heygen.MaxAssetBytes + 1, Content: bytes.NewReader(data)}, heygen.UploadMultipart)
	require.ErrorContains(t, err, "direct upload")
}

func completedVideoURL(t *testing.T, c *heygen.Client, clock *fileClock) (string, map[string]any) {
	ctx := context.Background()
	created, err := c.Videos.CreateRaw(ctx, map[string]any{"type": "avatar", "avatar_id": "avatar-abc123", "voice_id": "voice-xyz789", "script": "hi"})
	require.NoError(t, err)
	clock.mu.Lock()
	clock.t = clock.t.Add(time.Minute)
	clock.mu.Unlock()
	obj, err := c.GetFileSource(ctx, heygen.SourceVideo, created.VideoID)
	require.NoError(t, err)
	return created.VideoID, obj
}

func TestDownloadResumesAndRefreshes(t *testing.T) {
	clock := &fileClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	c, sim, _ := simClient(t, heygentest.Options{Clock: clock.Now, URLTTL: time.Hour})
	ctx := context.Background()
	id, obj := completedVideoURL(t, c, clock)
	u := obj["video_url"].(string)

	var full part
	res, err := c.DownloadTo(ctx, heygen.Download{URL: u}, &full, 0)
	require.NoError(t, err)
	assert.Equal(t, int64(full.Len()), res.Bytes)
	assert.Equal(t, "video/mp4", res.ContentType)

	// A body cut in half is resumed with a Range request.
	sim.Inject(heygentest.Fault{Path: "/media/*", Kind: heygentest.Truncated, Times: 1})
	var cut part
	var events []string
	res, err = c.DownloadTo(ctx, heygen.Download{URL: u, Event: func(m string) { events = append(events, m) }}, &cut, 0)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Resumed)
	assert.Equal(t, full.Bytes(), cut.Bytes())
	require.Len(t, events, 1)
	last := sim.Requests()[len(sim.Requests())-1]
	assert.Equal(t, http.StatusPartialContent, last.Status)

	// Bytes from an earlier attempt are kept.
	var resumed part
	resumed.Write(full.Bytes()[:1000])
	res, err = c.DownloadTo(ctx, heygen.Download{URL: u}, &resumed, 1000)
	require.NoError(t, err)
	assert.Equal(t, full.Bytes(), resumed.Bytes())

	// An expired link is replaced through Refresh.
	clock.mu.Lock()
	clock.t = clock.t.Add(2 * time.Hour)
	clock.mu.Unlock()
	var fresh part
	refreshes := 0
	res, err = c.DownloadTo(ctx, heygen.Download{URL: u, Refresh: func(ctx context.Context) (string, error) {
		refreshes++
		o, err := c.GetFileSource(ctx, heygen.SourceVideo, id)
		if err != nil {
			return "", err
		}
		return o["video_url"].(string), nil
	}}, &fresh, 0)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Refreshed)
	assert.Equal(t, 1, refreshes)
	assert.Equal(t, full.Bytes(), fresh.Bytes())

	// Without Refresh the expiry is an error that names the storage's code
	// and never the signature.
	var stale part
	_, err = c.DownloadTo(ctx, heygen.Download{URL: u}, &stale, 0)
	var apiErr *heygen.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, 403, apiErr.StatusCode)
	assert.Equal(t, "AccessDenied", apiErr.Code)
	assert.NotContains(t, err.Error(), "signature=")
}

// A server that ignores Range and one that sends fewer bytes than it
// announced.
func TestDownloadOddServers(t *testing.T) {
	body := []byte(strings.Repeat("0123456789", 100))
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch r.URL.Path {
		case "/norange":
			if calls == 1 {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				w.WriteHeader(200)
				_, _ = w.Write(body[:300])
				return // cut
			}
			_, _ = w.Write(body) // whole file again, Range ignored
		case "/short":
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			_, _ = w.Write(body[:10])
		case "/key":
			assert.Empty(t, r.Header.Get("X-Api-Key"))
			_, _ = w.Write(body)
		}
	}))
	defer srv.Close()
	c, err := heygen.NewClient("sk-odd", heygen.WithBackoff(0, 0))
	require.NoError(t, err)
	ctx := context.Background()
	var p part
	res, err := c.DownloadTo(ctx, heygen.Download{URL: srv.URL + "/norange"}, &p, 0)
	require.NoError(t, err)
	assert.Equal(t, body, p.Bytes(), "started over when the range was ignored")
	assert.Equal(t, 1, res.Resumed)

	var short part
	_, err = c.DownloadTo(ctx, heygen.Download{URL: srv.URL + "/short", MaxAttempts: 3}, &short, 0)
	require.Error(t, err, "never completes")
	var k part
	_, err = c.DownloadTo(ctx, heygen.Download{URL: srv.URL + "/key"}, &k, 0)
	require.NoError(t, err)
}
