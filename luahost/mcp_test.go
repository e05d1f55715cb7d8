package luahost_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// fakeMCP is an in-memory mcpapi.Provider: one server "files" with a read
// tool, a write tool, a failing tool and a tool that blocks until its
// context ends.
type fakeMCP struct {
	policy registry.Policy
	opened atomic.Int64
	closed atomic.Int64

	mu    sync.Mutex
	calls []string // "server.tool" in call order
	args  []map[string]any
}

func (f *fakeMCP) Servers() []string             { return []string{"files", "tracker"} }
func (f *fakeMCP) Policy(string) registry.Policy { return f.policy }
func (f *fakeMCP) Open() mcpapi.Conn             { f.opened.Add(1); return &fakeConn{f: f} }
func (f *fakeMCP) record(server, tool string, a map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, server+"."+tool)
	f.args = append(f.args, a)
}

type fakeConn struct{ f *fakeMCP }

func (c *fakeConn) Tools(_ context.Context, server string) ([]*mcpapi.Tool, error) {
	if server == "tracker" {
		return nil, errcode.New(errcode.NetworkError, "MCP server %q exited (exit status 1) during tools/list", server)
	}
	requirePath := func(args map[string]any) (map[string]any, error) {
		if _, ok := args["path"].(string); !ok {
			return nil, errcode.New(errcode.InvalidArgument, "mcp.files.read: missing required parameter 'path' (string)").
				WithDetail("param", "path")
		}
		return args, nil
	}
	return []*mcpapi.Tool{
		{Name: "read", Description: "Read a file", ReadOnly: true, Validate: requirePath,
			InputSchema: map[string]any{"type": "object", "properties": map[string]any{"path": map[string]any{"type": "string"}}, "required": []any{"path"}}},
		{Name: "write", Description: "Write a file", InputSchema: map[string]any{"type": "object"}},
		{Name: "broken", Description: "Always an error result", ReadOnly: true},
		{Name: "block", Description: "Waits for cancellation", ReadOnly: true},
	}, nil
}

func (c *fakeConn) CallTool(ctx context.Context, server, tool string, args map[string]any) (*mcpapi.ToolResult, error) {
	c.f.record(server, tool, args)
	switch tool {
	case "read":
		return &mcpapi.ToolResult{
			Content:    []map[string]any{{"type": "text", "text": "contents of " + args["path"].(string)}, {"type": "image", "data": "AAAA", "mime_type": "image/png"}},
			Structured: map[string]any{"size": 12, "lines": []any{"a", "b"}},
		}, nil
	case "write":
		return &mcpapi.ToolResult{Content: []map[string]any{{"type": "text", "text": "written"}}}, nil
	case "broken":
		return &mcpapi.ToolResult{IsError: true, Content: []map[string]any{{"type": "text", "text": "disk on fire"}}}, nil
	case "block":
		<-ctx.Done()
		return nil, errcode.New(errcode.Timeout, "cancelled")
	}
	return nil, fmt.Errorf("no tool %s", tool)
}

func (c *fakeConn) Resources(context.Context, string) ([]*mcpapi.Resource, error) {
	return []*mcpapi.Resource{{URI: "file:///a.txt", Name: "a.txt", MIMEType: "text/plain", Size: 3}}, nil
}

func (c *fakeConn) ReadResource(_ context.Context, _, uri string) ([]*mcpapi.ResourceContents, error) {
	return []*mcpapi.ResourceContents{{URI: uri, MIMEType: "text/plain", Text: "abc"}, {URI: uri + "#bin", Blob: "AAE="}}, nil
}

func (c *fakeConn) Prompts(context.Context, string) ([]*mcpapi.Prompt, error) {
	return []*mcpapi.Prompt{{Name: "review", Description: "Review a file", Arguments: []mcpapi.PromptArgument{{Name: "path", Required: true}}}}, nil
}

func (c *fakeConn) GetPrompt(_ context.Context, _, name string, args map[string]string) (*mcpapi.PromptResult, error) {
	return &mcpapi.PromptResult{Description: name, Messages: []mcpapi.PromptMessage{
		{Role: "user", Content: map[string]any{"type": "text", "text": "review " + args["path"] + " " + args["n"]}},
	}}, nil
}

func (c *fakeConn) Close() error { c.f.closed.Add(1); return nil }

func mcpHost(t *testing.T, f *fakeMCP, mod func(*luahost.Options)) *luahost.Host {
	return newHost(t, func(o *luahost.Options) {
		o.MCP = f
		if mod != nil {
			mod(o)
		}
	})
}

