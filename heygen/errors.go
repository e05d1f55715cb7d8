package heygen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kosmo-dev/kosmo/luahost/redact"
)

// Error codes the client derives itself, plus a few HeyGen codes worth
// naming. HeyGen's own codes are passed through unchanged in APIError.Code.
const (
	CodeValidationError         = "validation_error"          // 400 without a usable code
	CodeUnauthorized            = "unauthorized"              // 401 without a usable code
	CodeInsufficientCredit      = "insufficient_credit"       // 402, or HeyGen's own code
	CodeForbidden               = "forbidden"                 // 403 without a usable code
	CodeNotFound                = "not_found"                 // 404 without a usable code
	CodeConflict                = "conflict"                  // 409 without a usable code
	CodePayloadTooLarge         = "payload_too_large"         // 413 without a usable code
	CodeRateLimitExceeded       = "rate_limit_exceeded"       // 429, or HeyGen's own code
	CodeUnclassifiedServerError = "unclassified_server_error" // 5xx without a usable code
	CodeUnclassifiedClientError = "unclassified_client_error" // other 4xx without a usable code
	// CodeUnclassifiedError is used when a non-error status (a 2xx) carries
	// an error body without a usable code.
	CodeUnclassifiedError = "unclassified_error"
	// CodeMalformedResponse marks a 2xx response whose body is not JSON or
	// lacks HeyGen's envelope.
	CodeMalformedResponse = "malformed_response"
	// CodePaginationLoop marks a listing whose next_token repeats one
	// already used, or whose pages stop bringing items while claiming
	// more: the walk stops rather than loop for ever.
	CodePaginationLoop = "pagination_loop"
)

// ErrEmptyID is wrapped by the error returned when a method is called with
// an empty resource id. No request is sent in that case.
var ErrEmptyID = errors.New("empty id")

// APIError is an error reported by the API (or a response that could not
// be used). Inspect it with errors.As.
type APIError struct {
	StatusCode int    // HTTP status
	Code       string // HeyGen's code, or one derived from the status
	Message    string
	Param      string        // offending request field, when HeyGen names one
	DocURL     string        // documentation link, when HeyGen sends one
	RequestID  string        // X-Request-Id response header
	RetryAfter time.Duration // parsed Retry-After header, 0 when absent
	Method     string        // HTTP method of the failed call
	Path       string        // request path of the failed call, without query
}

// Error formats the error as
// "heygen: METHOD PATH: STATUS CODE: MESSAGE (param P, request id R)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("heygen: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	var extra []string
	if e.Param != "" {
		extra = append(extra, "param "+e.Param)
	}
	if e.RequestID != "" {
		extra = append(extra, "request id "+e.RequestID)
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return b.String()
}

// NetworkError reports a request that got no HTTP response: the transport
// failed (after any retries), the per-attempt timeout ran out, or the
// context ended.
type NetworkError struct {
	Method string
	Path   string
	Err    error

	scrub *redact.Redactor // hides the key if the transport quotes it (a URL, a header)
}

// Error describes the failure; it never contains the API key.
func (e *NetworkError) Error() string {
	msg := "<nil>"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return e.scrub.String(fmt.Sprintf("heygen: %s %s: %s", e.Method, e.Path, msg))
}

// Reason is the underlying error's text with the key hidden: transport
// errors quote URLs (a redirect target) and response lines, which a
// hostile or broken server can fill with the key. Use it rather than
// formatting Err.
func (e *NetworkError) Reason() string {
	if e.Err == nil {
		return "<nil>"
	}
	return e.scrub.String(e.Err.Error())
}

// Unwrap returns the underlying error, so errors.Is(err,
// context.DeadlineExceeded) and similar checks work.
func (e *NetworkError) Unwrap() error { return e.Err }

// Timeout reports whether the failure was a deadline: the context's, the
// client's per-attempt limit, or the HTTP client's own timeout.
func (e *NetworkError) Timeout() bool {
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(e.Err, &ne) && ne.Timeout()
}

// VideoFailedError is returned by VideosService.Wait when the video ends in
// the failed status. Code and Message come from the video's failure_code
// and failure_message.
type VideoFailedError struct {
	VideoID string
	Code    string
	Message string
}

