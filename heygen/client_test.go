package heygen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

func TestNewClientDefaults(t *testing.T) {
	c, err := heygen.NewClient(testKey)
	require.NoError(t, err)
	assert.Equal(t, heygen.DefaultBaseURL, c.BaseURL())
	assert.Equal(t, "https://api.heygen.com", heygen.DefaultBaseURL)
	for name, svc := range map[string]any{
		"Videos": c.Videos, "Avatars": c.Avatars, "Voices": c.Voices,
		"Users": c.Users, "Templates": c.Templates, "Webhooks": c.Webhooks,
	} {
		assert.NotNil(t, svc, name)
	}
}

func TestNewClientErrors(t *testing.T) {
	_, err := heygen.NewClient("")
	require.Error(t, err)
	_, err = heygen.NewClient("   ")
	require.Error(t, err)
	_, err = heygen.NewClient("key\r\nX-Evil: 1")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "Evil")

	for _, bad := range []string{
		" ", "api.heygen.com", "/v3", "ftp://api.heygen.com", "https://", "http://%zz",
		"https://api.heygen.com?x=1", "https://api.heygen.com/#frag", "mailto:x@y",
	} {
		_, err := heygen.NewClient(testKey, heygen.WithBaseURL(bad))
		assert.Error(t, err, "%q should be refused", bad)
	}
	c, err := heygen.NewClient(testKey, heygen.WithBaseURL(""))
	require.NoError(t, err)
	assert.Equal(t, heygen.DefaultBaseURL, c.BaseURL(), "empty keeps the default")
	for _, good := range []string{"http://localhost:8080", "https://api.heygen.com/", "https://proxy.example/heygen/"} {
		_, err := heygen.NewClient(testKey, heygen.WithBaseURL(good))
		assert.NoError(t, err, good)
	}
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	var path atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path.Store(r.URL.EscapedPath())
		reply(w, 200, `{"data":{"username":"u"}}`)
	}))
	defer srv.Close()
	c, err := heygen.NewClient(testKey, heygen.WithBaseURL(srv.URL+"/proxy/heygen/"))
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/proxy/heygen", c.BaseURL())
	_, err = c.Users.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "/proxy/heygen/v3/users/me", path.Load())
}

func TestOptions(t *testing.T) {
	var transportCalls atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		transportCalls.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, f := newFake(t, always(200, `{"data":{"username":"u"}}`),
		heygen.WithUserAgent("my-app/1.0"),
		heygen.WithHTTPClient(hc),
		heygen.WithHTTPClient(nil), // ignored
		heygen.WithUserAgent(""),   // ignored
		nil,                        // ignored
	)
	_, err := c.Users.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "my-app/1.0", f.last(t).Header.Get("User-Agent"))
	assert.EqualValues(t, 1, transportCalls.Load(), "the given HTTP client is used")
	assert.Nil(t, hc.CheckRedirect, "the caller's client is not modified")
	assert.Equal(t, []string{"GET /v3/users/me #1"}, f.hooks())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRedirectToOtherHostDropsKey(t *testing.T) {
	var otherKey, sameKey atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherKey.Store(r.Header.Get("X-Api-Key"))
		reply(w, 200, `{"data":{"username":"elsewhere"}}`)
	}))
	defer other.Close()
	var self *httptest.Server
	self = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v3/users/me":
			http.Redirect(w, r, other.URL+"/v3/users/me", http.StatusFound)
		case "/v3/videos/a":
			http.Redirect(w, r, self.URL+"/v3/videos/b", http.StatusFound)
		default:
			sameKey.Store(r.Header.Get("X-Api-Key"))
			reply(w, 200, `{"data":{"id":"b","status":"pending"}}`)
		}
	}))
	defer self.Close()

	c, err := heygen.NewClient(testKey, heygen.WithBaseURL(self.URL))
	require.NoError(t, err)
	u, err := c.Users.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "elsewhere", u.Username)
	assert.Equal(t, "", otherKey.Load(), "the key must not follow a redirect to another host")

	v, err := c.Videos.Get(context.Background(), "a")
	require.NoError(t, err)
	assert.Equal(t, "b", v.ID)
	assert.Equal(t, testKey, sameKey.Load(), "same-host redirects keep the key")
}

func TestConcurrentUse(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"id":"v","status":"completed"}}`))
	done := make(chan error)
	for range 8 {
		go func() {
			_, err := c.Videos.Get(context.Background(), "v")
			done <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
	assert.Len(t, f.requests(), 8)
}
