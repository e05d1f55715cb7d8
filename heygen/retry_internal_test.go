package heygen

import (
	"context"
	"errors"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestDecideRetry(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	base := retryInput{Attempt: 1, MaxRetries: 2, Now: now, Base: time.Second, Max: 30 * time.Second, Jitter: 1}
	with := func(f func(*retryInput)) retryInput {
		in := base
		f(&in)
		return in
	}
	reset := errors.New("read: connection reset by peer")

	tests := []struct {
		name      string
		in        retryInput
		retry     bool
		wait      time.Duration
		reasonHas string
	}{
		{"429 GET", with(func(in *retryInput) { in.Method, in.StatusCode = "GET", 429 }), true, time.Second, "429"},
		{"429 POST", with(func(in *retryInput) { in.Method, in.StatusCode = "POST", 429 }), true, time.Second, "429"},
		{"429 PATCH", with(func(in *retryInput) { in.Method, in.StatusCode = "PATCH", 429 }), true, time.Second, "429"},
		{"429 Retry-After seconds longer", with(func(in *retryInput) { in.Method, in.StatusCode, in.RetryAfter = "POST", 429, "7" }), true, 7 * time.Second, "Retry-After"},
		{"429 Retry-After shorter than backoff", with(func(in *retryInput) {
			in.Method, in.StatusCode, in.RetryAfter, in.Attempt = "GET", 429, "1", 2
		}), true, 2 * time.Second, "429"},
		{"429 Retry-After date", with(func(in *retryInput) {
			in.Method, in.StatusCode, in.RetryAfter = "GET", 429, now.Add(12*time.Second).Format(http.TimeFormat)
		}), true, 12 * time.Second, "Retry-After"},
		{"429 Retry-After past date", with(func(in *retryInput) {
			in.Method, in.StatusCode, in.RetryAfter = "GET", 429, now.Add(-time.Hour).Format(http.TimeFormat)
		}), true, time.Second, "429"},
		{"429 Retry-After capped", with(func(in *retryInput) { in.Method, in.StatusCode, in.RetryAfter = "GET", 429, "600" }), true, 30 * time.Second, "Retry-After"},
		{"429 Retry-After garbage", with(func(in *retryInput) { in.Method, in.StatusCode, in.RetryAfter = "GET", 429, "soon" }), true, time.Second, "429"},
		{"429 exhausted", with(func(in *retryInput) { in.Method, in.StatusCode, in.Attempt = "POST", 429, 3 }), false, 0, "exhausted"},
		{"500 GET", with(func(in *retryInput) { in.Method, in.StatusCode = "GET", 500 }), true, time.Second, "500"},
		{"502 HEAD", with(func(in *retryInput) { in.Method, in.StatusCode = "HEAD", 502 }), true, time.Second, "502"},
		{"503 PUT", with(func(in *retryInput) { in.Method, in.StatusCode = "PUT", 503 }), true, time.Second, "503"},
		{"504 DELETE", with(func(in *retryInput) { in.Method, in.StatusCode = "DELETE", 504 }), true, time.Second, "504"},
		{"500 OPTIONS", with(func(in *retryInput) { in.Method, in.StatusCode = "OPTIONS", 500 }), true, time.Second, "500"},
		{"503 honors Retry-After", with(func(in *retryInput) { in.Method, in.StatusCode, in.RetryAfter = "GET", 503, "4" }), true, 4 * time.Second, "Retry-After"},
		{"500 POST", with(func(in *retryInput) { in.Method, in.StatusCode = "POST", 500 }), false, 0, "non-idempotent"},
		{"503 PATCH", with(func(in *retryInput) { in.Method, in.StatusCode = "PATCH", 503 }), false, 0, "non-idempotent"},
		{"501 GET", with(func(in *retryInput) { in.Method, in.StatusCode = "GET", 501 }), false, 0, "not retryable"},
		{"400 GET", with(func(in *retryInput) { in.Method, in.StatusCode = "GET", 400 }), false, 0, "not retryable"},
		{"404 DELETE", with(func(in *retryInput) { in.Method, in.StatusCode = "DELETE", 404 }), false, 0, "not retryable"},
		{"200", with(func(in *retryInput) { in.Method, in.StatusCode = "GET", 200 }), false, 0, "not retryable"},
		{"second retry backs off more", with(func(in *retryInput) { in.Method, in.StatusCode, in.Attempt = "GET", 500, 2 }), true, 2 * time.Second, "500"},
		{"500 exhausted", with(func(in *retryInput) { in.Method, in.StatusCode, in.Attempt = "GET", 500, 3 }), false, 0, "exhausted"},
		{"no retries configured", with(func(in *retryInput) { in.Method, in.StatusCode, in.MaxRetries = "GET", 429, 0 }), false, 0, "exhausted"},
		{"transport GET", with(func(in *retryInput) { in.Method, in.Err = "GET", reset }), true, time.Second, "transport"},
		{"transport DELETE", with(func(in *retryInput) { in.Method, in.Err = "DELETE", syscall.ECONNRESET }), true, time.Second, "transport"},
		{"transport EOF GET", with(func(in *retryInput) { in.Method, in.Err = "GET", io.ErrUnexpectedEOF }), true, time.Second, "transport"},
		{"transport POST", with(func(in *retryInput) { in.Method, in.Err = "POST", reset }), false, 0, "non-idempotent"},
		{"transport PATCH", with(func(in *retryInput) { in.Method, in.Err = "PATCH", reset }), false, 0, "non-idempotent"},
		{"transport exhausted", with(func(in *retryInput) { in.Method, in.Err, in.Attempt = "GET", reset, 3 }), false, 0, "exhausted"},
		{"transport Retry-After ignored", with(func(in *retryInput) { in.Method, in.Err, in.RetryAfter = "GET", reset, "9" }), true, time.Second, "transport"},
		{"timeout", with(func(in *retryInput) { in.Method, in.Err = "GET", timeoutErr{} }), false, 0, "timed out"},
		{"deadline", with(func(in *retryInput) { in.Method, in.Err = "GET", context.DeadlineExceeded }), false, 0, "timed out"},
		{"canceled", with(func(in *retryInput) { in.Method, in.Err = "GET", context.Canceled }), false, 0, "canceled"},
		{"caller ctx done with 429", with(func(in *retryInput) { in.Method, in.StatusCode, in.CtxErr = "GET", 429, context.Canceled }), false, 0, "context"},
		{"caller ctx done with 503", with(func(in *retryInput) { in.Method, in.StatusCode, in.CtxErr = "GET", 503, context.DeadlineExceeded }), false, 0, "context"},
		{"lower-case method", with(func(in *retryInput) { in.Method, in.StatusCode = "get", 500 }), true, time.Second, "500"},
		{"jitter low", with(func(in *retryInput) { in.Method, in.StatusCode, in.Jitter = "GET", 500, 0.75 }), true, 750 * time.Millisecond, "500"},
		{"jitter high", with(func(in *retryInput) { in.Method, in.StatusCode, in.Jitter, in.Attempt = "GET", 500, 1.2, 2 }), true, 2400 * time.Millisecond, "500"},
		{"jitter never exceeds max", with(func(in *retryInput) {
			in.Method, in.StatusCode, in.Jitter, in.Attempt, in.MaxRetries = "GET", 500, 1.249, 10, 20
		}), true, 30 * time.Second, "500"},
		{"zero base", with(func(in *retryInput) { in.Method, in.StatusCode, in.Base = "GET", 500, 0 }), true, 0, "500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			retry, wait, reason := decideRetry(tc.in)
			assert.Equal(t, tc.retry, retry, reason)
			assert.Equal(t, tc.wait, wait)
			assert.Contains(t, reason, tc.reasonHas)
		})
	}
}

func TestBackoff(t *testing.T) {
	steps := []time.Duration{1, 2, 4, 8, 16, 30, 30, 30}
	for n, want := range steps {
		assert.Equal(t, want*time.Second, backoff(n, time.Second, 30*time.Second, 1), "n=%d", n)
	}
	assert.Equal(t, 30*time.Second, backoff(1000, time.Second, 30*time.Second, 1), "no overflow")
	assert.Equal(t, time.Second, backoff(0, time.Second, 30*time.Second, 0), "invalid jitter means none")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 15 ", 15 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"99999999999999999", 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-90 * time.Second).Format(http.TimeFormat), 0, true},
		{now.Add(5 * time.Second).Format(time.RFC850), 5 * time.Second, true},
		{"tomorrow", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.in, now)
		assert.Equal(t, tc.ok, ok, "%q", tc.in)
		assert.Equal(t, tc.want, got, "%q", tc.in)
	}
}

func TestIsIdempotent(t *testing.T) {
	for _, m := range []string{"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "get"} {
		assert.True(t, isIdempotent(m), m)
	}
	for _, m := range []string{"POST", "PATCH", "CONNECT", ""} {
		assert.False(t, isIdempotent(m), m)
	}
}
