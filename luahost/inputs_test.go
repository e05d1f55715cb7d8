package luahost_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
)

func TestScriptInputsAreData(t *testing.T) {
	h := newHost(t, nil)
	tricky := "x\"]] ; os.exit(9) --[[\n" + `'); error("injected") --`
	env := h.Run(context.Background(), `return args.title, args.n, args.ok, input.items[2], arg[0], arg[1], select("#", ...), ...`,
		luahost.RunOptions{Name: "w.lua", Inputs: &luahost.ScriptInputs{
			Args:  map[string]any{"title": tricky, "n": int64(5), "ok": true},
			Input: map[string]any{"items": []any{"a", "b"}}, HasInput: true,
			Argv: []string{tricky, "2"},
		}})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{tricky, int64(5), true, "b", "w.lua", tricky, int64(2), tricky, "2"}, env.Result)
}

func TestNoInputsNoGlobals(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `return args == nil, input == nil, arg == nil, select("#", ...)`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{true, true, true, int64(0)}, env.Result)
}

func TestOSExit(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `print("a") os.exit(3) print("b")`)
	require.False(t, env.Success)
	assert.Equal(t, "script_exit", errCode(env))
	assert.Equal(t, 3, env.Error.Details["exit_code"])
	assert.Equal(t, "a\n", env.Output)

	for _, code := range []string{`os.exit()`, `os.exit(0)`, `os.exit(true)`, `pcall(os.exit, 0) error("not reached")`} {
		env = run(t, h, code+` print("after")`)
		assert.True(t, env.Success, "%s: %+v", code, env.Error)
		assert.Empty(t, env.Output, code)
		assert.Empty(t, env.Result, code)
	}
	env = run(t, h, `os.exit(false)`)
	assert.Equal(t, 1, env.Error.Details["exit_code"])
	env = run(t, h, `os.exit(1.5)`)
	assert.Equal(t, "invalid_argument", errCode(env))
	// the pooled state is still usable afterwards
	env = run(t, h, `return 1`)
	assert.Equal(t, []any{int64(1)}, env.Result)
}

func TestSleepDoesNotUseCPUAndHonoursTimeout(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.CPU = 50 * time.Millisecond })
	env := run(t, h, `sleep(0.2) return "ok"`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{"ok"}, env.Result)

	env = h.Run(context.Background(), `sleep(60)`, luahost.RunOptions{Timeout: 30 * time.Millisecond})
	assert.Equal(t, "timeout", errCode(env))

	env = run(t, h, `sleep(-1)`)
	assert.Equal(t, "invalid_argument", errCode(env))
	env = run(t, h, `sleep("x")`)
	assert.False(t, env.Success)
}
