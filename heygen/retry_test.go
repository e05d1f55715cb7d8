package heygen_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

const rateLimited = `{"error":{"code":"rate_limit_exceeded","message":"Too many requests"}}`

func retryAfter(v string) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", v)
		reply(w, 429, rateLimited)
	}
}

// hangup drops the connection without answering: a transport error.
func hangup(w http.ResponseWriter, _ *http.Request, _ int) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// noKeepAlive makes each attempt use a fresh connection, so that
// net/http never replays a request on its own after a hang-up.
func noKeepAlive() heygen.Option {
	return heygen.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}})
}

func TestRetry429WithRetryAfterSecondsOnPost(t *testing.T) {
	c, f := newFake(t, sequence(retryAfter("5"), always(200, `{"data":{"video_id":"v1","status":"waiting"}}`)))
	out, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{Type: "avatar", AvatarID: "look"})
	require.NoError(t, err)
	assert.Equal(t, "v1", out.VideoID)

	reqs := f.requests()
	require.Len(t, reqs, 2, "a 429 POST is retried")
	assert.Equal(t, reqs[0].Body, reqs[1].Body, "the body is replayed unchanged")
	assert.JSONEq(t, `{"type":"avatar","avatar_id":"look"}`, string(reqs[1].Body))
	assert.Equal(t, []time.Duration{5 * time.Second}, f.sleeps(), "Retry-After beats the ~1s backoff")
	assert.Equal(t, []string{"POST /v3/videos #1", "POST /v3/videos #2"}, f.hooks())
}

func TestRetry429WithRetryAfterHTTPDate(t *testing.T) {
	date := time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)
	c, f := newFake(t, sequence(retryAfter(date), always(200, `{"data":[],"has_more":false}`)))
	_, err := c.Videos.List(context.Background(), heygen.VideoListParams{})
	require.NoError(t, err)
	require.Len(t, f.requests(), 2)
	waits := f.sleeps()
	require.Len(t, waits, 1)
	// The date has one-second resolution and some time passes in between.
	assert.GreaterOrEqual(t, waits[0], 8*time.Second)
	assert.LessOrEqual(t, waits[0], 10*time.Second)
}

func TestRetry429RetryAfterIsCapped(t *testing.T) {
	c, f := newFake(t, sequence(retryAfter("3600"), always(200, `{"data":{"username":"u"}}`)))
	_, err := c.Users.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{30 * time.Second}, f.sleeps())

	c, f = newFake(t, sequence(retryAfter("3600"), always(200, `{"data":{"username":"u"}}`)), heygen.WithBackoff(10*time.Millisecond, 2*time.Second))
	_, err = c.Users.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{2 * time.Second}, f.sleeps(), "capped at the configured maximum")
}

func TestRetry429ExhaustedReturnsAPIError(t *testing.T) {
	c, f := newFake(t, retryAfter("1"))
	_, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{Type: "avatar", AvatarID: "look"})
	var apiErr *heygen.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 429, apiErr.StatusCode)
	assert.Equal(t, time.Second, apiErr.RetryAfter)
	assert.Len(t, f.requests(), 3, "default: 2 retries, 3 attempts")
	assert.Len(t, f.sleeps(), 2)
}

func TestRetry500OnGet(t *testing.T) {
	c, f := newFake(t, sequence(
		always(500, `{"error":{"code":"internal_error","message":"boom"}}`),
		always(503, `<html>unavailable</html>`),
		always(200, `{"data":`+videoJSON+`}`),
	))
	v, err := c.Videos.Get(context.Background(), "vid_1")
	require.NoError(t, err)
	assert.Equal(t, "vid_1", v.ID)
	require.Len(t, f.requests(), 3)
	waits := f.sleeps()
	require.Len(t, waits, 2)
	// Exponential backoff with jitter in [0.75, 1.25).
	assert.GreaterOrEqual(t, waits[0], 750*time.Millisecond)
	assert.Less(t, waits[0], 1250*time.Millisecond)
	assert.GreaterOrEqual(t, waits[1], 1500*time.Millisecond)
	assert.Less(t, waits[1], 2500*time.Millisecond)
	assert.Equal(t, []string{"GET /v3/videos/vid_1 #1", "GET /v3/videos/vid_1 #2", "GET /v3/videos/vid_1 #3"}, f.hooks())
}

