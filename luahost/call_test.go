package luahost_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/redact"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

func TestCallRunsTheFunctionAndAudits(t *testing.T) {
	h := newHost(t, nil)
	res := h.Call(context.Background(), "demo", "list_things", map[string]any{"limit": int64(2)}, luahost.CallOptions{})
	require.Nil(t, res.Error)
	data := res.Data.(map[string]any)["data"].(map[string]any)
	assert.Len(t, data["things"], 2)
	assert.Equal(t, "default", data["account"])
	assert.Equal(t, "app.integrations.demo.list_things", res.Record.Path)
	assert.Equal(t, "ok", res.Record.Status)
	assert.Equal(t, "read", res.Record.Op)
	assert.Equal(t, int64(1), res.Record.HTTPRequests)
	assert.False(t, res.PermissionBypassed)

	res = h.Call(context.Background(), "demo", "list_things", nil, luahost.CallOptions{Account: "work"})
	require.Nil(t, res.Error)
	assert.Equal(t, "work", res.Data.(map[string]any)["data"].(map[string]any)["account"])
	assert.Equal(t, "app.integrations.demo.work.list_things", res.Record.Path)
}

func TestCallUnknownNamesSuggest(t *testing.T) {
	h := newHost(t, nil)
	res := h.Call(context.Background(), "dmo", "list_things", nil, luahost.CallOptions{})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.UnknownFunction, res.Error.Code)
	assert.Contains(t, res.Error.Message, "Did you mean: demo")

	res = h.Call(context.Background(), "demo", "list_thing", nil, luahost.CallOptions{})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.UnknownFunction, res.Error.Code)
	assert.Contains(t, res.Error.Message, "list_things")
	assert.Equal(t, "error", res.Record.Status)

	res = h.Call(context.Background(), "demo", "list_things", nil, luahost.CallOptions{Account: "home"})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.UnknownAccount, res.Error.Code)
}

func TestCallValidatesArguments(t *testing.T) {
	h := newHost(t, nil)
	res := h.Call(context.Background(), "demo", "list_things", map[string]any{"limit": int64(500)}, luahost.CallOptions{})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.InvalidArgument, res.Error.Code)
	res = h.Call(context.Background(), "demo", "list_things", map[string]any{"limt": int64(5)}, luahost.CallOptions{})
	require.NotNil(t, res.Error)
	assert.Contains(t, res.Error.Message, "limit")
	res = h.Call(context.Background(), "demo", "make_thing", map[string]any{}, luahost.CallOptions{Force: true})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.InvalidArgument, res.Error.Code)
	assert.Contains(t, res.Error.Message, "parts")
}

func TestCallPolicyForceAndPrompt(t *testing.T) {
	h := newHost(t, nil)
	args := map[string]any{"parts": []any{map[string]any{"kind": "a"}}}
	res := h.Call(context.Background(), "demo", "make_thing", args, luahost.CallOptions{})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.PermissionDenied, res.Error.Code)
	assert.Contains(t, res.Error.Hint, "--force")

	res = h.Call(context.Background(), "demo", "make_thing", args, luahost.CallOptions{Force: true})
	require.Nil(t, res.Error)
	assert.True(t, res.PermissionBypassed)
	assert.Equal(t, 1, res.Data.(map[string]any)["data"].(map[string]any)["made"])

	var asked string
	res = h.Call(context.Background(), "demo", "make_thing", args, luahost.CallOptions{Prompt: func(q string) bool { asked = q; return true }})
	require.Nil(t, res.Error)
	assert.Contains(t, asked, "app.integrations.demo.make_thing")
	assert.False(t, res.PermissionBypassed)

	res = h.Call(context.Background(), "demo", "make_thing", args, luahost.CallOptions{Prompt: func(string) bool { return false }})
	require.NotNil(t, res.Error)
	assert.Contains(t, res.Error.Message, "declined")
}

