package heygen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryInput is everything decideRetry needs to know about one finished
// attempt. Keeping it a plain value makes the policy a pure function.
type retryInput struct {
	Method     string
	Attempt    int    // attempts made so far, 1 after the first
	MaxRetries int    // retries allowed in total
	StatusCode int    // HTTP status; 0 when the transport failed
	RetryAfter string // raw Retry-After header value
	Err        error  // transport error, nil when a response arrived
	CtxErr     error  // ctx.Err() of the caller's context after the attempt
	Now        time.Time
	Base       time.Duration // backoff of the first retry
	Max        time.Duration // cap for every wait
	Jitter     float64       // random factor, expected in [0.75, 1.25)
}

// decideRetry applies HeyGen's retry policy (the one its CLI uses):
//
//   - 429 is retried for every method, because the server refused the
//     request without acting on it;
//   - 500, 502, 503 and 504 and transport errors are retried only for
//     idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS), so a POST or
//     PATCH is never sent twice except after a 429;
//   - timeouts, cancellation and every other status are never retried.
//
// The wait is Base*2^(Attempt-1), capped at Max and multiplied by Jitter;
// a longer Retry-After wins, and the result never exceeds Max. reason
// explains the decision either way.
func decideRetry(in retryInput) (retry bool, wait time.Duration, reason string) {
	if in.CtxErr != nil {
		return false, 0, "context done: " + in.CtxErr.Error()
	}
	switch {
	case in.Err != nil:
		if isTimeoutOrCanceled(in.Err) {
			return false, 0, "request timed out or was canceled"
		}
		if !isIdempotent(in.Method) {
			return false, 0, "transport error on non-idempotent " + in.Method
		}
		reason = "transport error"
	case in.StatusCode == http.StatusTooManyRequests:
		reason = "rate limited (429)"
	case in.StatusCode == http.StatusInternalServerError,
		in.StatusCode == http.StatusBadGateway,
		in.StatusCode == http.StatusServiceUnavailable,
		in.StatusCode == http.StatusGatewayTimeout:
		if !isIdempotent(in.Method) {
			return false, 0, fmt.Sprintf("status %d on non-idempotent %s", in.StatusCode, in.Method)
		}
		reason = fmt.Sprintf("server error (%d)", in.StatusCode)
	default:
		return false, 0, fmt.Sprintf("status %d is not retryable", in.StatusCode)
	}
	if in.Attempt > in.MaxRetries {
		return false, 0, reason + "; retries exhausted"
	}

	wait = backoff(in.Attempt-1, in.Base, in.Max, in.Jitter)
	if in.Err == nil {
		if ra, ok := parseRetryAfter(in.RetryAfter, in.Now); ok && ra > wait {
			wait = ra
			reason += "; honoring Retry-After"
		}
	}
	if in.Max >= 0 && wait > in.Max {
		wait = in.Max
	}
	return true, wait, reason
}

// backoff returns base*2^n capped at maxWait, times jitter.
func backoff(n int, base, maxWait time.Duration, jitter float64) time.Duration {
	if base <= 0 {
		return 0
	}
	d := base
	for i := 0; i < n && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	if jitter <= 0 {
		jitter = 1
	}
	return time.Duration(float64(d) * jitter)
}

// parseRetryAfter reads a Retry-After value, either whole seconds or an
// HTTP-date (a date in the past means "now").
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Clamp absurd values instead of overflowing.
		const maxSecs = int64(24 * time.Hour / time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// isIdempotent reports whether a failed request of this method may be
// sent again safely.
func isIdempotent(method string) bool {
	switch strings.ToUpper(method) {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// isTimeoutOrCanceled reports whether err comes from a deadline or a
// cancellation rather than from the network itself.
func isTimeoutOrCanceled(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
