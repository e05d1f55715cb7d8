package heygentest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey is the default key of the tests: a pro subscription.
const testKey = "test-key-0123456789"

// fakeClock is a manually advanced clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, time.June, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox served over a real loopback listener.
type env struct {
	t      *testing.T
	srv    *Server
	ts     *httptest.Server
	client *http.Client
}

func newEnv(t *testing.T, o Options) *env {
	t.Helper()
	s := New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &env{t: t, srv: s, ts: ts, client: ts.Client()}
}

// result is a fully read response.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// data returns the "data" object of a single-object envelope.
func (r result) data(t *testing.T) map[string]any {
	t.Helper()
	d, isObj := r.object(t)["data"].(map[string]any)
	require.True(t, isObj, "no data object in %s", r.body)
	return d
}

// list returns the items, has_more and next_token of a list envelope.
func (r result) list(t *testing.T) ([]map[string]any, bool, string) {
	t.Helper()
	m := r.object(t)
	raw, isArr := m["data"].([]any)
	require.True(t, isArr, "no data array in %s", r.body)
	items := make([]map[string]any, len(raw))
	for i, it := range raw {
		items[i] = it.(map[string]any)
	}
	more, _ := m["has_more"].(bool)
	next, _ := m["next_token"].(string)
	if !more {
		require.Contains(t, m, "next_token")
		require.Nil(t, m["next_token"], "next_token must be null on the last page")
	}
	return items, more, next
}

// apiErr returns the error object of an error envelope.
func (r result) apiErr(t *testing.T) map[string]any {
	t.Helper()
	e, isObj := r.object(t)["error"].(map[string]any)
	require.True(t, isObj, "no error object in %s", r.body)
	return e
}

// expectError checks status, code and param (param "" means null).
func (r result) expectError(t *testing.T, status int, code, param string) {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	e := r.apiErr(t)
	assert.Equal(t, code, e["code"], "body: %s", r.body)
	if param == "" {
		assert.Nil(t, e["param"], "body: %s", r.body)
	} else {
		assert.Equal(t, param, e["param"], "body: %s", r.body)
	}
	assert.NotEmpty(t, e["message"])
	assert.NotEmpty(t, e["doc_url"])
}

var requestIDPattern = regexp.MustCompile(`^req-\d{6}$`)

// do sends a request with the given key ("" for none) and JSON body (nil
// for none) and checks the response against the schemas in testdata:
// 2xx bodies of API endpoints against the endpoint's response schema,
// error bodies against the error envelope. For accepted writes it also
// checks that the request body conforms to the request schema.
func (e *env) do(method, path, key string, body any) result {
	e.t.Helper()
	var rd io.Reader
	var raw []byte
	if body != nil {
		switch b := body.(type) {
		case string:
			raw = []byte(b)
		case []byte:
			raw = b
		default:
			var err error
			raw, err = json.Marshal(b)
			require.NoError(e.t, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	require.NoError(e.t, err)
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	r := result{status: resp.StatusCode, header: resp.Header, body: b}
	checkConformance(e.t, e.srv, method, path, raw, r)
	return r
}

// checkConformance validates a response (and an accepted request body)
// against the schemas in testdata.
func checkConformance(t *testing.T, s *Server, method, path string, reqBody []byte, r result) {
	t.Helper()
	assert.Regexp(t, requestIDPattern, r.header.Get("X-Request-Id"), "X-Request-Id on %s %s", method, path)
	u, err := url.Parse(path)
	require.NoError(t, err)
	if r.status >= 400 {
		assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "application/json"))
		validateJSON(t, loadSchema(t, "error.json", "", true), r.body, "error body of "+method+" "+path)
		return
	}
	if !strings.HasPrefix(u.Path, "/v3/") {
		return
	}
	rt, _, _ := matchRoute(s.routes, u.EscapedPath(), method)
	require.NotNil(t, rt, "no route for %s %s", method, path)
	file := schemaFileName(rt.method, rt.pattern)
	ep := specEndpoint(t, file)
	if ep["response_schema"] != nil {
		validateJSON(t, loadSchema(t, file, "response_schema", true), r.body, "response of "+method+" "+path)
	}
	if len(reqBody) > 0 && r.status < 300 && ep["body_encoding"] == "json" {
		validateJSON(t, loadSchema(t, file, "request_schema", false), reqBody, "accepted request body of "+method+" "+path)
	}
}

func (e *env) get(path string) result { e.t.Helper(); return e.do("GET", path, testKey, nil) }

func (e *env) post(path string, body any) result {
	e.t.Helper()
	return e.do("POST", path, testKey, body)
}

// walk follows next_token through every page of a list and returns all
// items and the number of pages.
func (e *env) walk(path, key string) ([]map[string]any, int) {
	e.t.Helper()
	var all []map[string]any
	pages := 0
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	next := ""
	for {
		p := path
		if next != "" {
			p += sep + "token=" + url.QueryEscape(next)
		}
		r := e.do("GET", p, key, nil)
		require.Equal(e.t, http.StatusOK, r.status, "body: %s", r.body)
		items, more, tok := r.list(e.t)
		pages++
		all = append(all, items...)
		if !more {
			return all, pages
		}
		require.NotEmpty(e.t, tok)
		next = tok
		require.Less(e.t, pages, 1000, "pagination does not end")
	}
}

func ids(items []map[string]any, field string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it[field].(string)
	}
	return out
}

func number(t *testing.T, v any) float64 {
	t.Helper()
	f, isNum := v.(float64)
	require.True(t, isNum, "%v is not a number", v)
	return f
}
