package luahost_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
)

func newHost(t testing.TB, mod func(*luahost.Options)) *luahost.Host {
	t.Helper()
	opts := luahost.Options{Integrations: []luahost.Binding{demoBinding(nil)}, Version: "test"}
	if mod != nil {
		mod(&opts)
	}
	h, err := luahost.New(opts)
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h
}

func run(t testing.TB, h *luahost.Host, code string) *luahost.Envelope {
	t.Helper()
	return h.Run(context.Background(), code, luahost.RunOptions{})
}

func errCode(env *luahost.Envelope) string {
	if env.Error == nil {
		return ""
	}
	return env.Error.Code
}

func TestRunReturnsValuesAndOutput(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `print("hi", 1, true) return 1, "two", {a = 1}`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, "hi\t1\ttrue\n", env.Output)
	assert.Equal(t, []any{int64(1), "two", map[string]any{"a": int64(1)}}, env.Result)
	assert.Equal(t, "test", env.Meta.Version)
	assert.NotNil(t, env.IntegrationCalls)
}

func TestEnvelopeJSONShape(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `return nil`)
	b, err := json.Marshal(env)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"success", "output", "error", "result", "execution_time_ms", "memory_usage", "integration_calls", "meta"} {
		assert.Contains(t, m, k)
	}
	assert.Nil(t, m["error"])
}

func TestSyntaxErrorHasLine(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, "local x = 1\nlocal y = = 2\n")
	assert.False(t, env.Success)
	assert.Equal(t, "lua_syntax_error", errCode(env))
	assert.Equal(t, 2, env.Error.Line)
}

func TestRuntimeErrorHasLineAndTraceback(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, "local function f()\n  error('bad thing')\nend\nf()\n")
	assert.Equal(t, "lua_runtime_error", errCode(env))
	assert.Equal(t, 2, env.Error.Line)
	assert.Contains(t, env.Error.Message, "bad thing")
	assert.NotEmpty(t, env.Error.Traceback)
}

func TestIntegrationCallAuditedAndConverted(t *testing.T) {
	var connects atomic.Int64
	h := newHost(t, func(o *luahost.Options) { o.Integrations = []luahost.Binding{demoBinding(&connects)} })
	env := run(t, h, `
local r = app.integrations.demo.list_things({limit = 3, offset = 5})
local w = app.integrations.demo.work.list_things({})
assert(#r.data.things == 3, "three things")
assert(r.data.things[1].id == "t5")
assert(r.data.things[1].missing == nil)
assert(w.data.account == "work" and w.data.session == "session-for-work")
assert(#w.data.things == 10, "default limit")
local again = app.integrations.demo.default.list_things()
return r.data.account, r.data.session`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{"default", "session-for-default"}, env.Result)
	require.Len(t, env.IntegrationCalls, 3)
	c := env.IntegrationCalls[0]
	assert.Equal(t, "app.integrations.demo.list_things", c.Path)
	assert.Equal(t, "default", c.Account)
	assert.Equal(t, "read", c.Op)
	assert.Equal(t, "ok", c.Status)
	assert.EqualValues(t, 1, c.HTTPRequests)
	assert.Equal(t, "work", env.IntegrationCalls[1].Account)
	assert.EqualValues(t, 2, connects.Load(), "one session per account per run")
}

func TestValidationErrors(t *testing.T) {
	h := newHost(t, nil)
	cases := map[string]string{
		`app.integrations.demo.list_things({limit = "10"})`:          "parameter 'limit' must be an integer between 1 and 100, got string",
		`app.integrations.demo.list_things({limit = 0})`:             "between 1 and 100",
		`app.integrations.demo.list_things({limt = 5})`:              "unknown parameter 'limt'. Did you mean: limit",
		`app.integrations.demo.make_thing({})`:                       "missing required parameter 'parts'",
		`app.integrations.demo.make_thing({parts = {{kind = "c"}}})`: "parts[1].kind",
		`app.integrations.demo.list_things(5)`:                       "table of named parameters",
	}
	for code, want := range cases {
		env := h.Run(context.Background(), code, luahost.RunOptions{Force: true})
		assert.Equal(t, "invalid_argument", errCode(env), code)
		if env.Error != nil {
			assert.Contains(t, env.Error.Message, want, code)
		}
	}
}

