package integration

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// hints for HeyGen error codes a script author can act on.
var codeHints = map[string]string{
	"unauthorized":              "HeyGen did not accept the API key: check HEYGEN_API_KEY (or the account's key), or try --sandbox",
	"forbidden":                 "the API key is valid but may not do this: check the account's plan and permissions",
	"insufficient_credit":       "the account has no credits left for this: top up, or use --sandbox to try things for free",
	"quota_exceeded":            "the account's quota is used up: check get_current_user() for remaining credits",
	"video_not_found":           "no video with that id on this account: list_videos() shows the ids that exist",
	"avatar_not_found":          "no avatar look with that id: list_avatars() shows usable avatar_id values",
	"voice_not_found":           "no voice with that id: list_voices() shows usable voice_id values",
	"not_found":                 "HeyGen has nothing at that id: check the id (and the account)",
	"resource_not_found":        "HeyGen has nothing at that id: check the id (and the account)",
	"invalid_parameter":         "HeyGen refused a parameter: see the param detail and the function's docs",
	"validation_error":          "HeyGen refused the request: see the function's docs",
	"malformed_response":        "HeyGen answered with something that is not its JSON API; retry later",
	"rate_limit_exceeded":       "too many requests: wait and retry, or slow the script down",
	"internal_error":            "HeyGen failed on its side; retry later",
	"unclassified_server_error": "HeyGen failed on its side; retry later",
}

// mapError turns a client error into the host's coded error, keeping
// HeyGen's status, code, request id and param in the details. It never
// includes the API key (the client never puts it in errors).
func mapError(f string, err error) error {
	if err == nil {
		return nil
	}
	var ce *errcode.Error
	if errors.As(err, &ce) {
		return ce
	}
	var apiErr *heygen.APIError
	if errors.As(err, &apiErr) {
		code := errcode.APIError
		if apiErr.StatusCode == 429 {
			code = errcode.RateLimited
		}
		msg := apiErr.Message
		if msg == "" {
			msg = "no message"
		}
		status := fmt.Sprintf("HTTP %d", apiErr.StatusCode)
		if apiErr.StatusCode == 429 {
			status = "HTTP 429 after retries"
		}
		e := errcode.New(code, "%s: HeyGen said %s (%s): %s", f, apiErr.Code, status, msg).
			WithDetail("status", apiErr.StatusCode).
			WithDetail("heygen_code", apiErr.Code)
		if apiErr.RequestID != "" {
			e.WithDetail("request_id", apiErr.RequestID)
		}
		if apiErr.Param != "" {
			e.WithDetail("param", apiErr.Param)
		}
		if apiErr.RetryAfter > 0 {
			e.WithDetail("retry_after", apiErr.RetryAfter.Seconds())
		}
		if h, ok := codeHints[apiErr.Code]; ok {
			e.WithHint("%s", h)
		} else if apiErr.StatusCode >= 500 {
			e.WithHint("HeyGen failed on its side; retry later")
		}
		return e
	}
	var vf *heygen.VideoFailedError
	if errors.As(err, &vf) {
		return errcode.New(errcode.APIError, "%s: video %s failed: %s (%s)", f, vf.VideoID, vf.Message, vf.Code).
			WithDetail("video_id", vf.VideoID).WithDetail("heygen_code", vf.Code).
			WithHint("HeyGen gave up on this video; fix the cause above and create it again")
	}
	var ne *heygen.NetworkError
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return errcode.New(errcode.Timeout, "%s: HeyGen did not answer in time (%s %s)", f, ne.Method, ne.Path).
				WithHint("retry later, or raise --timeout; a write may still have gone through, so check with a list or get call first")
		}
		return errcode.New(errcode.NetworkError, "%s: could not reach HeyGen (%s %s): %s", f, ne.Method, ne.Path, ne.Reason()).
			WithHint("check the network and HEYGEN_API_BASE")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errcode.New(errcode.Timeout, "%s: the run's deadline passed while waiting for HeyGen", f)
	}
	if errors.Is(err, context.Canceled) {
		return errcode.New(errcode.Timeout, "%s: cancelled while waiting for HeyGen", f)
	}
	return errcode.New(errcode.NetworkError, "%s: %v", f, err)
}

func configError(acct registry.Account, err error) error {
	msg := err.Error()
	if acct.Secret != "" {
		msg = strings.ReplaceAll(msg, acct.Secret, "[redacted]")
	}
	return errcode.New(errcode.ConfigError, "heygen account %q: %s", acct.Name, msg).
		WithHint("check the account's base_url (or HEYGEN_API_BASE): it must be an absolute http(s) URL")
}

func invalid(f, format string, args ...any) *errcode.Error {
	return errcode.New(errcode.InvalidArgument, "%s: %s", f, fmt.Sprintf(format, args...)).WithDetail("function", f)
}