func TestMCPServersAndNoProvider(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `return mcp.servers()`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{}, env.Result[0])

	env = run(t, h, `return app.mcp.files.read({path = "x"})`)
	assert.Equal(t, "unknown_function", errCode(env))
	assert.Contains(t, env.Error.Message, "Configured servers: none.")

	f := &fakeMCP{}
	h = mcpHost(t, f, nil)
	env = run(t, h, `return mcp.servers()`)
	require.True(t, env.Success)
	assert.Equal(t, []any{"files", "tracker"}, env.Result[0])
	assert.Zero(t, f.opened.Load(), "listing servers starts nothing")
}

func TestMCPToolCallShapeAndAudit(t *testing.T) {
	f := &fakeMCP{}
	h := mcpHost(t, f, nil)
	env := run(t, h, `return app.mcp.files.read({path = "notes.md"})`)
	require.True(t, env.Success, "%+v", env.Error)
	res := env.Result[0].(map[string]any)
	assert.Equal(t, "contents of notes.md", res["text"])
	assert.Equal(t, false, res["is_error"])
	assert.Equal(t, map[string]any{"size": int64(12), "lines": []any{"a", "b"}}, res["structured"])
	content := res["content"].([]any)
	require.Len(t, content, 2)
	assert.Equal(t, map[string]any{"type": "image", "data": "AAAA", "mime_type": "image/png"}, content[1])

	require.Len(t, env.IntegrationCalls, 1)
	c := env.IntegrationCalls[0]
	assert.Equal(t, "app.mcp.files.read", c.Path)
	assert.Equal(t, "files", c.Account)
	assert.Equal(t, "read", c.Op)
	assert.Equal(t, "ok", c.Status)
	assert.Nil(t, c.Error)
	assert.Equal(t, int64(1), f.opened.Load())
	assert.Equal(t, int64(1), f.closed.Load(), "the run closes its MCP connections")
}

func TestMCPToolsAndSchema(t *testing.T) {
	h := mcpHost(t, &fakeMCP{}, nil)
	env := run(t, h, `local t = mcp.tools("files") return #t, t[1].name, t[1].read_only, t[2].read_only, t[1].input_schema.required, t[3].input_schema`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(4), "read", true, false, []any{"path"}, map[string]any{"type": "object"}}, env.Result)

	env = run(t, h, `return mcp.schema("files", "read").properties.path.type`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, "string", env.Result[0])
}

func TestMCPUnknownNamesSuggest(t *testing.T) {
	h := mcpHost(t, &fakeMCP{}, nil)
	env := run(t, h, `return app.mcp.files.raed({path = "x"})`)
	assert.Equal(t, "unknown_function", errCode(env))
	assert.Equal(t, "Unknown function: app.mcp.files.raed. Did you mean: read", env.Error.Message)
	assert.Contains(t, env.Error.Hint, "block, broken, read, write")

	env = run(t, h, `return app.mcp.fils.read({path = "x"})`)
	assert.Equal(t, "unknown_function", errCode(env))
	assert.Equal(t, "Unknown MCP server: app.mcp.fils. Did you mean: files? Configured servers: files, tracker.", env.Error.Message)

	env = run(t, h, `return mcp.tools("nope")`)
	assert.Equal(t, "unknown_function", errCode(env))

	env = run(t, h, `return mcp.schema("files", "wrte")`)
	assert.Contains(t, env.Error.Message, "Did you mean: write")
}

func TestMCPValidationBeforeCall(t *testing.T) {
	f := &fakeMCP{}
	h := mcpHost(t, f, nil)
	env := run(t, h, `return app.mcp.files.read({})`)
	assert.Equal(t, "invalid_argument", errCode(env))
	assert.Contains(t, env.Error.Message, "mcp.files.read: missing required parameter 'path'")
	require.Len(t, env.IntegrationCalls, 1)
	assert.Equal(t, "error", env.IntegrationCalls[0].Status)
	assert.Empty(t, f.calls, "nothing reaches the server")

	for _, code := range []string{
		`return app.mcp.files.read("x")`,
		`return app.mcp.files.read({1, 2})`,
		`return app.mcp.files.read({path = "a"}, {})`,
		`return app.mcp.files:read({path = "a"})`,
		`return app.mcp.files.read({path = function() end})`,
	} {
		env := run(t, h, code)
		assert.Equal(t, "invalid_argument", errCode(env), code)
	}
	env = run(t, h, `return app.mcp.files:read({path = "a"})`)
	assert.Contains(t, env.Error.Message, "use a dot")
}

