package heygen_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

func TestAPIErrorShapes(t *testing.T) {
	tests := []struct {
		name                  string
		status                int
		body                  string
		contentType           string
		wantCode, wantMessage string
		wantParam, wantDocURL string
	}{
		{
			name:     "v3 envelope",
			status:   400,
			body:     `{"error":{"code":"invalid_parameter","message":"voice_id is invalid","param":"voice_id","doc_url":"https://docs.heygen.com/errors#invalid_parameter"}}`,
			wantCode: "invalid_parameter", wantMessage: "voice_id is invalid",
			wantParam: "voice_id", wantDocURL: "https://docs.heygen.com/errors#invalid_parameter",
		},
		{
			name:     "v3 envelope with null param and doc_url",
			status:   404,
			body:     `{"error":{"code":"video_not_found","message":"Video not found","param":null,"doc_url":null}}`,
			wantCode: "video_not_found", wantMessage: "Video not found",
		},
		{
			name:     "legacy top-level numeric code",
			status:   401,
			body:     `{"code":400112,"message":"Unauthorized"}`,
			wantCode: "400112", wantMessage: "Unauthorized",
		},
		{
			name:     "error object with numeric code",
			status:   400,
			body:     `{"error":{"code":40001,"message":"bad input"}}`,
			wantCode: "40001", wantMessage: "bad input",
		},
		{
			name:     "error object with boolean code",
			status:   422,
			body:     `{"error":{"code":true,"message":"weird"}}`,
			wantCode: "true", wantMessage: "weird",
		},
		{
			name:     "error object with object code falls back to status",
			status:   403,
			body:     `{"error":{"code":{"x":1},"message":"nope"}}`,
			wantCode: "forbidden", wantMessage: "nope",
		},
		{
			name:     "error as plain string",
			status:   400,
			body:     `{"error":"something broke"}`,
			wantCode: "validation_error", wantMessage: "something broke",
		},
		{
			name:     "literal error code is replaced",
			status:   409,
			body:     `{"error":{"code":"error","message":"already exists"}}`,
			wantCode: "conflict", wantMessage: "already exists",
		},
		{
			name:     "empty code is replaced",
			status:   413,
			body:     `{"error":{"code":"","message":"too big"}}`,
			wantCode: "payload_too_large", wantMessage: "too big",
		},
		{
			name:        "html gateway page",
			status:      502,
			contentType: "text/html",
			body:        `<html><body><h1>502 Bad Gateway</h1></body></html>`,
			wantCode:    "unclassified_server_error", wantMessage: "Bad Gateway",
		},
		{name: "empty 400", status: 400, wantCode: "validation_error", wantMessage: "Bad Request"},
		{name: "empty 401", status: 401, wantCode: "unauthorized", wantMessage: "Unauthorized"},
		{name: "empty 402", status: 402, wantCode: "insufficient_credit", wantMessage: "Payment Required"},
		{name: "empty 403", status: 403, wantCode: "forbidden", wantMessage: "Forbidden"},
		{name: "empty 404", status: 404, wantCode: "not_found", wantMessage: "Not Found"},
		{name: "empty 409", status: 409, wantCode: "conflict", wantMessage: "Conflict"},
		{name: "empty 413", status: 413, wantCode: "payload_too_large", wantMessage: "Request Entity Too Large"},
		{name: "empty 418", status: 418, wantCode: "unclassified_client_error", wantMessage: "I'm a teapot"},
		{name: "empty 422", status: 422, wantCode: "unclassified_client_error", wantMessage: "Unprocessable Entity"},
		{name: "empty 501", status: 501, wantCode: "unclassified_server_error", wantMessage: "Not Implemented"},
		{name: "unknown 599", status: 599, wantCode: "unclassified_server_error", wantMessage: "HTTP status 599"},
		{name: "json without code or message", status: 400, body: `{"detail":"x"}`, wantCode: "validation_error", wantMessage: "Bad Request"},
		{name: "json array", status: 400, body: `[1,2]`, wantCode: "validation_error", wantMessage: "Bad Request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("X-Request-Id", "req-42")
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}, heygen.WithMaxRetries(0))
			_, err := c.Users.Me(context.Background())
			var apiErr *heygen.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.wantCode, apiErr.Code)
			assert.Equal(t, tc.wantMessage, apiErr.Message)
			assert.Equal(t, tc.wantParam, apiErr.Param)
			assert.Equal(t, tc.wantDocURL, apiErr.DocURL)
			assert.Equal(t, "req-42", apiErr.RequestID)
			assert.Equal(t, http.MethodGet, apiErr.Method)
			assert.Equal(t, "/v3/users/me", apiErr.Path)
			requireNoKey(t, err)
		})
	}
}