func TestCallFlatAndErrors(t *testing.T) {
	h := newHost(t, nil)
	res := h.Call(context.Background(), "demo", "flat_fail", nil, luahost.CallOptions{})
	require.NotNil(t, res.Error)
	assert.Equal(t, map[string]any{"success": false, "error": "remote said no (404)"}, res.Data)
	assert.Equal(t, "error", res.Record.Status)

	res = h.Call(context.Background(), "demo", "fail", nil, luahost.CallOptions{})
	require.NotNil(t, res.Error)
	assert.Nil(t, res.Data)
	assert.Equal(t, errcode.APIError, res.Error.Code)
	assert.Equal(t, "req-9", res.Error.Details["request_id"])
}

func TestCallMissingCredential(t *testing.T) {
	b := demoBinding(nil)
	b.Accounts = nil
	h := newHost(t, func(o *luahost.Options) { o.Integrations = []luahost.Binding{b} })
	res := h.Call(context.Background(), "demo", "list_things", nil, luahost.CallOptions{})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.AuthMissing, res.Error.Code)
	assert.Contains(t, res.Error.Hint, "DEMO_API_KEY")
}

// slowBinding has a function that waits for its context.
func slowBinding() luahost.Binding {
	ig := &registry.Integration{Name: "slow", Title: "Slow", Summary: "Waits.", Functions: []*registry.Function{{
		Name: "wait", FullName: "slow.wait", Op: registry.Read, Summary: "Wait.", Description: "Waits until cancelled.",
		Handler: func(ctx context.Context, c *registry.Call) (any, error) {
			<-ctx.Done()
			return nil, context.Cause(ctx)
		},
	}}}
	return luahost.Binding{Integration: ig, Accounts: []registry.Account{{Name: "default", Secret: "x"}}}
}

func TestCallTimeoutOutsideARun(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Integrations = []luahost.Binding{slowBinding()} })
	res := h.Call(context.Background(), "slow", "wait", nil, luahost.CallOptions{Timeout: 20 * time.Millisecond})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.Timeout, res.Error.Code)
	assert.Equal(t, "error", res.Record.Status)
}

func TestLuaCallsShareTheCorePath(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `return app.integrations.demo.make_thing({parts = {{kind = "a"}}})`)
	require.False(t, env.Success)
	assert.Equal(t, "permission_denied", errCode(env))
	env = h.Run(context.Background(), `return app.integrations.demo.flat_fail()`, luahost.RunOptions{})
	require.True(t, env.Success)
	assert.Equal(t, map[string]any{"success": false, "error": "remote said no (404)"}, env.Result[0])
	require.Len(t, env.IntegrationCalls, 1)
	assert.Equal(t, "error", env.IntegrationCalls[0].Status)
}

// webBinding is an integration that talks HTTP: list reads, make writes,
// get reads one item. Its simulator mints ids.
type webLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *webLog) add(s string) { l.mu.Lock(); l.reqs = append(l.reqs, s); l.mu.Unlock() }
func (l *webLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.reqs...)
}

func webService(log *webLog, name string) http.Handler {
	var mu sync.Mutex
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(name + " " + r.Method + " " + r.URL.Path + " key=" + r.Header.Get("X-Key"))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			mu.Lock()
			n++
			id := name + "item" + string(rune('0'+n))
			mu.Unlock()
			_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"item_id": id}})
		case strings.HasPrefix(r.URL.Path, "/items/"):
			_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"id": strings.TrimPrefix(r.URL.Path, "/items/"), "status": "done"}})
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{"data": []any{"a", "b"}})
		}
	})
}

// countingRT counts each attempt, as real integrations do.
type countingRT struct{ base http.RoundTripper }

func (c countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	registry.CountRequest(r.Context())
	return c.base.RoundTrip(r)
}

