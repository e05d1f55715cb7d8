package luahost

import (
	"context"
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/docs"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// mcpIntegration stands for all MCP servers in permission checks, so that
// they go through the same authorize path as integrations; its policy is
// configured under [integrations.mcp.permissions].
var mcpIntegration = &registry.Integration{Name: "mcp", Title: "MCP"}

// mcpSessionKey is the run.sessions slot of the run's MCP connections.
// Integration sessions are keyed "integration/account", so it cannot clash.
const mcpSessionKey = "mcp"

func (h *Host) mcpServers() []string {
	if h.opts.MCP == nil {
		return nil
	}
	names := append([]string(nil), h.opts.MCP.Servers()...)
	sort.Strings(names)
	return names
}

func (h *Host) hasServer(name string) bool {
	for _, n := range h.mcpServers() {
		if n == name {
			return true
		}
	}
	return false
}

// mcpConn returns the run's MCP connections, opening them on first use.
func (r *run) mcpConn() mcpapi.Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.sessions[mcpSessionKey].(mcpapi.Conn); ok {
		return c
	}
	c := r.host.opts.MCP.Open()
	if r.sessions == nil {
		r.sessions = map[string]any{}
	}
	r.sessions[mcpSessionKey] = c
	return c
}

// closeMCP stops the servers the run started. exec calls it when the run
// ends, on every path (errors and limits included).
func (r *run) closeMCP() {
	r.mu.Lock()
	c, _ := r.sessions[mcpSessionKey].(mcpapi.Conn)
	delete(r.sessions, mcpSessionKey)
	r.mu.Unlock()
	if c != nil {
		_ = c.Close()
	}
}

// mcpWait runs one request against the run's MCP connections with the CPU
// clock paused and raises its error (network_error unless the connection
// coded it, or the limit that ended the run).
func mcpWait[T any](L *lua.LState, r *run, fn func(ctx context.Context, c mcpapi.Conn) (T, error)) T {
	var out T
	if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
		out, err = fn(ctx, r.mcpConn())
		return err
	}); e != nil {
		raise(L, e)
	}
	return out
}

func (h *Host) unknownServer(name string) *errcode.Error {
	names := h.mcpServers()
	e := errcode.New(errcode.UnknownFunction, "Unknown MCP server: app.mcp.%s.", name)
	if s := registry.Suggest(name, names); len(s) > 0 {
		e.Message += " Did you mean: " + strings.Join(s, ", ") + "?"
		e.WithDetail("suggestions", s)
	}
	e.Message += " Configured servers: " + listOrNone(names) + "."
	return e.WithDetail("server", name).
		WithHint("declare MCP servers in .mcp.json, ~/.config/kosmo/mcp.json or with --mcp-config FILE; see docs.read(\"mcp\")")
}

// UnknownTool is the unknown_function error for a tool a server does not
// have, with the nearest names; tools are the server's tool names.
func UnknownTool(server, name string, tools []string) *errcode.Error {
	names := append([]string(nil), tools...)
	sort.Strings(names)
	e := errcode.New(errcode.UnknownFunction, "Unknown function: app.mcp.%s.%s.", server, name)
	if s := registry.Suggest(name, names); len(s) > 0 {
		e.Message += " Did you mean: " + strings.Join(s, ", ")
		e.WithDetail("suggestions", s)
	}
	return e.WithDetail("server", server).WithDetail("tool", name).
		WithHint("tools of MCP server %s: %s (mcp.tools(%q) describes them)", server, listOrNone(names), server)
}

// findTool lists the server's tools (starting it if needed) and returns
// the named one, raising unknown_function with suggestions when it has no
// such tool.
func (h *Host) findTool(L *lua.LState, r *run, server, name string) *mcpapi.Tool {
	tools := mcpWait(L, r, func(ctx context.Context, c mcpapi.Conn) ([]*mcpapi.Tool, error) { return c.Tools(ctx, server) })
	names := make([]string, 0, len(tools))
	for _, t := range tools {
		if t.Name == name {
			return t
		}
		names = append(names, t.Name)
	}
	raise(L, UnknownTool(server, name, names))
	return nil
}

