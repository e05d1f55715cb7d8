package mcpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/mcpserver"
	"github.com/kosmo-dev/kosmo/luahost/redact"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// demo is a small integration: one read and one write function.
func demo() luahost.Binding {
	ig := &registry.Integration{
		Name: "demo", Title: "Demo", Summary: "A test integration.",
		Functions: []*registry.Function{
			{
				Name: "list_things", FullName: "demo.demo_list_things", Op: registry.Read, Summary: "List things.", Description: "Lists a few things.",
				Params: []registry.Param{{Name: "limit", Type: registry.Integer, Default: int64(2), Min: registry.Ptr(1), Max: registry.Ptr(10)}},
				Handler: func(_ context.Context, c *registry.Call) (any, error) {
					items := []any{}
					for i := int64(0); i < c.Args["limit"].(int64); i++ {
						items = append(items, map[string]any{"id": fmt.Sprintf("t%d", i)})
					}
					return map[string]any{"things": items}, nil
				},
			},
			{
				Name: "make_thing", FullName: "demo.demo_make_thing", Op: registry.Write, Summary: "Make a thing.", Description: "Makes one thing.",
				Params: []registry.Param{{Name: "name", Type: registry.String, Required: true}},
				Handler: func(_ context.Context, c *registry.Call) (any, error) {
					return map[string]any{"made": c.Args["name"]}, nil
				},
			},
		},
	}
	return luahost.Binding{Integration: ig, Accounts: []registry.Account{{Name: "default", Secret: "sk-test"}},
		Policy: registry.Policy{Read: registry.Allow, Write: registry.Allow}}
}

// fakeUpstream is an in-memory MCP provider with one server, "files".
type fakeUpstream struct {
	policy registry.Policy
	closed atomic.Int64
	calls  atomic.Int64
}

func (f *fakeUpstream) Servers() []string             { return []string{"down", "files"} }
func (f *fakeUpstream) Policy(string) registry.Policy { return f.policy }
func (f *fakeUpstream) Open() mcpapi.Conn             { return &fakeConn{f: f} }

type fakeConn struct{ f *fakeUpstream }

func (c *fakeConn) Tools(_ context.Context, server string) ([]*mcpapi.Tool, error) {
	if server == "down" {
		return nil, errcode.New(errcode.NetworkError, "MCP server \"down\" failed to start: it exited (exit status 2)")
	}
	validate := func(args map[string]any) (map[string]any, error) {
		if _, ok := args["path"].(string); !ok {
			return nil, errcode.New(errcode.InvalidArgument, "mcp.files.read_file: missing required parameter 'path' (string)")
		}
		return args, nil
	}
	return []*mcpapi.Tool{
		{Name: "read_file", Title: "Read a file", Description: "Read one file.", ReadOnly: true,
			Annotations: &mcpapi.Annotations{Title: "Read a file", ReadOnlyHint: true, IdempotentHint: true},
			InputSchema: map[string]any{"type": "object", "properties": map[string]any{"path": map[string]any{"type": "string"}}, "required": []any{"path"}},
			Validate:    validate},
		{Name: "write_file", Description: "Write one file.",
			InputSchema: map[string]any{"type": "object", "properties": map[string]any{"path": map[string]any{"type": "string"}}}},
	}, nil
}

func (c *fakeConn) CallTool(ctx context.Context, _, tool string, args map[string]any) (*mcpapi.ToolResult, error) {
	c.f.calls.Add(1)
	if args["path"] == "slow" {
		<-ctx.Done()
		return nil, errcode.New(errcode.NetworkError, "MCP server \"files\": tools/call %s was cancelled", tool)
	}
	return &mcpapi.ToolResult{
		Content:    []map[string]any{{"type": "text", "text": tool + " " + fmt.Sprint(args["path"])}},
		Structured: map[string]any{"tool": tool, "path": args["path"]},
	}, nil
}

