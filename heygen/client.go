package heygen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kosmo-dev/kosmo/luahost/redact"
)

// DefaultBaseURL is the HeyGen API origin used when WithBaseURL is not given.
const DefaultBaseURL = "https://api.heygen.com"

// Defaults applied by NewClient.
const (
	defaultUserAgent   = "kosmo-heygen-go"
	defaultMaxRetries  = 2
	defaultBackoffBase = time.Second
	defaultBackoffMax  = 30 * time.Second
	defaultGetTimeout  = 30 * time.Second
	defaultTimeout     = 120 * time.Second

	// maxResponseBytes bounds how much of a response body is read.
	maxResponseBytes = 32 << 20
	// maxErrorBytes bounds how much of an error response body is read.
	maxErrorBytes = 64 << 10
)

// Client talks to the HeyGen v3 REST API. Create one with NewClient; it is
// safe for concurrent use and should be reused.
//
// The API is split into services, one per resource, in the style of
// google/go-github: client.Videos.List, client.Avatars.GetLook, and so on.
type Client struct {
	apiKey      string
	scrub       *redact.Redactor // hides the key, its pieces and encodings in errors
	baseURL     string           // scheme://host[/prefix] without a trailing slash
	rawBaseURL  string
	httpClient  *http.Client
	userAgent   string
	maxRetries  int
	backoffBase time.Duration
	backoffMax  time.Duration
	getTimeout  time.Duration
	timeout     time.Duration
	sleep       func(ctx context.Context, d time.Duration) error
	hook        func(method, path string, attempt int)
	jitter      func() float64 // returns a factor in [0.75, 1.25)
	now         func() time.Time

	// Services, one per API resource.
	Videos    *VideosService
	Avatars   *AvatarsService
	Voices    *VoicesService
	Users     *UsersService
	Templates *TemplatesService
	Webhooks  *WebhooksService
}

// service is the common base of every resource service.
type service struct {
	client *Client
}

// Option configures a Client in NewClient.
type Option func(*Client)

// WithBaseURL replaces DefaultBaseURL. The value must be an absolute http or
// https URL; it may carry a path prefix (for a proxy) but no query or
// fragment. NewClient reports an invalid value. An empty value keeps the
// default.
func WithBaseURL(u string) Option {
	return func(c *Client) {
		if u != "" {
			c.rawBaseURL = u
		}
	}
}

// WithHTTPClient sets the HTTP client used for requests. A nil value keeps
// the default. The client is copied, and the copy drops the API key header
// whenever a redirect leaves the original host.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.httpClient = h
		}
	}
}

// WithUserAgent sets the User-Agent header (default "kosmo-heygen-go").
// An empty value keeps the default.
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua != "" {
			c.userAgent = ua
		}
	}
}

// WithMaxRetries sets how many times a failed request may be retried
// (default 2, that is 3 attempts in all). 0 disables retries; a negative
// value is treated as 0.
func WithMaxRetries(n int) Option {
	return func(c *Client) { c.maxRetries = max(n, 0) }
}

// WithBackoff sets the retry backoff: the first retry waits about base, each
// further one twice as long, never more than maxWait (defaults 1s and 30s).
// Every wait is multiplied by a random factor in [0.75, 1.25) and then
// capped at maxWait. A negative value keeps the corresponding default.
func WithBackoff(base, maxWait time.Duration) Option {
	return func(c *Client) {
		if base >= 0 {
			c.backoffBase = base
		}
		if maxWait >= 0 {
			c.backoffMax = maxWait
		}
	}
}

// WithSleep replaces the function used for every wait the client makes
// (retry backoff and VideosService.Wait polling). It must return ctx.Err()
// when ctx ends before d has passed. Tests use it to skip real waiting.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) {
		if f != nil {
			c.sleep = f
		}
	}
}

// WithRequestHook registers f to be called right before every HTTP attempt,
// retries included. method is the HTTP method, path the escaped request
// path without the query (for example "/v3/videos/abc"), and attempt counts
// from 1 for the first try of a call.
func WithRequestHook(f func(method, path string, attempt int)) Option {
	return func(c *Client) { c.hook = f }
}