// openAppMCP builds app.mcp: one table per configured server, whose
// fields are the server's tools (looked up when first used in a run).
func (h *Host) openAppMCP(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	for _, name := range h.mcpServers() {
		server := name
		st := L.NewTable()
		L.SetMetatable(st, protectedMeta(L, func(L *lua.LState) int {
			key, ok := L.Get(2).(lua.LString)
			if !ok {
				raise(L, errcode.New(errcode.UnknownFunction, "Unknown function: app.mcp.%s[%s]: tool names are strings", server, L.Get(2).String()))
			}
			tool := string(key)
			r := activeRun(L, "app.mcp."+server+"."+tool)
			h.findTool(L, r, server, tool)
			path := "app.mcp." + server + "." + tool
			L.Push(L.NewFunction(func(L *lua.LState) int {
				r := activeRun(L, path)
				args := mcpToolArgs(L, 1, L.GetTop(), path)
				res := h.callTool(L, r, server, tool, args, true)
				L.Push(toolResultTable(L, res))
				return 1
			}))
			return 1
		}))
		t.RawSetString(server, st)
	}
	L.SetMetatable(t, protectedMeta(L, func(L *lua.LState) int {
		raise(L, h.unknownServer(L.ToString(2)))
		return 0
	}))
	return t
}

// mcpToolArgs converts the argument table of a tool call: nothing or nil
// is no arguments, a table of named values is the arguments object.
func mcpToolArgs(L *lua.LState, first, top int, path string) map[string]any {
	if top > first {
		if t, self := L.Get(first).(*lua.LTable); self && top == first+1 && isNamespace(t) {
			raise(L, errcode.New(errcode.InvalidArgument, "%s: called with ':' — use a dot: %s({...})", path, path))
		}
		raise(L, errcode.New(errcode.InvalidArgument, "%s takes one table of named arguments, got %d arguments", path, top-first+1).
			WithHint("call it as %s({name = value, ...})", path))
	}
	switch v := L.Get(first).(type) {
	case *lua.LNilType:
		return map[string]any{}
	case *lua.LTable:
		goVal, err := luaconv.ToGo(L, v, luaconv.ToGoOptions{Strict: true})
		if err != nil {
			raise(L, errcode.New(errcode.InvalidArgument, "%s: %v", path, err))
		}
		switch m := goVal.(type) {
		case map[string]any:
			return m
		case []any:
			if len(m) == 0 {
				return map[string]any{}
			}
		}
		raise(L, errcode.New(errcode.InvalidArgument, "%s expects a table of named arguments, got a list", path).
			WithHint("call it as %s({name = value, ...})", path))
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "%s expects a table of named arguments, got %s", path, v.Type().String()).
			WithHint("call it as %s({name = value, ...})", path))
	}
	return nil
}

// callTool validates, authorizes, calls and audits one tool call. With
// raiseToolError (app.mcp.<server>.<tool>), a result flagged isError
// raises api_error; mcp.call returns it for the script to inspect.
func (h *Host) callTool(L *lua.LState, r *run, server, name string, args map[string]any, raiseToolError bool) *mcpapi.ToolResult {
	path := "app.mcp." + server + "." + name
	tool := h.findTool(L, r, server, name)
	op := tool.Op()
	finish := r.audit(path, server, op, nil, nil)
	fail := func(e *errcode.Error) {
		finish(e)
		raise(L, e)
	}

	if tool.Validate != nil {
		validated, err := tool.Validate(args)
		if err != nil {
			fail(errcode.From(err, errcode.InvalidArgument))
		}
		args = validated
	}
	b := &Binding{Integration: mcpIntegration, Policy: h.opts.MCP.Policy(server)}
	f := &registry.Function{Name: server + "." + name, FullName: "mcp." + server + "." + name, Op: op}
	denied := h.authorize(r, h.runSpec(r, b, f, server, path, nil))
	if r.dryRun() && op == registry.Write {
		// An MCP server has no simulator: a dry run plans the write and
		// answers with a result that says so, instead of calling the tool.
		permission := "allow"
		if decision := b.Policy.Decide(op); denied != nil {
			permission = string(decision)
		} else if decision != registry.Allow {
			permission = "bypassed"
		}
		r.plan(PlannedToolCall(path, server, name, args, permission))
		if denied != nil {
			fail(denied)
		}
		finish(nil)
		return &mcpapi.ToolResult{
			Content:    []map[string]any{{"type": "text", "text": "dry run: " + path + " was not called (planned_requests lists it)"}},
			Structured: map[string]any{"dry_run": true, "planned": true},
		}
	}
	if denied != nil {
		fail(denied)
	}

	var res *mcpapi.ToolResult
	if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
		res, err = r.mcpConn().CallTool(ctx, server, name, args)
		return err
	}); e != nil {
		fail(e)
	}
	if res.IsError {
		e := ToolError(server, name, res)
		if raiseToolError {
			fail(e)
		}
		finish(e)
		return res
	}
	finish(nil)
	return res
}