func (c *fakeConn) Resources(context.Context, string) ([]*mcpapi.Resource, error) { return nil, nil }
func (c *fakeConn) ReadResource(context.Context, string, string) ([]*mcpapi.ResourceContents, error) {
	return nil, nil
}
func (c *fakeConn) Prompts(context.Context, string) ([]*mcpapi.Prompt, error) { return nil, nil }
func (c *fakeConn) GetPrompt(context.Context, string, string, map[string]string) (*mcpapi.PromptResult, error) {
	return nil, nil
}
func (c *fakeConn) Close() error { c.f.closed.Add(1); return nil }

func newHost(t *testing.T, limits luahost.Limits) *luahost.Host {
	t.Helper()
	h, err := luahost.New(luahost.Options{Integrations: []luahost.Binding{demo()}, Version: "test", Limits: limits})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h
}

func newGateway(t *testing.T, opts mcpserver.Options) *mcpserver.Gateway {
	t.Helper()
	if opts.Host == nil {
		opts.Host = newHost(t, luahost.Limits{CPU: 5 * time.Second})
	}
	opts.Version = "test"
	g, err := mcpserver.New(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(g.Close)
	return g
}

// connect runs the gateway on an in-memory transport and returns a client
// session.
func connect(t *testing.T, g *mcpserver.Gateway) *mcp.ClientSession {
	t.Helper()
	st, ct := mcp.NewInMemoryTransports()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ss, err := g.Server().Connect(ctx, st, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

func call(t *testing.T, cs *mcp.ClientSession, name string, args any) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err)
	return res
}

func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func errorCode(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	var env struct {
		Error *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(text(res)), &env), text(res))
	require.NotNil(t, env.Error, text(res))
	return env.Error.Code
}

func listTools(t *testing.T, cs *mcp.ClientSession) map[string]*mcp.Tool {
	t.Helper()
	out := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(context.Background(), nil) {
		require.NoError(t, err)
		out[tool.Name] = tool
	}
	return out
}

func TestWriteDenyHidesAndRefusesWriteTools(t *testing.T) {
	up := &fakeUpstream{policy: registry.Policy{Read: registry.Allow, Write: registry.Allow}}
	g := newGateway(t, mcpserver.Options{Upstream: up, Upstreams: []string{"files"}})
	cs := connect(t, g)
	tools := listTools(t, cs)
	for _, name := range []string{"execute_lua", "lua_execute", "lua_read_doc", "lua_search_docs", "lua_list_docs",
		"integration__demo__list_things", "mcp__files__read_file"} {
		assert.Contains(t, tools, name)
	}
	assert.NotContains(t, tools, "integration__demo__make_thing")
	assert.NotContains(t, tools, "mcp__files__write_file")
	assert.Equal(t, g.Tools(), sortedKeys(tools))

	// A forced call to a hidden write tool is refused, and nothing runs.
	_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "integration__demo__make_thing", Arguments: map[string]any{"name": "x"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown tool")
	_, err = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "mcp__files__write_file", Arguments: map[string]any{"path": "x"}})
	require.Error(t, err)
	assert.Equal(t, int64(0), up.calls.Load())
}

