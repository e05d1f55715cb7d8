package heygentest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.do("GET", "/v3/users/me", "", nil).expectError(t, http.StatusUnauthorized, "unauthorized", "")
	e.do("GET", "/v3/users/me", "invalid-key", nil).expectError(t, http.StatusUnauthorized, "unauthorized", "")
	e.do("GET", "/v3/videos", "INVALID_whatever", nil).expectError(t, http.StatusUnauthorized, "unauthorized", "")
	e.do("POST", "/v3/videos", "invalid", avatarBody(nil)).expectError(t, http.StatusUnauthorized, "unauthorized", "")
	// Authentication comes before routing.
	e.do("GET", "/v3/nope", "", nil).expectError(t, http.StatusUnauthorized, "unauthorized", "")

	// Header names are case-insensitive: send the name in lower case as is.
	req, err := http.NewRequest("GET", e.ts.URL+"/v3/users/me", nil)
	require.NoError(t, err)
	req.Header["x-api-key"] = []string{testKey}
	assert.Equal(t, http.StatusOK, sendChecked(t, e, req).status)

	// A bearer token works like a key.
	req, _ = http.NewRequest("GET", e.ts.URL+"/v3/users/me", nil)
	req.Header.Set("Authorization", "Bearer some-oauth-token")
	assert.Equal(t, http.StatusOK, sendChecked(t, e, req).status)
}

// sendChecked sends a hand-made request and checks the response like do.
func sendChecked(t *testing.T, e *env, req *http.Request) result {
	t.Helper()
	resp, err := e.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := result{status: resp.StatusCode, header: resp.Header, body: b}
	checkConformance(t, e.srv, req.Method, req.URL.RequestURI(), nil, r)
	return r
}

func TestRouting(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.get("/v3/nope").expectError(t, http.StatusNotFound, "not_found", "")
	e.get("/").expectError(t, http.StatusNotFound, "not_found", "")
	e.get("/v3/videos/").expectError(t, http.StatusNotFound, "not_found", "")
	e.get("/v3/avatars/looks/a/b").expectError(t, http.StatusNotFound, "not_found", "")

	r := e.do("PUT", "/v3/videos", testKey, "{}")
	r.expectError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
	assert.Equal(t, "GET, POST", r.header.Get("Allow"))
	r = e.do("PATCH", "/v3/videos/abc123", testKey, "{}")
	r.expectError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
	assert.Equal(t, "DELETE, GET", r.header.Get("Allow"))
	r = e.do("DELETE", "/v3/avatars/looks", testKey, nil)
	r.expectError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
	assert.Equal(t, "GET", r.header.Get("Allow"))

	// A literal segment beats a parameter: /v3/avatars/looks is the look list.
	items, _, _ := e.get("/v3/avatars/looks?limit=1").list(t)
	assert.Contains(t, items[0], "avatar_type")
	// Escaped path parameters are decoded.
	e.get("/v3/voices/voice%2Dxyz789").data(t)
}

func TestMatchRoute(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	rt, params, _ := matchRoute(s.routes, "/v3/templates/t%201", "POST")
	require.NotNil(t, rt)
	assert.Equal(t, "/v3/templates/{template_id}", rt.pattern)
	assert.Equal(t, map[string]string{"template_id": "t 1"}, params)
	rt, _, allowed := matchRoute(s.routes, "/v3/users/me", "DELETE")
	assert.Nil(t, rt)
	assert.Equal(t, []string{"GET"}, allowed)
	rt, _, allowed = matchRoute(s.routes, "/v3/x%zz", "GET")
	assert.Nil(t, rt)
	assert.Nil(t, allowed)
}

func TestRequestIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	want := []string{"req-000001", "req-000002", "req-000003", "req-000004"}
	got := []string{
		e.get("/v3/users/me").header.Get("X-Request-Id"),
		e.do("GET", "/v3/users/me", "", nil).header.Get("X-Request-Id"),
		e.get("/v3/nope").header.Get("X-Request-Id"),
		e.do("GET", "/_sandbox/health", "", nil).header.Get("X-Request-Id"),
	}
	assert.Equal(t, want, got)
	log := e.srv.Requests()
	require.Len(t, log, 3, "control calls are not logged")
	assert.Equal(t, "req-000002", log[1].RequestID)
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	secrets := []string{"sk-live-SECRET-wallet-123456", "tiny", "invalid-SECRET-999"}
	e.do("GET", "/v3/videos?limit=2", secrets[0], nil)
	e.do("POST", "/v3/videos", secrets[1], avatarBody(nil))
	e.do("GET", "/v3/users/me", secrets[2], nil)
	e.do("GET", "/v3/users/me", "", nil)
	e.do("GET", "/v3/users/me", secrets[0], nil)

	log := e.srv.Requests()
	require.Len(t, log, 5)
	assert.Equal(t, "GET", log[0].Method)
	assert.Equal(t, "/v3/videos", log[0].Path)
	assert.Equal(t, "limit=2", log[0].RawQuery)
	assert.Equal(t, 200, log[0].Status)
	assert.Equal(t, clock.Now(), log[0].At)
	assert.Contains(t, log[1].Body, SampleAvatarID)
	assert.Equal(t, 401, log[2].Status)
	assert.Empty(t, log[3].KeyLabel)
	assert.NotEmpty(t, log[0].KeyLabel)
	assert.Equal(t, log[0].KeyLabel, log[4].KeyLabel, "a key always gets the same label")
	assert.NotEqual(t, log[0].KeyLabel, log[1].KeyLabel)

	raw, err := json.Marshal(log)
	require.NoError(t, err)
	ctl := e.do("GET", "/_sandbox/requests", "", nil)
	require.Equal(t, http.StatusOK, ctl.status)
	for _, secret := range secrets {
		assert.NotContains(t, string(raw), secret)
		assert.NotContains(t, string(ctl.body), secret)
		for _, entry := range log {
			assert.NotContains(t, entry.KeyLabel, secret)
		}
	}

	e.srv.ResetRequests()
	assert.Empty(t, e.srv.Requests())
}

func TestLatency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Latency: 40 * time.Millisecond})
	start := time.Now()
	assert.Equal(t, http.StatusOK, e.get("/v3/users/me").status)
	assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)
}

func TestDeterministicSeed(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	a, b := newEnv(t, Options{Clock: clock.Now}), newEnv(t, Options{Clock: clock.Now})
	for _, p := range []string{"/v3/videos?limit=100", "/v3/avatars?limit=50", "/v3/avatars/looks?limit=50", "/v3/voices?limit=100", "/v3/templates?limit=100", "/v3/templates/" + SampleTemplateID} {
		// Media URLs name the host each server listens on.
		ab := strings.ReplaceAll(string(a.get(p).body), a.ts.URL, "BASE")
		bb := strings.ReplaceAll(string(b.get(p).body), b.ts.URL, "BASE")
		assert.Equal(t, ab, bb, p)
	}
	cat := seedCatalog()
	assert.Len(t, cat.videos, SeedVideoCount)
	assert.Len(t, cat.groups, SeedAvatarGroups)
	assert.Len(t, cat.looks, SeedAvatarLooks)
	assert.Len(t, cat.voices, SeedPublicVoices+SeedPrivateVoices)
	assert.Len(t, cat.templates, SeedTemplateCount)
	assert.Len(t, cat.looksByID, SeedAvatarLooks, "look ids are unique")
	assert.Len(t, cat.groupsByID, SeedAvatarGroups, "group ids are unique")
	assert.Len(t, cat.voicesByID, len(cat.voices), "voice ids are unique")
	for _, v := range cat.videos {
		assert.True(t, v.createdAt.Before(seedEpoch) || v.createdAt.Equal(seedEpoch))
	}
}