// ToolError is the api_error for a tool result flagged isError.
func ToolError(server, tool string, res *mcpapi.ToolResult) *errcode.Error {
	msg := strings.TrimSpace(res.Text())
	if msg == "" {
		msg = "(no message)"
	}
	return errcode.New(errcode.APIError, "mcp.%s.%s: the tool reported an error: %s", server, tool, msg).
		WithDetail("server", server).WithDetail("tool", tool).
		WithHint("mcp.call(%q, %q, args) returns such results (is_error = true) instead of raising", server, tool)
}

// isNamespace reports whether t is one of kosmo's guarded namespace tables
// (what a method call with ':' passes as its first argument).
func isNamespace(t *lua.LTable) bool {
	mt, ok := t.Metatable.(*lua.LTable)
	return ok && mt.RawGetString("__metatable") == lua.LString("kosmo.namespace")
}

func toolResultTable(L *lua.LState, res *mcpapi.ToolResult) lua.LValue {
	return luaconv.ToLua(L, ToolResultMap(res))
}

// ToolResultMap is a tool result as scripts and kosmo mcp:call see it:
// {content, structured, is_error, text}, content keys in snake_case.
func ToolResultMap(res *mcpapi.ToolResult) map[string]any {
	content := make([]any, len(res.Content))
	for i, c := range res.Content {
		content[i] = snakeContent(c)
	}
	m := map[string]any{"content": content, "is_error": res.IsError, "text": res.Text()}
	if res.Structured != nil {
		m["structured"] = res.Structured
	}
	return m
}

// snakeContent copies a content item with Lua-style keys: mimeType becomes
// mime_type, also inside an embedded resource.
func snakeContent(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k == "mimeType" {
			k = "mime_type"
		}
		if r, ok := v.(map[string]any); ok && k == "resource" {
			v = snakeContent(r)
		}
		out[k] = v
	}
	return out
}

// mcpModule is the mcp global: each entry is one named Lua function.
var mcpModule = []struct {
	name string
	fn   func(h *Host, L *lua.LState) int
}{
	{"servers", mcpServersFn},
	{"tools", mcpToolsFn},
	{"schema", mcpSchemaFn},
	{"call", mcpCallFn},
	{"resources", mcpResourcesFn},
	{"read_resource", mcpReadResourceFn},
	{"prompts", mcpPromptsFn},
	{"get_prompt", mcpGetPromptFn},
}

// openMCP builds the mcp module.
func (h *Host) openMCP(L *lua.LState) *lua.LTable {
	mod := L.CreateTable(0, len(mcpModule))
	for _, e := range mcpModule {
		fn := e.fn
		mod.RawSetString(e.name, L.NewFunction(func(L *lua.LState) int { return fn(h, L) }))
	}
	return mod
}

func mcpServersFn(h *Host, L *lua.LState) int {
	names := h.mcpServers()
	out := luaconv.NewArray(L, len(names))
	for _, n := range names {
		out.Append(lua.LString(n))
	}
	L.Push(out)
	return 1
}

func mcpToolsFn(h *Host, L *lua.LState) int {
	server := h.serverArg(L, "mcp.tools")
	r := activeRun(L, "mcp.tools")
	tools := mcpWait(L, r, func(ctx context.Context, c mcpapi.Conn) ([]*mcpapi.Tool, error) { return c.Tools(ctx, server) })
	out := luaconv.NewArray(L, len(tools))
	for _, t := range tools {
		out.Append(luaconv.ToLua(L, ToolMap(t)))
	}
	L.Push(out)
	return 1
}