func sortedKeys(m map[string]*mcp.Tool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestWriteAllowOffersWriteTools(t *testing.T) {
	up := &fakeUpstream{policy: registry.Policy{Read: registry.Allow, Write: registry.Allow}}
	g := newGateway(t, mcpserver.Options{Upstream: up, Upstreams: []string{"files"}, AllowWrites: true})
	cs := connect(t, g)
	tools := listTools(t, cs)
	assert.Contains(t, tools, "integration__demo__make_thing")
	assert.Contains(t, tools, "mcp__files__write_file")
	assert.False(t, tools["integration__demo__make_thing"].Annotations.ReadOnlyHint)

	res := call(t, cs, "integration__demo__make_thing", map[string]any{"name": "widget"})
	require.False(t, res.IsError, text(res))
	assert.Equal(t, map[string]any{"made": "widget"}, res.StructuredContent)
	res = call(t, cs, "mcp__files__write_file", map[string]any{"path": "out.txt"})
	require.False(t, res.IsError, text(res))
	assert.Equal(t, "write_file out.txt", text(res))
}

func TestUpstreamPolicyStillApplies(t *testing.T) {
	up := &fakeUpstream{policy: registry.Policy{Read: registry.Allow, Write: registry.Deny}}
	g := newGateway(t, mcpserver.Options{Upstream: up, Upstreams: []string{"files"}, AllowWrites: true})
	cs := connect(t, g)
	res := call(t, cs, "mcp__files__write_file", map[string]any{"path": "out.txt"})
	assert.True(t, res.IsError)
	assert.Equal(t, "permission_denied", errorCode(t, res))
	assert.Equal(t, int64(0), up.calls.Load())

	forced := newGateway(t, mcpserver.Options{Upstream: up, Upstreams: []string{"files"}, AllowWrites: true, Force: true})
	res = call(t, connect(t, forced), "mcp__files__write_file", map[string]any{"path": "out.txt"})
	assert.False(t, res.IsError, text(res))
}

func TestUpstreamToolsRoundTrip(t *testing.T) {
	up := &fakeUpstream{policy: registry.Policy{Read: registry.Allow, Write: registry.Deny}}
	g := newGateway(t, mcpserver.Options{Upstream: up, Upstreams: []string{"files"}})
	cs := connect(t, g)
	tool := listTools(t, cs)["mcp__files__read_file"]
	require.NotNil(t, tool)
	assert.Equal(t, "Read a file", tool.Title)
	assert.Equal(t, "Read one file.", tool.Description)
	assert.True(t, tool.Annotations.ReadOnlyHint)
	assert.True(t, tool.Annotations.IdempotentHint)
	assert.Equal(t, []any{"path"}, tool.InputSchema.(map[string]any)["required"])

	res := call(t, cs, "mcp__files__read_file", map[string]any{"path": "notes.md"})
	require.False(t, res.IsError, text(res))
	assert.Equal(t, "read_file notes.md", text(res))
	assert.Equal(t, map[string]any{"tool": "read_file", "path": "notes.md"}, res.StructuredContent)

	// Arguments are validated before anything is sent.
	res = call(t, cs, "mcp__files__read_file", map[string]any{})
	assert.True(t, res.IsError)
	assert.Equal(t, "invalid_argument", errorCode(t, res))
	assert.Equal(t, int64(1), up.calls.Load())

	g.Close()
	assert.Equal(t, int64(1), up.closed.Load(), "closing the gateway stops the upstream servers")
}

func TestUpstreamThatFailsIsLeftOut(t *testing.T) {
	up := &fakeUpstream{policy: registry.Policy{Read: registry.Allow}}
	var log bytes.Buffer
	g := newGateway(t, mcpserver.Options{Upstream: up, Upstreams: []string{"down", "files"}, Log: &log})
	assert.Contains(t, g.Tools(), "mcp__files__read_file")
	assert.Contains(t, log.String(), "kosmo: upstream MCP server down left out: MCP server \"down\" failed to start")
	assert.Contains(t, log.String(), "kosmo: upstream MCP server files: 1 of 2 tools offered")
	res := call(t, connect(t, g), "mcp__files__read_file", map[string]any{"path": "a"})
	assert.False(t, res.IsError)
	assert.Contains(t, log.String(), "kosmo: call mcp__files__read_file ok ")
}

func TestUpstreamCallTimeout(t *testing.T) {
	up := &fakeUpstream{policy: registry.Policy{Read: registry.Allow}}
	cs := connect(t, newGateway(t, mcpserver.Options{Upstream: up, Upstreams: []string{"files"}, CallTimeout: 200 * time.Millisecond}))
	res := call(t, cs, "mcp__files__read_file", map[string]any{"path": "slow"})
	assert.True(t, res.IsError)
	assert.Equal(t, "timeout", errorCode(t, res))
	assert.Contains(t, text(res), "timed out after 200ms")
}

func TestUnknownSelections(t *testing.T) {
	h := newHost(t, luahost.Limits{})
	_, err := mcpserver.New(context.Background(), mcpserver.Options{Host: h, Integrations: []string{"dmeo"}})
	require.Error(t, err)
	assert.Equal(t, errcode.UsageError, errcode.CodeOf(err))
	assert.Contains(t, err.Error(), "Did you mean: demo")

	up := &fakeUpstream{}
	_, err = mcpserver.New(context.Background(), mcpserver.Options{Host: h, Upstream: up, Upstreams: []string{"fils"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Did you mean: files")
}

func TestIntegrationToolsGoThroughHostCall(t *testing.T) {
	cs := connect(t, newGateway(t, mcpserver.Options{}))
	res := call(t, cs, "integration__demo__list_things", map[string]any{"limit": 3})
	require.False(t, res.IsError, text(res))
	things := res.StructuredContent.(map[string]any)["things"].([]any)
	assert.Len(t, things, 3)

	res = call(t, cs, "integration__demo__list_things", map[string]any{"limt": 3})
	assert.True(t, res.IsError)
	assert.Equal(t, "invalid_argument", errorCode(t, res))
	assert.Contains(t, text(res), "Did you mean: limit")
	assert.Contains(t, text(res), `"path":"app.integrations.demo.list_things"`, "the failure carries the audit record")
}

func TestExecuteLuaAndAlias(t *testing.T) {
	cs := connect(t, newGateway(t, mcpserver.Options{}))
	for _, name := range []string{"execute_lua", "lua_execute"} {
		res := call(t, cs, name, map[string]any{"code": "return 40 + 2"})
		require.False(t, res.IsError, text(res))
		assert.Equal(t, []any{float64(42)}, res.StructuredContent.(map[string]any)["result"])
	}
	// cpuLimit lowers the CPU limit of one run.
	res := call(t, cs, "execute_lua", map[string]any{"code": "while true do end", "cpuLimit": 0.2})
	assert.True(t, res.IsError)
	assert.Equal(t, "cpu_limit", errorCode(t, res))
	// memoryLimit lowers the memory limit.
	res = call(t, cs, "execute_lua", map[string]any{"code": `local t = {} for i = 1, 1e7 do t[i] = string.rep("x", 64) .. i end`, "memoryLimit": 2 << 20})
	assert.True(t, res.IsError)
	assert.Equal(t, "memory_limit", errorCode(t, res))
	res = call(t, cs, "execute_lua", map[string]any{"code": "return 1", "memoryLimit": -5})
	assert.Equal(t, "invalid_argument", errorCode(t, res))
	res = call(t, cs, "execute_lua", map[string]any{"code": "return 1", "force": true})
	assert.Equal(t, "invalid_argument", errorCode(t, res))
}

func TestWriteDenyAppliesToScriptsThroughTheHostPolicy(t *testing.T) {
	b := demo()
	b.Policy.Write = registry.Deny
	h, err := luahost.New(luahost.Options{Integrations: []luahost.Binding{b}, Version: "test"})
	require.NoError(t, err)
	defer h.Close()
	cs := connect(t, newGateway(t, mcpserver.Options{Host: h}))
	res := call(t, cs, "execute_lua", map[string]any{"code": `return app.integrations.demo.make_thing({name = "x"})`})
	assert.True(t, res.IsError)
	assert.Equal(t, "permission_denied", errorCode(t, res))
}

func TestDocsTools(t *testing.T) {
	cs := connect(t, newGateway(t, mcpserver.Options{}))
	res := call(t, cs, "lua_read_doc", map[string]any{"page": "integrations.demo.list_things"})
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "list_things")
	res = call(t, cs, "lua_read_doc", map[string]any{"page": "integrations.dmeo"})
	assert.True(t, res.IsError)

	res = call(t, cs, "lua_list_docs", map[string]any{})
	require.False(t, res.IsError)
	assert.Contains(t, text(res), "- integrations.demo - A test integration.")
	assert.Contains(t, text(res), "- lua - ")
	assert.NotContains(t, text(res), "demo.list_things")
	res = call(t, cs, "lua_list_docs", map[string]any{"namespace": "integrations.demo"})
	require.False(t, res.IsError)
	// the same text docs.list("integrations.demo") gives in Lua
	assert.Contains(t, text(res), "demo.list_things - List things. [read]")
	assert.Contains(t, text(res), "demo.make_thing - Make a thing. [write]")
	res = call(t, cs, "lua_list_docs", map[string]any{"namespace": "integrations.nope"})
	assert.True(t, res.IsError)

	res = call(t, cs, "lua_search_docs", map[string]any{"query": "things", "limit": 1})
	require.False(t, res.IsError, text(res))
	items := res.StructuredContent.(map[string]any)["results"].([]any)
	assert.Len(t, items, 1)
	assert.True(t, strings.HasPrefix(items[0].(map[string]any)["page"].(string), "demo"), text(res))
	res = call(t, cs, "lua_search_docs", map[string]any{"query": ""})
	assert.Equal(t, "invalid_argument", errorCode(t, res))
}

// Endless scripts above the concurrency bound and the queue are refused
// (at once when the queue is full, after QueueWait when queued), and the
// gateway keeps answering other calls.
func TestMaxConcurrentRefusesAndStaysResponsive(t *testing.T) {
	g := newGateway(t, mcpserver.Options{MaxConcurrent: 2, MaxQueued: 8, QueueWait: 200 * time.Millisecond,
		Host: newHost(t, luahost.Limits{CPU: 3 * time.Second})})
	cs := connect(t, g)
	var wg sync.WaitGroup
	var refused, limited atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "lua_execute", Arguments: map[string]any{"code": "while true do end"}})
			if err != nil {
				return
			}
			switch {
			case strings.Contains(text(res), `"code":"rate_limited"`):
				refused.Add(1)
			case strings.Contains(text(res), `"code":"cpu_limit"`):
				limited.Add(1)
			}
		}()
	}
	// Give the calls a moment to arrive, then check the server answers.
	deadline := time.Now().Add(20 * time.Second)
	for refused.Load() < 48 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "lua_read_doc", Arguments: map[string]any{"page": "lua"}})
	require.NoError(t, err, "the gateway must answer while scripts run")
	assert.False(t, res.IsError)
	wg.Wait()
	assert.Equal(t, int64(48), refused.Load())
	assert.Equal(t, int64(2), limited.Load())
}