func webBinding(base string, sim func() http.Handler) luahost.Binding {
	do := func(method, path string, body any) registry.Handler {
		return func(ctx context.Context, c *registry.Call) (any, error) {
			var rd io.Reader
			if body != nil {
				b, _ := json.Marshal(c.Args)
				rd = bytes.NewReader(b)
			}
			p := path
			if id, ok := c.Args["id"].(string); ok {
				p += id
			}
			if method == http.MethodPost {
				p += "?token=secret-" + c.Account // a key in the URL must not reach the plan
			}
			req, _ := http.NewRequestWithContext(ctx, method, base+p, rd)
			req.Header.Set("X-Key", "secret-"+c.Account)
			tr := c.Env.Transport
			if tr == nil {
				tr = http.DefaultTransport
			}
			res, err := (&http.Client{Transport: countingRT{tr}}).Do(req)
			if err != nil {
				return nil, err
			}
			defer res.Body.Close()
			var v any
			err = json.NewDecoder(res.Body).Decode(&v)
			return v, err
		}
	}
	ig := &registry.Integration{Name: "web", Title: "Web", Summary: "HTTP.", Functions: []*registry.Function{
		{Name: "list", FullName: "web.list", Op: registry.Read, Summary: "List.", Description: "List.", Handler: do("GET", "/items", nil)},
		{Name: "get", FullName: "web.get", Op: registry.Read, Summary: "Get.", Description: "Get.",
			Params: []registry.Param{{Name: "id", Type: registry.String, Required: true}}, Handler: do("GET", "/items/", nil)},
		{Name: "search", FullName: "web.search", Op: registry.Read, Summary: "Search.", Description: "A read sent as POST.",
			Params: []registry.Param{{Name: "q", Type: registry.String}}, Handler: do("POST", "/search", true)},
		{Name: "make", FullName: "web.make", Op: registry.Write, Summary: "Make.", Description: "Make.",
			Params: []registry.Param{{Name: "title", Type: registry.String}}, Handler: do("POST", "/items", true)},
	}}
	if sim != nil {
		ig.Simulator = func(registry.SimulatorOptions) http.Handler { return sim() }
	}
	return luahost.Binding{Integration: ig, Accounts: []registry.Account{{Name: "default", Secret: "secret-default"}},
		Policy: registry.Policy{Read: registry.Allow, Write: registry.Allow}}
}

func TestDryRunPlansWritesAndAnswersFromTheSimulator(t *testing.T) {
	log := &webLog{}
	real := httptest.NewServer(webService(log, "real"))
	defer real.Close()
	b := webBinding(real.URL, func() http.Handler { return webService(log, "sim") })
	h := newHost(t, func(o *luahost.Options) { o.Integrations = []luahost.Binding{b} })

	env := h.Run(context.Background(), `
		local items = app.integrations.web.list()
		local a = app.integrations.web.make({title = "first"})
		local b = app.integrations.web.make({title = "second"})
		local got = app.integrations.web.get({id = a.data.item_id})
		return a.data.item_id, b.data.item_id, got.data.status, #items.data`, luahost.RunOptions{DryRun: true})
	require.True(t, env.Success, "%+v", env.Error)
	assert.True(t, env.Meta.DryRun)
	assert.Equal(t, []any{"dryrun_simitem1", "dryrun_simitem2", "done", int64(2)}, env.Result)
	require.Len(t, env.PlannedRequests, 2)
	p := env.PlannedRequests[0]
	assert.Equal(t, "POST", p.Method)
	assert.Equal(t, real.URL+"/items?token=[redacted]", p.URL)
	assert.Equal(t, map[string]any{"title": "first"}, p.Body)
	assert.Equal(t, "app.integrations.web.make", p.Path)
	assert.Equal(t, "default", p.Account)
	assert.Equal(t, "allow", p.Permission)
	assert.Equal(t, map[string]any{"title": "second"}, env.PlannedRequests[1].Body)
	var counts []int64
	for _, c := range env.IntegrationCalls {
		counts = append(counts, c.HTTPRequests)
	}
	assert.Equal(t, []int64{1, 0, 0, 0}, counts, "only the real read reached the wire")

	reqs := log.all()
	assert.Equal(t, []string{
		"real GET /items key=secret-default",
		"sim POST /items key=dryrun-key",
		"sim POST /items key=dryrun-key",
		"sim GET /items/simitem1 key=dryrun-key",
	}, reqs)
}