func mcpSchemaFn(h *Host, L *lua.LState) int {
	server := h.serverArg(L, "mcp.schema")
	tool := stringArg(L, "mcp.schema", 2, "tool", "a tool name string")
	r := activeRun(L, "mcp.schema")
	t := h.findTool(L, r, server, tool)
	L.Push(luaconv.ToLua(L, SchemaOrEmpty(t.InputSchema)))
	return 1
}

func mcpCallFn(h *Host, L *lua.LState) int {
	server := h.serverArg(L, "mcp.call")
	tool := stringArg(L, "mcp.call", 2, "tool", "a tool name string")
	r := activeRun(L, "mcp.call")
	top := max(L.GetTop(), 3)
	args := mcpToolArgs(L, 3, top, "mcp.call("+server+", "+tool+")")
	res := h.callTool(L, r, server, tool, args, false)
	L.Push(toolResultTable(L, res))
	return 1
}

func mcpResourcesFn(h *Host, L *lua.LState) int {
	server := h.serverArg(L, "mcp.resources")
	r := activeRun(L, "mcp.resources")
	list := mcpWait(L, r, func(ctx context.Context, c mcpapi.Conn) ([]*mcpapi.Resource, error) { return c.Resources(ctx, server) })
	out := luaconv.NewArray(L, len(list))
	for _, res := range list {
		out.Append(luaconv.ToLua(L, ResourceMap(res)))
	}
	L.Push(out)
	return 1
}

func mcpReadResourceFn(h *Host, L *lua.LState) int {
	server := h.serverArg(L, "mcp.read_resource")
	uri := stringArg(L, "mcp.read_resource", 2, "uri", "a resource URI string")
	r := activeRun(L, "mcp.read_resource")
	contents := mcpWait(L, r, func(ctx context.Context, c mcpapi.Conn) ([]*mcpapi.ResourceContents, error) {
		return c.ReadResource(ctx, server, uri)
	})
	L.Push(luaconv.ToLua(L, ResourceContentsMap(contents)))
	return 1
}

func mcpPromptsFn(h *Host, L *lua.LState) int {
	server := h.serverArg(L, "mcp.prompts")
	r := activeRun(L, "mcp.prompts")
	list := mcpWait(L, r, func(ctx context.Context, c mcpapi.Conn) ([]*mcpapi.Prompt, error) { return c.Prompts(ctx, server) })
	out := luaconv.NewArray(L, len(list))
	for _, p := range list {
		out.Append(luaconv.ToLua(L, PromptMap(p)))
	}
	L.Push(out)
	return 1
}

func mcpGetPromptFn(h *Host, L *lua.LState) int {
	server := h.serverArg(L, "mcp.get_prompt")
	name := stringArg(L, "mcp.get_prompt", 2, "name", "a prompt name string")
	args := promptArgs(L, 3)
	r := activeRun(L, "mcp.get_prompt")
	res := mcpWait(L, r, func(ctx context.Context, c mcpapi.Conn) (*mcpapi.PromptResult, error) {
		return c.GetPrompt(ctx, server, name, args)
	})
	L.Push(luaconv.ToLua(L, PromptResultMap(res)))
	return 1
}

// ToolMap describes a tool the way mcp.tools and kosmo mcp:tools --json
// show it.
func ToolMap(t *mcpapi.Tool) map[string]any {
	m := map[string]any{
		"name":         t.Name,
		"description":  t.Description,
		"read_only":    t.ReadOnly,
		"input_schema": SchemaOrEmpty(t.InputSchema),
	}
	setNonEmpty(m, "title", t.Title)
	if t.OutputSchema != nil {
		m["output_schema"] = t.OutputSchema
	}
	return m
}

// ResourceMap describes a resource list entry.
func ResourceMap(res *mcpapi.Resource) map[string]any {
	m := map[string]any{"uri": res.URI, "name": res.Name}
	setNonEmpty(m, "title", res.Title)
	setNonEmpty(m, "description", res.Description)
	setNonEmpty(m, "mime_type", res.MIMEType)
	if res.Size > 0 {
		m["size"] = res.Size
	}
	return m
}