func (e *VideoFailedError) Error() string {
	msg := "heygen: video " + e.VideoID + " failed"
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// derivedCode is the code used when a response gives none, following the
// mapping HeyGen's CLI applies.
func derivedCode(status int) string {
	switch {
	case status == http.StatusBadRequest:
		return CodeValidationError
	case status == http.StatusUnauthorized:
		return CodeUnauthorized
	case status == http.StatusPaymentRequired:
		return CodeInsufficientCredit
	case status == http.StatusForbidden:
		return CodeForbidden
	case status == http.StatusNotFound:
		return CodeNotFound
	case status == http.StatusConflict:
		return CodeConflict
	case status == http.StatusRequestEntityTooLarge:
		return CodePayloadTooLarge
	case status == http.StatusTooManyRequests:
		return CodeRateLimitExceeded
	case status >= 500 && status <= 599:
		return CodeUnclassifiedServerError
	case status >= 400 && status <= 499:
		return CodeUnclassifiedClientError
	default:
		return CodeUnclassifiedError
	}
}

// derivedMessage is the message used when a response gives none.
func derivedMessage(status int) string {
	if t := http.StatusText(status); t != "" && (status < 200 || status > 299) {
		return t
	}
	if status >= 200 && status <= 299 {
		return "the response reports an error without a message"
	}
	return fmt.Sprintf("HTTP status %d", status)
}

// parseErrorBody reads an error response body in any of the shapes HeyGen
// uses:
//
//	{"error": {"code": "...", "message": "...", "param": ..., "doc_url": ...}}
//	{"error": {"code": 40001, "message": "..."}}   (non-string code)
//	{"error": "message text"}
//	{"code": 400112, "message": "Unauthorized"}    (older top-level shape)
//
// Anything else (HTML, plain text, empty) yields a code derived from the
// status. A missing, empty or "error" code is replaced the same way. It
// fills StatusCode, Code, Message, Param and DocURL and never panics.
func parseErrorBody(status int, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) == nil && top != nil {
		src, nested := top, false
		if raw, ok := top["error"]; ok {
			switch firstByte(raw) {
			case '{':
				var inner map[string]json.RawMessage
				if json.Unmarshal(raw, &inner) == nil && inner != nil {
					src, nested = inner, true
				}
			case '"':
				e.Message = jsonText(raw)
			}
		}
		e.Code = jsonText(src["code"])
		if e.Message == "" {
			e.Message = jsonText(src["message"])
		}
		if e.Message == "" {
			e.Message = jsonText(src["msg"])
		}
		e.Param = jsonText(src["param"])
		e.DocURL = jsonText(src["doc_url"])
		if nested {
			// {"error": {...}} may leave the code or message at the top level.
			if e.Code == "" {
				e.Code = jsonText(top["code"])
			}
			if e.Message == "" {
				e.Message = jsonText(top["message"])
			}
		}
	}
	if e.Code == "" || strings.EqualFold(e.Code, "error") {
		e.Code = derivedCode(status)
	}
	if e.Message == "" {
		e.Message = derivedMessage(status)
	}
	return e
}

// jsonText renders a JSON scalar as text: strings unquoted, numbers and
// booleans as written. Objects, arrays, null and invalid input give "".
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	case '{', '[', 'n':
		return ""
	case 't', 'f':
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			return strconv.FormatBool(b)
		}
		return ""
	default:
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
		return ""
	}
}

// embeddedError reports whether a successfully parsed 2xx body is in
// fact an error: it has a non-empty "error" member, or it has a non-zero
// "code" and no "data".
func embeddedError(top map[string]any) bool {
	if v, ok := top["error"]; ok && !emptyValue(v) {
		return true
	}
	if data, ok := top["data"]; ok && data != nil {
		return false
	}
	v, ok := top["code"]
	if !ok || emptyValue(v) {
		return false
	}
	code := valueText(v)
	return code != "" && code != "0"
}

// emptyValue reports whether v is null, false, 0, "", {} or [].
func emptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return err == nil && f == 0
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// valueText is jsonText for a decoded value.
func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}