// WithTimeouts bounds each HTTP attempt: get applies to GET requests and
// other to every other method (defaults 30s and 120s, as in HeyGen's CLI).
// Zero disables the corresponding limit; a negative value keeps the
// default. An attempt that runs out of time is not retried.
func WithTimeouts(get, other time.Duration) Option {
	return func(c *Client) {
		if get >= 0 {
			c.getTimeout = get
		}
		if other >= 0 {
			c.timeout = other
		}
	}
}

// NewClient returns a client that authenticates with apiKey. It fails when
// the key is empty or malformed, or when WithBaseURL was given a value that
// is not an absolute http or https URL.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, errors.New("heygen: API key is empty")
	}
	for _, r := range apiKey {
		if r < 0x20 || r == 0x7f {
			// Never echo the key, not even part of it.
			return nil, errors.New("heygen: API key contains control characters")
		}
	}
	c := &Client{
		apiKey:      apiKey,
		scrub:       redact.New(apiKey),
		rawBaseURL:  DefaultBaseURL,
		userAgent:   defaultUserAgent,
		maxRetries:  defaultMaxRetries,
		backoffBase: defaultBackoffBase,
		backoffMax:  defaultBackoffMax,
		getTimeout:  defaultGetTimeout,
		timeout:     defaultTimeout,
		sleep:       sleepContext,
		jitter:      func() float64 { return 0.75 + rand.Float64()*0.5 },
		now:         time.Now,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	base, err := normalizeBaseURL(c.rawBaseURL)
	if err != nil {
		return nil, err
	}
	c.baseURL = base
	if c.backoffMax < c.backoffBase {
		c.backoffMax = c.backoffBase
	}
	c.httpClient = guardRedirects(c.httpClient)

	c.Videos = &VideosService{client: c}
	c.Avatars = &AvatarsService{client: c}
	c.Voices = &VoicesService{client: c}
	c.Users = &UsersService{client: c}
	c.Templates = &TemplatesService{client: c}
	c.Webhooks = &WebhooksService{client: c}
	return c, nil
}

// BaseURL returns the API origin (and path prefix) requests are sent to.
func (c *Client) BaseURL() string { return c.baseURL }

// String describes the client without revealing the API key, so that
// printing a Client (or a *Client) with fmt is safe.
func (c Client) String() string {
	return fmt.Sprintf("heygen.Client{BaseURL: %q}", c.baseURL)
}

// GoString is String for the %#v verb.
func (c Client) GoString() string { return c.String() }

func normalizeBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("heygen: invalid base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("heygen: base URL %q must use http or https", u.Redacted())
	}
	if u.Host == "" {
		return "", fmt.Errorf("heygen: base URL %q has no host", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("heygen: base URL %q must not have a query or fragment", u.Redacted())
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// guardRedirects returns a copy of h (or of a fresh client) whose redirect
// policy removes X-Api-Key before following a redirect to another host.
func guardRedirects(h *http.Client) *http.Client {
	var hc http.Client
	if h != nil {
		hc = *h
	}
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
			req.Header.Del("X-Api-Key")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &hc
}

// sleepContext waits for d or until ctx ends, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends one API call with retries and returns a successful JSON object
// body, decoded once by parseJSON (numbers as json.Number). Every failure
// comes back as *APIError or *NetworkError (the latter also when ctx ends
// during a retry pause).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body any) (map[string]any, *response, error) {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, nil, fmt.Errorf("heygen: %s %s: encoding request body: %w", method, path, err)
		}
		payload = b
	}
	target := c.baseURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}

	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, &NetworkError{Method: method, Path: path, Err: err, scrub: c.scrub}
		}
		if c.hook != nil {
			c.hook(method, path, attempt)
		}
		resp, sendErr := c.send(ctx, method, target, payload)

		in := retryInput{
			Method:     retryMethod(ctx, method),
			Attempt:    attempt,
			MaxRetries: c.maxRetries,
			Err:        sendErr,
			CtxErr:     ctx.Err(),
			Now:        c.now(),
			Base:       c.backoffBase,
			Max:        c.backoffMax,
			Jitter:     c.jitter(),
		}
		if resp != nil {
			in.StatusCode = resp.status
			in.RetryAfter = resp.header.Get("Retry-After")
		}
		retry, wait, _ := decideRetry(in)

		var failure error
		switch {
		case sendErr != nil:
			failure = &NetworkError{Method: method, Path: path, Err: sendErr, scrub: c.scrub}
		case resp.status < 200 || resp.status > 299:
			failure = c.errorFromResponse(method, path, resp)
		default:
			top, err := c.parseSuccess(method, path, resp)
			return top, resp, err
		}
		if !retry {
			return nil, resp, failure
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, resp, &NetworkError{Method: method, Path: path, Err: err, scrub: c.scrub}
		}
	}
}