// ResourceContentsMap describes a resource that was read: its parts and
// their text joined.
func ResourceContentsMap(contents []*mcpapi.ResourceContents) map[string]any {
	items := make([]any, len(contents))
	var texts []string
	for i, c := range contents {
		m := map[string]any{"uri": c.URI}
		setNonEmpty(m, "mime_type", c.MIMEType)
		if c.Blob != "" {
			m["blob"] = c.Blob
		} else {
			m["text"] = c.Text
			texts = append(texts, c.Text)
		}
		items[i] = m
	}
	return map[string]any{"contents": items, "text": strings.Join(texts, "\n")}
}

// PromptMap describes a prompt list entry.
func PromptMap(p *mcpapi.Prompt) map[string]any {
	args := make([]any, len(p.Arguments))
	for i, a := range p.Arguments {
		m := map[string]any{"name": a.Name, "required": a.Required}
		setNonEmpty(m, "title", a.Title)
		setNonEmpty(m, "description", a.Description)
		args[i] = m
	}
	m := map[string]any{"name": p.Name, "arguments": args}
	setNonEmpty(m, "title", p.Title)
	setNonEmpty(m, "description", p.Description)
	return m
}

// PromptResultMap describes a rendered prompt.
func PromptResultMap(res *mcpapi.PromptResult) map[string]any {
	msgs := make([]any, len(res.Messages))
	for i, m := range res.Messages {
		msgs[i] = map[string]any{"role": m.Role, "content": snakeContent(m.Content)}
	}
	m := map[string]any{"messages": msgs}
	setNonEmpty(m, "description", res.Description)
	return m
}

// serverArg reads argument 1, a configured server name.
func (h *Host) serverArg(L *lua.LState, fn string) string {
	name := stringArg(L, fn, 1, "server", "a server name string (mcp.servers() lists them)")
	if !h.hasServer(name) {
		raise(L, h.unknownServer(name))
	}
	return name
}

func stringArg(L *lua.LState, fn string, n int, name, want string) string {
	s, ok := L.Get(n).(lua.LString)
	if !ok {
		argError(L, fn, n, name, want)
	}
	return string(s)
}

// promptArgs reads a table of prompt arguments. MCP prompt arguments are
// strings: numbers and booleans are converted, anything else is refused.
func promptArgs(L *lua.LState, n int) map[string]string {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return nil
	case *lua.LTable:
		out := map[string]string{}
		var bad string
		v.ForEach(func(k, val lua.LValue) {
			key, ok := k.(lua.LString)
			if !ok {
				bad = fmt.Sprintf("keys must be argument names, got %s", k.Type())
				return
			}
			switch x := val.(type) {
			case lua.LString:
				out[string(key)] = string(x)
			case lua.LNumber, lua.LBool:
				out[string(key)] = x.String()
			default:
				bad = fmt.Sprintf("argument '%s' must be a string, got %s", key, val.Type())
			}
		})
		if bad != "" {
			raise(L, errcode.New(errcode.InvalidArgument, "mcp.get_prompt: %s", bad).WithDetail("function", "mcp.get_prompt"))
		}
		return out
	default:
		argError(L, "mcp.get_prompt", n, "args", "a table of string arguments")
	}
	return nil
}

// SchemaOrEmpty returns s, or the empty object schema when a tool
// declares none.
func SchemaOrEmpty(s map[string]any) map[string]any {
	if s == nil {
		return map[string]any{"type": "object"}
	}
	return s
}

func setNonEmpty(m map[string]any, key, val string) {
	if val != "" {
		m[key] = val
	}
}

// MCPPage is the "mcp" docs page, embedded from docs/mcp.md.
func MCPPage() registry.Page {
	return registry.Page{
		Name:    "mcp",
		Title:   "MCP servers and kosmo",
		Summary: "Configure MCP servers, call their tools, resources and prompts from Lua and the command line, and serve kosmo over MCP.",
		Body:    docs.MCP,
	}
}

// PlannedToolCall is the plan entry of an MCP tool call held back by a dry
// run (from Lua or from mcp:call).
func PlannedToolCall(path, server, tool string, args map[string]any, permission string) PlannedRequest {
	return PlannedRequest{Path: path, Account: server, Method: "tools/call", URL: "mcp://" + server + "/" + tool, Body: args, Permission: permission}
}
