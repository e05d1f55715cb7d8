package luahost

import (
	"errors"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// installModules sets kosmo's globals on a new state's pristine table. This
// is the one place that lists what a script can reach besides the safe
// standard library.
func (h *Host) installModules(L *lua.LState, g *lua.LTable) {
	g.RawSetString("print", L.NewFunction(builtinPrint))
	g.RawSetString("tostring", L.NewFunction(builtinTostring))
	wrapStringFormat(L, g)
	g.RawSetString(concatGlobal, L.NewFunction(builtinConcat))
	g.RawSetString("dump", L.NewFunction(builtinDump))
	g.RawSetString("json", openJSON(L))
	g.RawSetString("regex", openRegex(L))
	g.RawSetString("docs", h.openDocs(L))
	g.RawSetString("lua_read_doc", L.NewFunction(h.luaReadDoc))
	app := L.NewTable()
	if h.opts.Scope == ScopeIntegrations {
		app.RawSetString("integrations", h.openIntegrations(L))
	}
	app.RawSetString("mcp", h.openAppMCP(L))
	g.RawSetString("app", app)
	g.RawSetString("mcp", h.openMCP(L))
	// sleep and os.exit act on the run through the state's context, so they
	// live in the pristine globals like every other built-in: a run that
	// does not change them leaves its copy reusable.
	g.RawSetString("sleep", L.NewFunction(luaSleep))
	if osTable, ok := g.RawGetString("os").(*lua.LTable); ok {
		osTable.RawSetString("exit", L.NewFunction(luaExit))
	}
}

// builtinPrint writes its arguments, converted with tostring (tables
// rendered readably) and separated by tabs, plus a newline, to the run's
// output.
func builtinPrint(L *lua.LState) int {
	n := L.GetTop()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		b.WriteString(toText(L, L.Get(i)))
	}
	b.WriteByte('\n')
	emit(L, b.String())
	return 0
}

// builtinDump writes a deterministic rendering of each argument (nested
// tables expanded, keys sorted) and returns its arguments unchanged.
func builtinDump(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		emit(L, "nil\n")
		return 0
	}
	for i := 1; i <= n; i++ {
		opts := luaconv.DumpOptions{Context: L.Context()}
		if r := runOf(L); r != nil {
			// one byte more than fits, so that a dump too large for the
			// output budget ends the run with output_limit
			opts.MaxBytes = max(r.limits.Output-r.out.size(), 0) + 1
		}
		s, err := luaconv.DumpWith(L, L.Get(i), opts)
		var budget *luaconv.BudgetError
		if err != nil && !errors.As(err, &budget) {
			L.RaiseError("dump stopped: %v", err)
		}
		emit(L, s+"\n")
	}
	return n
}

// emit appends text to the run's output (or discards it outside a run).
func emit(L *lua.LState, s string) {
	if r := runOf(L); r != nil {
		r.out.write(L, s)
	}
}