func TestAPIErrorMessageFormat(t *testing.T) {
	c, _ := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("X-Request-Id", "req-1")
		reply(w, 404, `{"error":{"code":"video_not_found","message":"Video not found"}}`)
	})
	_, err := c.Videos.Get(context.Background(), "x")
	require.Error(t, err)
	assert.Equal(t, "heygen: GET /v3/videos/x: 404 video_not_found: Video not found (request id req-1)", err.Error())

	e := &heygen.APIError{StatusCode: 400, Code: "invalid_parameter", Message: "bad", Param: "script", Method: "POST", Path: "/v3/videos"}
	assert.Equal(t, "heygen: POST /v3/videos: 400 invalid_parameter: bad (param script)", e.Error())
	e.RequestID = "r2"
	assert.Equal(t, "heygen: POST /v3/videos: 400 invalid_parameter: bad (param script, request id r2)", e.Error())
}

func TestErrorInsideSuccessStatus(t *testing.T) {
	tests := []struct {
		name, body, code, message string
	}{
		{"error envelope", `{"error":{"code":"quota_exceeded","message":"Quota exceeded"}}`, "quota_exceeded", "Quota exceeded"},
		{"legacy numeric code without data", `{"code":400112,"message":"Unauthorized"}`, "400112", "Unauthorized"},
		{"legacy string code without data", `{"code":"40119","message":"nope","data":null}`, "40119", "nope"},
		{"error without code", `{"error":{"message":"odd"}}`, "unclassified_error", "odd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, f := newFake(t, always(200, tc.body))
			_, err := c.Videos.Create(context.Background(), &heygen.CreateVideoRequest{Type: "avatar", AvatarID: "a"})
			var apiErr *heygen.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 200, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Len(t, f.requests(), 1)
			requireNoKey(t, err)
		})
	}
}

func TestLegacySuccessCodeWithDataIsNotAnError(t *testing.T) {
	// Older APIs answered {"code":100,"data":{...}} on success.
	c, _ := newFake(t, always(200, `{"code":100,"message":"Success","data":{"id":"v","status":"pending"},"error":null}`))
	v, err := c.Videos.Get(context.Background(), "v")
	require.NoError(t, err)
	assert.Equal(t, "pending", v.Status)
}

func TestMalformedSuccessBodies(t *testing.T) {
	tests := []struct {
		name, body, contains string
	}{
		{"html", `<html>oops</html>`, `not valid JSON`},
		{"empty", ``, `empty`},
		{"array", `[{"id":"v"}]`, `not a JSON object`},
		{"no data", `{"id":"v","status":"pending"}`, `no "data"`},
		{"null data", `{"data":null}`, `null`},
		{"data not object", `{"data":[1]}`, `not an object`},
		{"truncated", `{"data":{"id":"v"`, `not valid JSON`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("X-Request-Id", "req-m")
				w.WriteHeader(200)
				_, _ = w.Write([]byte(tc.body))
			})
			_, err := c.Videos.Get(context.Background(), "v")
			var apiErr *heygen.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, heygen.CodeMalformedResponse, apiErr.Code)
			assert.Equal(t, 200, apiErr.StatusCode)
			assert.Equal(t, "req-m", apiErr.RequestID)
			assert.Contains(t, apiErr.Message, tc.contains)
			if tc.body != "" {
				assert.Contains(t, apiErr.Message, "body starts with")
			}
		})
	}
}