// Short calls above the concurrency bound wait in the queue and all
// succeed; none is refused while the queue has room.
func TestQueuedCallsSucceed(t *testing.T) {
	g := newGateway(t, mcpserver.Options{MaxConcurrent: 2, MaxQueued: 64, Host: newHost(t, luahost.Limits{})})
	cs := connect(t, g)
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "local n = 0 for i = 1, 20000 do n = n + i end return n"}})
			if err == nil && !res.IsError {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(40), ok.Load())
}

// Without a queue (MaxQueued < 0) a call that finds every slot busy is
// refused at once.
func TestNoQueueRefusesAtOnce(t *testing.T) {
	g := newGateway(t, mcpserver.Options{MaxConcurrent: 1, MaxQueued: -1, Host: newHost(t, luahost.Limits{CPU: 5 * time.Second})})
	cs := connect(t, g)
	// The endless call holds the only slot until the gateway is closed at
	// cleanup; nothing else calls until it is running.
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		_, _ = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "while true do end"}})
	}()
	select {
	case <-ended:
		t.Fatal("the endless call ended at once")
	case <-time.After(300 * time.Millisecond):
	}
	res := call(t, cs, "execute_lua", map[string]any{"code": "return 1"})
	require.True(t, res.IsError, "a call must be refused while the endless one holds the slot")
	assert.Equal(t, "rate_limited", errorCode(t, res))
	assert.Contains(t, text(res), "--max-queued 0")
}

