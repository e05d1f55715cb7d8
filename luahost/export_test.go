package luahost

import (
	"context"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Test hooks.

// FreshGlobalsForTest builds a pooled state of h and hands out two runs'
// globals on it, with the state.
func FreshGlobalsForTest(h *Host) (L *lua.LState, a, b *lua.LTable) {
	L = h.newState()
	a = freshGlobals(L)
	planOf(L).spare = nil // as after a run that did not end cleanly
	b = freshGlobals(L)
	return L, a, b
}

// ShapesReadableForTest reports whether pooled runs check their globals
// copy by shape (see tableShape).
var ShapesReadableForTest = shapesReadable

// CompileDepthLimits exposes the compiler's nesting limits.
const (
	MaxNestingForTest   = maxNesting
	MaxExprDepthForTest = maxExprDepth
)

// ProtoCacheForTest builds a compile cache with the given bounds and
// reports its size after compiling the sources.
func ProtoCacheForTest(max, maxBytes int, sources ...string) (entries, bytes int) {
	c := newProtoCache(max, maxBytes)
	for i, src := range sources {
		if _, err := c.compile("c"+string(rune('a'+i%26)), src); err != nil {
			panic(err)
		}
	}
	return len(c.items), c.bytes
}

// RunIdentityForTest runs code as Run does and returns, besides the
// envelope, the identity of the run's string table and of
// app.integrations.<ig>.<account> (tostring of a table renders its
// contents, so tests cannot read addresses from Lua).
func RunIdentityForTest(h *Host, code, ig, account string) (string, *Envelope) {
	proto, err := Compile("eval", code)
	if err != nil {
		panic(err)
	}
	L := h.getState()
	g := freshGlobals(L)
	app := g.RawGetString("app").(*lua.LTable).RawGetString("integrations").(*lua.LTable).RawGetString(ig).(*lua.LTable)
	id := fmt.Sprintf("%p %p", g.RawGetString("string"), app.RawGetString(account))
	env, clean := h.execOn(context.Background(), L, g, proto, RunOptions{}, time.Now())
	if clean {
		h.putState(L)
	} else {
		L.Close()
	}
	return id, env
}