func TestMCPWritesFollowThePolicy(t *testing.T) {
	f := &fakeMCP{}
	h := mcpHost(t, f, nil)
	env := run(t, h, `return app.mcp.files.write({})`)
	assert.Equal(t, "permission_denied", errCode(env))
	assert.Contains(t, env.Error.Message, "app.mcp.files.write is a write operation and the mcp write policy is \"ask\"")
	assert.Contains(t, env.Error.Hint, "[integrations.mcp.permissions]")
	assert.Equal(t, "write", env.IntegrationCalls[0].Op)
	assert.Empty(t, f.calls)

	env = h.Run(context.Background(), `return app.mcp.files.write({}).text`, luahost.RunOptions{Force: true})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, "written", env.Result[0])
	assert.True(t, env.Meta.PermissionBypassed)

	var asked string
	env = h.Run(context.Background(), `return app.mcp.files.write({}).text`, luahost.RunOptions{Prompt: func(q string) bool { asked = q; return true }})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Contains(t, asked, "app.mcp.files.write")

	allow := mcpHost(t, &fakeMCP{policy: registry.Policy{Write: registry.Allow}}, nil)
	env = run(t, allow, `return app.mcp.files.write({}).text`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.False(t, env.Meta.PermissionBypassed)

	deny := mcpHost(t, &fakeMCP{policy: registry.Policy{Read: registry.Deny}}, nil)
	env = run(t, deny, `return app.mcp.files.read({path = "a"})`)
	assert.Equal(t, "permission_denied", errCode(env))
}

// A dry run calls an MCP server's read tools, but plans its write tools
// without calling them, and a write the policy refuses fails the dry run.
func TestMCPDryRunPlansWrites(t *testing.T) {
	f := &fakeMCP{}
	h := mcpHost(t, f, nil)
	code := `local r = app.mcp.files.read({path = "a"})
local w = app.mcp.files.write({path = "b", text = "x"})
return r.text, w.structured.planned, w.text`
	env := h.Run(context.Background(), code, luahost.RunOptions{DryRun: true, Force: true})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []string{"files.read"}, f.calls, "the write tool must not be called")
	assert.Equal(t, true, env.Result[1])
	assert.Contains(t, env.Result[2], "dry run")
	require.Len(t, env.PlannedRequests, 1)
	p := env.PlannedRequests[0]
	assert.Equal(t, "app.mcp.files.write", p.Path)
	assert.Equal(t, "tools/call", p.Method)
	assert.Equal(t, "mcp://files/write", p.URL)
	assert.Equal(t, "bypassed", p.Permission)
	assert.Equal(t, map[string]any{"path": "b", "text": "x"}, p.Body)

	f2 := &fakeMCP{}
	env = mcpHost(t, f2, nil).Run(context.Background(), `return app.mcp.files.write({})`, luahost.RunOptions{DryRun: true})
	assert.Equal(t, "permission_denied", errCode(env))
	require.Len(t, env.PlannedRequests, 1)
	assert.Equal(t, "ask", env.PlannedRequests[0].Permission)
	assert.Empty(t, f2.calls)
}

func TestMCPErrorResults(t *testing.T) {
	h := mcpHost(t, &fakeMCP{}, nil)
	env := run(t, h, `return app.mcp.files.broken()`)
	assert.Equal(t, "api_error", errCode(env))
	assert.Equal(t, "mcp.files.broken: the tool reported an error: disk on fire", env.Error.Message)

	env = run(t, h, `local r = mcp.call("files", "broken") return r.is_error, r.text`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{true, "disk on fire"}, env.Result)
	assert.Equal(t, "error", env.IntegrationCalls[0].Status)

	env = run(t, h, `local ok, err = pcall(mcp.tools, "tracker") return ok, err.code, err.message`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{false, "network_error", `MCP server "tracker" exited (exit status 1) during tools/list`}, env.Result)
}