// send performs a single HTTP attempt and reads the whole body.
func (c *Client) send(ctx context.Context, method, target string, payload []byte) (*response, error) {
	limit := c.timeout
	if method == http.MethodGet {
		limit = c.getTimeout
	}
	if limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}

	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Api-Key", c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if key := idempotencyKeyOf(ctx); key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	res, err := c.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()

	ok := res.StatusCode >= 200 && res.StatusCode <= 299
	limitBytes := int64(maxResponseBytes)
	if !ok {
		limitBytes = maxErrorBytes
	}
	data, err := readAll(io.LimitReader(res.Body, limitBytes), res.ContentLength, limitBytes)
	if err != nil {
		if ok {
			return nil, err
		}
		// A half-read error page still tells us the status; keep going.
	}
	return &response{status: res.StatusCode, header: res.Header, body: data}, nil
}

// readAll is io.ReadAll with the buffer sized from the announced length
// (bounded by limit), so a page is read without growing the buffer through
// every power of two.
func readAll(r io.Reader, announced, limit int64) ([]byte, error) {
	if announced <= 0 {
		return io.ReadAll(r)
	}
	// bytes.Buffer reads in steps of bytes.MinRead and grows when less
	// than that is free, hence the margin.
	buf := bytes.NewBuffer(make([]byte, 0, min(announced, limit)+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// parseSuccess checks that a 2xx body is a JSON object in HeyGen's envelope
// and that it does not carry an error in disguise.
func (c *Client) parseSuccess(method, path string, resp *response) (map[string]any, error) {
	if method == http.MethodDelete && len(bytes.TrimSpace(resp.body)) == 0 {
		return map[string]any{}, nil
	}
	v, err := parseJSON(resp.body)
	top, _ := v.(map[string]any)
	if err != nil || top == nil {
		// The reason comes from encoding/json, as it always did.
		var probe any
		what := "response body is not a JSON object"
		if len(bytes.TrimSpace(resp.body)) == 0 {
			what = "response body is empty"
		} else if perr := json.Unmarshal(resp.body, &probe); perr != nil {
			what = fmt.Sprintf("response body is not valid JSON (%v)", perr)
		}
		return nil, c.malformed(method, path, resp, what)
	}
	if embeddedError(top) {
		return nil, c.errorFromResponse(method, path, resp)
	}
	return top, nil
}

// malformed builds the APIError reported for a 2xx body that cannot be used.
func (c *Client) malformed(method, path string, resp *response, what string) *APIError {
	msg := c.scrub.String(what)
	// Redact before cutting: a cut through the key would leave a piece of
	// it that no longer matches the whole key.
	if snippet := bodySnippet([]byte(c.scrub.String(string(resp.body)))); snippet != "" {
		msg += "; body starts with " + snippet
	}
	return &APIError{
		StatusCode: resp.status,
		Code:       CodeMalformedResponse,
		Message:    c.scrub.String(msg),
		RequestID:  c.scrub.String(resp.header.Get("X-Request-Id")),
		Method:     method,
		Path:       path,
	}
}

// bodySnippet quotes the first bytes of a body for error messages.
func bodySnippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ""
	}
	const n = 120
	if len(b) > n {
		return fmt.Sprintf("%q...", b[:n])
	}
	return fmt.Sprintf("%q", b)
}

// errorFromResponse turns a failed (or disguised failed) response into an
// *APIError.
func (c *Client) errorFromResponse(method, path string, resp *response) *APIError {
	e := parseErrorBody(resp.status, resp.body)
	e.Method = method
	e.Path = path
	e.RequestID = resp.header.Get("X-Request-Id")
	if d, ok := parseRetryAfter(resp.header.Get("Retry-After"), c.now()); ok {
		e.RetryAfter = d
	}
	e.Code = c.scrub.String(e.Code)
	e.Message = c.scrub.String(e.Message)
	e.Param = c.scrub.String(e.Param)
	e.DocURL = c.scrub.String(e.DocURL)
	e.RequestID = c.scrub.String(e.RequestID)
	return e
}

// redactKey hides every occurrence of secret, and of every piece of it at
// least redact.MinFragment bytes long, in s.
func redactKey(s, secret string) string {
	return redact.New(secret).String(s)
}

// escapeID validates a path parameter and escapes it for use in a path.
func escapeID(what, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("heygen: %w: %s", ErrEmptyID, what)
	}
	return url.PathEscape(id), nil
}

