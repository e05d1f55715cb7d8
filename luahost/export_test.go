package luahost

import lua "github.com/yuin/gopher-lua"

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
