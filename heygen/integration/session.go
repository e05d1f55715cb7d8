package integration

import (
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// session is the per-run, per-account state: an API client and the
// pagination tokens learned so far, so that offset-based listings over
// HeyGen's token pagination never walk the same pages twice in a run.
type session struct {
	client   *heygen.Client
	sandbox  bool
	progress io.Writer

	mu      sync.Mutex
	cursors map[string]*cursor // listing key -> tokens learned so far

	engines voiceEngineIndex // which voices each voice engine serves
}

// connect builds the session for one account.
func connect(ctx context.Context, acct registry.Account, env registry.Env) (any, error) {
	base := env.Transport
	if base == nil {
		base = sharedTransport()
	}
	opts := []heygen.Option{
		heygen.WithHTTPClient(&http.Client{Transport: countingTransport{base: base}}),
		heygen.WithUserAgent(userAgent(env.Version)),
	}
	if acct.BaseURL != "" {
		opts = append(opts, heygen.WithBaseURL(acct.BaseURL))
	}
	if env.Sandbox {
		// the simulated service answers at once; keep retries snappy
		opts = append(opts, heygen.WithBackoff(0, 0))
	}
	c, err := heygen.NewClient(acct.Secret, opts...)
	if err != nil {
		return nil, configError(acct, err)
	}
	progress := env.Progress
	if progress == nil {
		progress = io.Discard
	}
	return &session{client: c, sandbox: env.Sandbox, progress: progress, cursors: map[string]*cursor{}}, nil
}

// sharedTransport is http.DefaultTransport with a larger pool of idle
// connections per host, shared by every session. The default keeps two, so
// a gateway making many calls at once kept opening new connections to the
// same host (304 instead of 4 for 2,000 list_videos calls through an
// in-process gateway).
var sharedTransport = sync.OnceValue(func() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = 64
	return t
})

func userAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "kosmo/" + version + " (heygen integration; +https://github.com/kosmo-dev/kosmo)"
}

// countingTransport counts every HTTP attempt against the call that made
// it, for the envelope's integration_calls[].http_requests.
type countingTransport struct{ base http.RoundTripper }

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	registry.CountRequest(r.Context())
	return t.base.RoundTrip(r)
}

func sessionOf(c *registry.Call) *session {
	s, _ := c.Session.(*session)
	return s
}