// The handler also works without a network, on a recorder.
func TestServeHTTPDirect(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	req := httptest.NewRequest("GET", "/v3/videos/"+SampleVideoID, nil)
	req.Header.Set("X-Api-Key", testKey)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "req-000001", rec.Header().Get("X-Request-Id"))
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	checkConformance(t, s, "GET", "/v3/videos/"+SampleVideoID, nil, result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()})

	// A client that already went away gets nothing written.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s2 := New(Options{Latency: time.Second})
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("GET", "/v3/users/me", nil).WithContext(ctx)
	req.Header.Set("X-Api-Key", testKey)
	s2.ServeHTTP(rec, req)
	assert.Empty(t, rec.Body.Bytes())
	require.Len(t, s2.Requests(), 1)
	assert.Equal(t, 0, s2.Requests()[0].Status)
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	big := `{"type":"avatar","avatar_id":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	e.do("POST", "/v3/videos", testKey, big).expectError(t, http.StatusRequestEntityTooLarge, "payload_too_large", "")
	log := e.srv.Requests()
	assert.Len(t, log[0].Body, maxLoggedBody)
}

// rawDo sends a request without any conformance checks, on a fresh
// connection so that the transport never retries on its own.
func rawDo(t *testing.T, e *env, method, path string, body []byte) (*http.Response, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("X-Api-Key", testKey)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.srv.Inject(Fault{Kind: Status, Status: 503, Times: 2})
	e.get("/v3/users/me").expectError(t, http.StatusServiceUnavailable, "service_unavailable", "")
	e.get("/v3/videos").expectError(t, http.StatusServiceUnavailable, "service_unavailable", "")
	assert.Equal(t, http.StatusOK, e.get("/v3/users/me").status, "Times is used up")
	assert.Empty(t, e.srv.Faults())

	e.srv.Inject(Fault{}) // the zero fault is a permanent 500
	e.get("/v3/users/me").expectError(t, http.StatusInternalServerError, "internal_error", "")
	e.do("GET", "/v3/users/me", "", nil).expectError(t, http.StatusInternalServerError, "internal_error", "")
	e.srv.ClearFaults()
	assert.Equal(t, http.StatusOK, e.get("/v3/users/me").status)
	assert.Equal(t, 500, e.srv.Requests()[3].Status)
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.srv.Inject(Fault{Method: "post", Path: "/v3/videos", Kind: Status, Status: 502})
	e.srv.Inject(Fault{Path: "/v3/avatars*", Kind: Status, Status: 504, Times: 1})
	e.srv.Inject(Fault{Path: "/v3/avatars/looks", Kind: Status, Status: 400})

	assert.Equal(t, http.StatusOK, e.get("/v3/videos?limit=1").status)
	e.post("/v3/videos", avatarBody(nil)).expectError(t, http.StatusBadGateway, "bad_gateway", "")
	e.get("/v3/avatars/looks").expectError(t, http.StatusGatewayTimeout, "gateway_timeout", "")
	e.get("/v3/avatars/looks").expectError(t, http.StatusBadRequest, "invalid_parameter", "")
	assert.Equal(t, http.StatusOK, e.get("/v3/avatars").status)
	assert.Len(t, e.srv.Faults(), 2)
	// The control API is never disturbed.
	assert.Equal(t, http.StatusOK, e.do("GET", "/_sandbox/health", "", nil).status)
}

func TestFaultRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.srv.Inject(Fault{Kind: RateLimit, RetryAfter: "7", Times: 1})
	r := e.get("/v3/voices")
	r.expectError(t, http.StatusTooManyRequests, "rate_limit_exceeded", "")
	assert.Equal(t, "7", r.header.Get("Retry-After"))
	assert.Equal(t, http.StatusOK, e.get("/v3/voices").status)

	e.srv.Inject(Fault{Kind: RateLimit, Times: 1})
	assert.Equal(t, "1", e.get("/v3/voices").header.Get("Retry-After"))
}

func TestFaultSlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.srv.Inject(Fault{Kind: Slow, Delay: 60 * time.Millisecond, Times: 1})
	start := time.Now()
	r := e.get("/v3/users/me")
	assert.GreaterOrEqual(t, time.Since(start), 60*time.Millisecond)
	assert.Equal(t, http.StatusOK, r.status)

	// The wait ends when the client gives up.
	e.srv.Inject(Fault{Kind: Slow, Delay: 10 * time.Second, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/v3/users/me", nil)
	req.Header.Set("X-Api-Key", testKey)
	start = time.Now()
	_, err := e.client.Do(req)
	require.Error(t, err)
	require.Eventually(t, func() bool { return len(e.srv.Requests()) == 2 }, 2*time.Second, 5*time.Millisecond)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, 0, e.srv.Requests()[1].Status)
}

func TestFaultBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})

	e.srv.Inject(Fault{Kind: Malformed, Times: 1})
	resp, body, err := rawDo(t, e, "GET", "/v3/videos/"+SampleVideoID, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	assert.False(t, json.Valid(body))

	e.srv.Inject(Fault{Kind: HTML, Times: 1})
	resp, body, err = rawDo(t, e, "GET", "/v3/videos", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, string(body), "<html>")

	e.srv.Inject(Fault{Kind: HTML, Status: 503, Times: 1})
	resp, body, err = rawDo(t, e, "GET", "/v3/videos", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, string(body), "503 Service Unavailable")

	e.srv.Inject(Fault{Kind: ErrorIn200, Times: 1})
	resp, body, err = rawDo(t, e, "GET", "/v3/videos", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	validateJSON(t, loadSchema(t, "error.json", "", true), body, "error-in-200 body")

	e.srv.Inject(Fault{Kind: Legacy, Times: 1})
	resp, body, err = rawDo(t, e, "GET", "/v3/users/me", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.JSONEq(t, `{"code":400112,"message":"Unauthorized"}`, string(body))

	e.srv.Inject(Fault{Kind: Truncated, Times: 1})
	resp, body, err = rawDo(t, e, "GET", "/v3/videos?limit=50", nil)
	require.Error(t, err, "the body ends before its announced length")
	assert.True(t, errors.Is(err, io.ErrUnexpectedEOF), "%v", err)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Less(t, int64(len(body)), resp.ContentLength)
	assert.True(t, bytes.HasPrefix(body, []byte(`{"data":[{"id":"abc123"`)), "a valid start")
	assert.False(t, json.Valid(body))
	assert.Equal(t, 200, e.srv.Requests()[5].Status)

	// Everything is back to normal.
	assert.Equal(t, http.StatusOK, e.get("/v3/videos?limit=50").status)
}

func TestFaultTruncatedPrefix(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.Inject(Fault{Kind: Truncated})
	req := httptest.NewRequest("GET", "/v3/users/me", nil)
	req.Header.Set("X-Api-Key", testKey)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	full, err := strconv.Atoi(rec.Header().Get("Content-Length"))
	require.NoError(t, err)
	assert.Equal(t, full/2, rec.Body.Len())
	assert.True(t, strings.HasPrefix(rec.Body.String(), `{"data":{"username":`))
	assert.False(t, json.Valid(rec.Body.Bytes()))
}

func TestFaultReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.srv.Inject(Fault{Kind: Reset, Path: "/v3/videos"})
	_, _, err := rawDo(t, e, "GET", "/v3/videos", nil)
	require.Error(t, err)
	_, _, err = rawDo(t, e, "POST", "/v3/videos", []byte(`{}`))
	require.Error(t, err)
	e.srv.ClearFaults()
	assert.Equal(t, http.StatusOK, e.get("/v3/videos").status)
	log := e.srv.Requests()
	require.Len(t, log, 3)
	assert.Equal(t, 0, log[0].Status)
	assert.Equal(t, 0, log[1].Status)

	// Without a hijackable writer the handler aborts the way net/http expects.
	s := New(Options{})
	s.Inject(Fault{Kind: Reset})
	req := httptest.NewRequest("GET", "/v3/videos", nil)
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() { s.ServeHTTP(httptest.NewRecorder(), req) })
	assert.Len(t, s.Requests(), 1)
}

func TestFaultKindText(t *testing.T) {
	t.Parallel()
	for k := Status; k <= Reset; k++ {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back FaultKind
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, k, back)
	}
	for in, want := range map[string]FaultKind{"RateLimit": RateLimit, "rate-limit": RateLimit, "errorin200": ErrorIn200, "HTML": HTML, "Error_In_200": ErrorIn200} {
		got, err := ParseFaultKind(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParseFaultKind("explode")
	assert.Error(t, err)
	_, err = FaultKind(99).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "FaultKind(99)", FaultKind(99).String())

	f := Fault{Method: "GET", Path: "/v3/*", Kind: Slow, Delay: 1500 * time.Millisecond, RetryAfter: "2", Times: 3, Status: 418}
	b, err := json.Marshal(f)
	require.NoError(t, err)
	assert.JSONEq(t, `{"method":"GET","path":"/v3/*","kind":"slow","status":418,"retry_after":"2","delay":"1.5s","times":3}`, string(b))
	var back Fault
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, f, back)

	require.NoError(t, json.Unmarshal([]byte(`{"kind":"rate_limit","retry_after":30,"delay":0.25}`), &back))
	assert.Equal(t, Fault{Kind: RateLimit, RetryAfter: "30", Delay: 250 * time.Millisecond}, back)
	for _, bad := range []string{`{"kind":"nope"}`, `{"kind":"slow","delay":"soon"}`, `{"kind":"slow","delay_ms":5}`, `{"kind":"slow","times":-1}`, `{"kind":"slow","delay":true}`, `{"retry_after":{}}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &back), bad)
	}
}

func TestControlAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ctl := func(method, path, body string) result {
		t.Helper()
		var b any
		if body != "" {
			b = body
		}
		return e.do(method, "/_sandbox/"+path, "", b)
	}
	r := ctl("GET", "health", "")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "ok", r.data(t)["status"])

	r = ctl("POST", "faults", `{"kind":"rate_limit","path":"/v3/users/me","retry_after":"3","times":1}`)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, "rate_limit", r.data(t)["kind"])
	r = ctl("POST", "faults", `{"kind":"slow","delay":"30ms","method":"GET","path":"/v3/voices*"}`)
	require.Equal(t, http.StatusCreated, r.status)
	faults := ctl("GET", "faults", "").object(t)["data"].([]any)
	assert.Len(t, faults, 2)
	assert.Equal(t, "30ms", faults[1].(map[string]any)["delay"])

	limited := e.get("/v3/users/me")
	limited.expectError(t, http.StatusTooManyRequests, "rate_limit_exceeded", "")
	assert.Equal(t, "3", limited.header.Get("Retry-After"))
	start := time.Now()
	assert.Equal(t, http.StatusOK, e.get("/v3/voices/"+SampleVoiceID).status)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)

	r = ctl("DELETE", "faults", "")
	assert.Equal(t, float64(1), r.data(t)["cleared"])
	assert.Empty(t, e.srv.Faults())

	reqs := ctl("GET", "requests", "").object(t)["data"].([]any)
	require.Len(t, reqs, 2)
	first := reqs[0].(map[string]any)
	assert.Equal(t, "/v3/users/me", first["path"])
	assert.Equal(t, float64(429), first["status"])
	assert.NotEmpty(t, first["key_label"])
	assert.NotEmpty(t, first["at"])
	r = ctl("DELETE", "requests", "")
	assert.Equal(t, float64(2), r.data(t)["cleared"])
	assert.Empty(t, ctl("GET", "requests", "").object(t)["data"])

	ctl("POST", "faults", `{"kind":"bogus"}`).expectError(t, http.StatusBadRequest, "invalid_parameter", "")
	ctl("POST", "faults", `{"kind":"slow","delay_ms":3}`).expectError(t, http.StatusBadRequest, "invalid_parameter", "")
	ctl("POST", "faults", `not json`).expectError(t, http.StatusBadRequest, "invalid_parameter", "")
	ctl("GET", "nope", "").expectError(t, http.StatusNotFound, "not_found", "")
	r = ctl("PUT", "health", "")
	r.expectError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
	assert.Equal(t, "GET", r.header.Get("Allow"))
	assert.Empty(t, e.srv.Faults())
	assert.Empty(t, e.srv.Requests(), "control calls are not logged")
}

func TestRequestLogCap(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	for i := 0; i < maxLogEntries+5; i++ {
		s.record(Request{Status: i})
	}
	log := s.Requests()
	require.Len(t, log, maxLogEntries)
	assert.Equal(t, 5, log[0].Status, "the oldest entries are dropped")
	assert.Equal(t, maxLogEntries+4, log[len(log)-1].Status)
}