func TestDryRunDeniedWriteIsPlannedAndFails(t *testing.T) {
	log := &webLog{}
	real := httptest.NewServer(webService(log, "real"))
	defer real.Close()
	b := webBinding(real.URL, func() http.Handler { return webService(log, "sim") })
	b.Policy.Write = registry.Deny
	h := newHost(t, func(o *luahost.Options) { o.Integrations = []luahost.Binding{b} })

	res := h.Call(context.Background(), "web", "make", map[string]any{"title": "x"}, luahost.CallOptions{DryRun: true})
	require.NotNil(t, res.Error)
	assert.Equal(t, errcode.PermissionDenied, res.Error.Code)
	require.Len(t, res.Planned, 1)
	assert.Equal(t, "deny", res.Planned[0].Permission)

	res = h.Call(context.Background(), "web", "make", map[string]any{"title": "x"}, luahost.CallOptions{DryRun: true, Force: true})
	require.Nil(t, res.Error)
	require.Len(t, res.Planned, 1)
	assert.Equal(t, "bypassed", res.Planned[0].Permission)
	assert.True(t, res.PermissionBypassed)
	for _, r := range log.all() {
		assert.NotContains(t, r, "real POST")
	}
}

func TestDryRunWithoutSimulatorRefusesWrites(t *testing.T) {
	log := &webLog{}
	real := httptest.NewServer(webService(log, "real"))
	defer real.Close()
	h := newHost(t, func(o *luahost.Options) { o.Integrations = []luahost.Binding{webBinding(real.URL, nil)} })
	res := h.Call(context.Background(), "web", "make", nil, luahost.CallOptions{DryRun: true})
	require.NotNil(t, res.Error)
	assert.Contains(t, res.Error.Message, "not sent")
	assert.Len(t, res.Planned, 1)
	assert.Empty(t, log.all())
}

func TestDryRunSendsReadsEvenAsPOST(t *testing.T) {
	log := &webLog{}
	real := httptest.NewServer(webService(log, "real"))
	defer real.Close()
	b := webBinding(real.URL, func() http.Handler { return webService(log, "sim") })
	h := newHost(t, func(o *luahost.Options) { o.Integrations = []luahost.Binding{b} })
	res := h.Call(context.Background(), "web", "search", map[string]any{"q": "x"}, luahost.CallOptions{DryRun: true})
	require.Nil(t, res.Error)
	assert.Empty(t, res.Planned)
	assert.Equal(t, int64(1), res.Record.HTTPRequests)
	require.Len(t, log.all(), 1)
	assert.True(t, strings.HasPrefix(log.all()[0], "real POST /search"), log.all()[0])
}

// What Call returns is redacted like an envelope: its callers (a direct
// call's JSON, mcp:serve over HTTP) do not all write through a redactor.
func TestCallResultsAreRedacted(t *testing.T) {
	secret := "session-for-default" // what the demo's list_things echoes
	h := newHost(t, func(o *luahost.Options) { o.Redactor = redact.New(secret) })
	res := h.Call(context.Background(), "demo", "list_things", nil, luahost.CallOptions{})
	require.Nil(t, res.Error)
	b, err := json.Marshal(res)
	require.NoError(t, err)
	assert.NotContains(t, string(b), secret)
	assert.NotContains(t, string(b), secret[:8])
	assert.Equal(t, "plain text", h.Redact("plain text"), "other text is left alone")
	nested, err := json.Marshal(h.Redact(map[string]any{"k": []any{"x " + secret}, "c": []map[string]any{{"text": secret}}}))
	require.NoError(t, err)
	assert.NotContains(t, string(nested), secret[:8])
	assert.Contains(t, string(nested), `"x `)
}