// getData fetches a single-object envelope and decodes its data into dst.
func (c *Client) getData(ctx context.Context, method, path string, query url.Values, body, dst any) error {
	top, resp, err := c.do(ctx, method, path, query, body)
	if err != nil {
		return err
	}
	data, ok := top["data"]
	if !ok {
		return c.malformed(method, path, resp, `response has no "data" member`)
	}
	if data == nil {
		return c.malformed(method, path, resp, `response "data" is null`)
	}
	m, ok := data.(map[string]any)
	if !ok {
		return c.malformed(method, path, resp, `response "data" is not an object`)
	}
	if err := decodeData(m, dst); err != nil {
		return c.malformed(method, path, resp, fmt.Sprintf("cannot decode response data: %v", err))
	}
	return nil
}

// getPage fetches one list page and decodes it into T (a struct type).
// Items come from the one decode of the body: an item that is not an
// object is skipped, a null item is a zero value (as json.Unmarshal left
// it).
func getPage[T any](ctx context.Context, c *Client, path string, query url.Values) (*Page[T], error) {
	const method = http.MethodGet
	top, resp, err := c.do(ctx, method, path, query, nil)
	if err != nil {
		return nil, err
	}
	return pageFrom[T](c, method, path, resp, top)
}

// pageFrom reads a list page out of a decoded body.
func pageFrom[T any](c *Client, method, path string, resp *response, top map[string]any) (*Page[T], error) {
	data, ok := top["data"]
	if !ok {
		return nil, c.malformed(method, path, resp, `response has no "data" member`)
	}
	page := &Page[T]{Data: []T{}}
	if data != nil {
		items, ok := data.([]any)
		if !ok {
			return nil, c.malformed(method, path, resp, `response "data" is not an array`)
		}
		page.Data = make([]T, 0, len(items))
		for _, item := range items {
			var t T
			switch x := item.(type) {
			case nil:
			case map[string]any:
				fillTolerant(x, &t)
			default:
				continue
			}
			page.Data = append(page.Data, t)
		}
	}
	if raw, ok := top["has_more"]; ok && raw != nil {
		b, ok := raw.(bool)
		if !ok {
			return nil, c.malformed(method, path, resp, `response "has_more" is not a boolean`)
		}
		page.HasMore = b
	}
	if raw, ok := top["next_token"]; ok && raw != nil {
		s, ok := raw.(string)
		if !ok {
			return nil, c.malformed(method, path, resp, `response "next_token" is not a string`)
		}
		page.NextToken = s
	}
	return page, nil
}

// listQuery starts a query with the paging parameters.
func listQuery(limit int, token string) url.Values {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	if token != "" {
		q.Set("token", token)
	}
	return q
}

// setIf adds key=value to q when value is not empty.
func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

func isJSONNull(b json.RawMessage) bool {
	return string(bytes.TrimSpace(b)) == "null"
}

func firstByte(b []byte) byte {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// decodeRaw decodes a JSON object into a generic map, keeping numbers as
// json.Number so that large integers stay exact.
func decodeRaw(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// unmarshalWithRaw decodes b into typed (a pointer to a struct type without
// its own UnmarshalJSON method) and returns the same object as a raw map,
// from one decode of b. null leaves typed alone and gives a nil map.
func unmarshalWithRaw(b []byte, typed any) (map[string]any, error) {
	v, err := parseJSON(b)
	if err != nil || v == nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	fillTolerant(m, typed)
	return m, nil
}