func TestUnknownFunctionSuggests(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `app.integrations.demo.list_thigns({})`)
	assert.Equal(t, "unknown_function", errCode(env))
	assert.Contains(t, env.Error.Message, "Unknown function: app.integrations.demo.list_thigns. Did you mean: list_things")
}

func TestUnknownAccountNamesConfigured(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `app.integrations.demo.personal.list_things({})`)
	assert.Equal(t, "unknown_account", errCode(env))
	assert.Contains(t, env.Error.Message, "default")
	assert.Contains(t, env.Error.Message, "work")
}

func TestWriteNeedsPermission(t *testing.T) {
	h := newHost(t, nil)
	code := `return app.integrations.demo.make_thing({parts = {{kind = "a"}, {kind = "b"}}}).data.made`
	env := run(t, h, code)
	assert.Equal(t, "permission_denied", errCode(env))
	assert.Contains(t, env.Error.Hint, "--force")
	assert.False(t, env.Meta.PermissionBypassed)

	env = h.Run(context.Background(), code, luahost.RunOptions{Force: true})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(2)}, env.Result)
	assert.True(t, env.Meta.PermissionBypassed)

	asked := ""
	env = h.Run(context.Background(), code, luahost.RunOptions{Prompt: func(q string) bool { asked = q; return true }})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Contains(t, asked, "make_thing")
}

func TestErrorTablesArePcallable(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `
local ok, err = pcall(app.integrations.demo.fail, {})
assert(not ok)
return err.code, err.status, err.request_id, tostring(err)`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{"api_error", int64(404), "req-9", "api_error: remote said no"}, env.Result)
	assert.Equal(t, "error", env.IntegrationCalls[0].Status)
}

func TestUncaughtIntegrationErrorKeepsCode(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, "\n\napp.integrations.demo.fail({})")
	assert.Equal(t, "api_error", errCode(env))
	assert.Equal(t, 3, env.Error.Line)
	assert.EqualValues(t, 404, env.Error.Details["status"])
}

func TestFlatFunctionReturnsFailure(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `local r = app.integrations.demo.flat_fail({}) return r.success, r.error`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{false, "remote said no (404)"}, env.Result)
}

func TestPlainGoErrorBecomesRuntimeError(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `app.integrations.demo.boom({})`)
	assert.Equal(t, "lua_runtime_error", errCode(env))
	assert.Contains(t, env.Error.Message, "something broke")
}

func TestSecretsNeverInEnvelope(t *testing.T) {
	h := newHost(t, nil)
	for _, code := range []string{
		`dump(app.integrations.demo) dump(app)`,
		`app.integrations.demo.nope()`,
		`app.integrations.demo.make_thing({parts = {}})`,
		`return app.integrations.demo.list_things({})`,
	} {
		env := run(t, h, code)
		b, _ := json.Marshal(env)
		assert.NotContains(t, string(b), "sk-demo-secret", code)
	}
}

func TestSandboxRemovals(t *testing.T) {
	h := newHost(t, nil)
	for _, code := range []string{
		`return io == nil`, `return os.execute == nil`, `return require == nil`, `return load == nil`,
		`return loadstring == nil`, `return dofile == nil`, `return loadfile == nil`, `return debug == nil`,
		`return string.dump == nil`, `return setfenv == nil`, `return getfenv == nil`, `return package == nil`,
		`return module == nil`, `return newproxy == nil`, `return type(os.exit) == "function"`, `return os.getenv == nil`,
		`return (getmetatable("") or {}).__index == nil and ("abc"):upper() == "ABC"`, `return channel == nil`,
		`return pcall(collectgarbage, "stop") == false`,
	} {
		env := run(t, h, code)
		require.True(t, env.Success, "%s: %+v", code, env.Error)
		assert.Equal(t, []any{true}, env.Result, code)
	}
}

