package luahost

import (
	"sort"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// MCPProvider gives runs access to the configured MCP servers.
type MCPProvider interface {
	// Servers lists the configured server names.
	Servers() []string
}

func (h *Host) mcpServers() []string {
	if h.opts.MCP == nil {
		return nil
	}
	names := h.opts.MCP.Servers()
	sort.Strings(names)
	return names
}

// openAppMCP builds app.mcp: one table per configured server.
func (h *Host) openAppMCP(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	L.SetMetatable(t, protectedMeta(L, func(L *lua.LState) int {
		raise(L, h.unknownServer(L.ToString(2)))
		return 0
	}))
	return t
}

func (h *Host) unknownServer(name string) *errcode.Error {
	names := h.mcpServers()
	return errcode.New(errcode.UnknownFunction, "Unknown MCP server: app.mcp.%s. Configured servers: %s.", name, listOrNone(names)).
		WithHint("declare MCP servers in .mcp.json, ~/.config/kosmo/mcp.json or with --mcp-config FILE; see docs.read(\"lua\")")
}

// openMCP builds the mcp module.
func (h *Host) openMCP(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	mod.RawSetString("servers", L.NewFunction(func(L *lua.LState) int {
		names := h.mcpServers()
		out := luaconv.NewArray(L, len(names))
		for _, n := range names {
			out.Append(lua.LString(n))
		}
		L.Push(out)
		return 1
	}))
	return mod
}
