package luahost

// Host runs Lua chunks in sandboxed states. (Being written.)
type Host struct{}

// RunOptions adjust one run.
type RunOptions struct{}