func TestGlobalsDoNotLeakBetweenRuns(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.PoolSize = 1 })
	run(t, h, `leaked = 42; string.upper = nil; json.encode = nil`)
	env := run(t, h, `return leaked, type(string.upper), type(json.encode)`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{nil, "function", "function"}, env.Result)
}

func TestLimits(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) {
		o.Limits = luahost.Limits{CPU: 500 * time.Millisecond, Memory: 32 << 20, Output: 1 << 20}
	})
	cases := []struct{ code, want string }{
		{`while true do end`, "cpu_limit"},
		{`local function f() return 1 + f() end f()`, "memory_limit"},
		{`local s = string.rep("x", 2^31)`, "memory_limit"},
		{`while true do print(("spam"):rep(1000)) end`, "output_limit"},
		{`regex.match(string.rep("a", 40) .. "b", "(a+)+$")`, "cpu_limit"},
		{`local ok = pcall(function() while true do end end) while true do end`, "cpu_limit"},
	}
	for _, c := range cases {
		started := time.Now()
		env := run(t, h, c.code)
		assert.Equal(t, c.want, errCode(env), c.code)
		assert.False(t, env.Success)
		assert.Less(t, time.Since(started), 10*time.Second, c.code)
	}
	big := newHost(t, func(o *luahost.Options) { o.Limits = luahost.Limits{CPU: 20 * time.Second, Memory: 32 << 20} })
	for _, code := range []string{
		`local s = "x" while true do s = s .. s end`,
		`local s = "x" while true do s = s .. "y" .. s end`,
		`local t = {} while true do t[#t + 1] = {1, 2, 3} end`,
		`local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end`,
	} {
		env := run(t, big, code)
		assert.Equal(t, "memory_limit", errCode(env), code)
	}
	// building a string piece by piece makes garbage, not live data
	env := run(t, big, `local s = "" for i = 1, 20000 do s = s .. "abcdefghij" end return #s`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(200000)}, env.Result)

	env = h.Run(context.Background(), `while true do end`, luahost.RunOptions{Timeout: 100 * time.Millisecond})
	assert.Equal(t, "timeout", errCode(env))
	// the host is still healthy afterwards
	env = run(t, h, `return 1`)
	assert.True(t, env.Success)
}

func TestContextCancelEndsRun(t *testing.T) {
	h := newHost(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	env := h.Run(ctx, `while true do end`, luahost.RunOptions{})
	assert.False(t, env.Success)
	assert.Contains(t, []string{"timeout", "cpu_limit"}, errCode(env))
}

// A cancelled caller stops a busy loop at once: with a CPU limit far away,
// only the cancellation can end this run, and it must end as cancelled.
func TestParentCancelHaltsBusyLoop(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.CPU = time.Minute })
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(50*time.Millisecond, func() { cancel(errors.New("caller went away")) })
	env := h.Run(ctx, `local n = 0 while true do n = n + 1 end`, luahost.RunOptions{})
	require.False(t, env.Success)
	assert.Equal(t, "timeout", errCode(env))
	assert.Contains(t, env.Error.Message, "caller went away")
}

// A halt (here os.exit caught by pcall) stops the VM before the script's
// next instruction: nothing after it may run.
func TestHaltStopsNextInstruction(t *testing.T) {
	h := newHost(t, nil)
	for i := 0; i < 20; i++ {
		env := run(t, h, `pcall(os.exit, 4) print("after") while true do end`)
		assert.Empty(t, env.Output)
		require.NotNil(t, env.Error)
		assert.Equal(t, 4, env.Error.Details["exit_code"])
	}
}

func TestDocs(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `return docs.read("nope"), lua_read_doc("integrations.demo"), docs.read("demo.list_things"), #docs.list() > 0`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.True(t, strings.HasPrefix(env.Result[0].(string), "No integration docs found for 'nope'."))
	assert.Contains(t, env.Result[1], "list_things")
	assert.Contains(t, env.Result[2], "limit")
	assert.Equal(t, true, env.Result[3])
}
