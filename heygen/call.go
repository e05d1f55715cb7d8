package heygen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
)

// Endpoint describes one HeyGen v3 request as data: its method and path
// template, which placeholders the path has, which query parameters it
// takes, and how its body is encoded. endpoints_gen.go declares one per
// endpoint of the v3 spec; Client.Call executes any of them.
type Endpoint struct {
	Method      string   // GET, POST, PUT, PATCH, DELETE
	Path        string   // "/v3/videos/{video_id}"
	PathParams  []string // placeholders of Path, in order
	QueryParams []string // names of the query parameters it takes
	// Body is "json" when the request carries a JSON body, "multipart"
	// for file uploads, "" when it has none.
	Body string
	// Paginated endpoints take limit and token and answer with has_more
	// and next_token.
	Paginated bool
	// IdempotencyKey endpoints honour an Idempotency-Key header (the same
	// key returns the same result): Call sends a fresh key per call, the
	// same on every attempt, and may then retry the POST like a PUT.
	IdempotencyKey bool
}

// String is "METHOD /path", as HeyGen's reference names requests.
func (e Endpoint) String() string { return e.Method + " " + e.Path }

// RawResponse is a successful answer decoded without a fixed type: every
// member HeyGen sent, known or not. JSON numbers become int64 when they
// are whole (1080 and 1080.0 alike) and float64 otherwise; objects are
// map[string]any and arrays []any.
type RawResponse struct {
	StatusCode int
	RequestID  string
	Body       map[string]any
}

// Data returns the response's "data" member (nil when absent).
func (r *RawResponse) Data() any { return r.Body["data"] }

// Call sends one request described by ep. pathParams fills the path's
// placeholders (each value is path-escaped; a missing or empty one is an
// error wrapping ErrEmptyID), query is added as given, and body (for
// endpoints with a JSON body) is encoded as JSON. Retries, timeouts, error
// mapping and redirect handling are the client's usual ones: a POST is
// retried only when HeyGen answered 429.
func (c *Client) Call(ctx context.Context, ep Endpoint, pathParams map[string]string, query url.Values, body any) (*RawResponse, error) {
	path, err := ep.expand(pathParams)
	if err != nil {
		return nil, err
	}
	switch ep.Body {
	case "multipart":
		return nil, fmt.Errorf("heygen: %s sends a file upload; use the asset upload helper", ep)
	case "":
		body = nil
	default:
		if body == nil {
			body = map[string]any{}
		}
	}
	if ep.IdempotencyKey {
		ctx = context.WithValue(ctx, idempotencyKey{}, newIdempotencyKey())
	}
	top, resp, err := c.do(ctx, ep.Method, path, query, body)
	if err != nil {
		return nil, err
	}
	// The body was decoded once by do; only its numbers are converted.
	Normalize(top)
	return &RawResponse{StatusCode: resp.status, RequestID: resp.header.Get("X-Request-Id"), Body: top}, nil
}

// expand substitutes the path parameters into the path template.
func (e Endpoint) expand(params map[string]string) (string, error) {
	path := e.Path
	for _, name := range e.PathParams {
		v := params[name]
		if v == "" {
			return "", fmt.Errorf("heygen: %s: %w: %s", e, ErrEmptyID, name)
		}
		path = strings.Replace(path, "{"+name+"}", url.PathEscape(v), 1)
	}
	if strings.ContainsAny(path, "{}") {
		return "", fmt.Errorf("heygen: %s: path has a placeholder that is not declared", e)
	}
	return path, nil
}

// DecodeJSON decodes one JSON value into plain Go values: map[string]any,
// []any, string, bool, nil, and numbers as int64 when they are whole and
// fit (so 1080.0 is the integer 1080), float64 otherwise.
func DecodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return Normalize(v), nil
}

// Normalize converts the json.Number values inside v (as produced by a
// decoder with UseNumber) the way DecodeJSON does, in place for maps and
// slices.
func Normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		return numberValue(x)
	case map[string]any:
		for k, e := range x {
			x[k] = Normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = Normalize(e)
		}
		return x
	}
	return v
}

// numberValue reads a JSON number: whole values within int64 become int64
// (whatever their spelling: 7, 7.0, 7e0), everything else float64.
func numberValue(n json.Number) any {
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, err := n.Float64()
	if err != nil {
		return string(n)
	}
	if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		return int64(f)
	}
	return f
}

// idempotencyKey is the context key of the Idempotency-Key of a call.
type idempotencyKey struct{}

func idempotencyKeyOf(ctx context.Context) string {
	k, _ := ctx.Value(idempotencyKey{}).(string)
	return k
}

// retryMethod is the method the retry policy judges: a request that
// carries an Idempotency-Key is as safe to repeat as a PUT.
func retryMethod(ctx context.Context, method string) string {
	if idempotencyKeyOf(ctx) != "" {
		return http.MethodPut
	}
	return method
}

// newIdempotencyKey returns 128 random bits in hex.
func newIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "kosmo-" + hex.EncodeToString(b[:])
}
