package luahost

import (
	"context"
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// MCPProvider gives runs access to the configured MCP servers. The host
// knows nothing about transports or the protocol: luahost/mcpclient
// implements this interface with the official MCP Go SDK, and tests can
// implement it with plain Go.
type MCPProvider interface {
	// Servers lists the configured server names.
	Servers() []string
	// Policy is the permission policy for the tools of one server. A tool
	// is a read when it declares readOnlyHint, otherwise a write.
	Policy(server string) registry.Policy
	// Open returns the connections of one run. Servers start lazily, on
	// their first use in the run; the host calls Close when the run ends,
	// however it ends, which must stop every server it started.
	Open() MCPConn
}

// MCPConn is one run's view of the MCP servers. Methods are called from
// the goroutine running the script, with the run's context: they must
// return promptly once it is cancelled. Errors should be *errcode.Error;
// others are reported as network_error.
type MCPConn interface {
	Tools(ctx context.Context, server string) ([]*MCPTool, error)
	CallTool(ctx context.Context, server, tool string, args map[string]any) (*MCPToolResult, error)
	Resources(ctx context.Context, server string) ([]*MCPResource, error)
	ReadResource(ctx context.Context, server, uri string) ([]*MCPResourceContents, error)
	Prompts(ctx context.Context, server string) ([]*MCPPrompt, error)
	GetPrompt(ctx context.Context, server, name string, args map[string]string) (*MCPPromptResult, error)
	Close() error
}

// MCPTool describes one tool of a server.
type MCPTool struct {
	Name         string
	Title        string
	Description  string
	ReadOnly     bool           // annotations.readOnlyHint
	InputSchema  map[string]any // JSON Schema of the arguments object
	OutputSchema map[string]any // nil when the tool declares none
	// Validate checks arguments against InputSchema before a call and
	// returns them normalised (an empty Lua table becomes an object where
	// the schema wants one). Failures are invalid_argument errors naming
	// the tool and the parameter. nil: arguments go to the server as they
	// are.
	Validate func(args map[string]any) (map[string]any, error)
}

// MCPToolResult is what a tool returned. Content items keep the MCP wire
// shape ({type = "text", text = ...}) with snake_case keys.
type MCPToolResult struct {
	Content    []map[string]any
	Structured any
	IsError    bool
}

// Text joins the text items of the content, one per line.
func (r *MCPToolResult) Text() string {
	return joinText(r.Content)
}

func joinText(items []map[string]any) string {
	var parts []string
	for _, c := range items {
		if t, ok := c["text"].(string); ok {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

// MCPResource is one entry of a server's resource list.
type MCPResource struct {
	URI         string
	Name        string
	Title       string
	Description string
	MIMEType    string
	Size        int64
}

// MCPResourceContents is one part of a resource that was read. Binary
// contents are base64 in Blob.
type MCPResourceContents struct {
	URI      string
	MIMEType string
	Text     string
	Blob     string
}

// MCPPrompt is one entry of a server's prompt list.
type MCPPrompt struct {
	Name        string
	Title       string
	Description string
	Arguments   []MCPPromptArgument
}

// MCPPromptArgument declares one argument of a prompt.
type MCPPromptArgument struct {
	Name        string
	Title       string
	Description string
	Required    bool
}

// MCPPromptResult is a prompt rendered by the server.
type MCPPromptResult struct {
	Description string
	Messages    []MCPPromptMessage
}

// MCPPromptMessage is one message of a rendered prompt.
type MCPPromptMessage struct {
	Role    string
	Content map[string]any
}

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
func (r *run) mcpConn() MCPConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.sessions[mcpSessionKey].(MCPConn); ok {
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
	c, _ := r.sessions[mcpSessionKey].(MCPConn)
	delete(r.sessions, mcpSessionKey)
	r.mu.Unlock()
	if c != nil {
		_ = c.Close()
	}
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

// checkServer raises unknown_function unless name is a configured server.
func (h *Host) checkServer(L *lua.LState, name string) {
	if !h.hasServer(name) {
		raise(L, h.unknownServer(name))
	}
}

// findTool lists the server's tools (starting it if needed) and returns
// the named one, raising unknown_function with suggestions when it has no
// such tool.
func (h *Host) findTool(L *lua.LState, r *run, server, name string) *MCPTool {
	var tools []*MCPTool
	if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
		tools, err = r.mcpConn().Tools(ctx, server)
		return err
	}); e != nil {
		raise(L, e)
	}
	names := make([]string, 0, len(tools))
	for _, t := range tools {
		if t.Name == name {
			return t
		}
		names = append(names, t.Name)
	}
	sort.Strings(names)
	e := errcode.New(errcode.UnknownFunction, "Unknown function: app.mcp.%s.%s.", server, name)
	if s := registry.Suggest(name, names); len(s) > 0 {
		e.Message += " Did you mean: " + strings.Join(s, ", ")
		e.WithDetail("suggestions", s)
	}
	raise(L, e.WithDetail("server", server).WithDetail("tool", name).
		WithHint("tools of MCP server %s: %s (mcp.tools(%q) describes them)", server, listOrNone(names), server))
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
func (h *Host) callTool(L *lua.LState, r *run, server, name string, args map[string]any, raiseToolError bool) *MCPToolResult {
	path := "app.mcp." + server + "." + name
	tool := h.findTool(L, r, server, name)
	op := registry.Write
	if tool.ReadOnly {
		op = registry.Read
	}
	finish := r.audit(path, server, op, nil, nil)

	if tool.Validate != nil {
		validated, err := tool.Validate(args)
		if err != nil {
			e := errcode.From(err, errcode.InvalidArgument)
			finish(e)
			raise(L, e)
		}
		args = validated
	}
	b := &Binding{Integration: mcpIntegration, Policy: h.opts.MCP.Policy(server)}
	f := &registry.Function{Name: server + "." + name, FullName: "mcp." + server + "." + name, Op: op}
	if e := h.authorize(L, r, b, f, server, path); e != nil {
		finish(e)
		raise(L, e)
	}

	var res *MCPToolResult
	if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
		res, err = r.mcpConn().CallTool(ctx, server, name, args)
		return err
	}); e != nil {
		finish(e)
		raise(L, e)
	}
	if res.IsError {
		msg := strings.TrimSpace(res.Text())
		if msg == "" {
			msg = "(no message)"
		}
		e := errcode.New(errcode.APIError, "mcp.%s.%s: the tool reported an error: %s", server, name, msg).
			WithDetail("server", server).WithDetail("tool", name).
			WithHint("mcp.call(%q, %q, args) returns such results (is_error = true) instead of raising", server, name)
		finish(e)
		if raiseToolError {
			raise(L, e)
		}
		return res
	}
	finish(nil)
	return res
}

// isNamespace reports whether t is one of kosmo's guarded namespace tables
// (what a method call with ':' passes as its first argument).
func isNamespace(t *lua.LTable) bool {
	mt, ok := t.Metatable.(*lua.LTable)
	return ok && mt.RawGetString("__metatable") == lua.LString("kosmo.namespace")
}

func toolResultTable(L *lua.LState, res *MCPToolResult) lua.LValue {
	content := make([]any, len(res.Content))
	for i, c := range res.Content {
		content[i] = c
	}
	t := luaconv.NewObject(L, 4)
	t.RawSetString("content", luaconv.ToLua(L, content))
	if res.Structured != nil {
		t.RawSetString("structured", luaconv.ToLua(L, res.Structured))
	}
	t.RawSetString("is_error", lua.LBool(res.IsError))
	t.RawSetString("text", lua.LString(res.Text()))
	return t
}

// openMCP builds the mcp module.
func (h *Host) openMCP(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	fn := func(name string, f lua.LGFunction) { mod.RawSetString(name, L.NewFunction(f)) }

	fn("servers", func(L *lua.LState) int {
		names := h.mcpServers()
		out := luaconv.NewArray(L, len(names))
		for _, n := range names {
			out.Append(lua.LString(n))
		}
		L.Push(out)
		return 1
	})

	fn("tools", func(L *lua.LState) int {
		server := h.serverArg(L, "mcp.tools")
		r := activeRun(L, "mcp.tools")
		var tools []*MCPTool
		if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
			tools, err = r.mcpConn().Tools(ctx, server)
			return err
		}); e != nil {
			raise(L, e)
		}
		out := luaconv.NewArray(L, len(tools))
		for _, t := range tools {
			out.Append(luaconv.ToLua(L, toolMap(t)))
		}
		L.Push(out)
		return 1
	})

	fn("schema", func(L *lua.LState) int {
		server := h.serverArg(L, "mcp.schema")
		tool := stringArg(L, "mcp.schema", 2, "tool", "a tool name string")
		r := activeRun(L, "mcp.schema")
		t := h.findTool(L, r, server, tool)
		L.Push(luaconv.ToLua(L, schemaOrEmpty(t.InputSchema)))
		return 1
	})

	fn("call", func(L *lua.LState) int {
		server := h.serverArg(L, "mcp.call")
		tool := stringArg(L, "mcp.call", 2, "tool", "a tool name string")
		r := activeRun(L, "mcp.call")
		top := L.GetTop()
		if top < 3 {
			top = 3
		}
		args := mcpToolArgs(L, 3, top, "mcp.call("+server+", "+tool+")")
		res := h.callTool(L, r, server, tool, args, false)
		L.Push(toolResultTable(L, res))
		return 1
	})

	fn("resources", func(L *lua.LState) int {
		server := h.serverArg(L, "mcp.resources")
		r := activeRun(L, "mcp.resources")
		var list []*MCPResource
		if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
			list, err = r.mcpConn().Resources(ctx, server)
			return err
		}); e != nil {
			raise(L, e)
		}
		out := luaconv.NewArray(L, len(list))
		for _, res := range list {
			m := map[string]any{"uri": res.URI, "name": res.Name}
			setNonEmpty(m, "title", res.Title)
			setNonEmpty(m, "description", res.Description)
			setNonEmpty(m, "mime_type", res.MIMEType)
			if res.Size > 0 {
				m["size"] = res.Size
			}
			out.Append(luaconv.ToLua(L, m))
		}
		L.Push(out)
		return 1
	})

	fn("read_resource", func(L *lua.LState) int {
		server := h.serverArg(L, "mcp.read_resource")
		uri := stringArg(L, "mcp.read_resource", 2, "uri", "a resource URI string")
		r := activeRun(L, "mcp.read_resource")
		var contents []*MCPResourceContents
		if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
			contents, err = r.mcpConn().ReadResource(ctx, server, uri)
			return err
		}); e != nil {
			raise(L, e)
		}
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
		t := luaconv.NewObject(L, 2)
		t.RawSetString("contents", luaconv.ToLua(L, items))
		t.RawSetString("text", lua.LString(strings.Join(texts, "\n")))
		L.Push(t)
		return 1
	})

	fn("prompts", func(L *lua.LState) int {
		server := h.serverArg(L, "mcp.prompts")
		r := activeRun(L, "mcp.prompts")
		var list []*MCPPrompt
		if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
			list, err = r.mcpConn().Prompts(ctx, server)
			return err
		}); e != nil {
			raise(L, e)
		}
		out := luaconv.NewArray(L, len(list))
		for _, p := range list {
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
			out.Append(luaconv.ToLua(L, m))
		}
		L.Push(out)
		return 1
	})

	fn("get_prompt", func(L *lua.LState) int {
		server := h.serverArg(L, "mcp.get_prompt")
		name := stringArg(L, "mcp.get_prompt", 2, "name", "a prompt name string")
		args := promptArgs(L, 3)
		r := activeRun(L, "mcp.get_prompt")
		var res *MCPPromptResult
		if e := r.await(errcode.NetworkError, func(ctx context.Context) (err error) {
			res, err = r.mcpConn().GetPrompt(ctx, server, name, args)
			return err
		}); e != nil {
			raise(L, e)
		}
		msgs := make([]any, len(res.Messages))
		for i, m := range res.Messages {
			msgs[i] = map[string]any{"role": m.Role, "content": m.Content}
		}
		m := map[string]any{"messages": msgs}
		setNonEmpty(m, "description", res.Description)
		L.Push(luaconv.ToLua(L, m))
		return 1
	})
	return mod
}