func TestMCPTimeoutCancelsCallAndCloses(t *testing.T) {
	f := &fakeMCP{}
	h := mcpHost(t, f, func(o *luahost.Options) { o.Limits.Timeout = 200 * time.Millisecond })
	start := time.Now()
	env := run(t, h, `pcall(app.mcp.files.block) return 1`)
	assert.Equal(t, "timeout", errCode(env))
	assert.Less(t, time.Since(start), 3*time.Second)
	require.Len(t, env.IntegrationCalls, 1)
	assert.Equal(t, "error", env.IntegrationCalls[0].Status)
	assert.Equal(t, int64(1), f.closed.Load())

	// Waiting on a server does not count as CPU time.
	f2 := &fakeMCP{}
	h2 := mcpHost(t, f2, func(o *luahost.Options) {
		o.Limits.CPU = 100 * time.Millisecond
		o.Limits.Timeout = 400 * time.Millisecond
	})
	env = run(t, h2, `return app.mcp.files.block()`)
	assert.Equal(t, "timeout", errCode(env), "the timeout ends it, not the CPU limit")
}

func TestMCPClosedOnErrors(t *testing.T) {
	f := &fakeMCP{}
	h := mcpHost(t, f, nil)
	env := run(t, h, `mcp.tools("files") error("boom")`)
	assert.Equal(t, "lua_runtime_error", errCode(env))
	env = run(t, h, `return 1`)
	require.True(t, env.Success)
	assert.Equal(t, int64(1), f.opened.Load(), "a run that does not use MCP opens nothing")
	assert.Equal(t, int64(1), f.closed.Load())
}

func TestMCPResourcesAndPrompts(t *testing.T) {
	h := mcpHost(t, &fakeMCP{}, nil)
	env := run(t, h, `return mcp.resources("files"), mcp.read_resource("files", "file:///a.txt")`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{map[string]any{"uri": "file:///a.txt", "name": "a.txt", "mime_type": "text/plain", "size": int64(3)}}, env.Result[0])
	read := env.Result[1].(map[string]any)
	assert.Equal(t, "abc", read["text"])
	assert.Equal(t, []any{
		map[string]any{"uri": "file:///a.txt", "mime_type": "text/plain", "text": "abc"},
		map[string]any{"uri": "file:///a.txt#bin", "blob": "AAE="},
	}, read["contents"])

	env = run(t, h, `return mcp.prompts("files"), mcp.get_prompt("files", "review", {path = "a.txt", n = 3})`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{map[string]any{"name": "review", "description": "Review a file",
		"arguments": []any{map[string]any{"name": "path", "required": true}}}}, env.Result[0])
	assert.Equal(t, map[string]any{"description": "review", "messages": []any{
		map[string]any{"role": "user", "content": map[string]any{"type": "text", "text": "review a.txt 3"}},
	}}, env.Result[1])

	env = run(t, h, `return mcp.get_prompt("files", "review", {path = {}})`)
	assert.Equal(t, "invalid_argument", errCode(env))
	env = run(t, h, `return mcp.read_resource("files")`)
	assert.Equal(t, "invalid_argument", errCode(env))
}

func TestMCPScopeHidesIntegrations(t *testing.T) {
	h := mcpHost(t, &fakeMCP{}, func(o *luahost.Options) { o.Scope = luahost.ScopeMCP })
	env := run(t, h, `return app.integrations`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Empty(t, env.Result[0])
	env = run(t, h, `return app.mcp.files.read({path = "x"}).text`)
	require.True(t, env.Success, "%+v", env.Error)
}

func TestMCPToolKeptAcrossREPLRuns(t *testing.T) {
	// A tool function kept in a global of an interactive session works in
	// later runs: each run opens (and closes) its own connections.
	h := mcpHost(t, &fakeMCP{}, nil)
	s := h.NewSession()
	defer s.Close()
	env := s.Run(context.Background(), `f = app.mcp.files.read`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	env = s.Run(context.Background(), `return f({path = "a"}).text`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, "contents of a", env.Result[0])
}

func TestMCPPageMatchesDocs(t *testing.T) {
	h := newHost(t, nil)
	body, ok := h.ReadDoc("mcp")
	require.True(t, ok)
	want, err := os.ReadFile(filepath.Join("..", "docs", "mcp.md"))
	require.NoError(t, err)
	assert.Equal(t, string(want), body, "the mcp page is embedded from docs/mcp.md")
	for _, fn := range []string{"mcp.servers()", "mcp.tools(server)", "mcp.schema(server, tool)", "mcp.call(server, tool, args)",
		"app.mcp.<server>.<tool>(args)", "mcp.resources(server)", "mcp.read_resource(server, uri)", "mcp.prompts(server)",
		"mcp.get_prompt(server, name, args)", "kosmo mcp:serve", "claude_desktop_config.json"} {
		assert.Contains(t, body, fn)
	}
}