func TestRetry5xxExhaustedOnGet(t *testing.T) {
	c, f := newFake(t, always(502, ``))
	_, err := c.Voices.List(context.Background(), heygen.VoiceListParams{})
	var apiErr *heygen.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Equal(t, heygen.CodeUnclassifiedServerError, apiErr.Code)
	assert.Len(t, f.requests(), 3)
}

func TestRetry5xxOnDelete(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		c, f := newFake(t, sequence(always(status, ``), always(200, `{"data":{"id":"v","deleted":true}}`)))
		require.NoError(t, c.Videos.Delete(context.Background(), "v"), "status %d", status)
		assert.Len(t, f.requests(), 2, "status %d", status)
	}
}

func TestNoRetryFor500OnPost(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		c, f := newFake(t, always(status, `{"error":{"code":"internal_error","message":"boom"}}`))
		_, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{Type: "avatar", AvatarID: "look"})
		var apiErr *heygen.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, status, apiErr.StatusCode)
		assert.Len(t, f.requests(), 1, "POST must not be duplicated after %d", status)
		assert.Empty(t, f.sleeps())

		_, err = c.Templates.Generate(context.Background(), "tpl", &heygen.GenerateTemplateRequest{})
		require.Error(t, err)
		assert.Len(t, f.requests(), 2, "template POST must not be duplicated after %d", status)
	}
}

func TestNoRetryForOtherStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 402, 403, 404, 409, 413, 422, 501, 505} {
		c, f := newFake(t, always(status, ``))
		_, err := c.Users.Me(context.Background())
		require.Error(t, err)
		assert.Len(t, f.requests(), 1, "status %d", status)
	}
}

func TestTransportErrorRetriedOnGet(t *testing.T) {
	c, f := newFake(t, sequence(hangup, always(200, `{"data":{"username":"me"}}`)), noKeepAlive())
	u, err := c.Users.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "me", u.Username)
	assert.Len(t, f.requests(), 2)
	assert.Len(t, f.sleeps(), 1)
}

func TestTransportErrorExhaustedOnGet(t *testing.T) {
	c, f := newFake(t, hangup, noKeepAlive())
	_, err := c.Users.Me(context.Background())
	var netErr *heygen.NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.Equal(t, http.MethodGet, netErr.Method)
	assert.Equal(t, "/v3/users/me", netErr.Path)
	assert.False(t, netErr.Timeout())
	assert.Len(t, f.requests(), 3)
	requireNoKey(t, err)
}

func TestTransportErrorNotRetriedOnPost(t *testing.T) {
	c, f := newFake(t, sequence(hangup, always(200, `{"data":{"video_id":"dup","status":"waiting"}}`)), noKeepAlive())
	_, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{Type: "avatar", AvatarID: "look"})
	var netErr *heygen.NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.Equal(t, http.MethodPost, netErr.Method)
	assert.Len(t, f.requests(), 1, "a POST is never sent twice after a transport error")
	assert.Empty(t, f.sleeps())

	_, err = c.Videos.CreateRaw(context.Background(), map[string]any{"type": "avatar"})
	require.NoError(t, err, "the next call goes through")
	assert.Len(t, f.requests(), 2)
}

func TestMaxRetriesZeroDisablesRetries(t *testing.T) {
	c, f := newFake(t, retryAfter("1"), heygen.WithMaxRetries(0))
	_, err := c.Users.Me(context.Background())
	require.Error(t, err)
	assert.Len(t, f.requests(), 1)

	c, f = newFake(t, always(503, ``), heygen.WithMaxRetries(5))
	_, err = c.Users.Me(context.Background())
	require.Error(t, err)
	assert.Len(t, f.requests(), 6)
}

func TestContextCanceledDuringRetryWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, f := newFake(t, retryAfter("20"), heygen.WithSleep(func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}))
	_, err := c.Users.Me(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Len(t, f.requests(), 1)
	requireNoKey(t, err)
}

func TestContextDeadlineDuringRealRetryWait(t *testing.T) {
	// The default sleep must give way to the context promptly.
	c, f := newFake(t, retryAfter("20"))
	rc, err := heygen.NewClient(testKey, heygen.WithBaseURL(c.BaseURL()))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = rc.Users.Me(ctx)
	assert.Less(t, time.Since(start), 5*time.Second)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var netErr *heygen.NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout())
	assert.Len(t, f.requests(), 1)
}

func TestCanceledContextSendsNothing(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"username":"u"}}`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Users.Me(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, f.requests())
}