func TestShutdownCancelsRunningCalls(t *testing.T) {
	up := &fakeUpstream{policy: registry.Policy{Read: registry.Allow}}
	g := newGateway(t, mcpserver.Options{Upstream: up, Upstreams: []string{"files"}, Host: newHost(t, luahost.Limits{CPU: time.Minute})})
	cs := connect(t, g)
	done := make(chan *mcp.CallToolResult, 1)
	go func() {
		res, _ := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "while true do end"}})
		done <- res
	}()
	time.Sleep(200 * time.Millisecond) // let the run start
	g.Shutdown(100 * time.Millisecond)
	select {
	case res := <-done:
		require.NotNil(t, res)
		assert.True(t, res.IsError)
		assert.Equal(t, "timeout", errorCode(t, res))
	case <-time.After(20 * time.Second):
		t.Fatal("a running call was not cancelled by Shutdown")
	}
	assert.Equal(t, int64(1), up.closed.Load())
	res := call(t, cs, "execute_lua", map[string]any{"code": "return 1"})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "shutting down")
}

func httpGateway(t *testing.T, o mcpserver.HTTPOptions) string {
	t.Helper()
	g := newGateway(t, mcpserver.Options{})
	srv := httptest.NewServer(g.HTTPHandler(o))
	t.Cleanup(srv.Close)
	return srv.URL + mcpserver.Endpoint
}