func TestMalformedListBodies(t *testing.T) {
	for name, body := range map[string]string{
		"data object":      `{"data":{"id":"x"}}`,
		"bad has_more":     `{"data":[],"has_more":"yes"}`,
		"bad next_token":   `{"data":[],"next_token":5}`,
		"missing data":     `{"has_more":false}`,
		"plain text reply": `OK`,
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newFake(t, always(200, body))
			_, err := c.Videos.List(context.Background(), heygen.VideoListParams{})
			var apiErr *heygen.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, heygen.CodeMalformedResponse, apiErr.Code)
		})
	}
}

func TestNullListDataIsEmptyPage(t *testing.T) {
	c, _ := newFake(t, always(200, `{"data":null,"has_more":false,"next_token":null}`))
	page, err := c.Videos.List(context.Background(), heygen.VideoListParams{})
	require.NoError(t, err)
	assert.Empty(t, page.Data)
}

func TestRetryAfterIsExposed(t *testing.T) {
	c, _ := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "7")
		reply(w, 429, `{"error":{"code":"rate_limit_exceeded","message":"slow down"}}`)
	}, heygen.WithMaxRetries(0))
	_, err := c.Users.Me(context.Background())
	var apiErr *heygen.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 7*time.Second, apiErr.RetryAfter)
	assert.Equal(t, heygen.CodeRateLimitExceeded, apiErr.Code)
}

func TestKeyNeverInErrors(t *testing.T) {
	// Even a server that echoes the key back does not get it into errors.
	echo := func(w http.ResponseWriter, r *http.Request, _ int) {
		k := r.Header.Get("X-Api-Key")
		w.Header().Set("X-Request-Id", "id-"+k)
		reply(w, 401, `{"error":{"code":"unauthorized","message":"bad key `+k+`","param":"`+k+`"}}`)
	}
	c, _ := newFake(t, echo)
	_, err := c.Users.Me(context.Background())
	requireNoKey(t, err)
	assert.Contains(t, err.Error(), "[REDACTED]")

	c, _ = newFake(t, always(200, `not json `+testKey))
	_, err = c.Users.Me(context.Background())
	requireNoKey(t, err)

	// Network failures.
	c, err = heygen.NewClient(testKey, heygen.WithBaseURL("http://127.0.0.1:1"), heygen.WithMaxRetries(0))
	require.NoError(t, err)
	_, err = c.Users.Me(context.Background())
	var netErr *heygen.NetworkError
	require.ErrorAs(t, err, &netErr)
	requireNoKey(t, err)

	// Constructor errors and printing the client.
	_, err = heygen.NewClient(testKey, heygen.WithBaseURL("ftp://x"))
	requireNoKey(t, err)
	_, err = heygen.NewClient(testKey + "\n")
	requireNoKey(t, err)
	c, err = heygen.NewClient(testKey)
	require.NoError(t, err)
	for _, s := range []string{c.String(), c.GoString(), fmtAll(c)} {
		assert.NotContains(t, s, testKey)
	}
}

func TestNetworkErrorTimeout(t *testing.T) {
	e := &heygen.NetworkError{Method: "GET", Path: "/v3/videos", Err: context.DeadlineExceeded}
	assert.True(t, e.Timeout())
	assert.ErrorIs(t, e, context.DeadlineExceeded)
	assert.Equal(t, "heygen: GET /v3/videos: context deadline exceeded", e.Error())
	e = &heygen.NetworkError{Method: "GET", Path: "/v3/videos", Err: context.Canceled}
	assert.False(t, e.Timeout())
}

func TestPerAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	c, f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, heygen.WithTimeouts(50*time.Millisecond, 0))
	_, err := c.Videos.Get(context.Background(), "slow")
	var netErr *heygen.NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout())
	assert.Len(t, f.requests(), 1, "timeouts are not retried")
}

func TestHTTPClientTimeoutIsTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	c, _ := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, heygen.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	_, err := c.Users.Me(context.Background())
	var netErr *heygen.NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout())
}

// fmtAll prints c with every common verb, as a careless log line would.
func fmtAll(c *heygen.Client) string {
	return fmt.Sprintf("%v %+v %#v %s | %v %+v %#v", c, c, c, c, *c, *c, *c)
}