// serverArg reads argument 1, a configured server name.
func (h *Host) serverArg(L *lua.LState, fn string) string {
	name := stringArg(L, fn, 1, "server", "a server name string (mcp.servers() lists them)")
	h.checkServer(L, name)
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

func toolMap(t *MCPTool) map[string]any {
	m := map[string]any{
		"name":         t.Name,
		"description":  t.Description,
		"read_only":    t.ReadOnly,
		"input_schema": schemaOrEmpty(t.InputSchema),
	}
	setNonEmpty(m, "title", t.Title)
	if t.OutputSchema != nil {
		m["output_schema"] = t.OutputSchema
	}
	return m
}

func schemaOrEmpty(s map[string]any) map[string]any {
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

// MCPPage is the "mcp" docs page: configuring MCP servers, using them from
// Lua, and serving kosmo over MCP. docs/mcp.md is a copy of it (a test
// keeps them equal).
func MCPPage() registry.Page {
	return registry.Page{
		Name:    "mcp",
		Title:   "MCP servers and kosmo",
		Summary: "Configure MCP servers, call their tools, resources and prompts from Lua, and serve kosmo over MCP.",
		Body:    mcpPageBody,
	}
}

const mcpPageBody = "# MCP servers and kosmo\n" +
	"\n" +
	"kosmo speaks the Model Context Protocol in both directions. As a **client**, it lets Lua scripts call the tools, resources and prompts of the MCP servers you configure (`mcp.*` and `app.mcp.<server>.<tool>`). As a **server**, `kosmo mcp:serve` offers the Lua host, its docs and every integration function to an agent such as Claude Desktop.\n" +
	"\n" +
	"## Configuring servers\n" +
	"\n" +
	"Servers are declared in the `{\"mcpServers\": {...}}` shape MCP clients share:\n" +
	"\n" +
	"```json\n" +
	"{\n" +
	"  \"mcpServers\": {\n" +
	"    \"files\": {\n" +
	"      \"command\": \"npx\",\n" +
	"      \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"${HOME}/notes\"],\n" +
	"      \"env\": {\"LOG_LEVEL\": \"warn\"},\n" +
	"      \"cwd\": \".\"\n" +
	"    },\n" +
	"    \"tracker\": {\n" +
	"      \"type\": \"http\",\n" +
	"      \"url\": \"https://tracker.example.com/mcp\",\n" +
	"      \"headers\": {\"Authorization\": \"Bearer ${TRACKER_TOKEN}\"}\n" +
	"    }\n" +
	"  }\n" +
	"}\n" +
	"```\n" +
	"\n" +
	"kosmo reads, in this order, `$XDG_CONFIG_HOME/kosmo/mcp.json` (`~/.config/kosmo/mcp.json`) and `.mcp.json` in the working directory; a server declared in both comes from `.mcp.json`. `--mcp-config FILE` replaces both.\n" +
	"\n" +
	"| Key | Servers | Meaning |\n" +
	"|---|---|---|\n" +
	"| `type` | all | `\"stdio\"` (the default when `command` is given) or `\"http\"` (also `\"streamable-http\"`; the default when `url` is given). The legacy SSE transport is not supported. |\n" +
	"| `command` | stdio | the program to start; without a `/` it is looked up on `PATH` |\n" +
	"| `args` | stdio | its arguments (strings) |\n" +
	"| `env` | stdio | variables added to the minimal environment it gets from kosmo (`PATH`, `HOME`, `USER`, `LANG`, `LC_*`, `TMPDIR` and a few more; never API keys) |\n" +
	"| `cwd` | stdio | its working directory, relative to the config file's directory (default: kosmo's) |\n" +
	"| `url` | http | the streamable HTTP endpoint |\n" +
	"| `headers` | http | headers sent with every request (e.g. `Authorization`) |\n" +
	"\n" +
	"Values may use `${VAR}` and `${VAR:-default}`; they are expanded from kosmo's environment when the server starts, so a token can stay out of the file. An unset variable without a default is a `config_error` when that server is used. Server names use letters, digits, `-` and `_`.\n" +
	"\n" +
	"A file that is not valid JSON (the error gives the line and column), an unknown key, a server without `command` or `url`, or an unknown `type` is a `config_error` (exit 3), reported before the script runs.\n" +
	"\n" +
	"## Lifecycle\n" +
	"\n" +
	"A server starts the first time a run uses it: listing its tools, calling one, reading a resource. The run keeps the session for its remaining calls and stops every server it started when it ends, however it ends (success, error, `--timeout`, a limit). Stopping a stdio server closes its standard input, waits up to two seconds, then terminates and kills its whole process group, so nothing it started outlives the run. Starting and the MCP handshake must finish within 30 seconds.\n" +
	"\n" +
	"A server that cannot start, exits, or crashes during a call raises an error naming the server, with the last lines it printed on stderr (`details.stderr`): `network_error` when it exited or could not be reached, `config_error` when its command cannot be found or started, `timeout` when the handshake took too long. A server that failed is not restarted within the same run.\n" +
	"\n" +
	"## Using servers from Lua\n" +
	"\n" +
	"| Function | Returns |\n" +
	"|---|---|\n" +
	"| `mcp.servers()` | the configured server names, sorted |\n" +
	"| `mcp.tools(server)` | an array of `{name, title, description, read_only, input_schema, output_schema}` |\n" +
	"| `mcp.schema(server, tool)` | the tool's input JSON Schema, as a table |\n" +
	"| `mcp.call(server, tool, args)` | the tool result (below); a result flagged as an error is returned, not raised |\n" +
	"| `app.mcp.<server>.<tool>(args)` | the tool result; a result flagged as an error raises `api_error` |\n" +
	"| `mcp.resources(server)` | an array of `{uri, name, title, description, mime_type, size}` |\n" +
	"| `mcp.read_resource(server, uri)` | `{contents = {{uri, mime_type, text}` or `{uri, mime_type, blob}}, text = <all text parts joined>}`; `blob` is base64 |\n" +
	"| `mcp.prompts(server)` | an array of `{name, title, description, arguments = {{name, description, required}}}` |\n" +
	"| `mcp.get_prompt(server, name, args)` | `{description, messages = {{role, content}}}`; `args` is a table of strings |\n" +
	"\n" +
	"A tool result is a table:\n" +
	"\n" +
	"```lua\n" +
	"{\n" +
	"  content = { {type = \"text\", text = \"...\"}, ... },  -- MCP content items, keys in snake_case (mime_type)\n" +
	"  structured = { ... },                              -- structuredContent, when the tool returns it\n" +
	"  is_error = false,\n" +
	"  text = \"...\",                                      -- the text items joined with newlines\n" +
	"}\n" +
	"```\n" +
	"\n" +
	"```lua\n" +
	"local r = app.mcp.files.read_text_file({path = \"todo.md\"})\n" +
	"print(r.text)\n" +
	"\n" +
	"for _, t in ipairs(mcp.tools(\"files\")) do\n" +
	"  print(t.name, t.read_only and \"read\" or \"write\")\n" +
	"end\n" +
	"\n" +
	"local res = mcp.call(\"tracker\", \"create_issue\", {title = \"Broken link\"})\n" +
	"if res.is_error then print(\"the tracker said: \" .. res.text) end\n" +
	"```\n" +
	"\n" +
	"Arguments are one table of named values, validated against the tool's input schema before anything is sent: a wrong type, a missing required argument, an unknown name (with a suggestion) or a value outside an enum raises `invalid_argument` naming `mcp.<server>.<tool>`, the parameter, what was expected and what was given. An empty table is sent as `{}` or `[]`, whichever the schema wants. Schemas that refer to other documents are not enforced by kosmo (the server still checks what it gets).\n" +
	"\n" +
	"A server whose name is not a Lua identifier is reached with brackets: `app.mcp[\"brave-search\"].search({query = \"lua\"})`. An unknown server or tool raises `unknown_function` with the nearest names (`Did you mean: ...`).\n" +
	"\n" +
	"## Permissions and audit\n" +
	"\n" +
	"A tool whose annotations declare `readOnlyHint: true` is a `read`; every other tool is a `write`. The policy is the one integrations use, configured for all MCP servers in the config file:\n" +
	"\n" +
	"```toml\n" +
	"[integrations.mcp.permissions]\n" +
	"read = \"allow\"   # allow | ask | deny (default allow)\n" +
	"write = \"ask\"    # default ask: denied when nobody can be asked\n" +
	"```\n" +
	"\n" +
	"`--force` bypasses it for the run (the envelope records `meta.permission_bypassed`). Resources and prompts are not permission-checked.\n" +
	"\n" +
	"Every tool call appears in the envelope's `integration_calls` with `path` `app.mcp.<server>.<tool>`, `account` the server name, `op` read or write, the duration and the status. Time spent waiting on a server does not count against `--cpu-limit`; `--timeout` bounds it, and cancels the pending call promptly.\n" +
	"\n" +
	"## kosmo as an MCP server\n" +
	"\n" +
	"`kosmo mcp:serve` serves on standard input and output; `kosmo mcp:serve --http 127.0.0.1:8931` serves streamable HTTP at `http://127.0.0.1:8931/mcp` (without authentication: keep it on loopback). It accepts `--sandbox`, `--force`, `--account NAME`, `--cpu-limit`, `--memory-limit`, `--timeout` and `--mcp-config` like `integrations:lua`, and reads the same config file and environment.\n" +
	"\n" +
	"| Tool | Does |\n" +
	"|---|---|\n" +
	"| `lua_execute` | runs `code` (`timeout`: seconds or a duration such as `\"2m\"`) and returns the JSON envelope, as text and as structured content; a failed run is flagged as a tool error |\n" +
	"| `lua_read_doc` | returns a docs page (`page`: `\"lua\"`, `\"mcp\"`, `\"integrations.heygen\"`, `\"heygen.list_videos\"`, ...) |\n" +
	"| `heygen_list_videos`, ... | one tool per integration function, with its parameters as the input schema; read functions are marked read-only |\n" +
	"\n" +
	"Integration tools run through the same host as scripts: arguments are validated, the permission policy applies (a write such as `heygen_create_video` returns a `permission_denied` tool error unless the policy allows writes or the server was started with `--force`), and failures come back as tool errors holding the envelope. Calls are served concurrently from a pool of Lua states.\n" +
	"\n" +
	"An agent cannot bypass the policy: there is no per-call force. Writes run only when the policy allows them or the server itself was started with `--force`.\n" +
	"\n" +
	"To register kosmo with Claude Desktop, add it to `claude_desktop_config.json`:\n" +
	"\n" +
	"```json\n" +
	"{\n" +
	"  \"mcpServers\": {\n" +
	"    \"kosmo\": {\n" +
	"      \"command\": \"/usr/local/bin/kosmo\",\n" +
	"      \"args\": [\"mcp:serve\"],\n" +
	"      \"env\": {\"HEYGEN_API_KEY\": \"your-key\"}\n" +
	"    }\n" +
	"  }\n" +
	"}\n" +
	"```\n" +
	"\n" +
	"Use `\"args\": [\"mcp:serve\", \"--sandbox\"]` to try it against the simulated HeyGen without a key. Other clients that read the same shape (`.mcp.json` in a project, for example) take the same entry.\n"