const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

func post(t *testing.T, url, body string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func TestHTTPBearerToken(t *testing.T) {
	url := httpGateway(t, mcpserver.HTTPOptions{Token: "s3cret-token"})
	assert.Equal(t, http.StatusUnauthorized, post(t, url, initialize, nil).StatusCode)
	assert.Equal(t, http.StatusUnauthorized, post(t, url, initialize, map[string]string{"Authorization": "Bearer wrong"}).StatusCode)
	assert.Equal(t, http.StatusUnauthorized, post(t, url, initialize, map[string]string{"Authorization": "Basic s3cret-token"}).StatusCode)
	assert.Equal(t, http.StatusOK, post(t, url, initialize, map[string]string{"Authorization": "Bearer s3cret-token"}).StatusCode)

	// The SDK client with the token works end to end.
	client := &http.Client{Transport: bearerTransport{"s3cret-token"}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).
		Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: client, DisableStandaloneSSE: true}, nil)
	require.NoError(t, err)
	defer cs.Close()
	res := call(t, cs, "execute_lua", map[string]any{"code": "return 7"})
	require.False(t, res.IsError, text(res))
}

type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func TestHTTPOriginChecked(t *testing.T) {
	url := httpGateway(t, mcpserver.HTTPOptions{AllowedOrigins: []string{"https://app.example.com"}})
	assert.Equal(t, http.StatusForbidden, post(t, url, initialize, map[string]string{"Origin": "https://evil.example"}).StatusCode)
	assert.Equal(t, http.StatusForbidden, post(t, url, initialize, map[string]string{"Origin": "null"}).StatusCode)
	assert.Equal(t, http.StatusOK, post(t, url, initialize, map[string]string{"Origin": "http://localhost:3000"}).StatusCode)
	assert.Equal(t, http.StatusOK, post(t, url, initialize, map[string]string{"Origin": "http://127.0.0.1:8080"}).StatusCode)
	assert.Equal(t, http.StatusOK, post(t, url, initialize, map[string]string{"Origin": "https://app.example.com"}).StatusCode)
	assert.Equal(t, http.StatusOK, post(t, url, initialize, nil).StatusCode, "clients that are not browsers send no Origin")
}

// A session abandoned by its client is closed after SessionTimeout: a
// later request naming it is refused, as for any unknown session.
func TestHTTPAbandonedSessionExpires(t *testing.T) {
	url := httpGateway(t, mcpserver.HTTPOptions{SessionTimeout: 100 * time.Millisecond})
	resp := post(t, url, initialize, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	id := resp.Header.Get("Mcp-Session-Id")
	require.NotEmpty(t, id)
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	hdr := map[string]string{"Mcp-Session-Id": id, "Mcp-Protocol-Version": "2025-06-18"}
	assert.Equal(t, http.StatusOK, post(t, url, ping, hdr).StatusCode, "a live session answers")
	deadline := time.Now().Add(10 * time.Second)
	status := http.StatusOK
	for status == http.StatusOK && time.Now().Before(deadline) {
		time.Sleep(150 * time.Millisecond)
		status = post(t, url, ping, hdr).StatusCode
	}
	assert.Equal(t, http.StatusNotFound, status, "the idle session must be closed")
}

func TestHTTPBodyBounded(t *testing.T) {
	url := httpGateway(t, mcpserver.HTTPOptions{MaxBodyBytes: 1024})
	big := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"pad":"` + strings.Repeat("x", 4096) + `"}}`
	resp := post(t, url, big, nil)
	assert.GreaterOrEqual(t, resp.StatusCode, 400)
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	assert.NotContains(t, buf.String(), `"result"`)
}

func TestListenRequiresTokenOffLoopback(t *testing.T) {
	_, err := mcpserver.Listen("0.0.0.0:0", "")
	require.Error(t, err)
	assert.Equal(t, errcode.UsageError, errcode.CodeOf(err))
	e, _ := errcode.As(err)
	assert.Contains(t, e.Hint, "--token-env")

	ln, err := mcpserver.Listen(":0", "")
	require.NoError(t, err)
	defer ln.Close()
	assert.True(t, strings.HasPrefix(ln.Addr().String(), "127.0.0.1:"), ln.Addr().String())

	assert.Equal(t, "127.0.0.1:8931", mcpserver.ListenAddr("8931"))
	assert.Equal(t, "127.0.0.1:8931", mcpserver.ListenAddr(":8931"))
	assert.Equal(t, "[::1]:8931", mcpserver.ListenAddr("[::1]:8931"))
	assert.True(t, mcpserver.IsLoopback("::1"))
	assert.True(t, mcpserver.IsLoopback("localhost"))
	assert.False(t, mcpserver.IsLoopback("10.0.0.1"))
}

// An upstream's answer is redacted before it leaves the gateway: a server
// that echoes a secret kosmo knows (here, in its text and structured
// content) never hands it to the agent.
func TestUpstreamResultsAreRedacted(t *testing.T) {
	secret := "sk-upstream-secret-7f3a9c"
	h, err := luahost.New(luahost.Options{Integrations: []luahost.Binding{demo()}, Version: "test", Redactor: redact.New(secret)})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	up := &fakeUpstream{policy: registry.Policy{Read: registry.Allow}}
	g := newGateway(t, mcpserver.Options{Host: h, Upstream: up, Upstreams: []string{"files"}})
	cs := connect(t, g)
	res := call(t, cs, "mcp__files__read_file", map[string]any{"path": secret})
	require.False(t, res.IsError, text(res))
	b, err := json.Marshal(res)
	require.NoError(t, err)
	assert.NotContains(t, string(b), secret[:8])
	assert.Contains(t, text(res), "read_file ")
}

// lockedLog records each Write it gets.
type lockedLog struct {
	mu     sync.Mutex
	writes []string
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, string(p))
	return len(p), nil
}

// Concurrent calls each get one whole audit line, however the lines are
// grouped into writes.
func TestAuditLinesOfConcurrentCalls(t *testing.T) {
	log := &lockedLog{}
	g := newGateway(t, mcpserver.Options{MaxConcurrent: 4, Log: log})
	cs := connect(t, g)
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := call(t, cs, "execute_lua", map[string]any{"code": "return 1"})
			assert.False(t, res.IsError, text(res))
		}()
	}
	wg.Wait()
	log.mu.Lock()
	all := strings.Join(log.writes, "")
	log.mu.Unlock()
	require.True(t, strings.HasSuffix(all, "\n"), "%q", all)
	lines := strings.Split(strings.TrimSuffix(all, "\n"), "\n")
	assert.Len(t, lines, 40)
	for _, l := range lines {
		assert.Regexp(t, `^kosmo: call execute_lua ok \d+\.\dms$`, l)
	}
}
