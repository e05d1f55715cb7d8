package luahost_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
)

func TestDeeplyNestedSourceIsRefused(t *testing.T) {
	const n = 1000000
	for name, code := range map[string]string{
		"parentheses": "return " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"tables":      "return " + strings.Repeat("{", n) + strings.Repeat("}", n),
		"functions":   strings.Repeat("function f() ", 10000) + strings.Repeat("end ", 10000),
		"ifs":         strings.Repeat("if x then ", 10000) + strings.Repeat("end ", 10000),
		"unary not":   "return " + strings.Repeat("not ", 100000) + "1",
		"unary minus": "return " + strings.Repeat("- ", 100000) + "1",
		"additions":   "local a = 1 return " + strings.Repeat("a+", 100000) + "a",
		"calls":       "return f" + strings.Repeat("()", 100000),
		"fields":      "return f" + strings.Repeat(".a", 100000),
		"elseifs":     "if x then " + strings.Repeat("elseif x then ", 5000) + "end",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := luahost.Compile("deep.lua", code)
			require.Error(t, err)
			env := newHost(t, nil).Run(context.Background(), code, luahost.RunOptions{Name: "deep.lua"})
			require.False(t, env.Success)
			assert.Equal(t, "lua_syntax_error", errCode(env))
			assert.Contains(t, env.Error.Message, "nested more than")
			assert.Equal(t, "nesting", env.Error.Details["limit"])
		})
	}
}

func TestNestingWithinLimitsCompiles(t *testing.T) {
	h := newHost(t, nil)
	depth := luahost.MaxNestingForTest - 5
	code := "return " + strings.Repeat("{", depth) + strings.Repeat("}", depth)
	env := run(t, h, code)
	require.True(t, env.Success, "%+v", env.Error)
	// brackets inside strings and comments do not count
	code = "-- " + strings.Repeat("(", 500) + "\nlocal s = '" + strings.Repeat("{", 500) + "' .. [[" + strings.Repeat("[", 500) + "]] return #s"
	env = run(t, h, code)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(1000)}, env.Result)
	// a long chain of .. is flattened, not nested
	env = run(t, h, "local a = 'x' return #("+strings.Repeat("a..", 20000)+"a)")
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(20001)}, env.Result)
}

// dagCode builds a table of 40 levels in which each level holds the next
// one twice: 40 tables, 2^40 paths.
const dagCode = `local t = {"leaf"} for i = 1, 40 do t = {t, t} end `

func TestSharedSubtablesAreBudgeted(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, dagCode+`return t`)
	assert.Equal(t, "memory_limit", errCode(env))
	assert.Empty(t, env.Result)

	env = h.Run(context.Background(), dagCode+`return 1, t`, luahost.RunOptions{RenderResults: true})
	assert.Contains(t, []string{"memory_limit", "output_limit"}, errCode(env))

	env = run(t, h, dagCode+`dump(t)`)
	assert.Equal(t, "output_limit", errCode(env))

	env = run(t, h, dagCode+`print(json.encode(t))`)
	assert.False(t, env.Success)
}

func TestResultConversionCountsAgainstCPU(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) {
		o.Limits.CPU = 100 * time.Millisecond
		o.Limits.Memory = 1 << 40
	})
	env := run(t, h, dagCode+`return t`)
	assert.Equal(t, "cpu_limit", errCode(env))
}

func TestBuiltinsReserveBeforeAllocating(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.Memory = 8 << 20 })
	for code, want := range map[string]string{
		`return string.format("%99999999d", 1)`:     "lua_runtime_error",
		`return string.format("%*d", 999999999, 1)`: "lua_runtime_error",
		`return #string.format(string.rep("%s", 100), ` + strings.Repeat(`string.rep("x", 1000000), `, 99) + `"x")`: "memory_limit",
		`return #os.date(string.rep("%c", 4000000))`:                                                                "memory_limit",
		`return select("#", unpack({}, 1, 1e8))`:                                                                    "lua_runtime_error",
		`return #string.rep("x", 2^31)`:                                                                             "memory_limit",
		`local t = {} for i = 1, 200 do t[i] = coroutine.create(function() end) end return #t`:                      "memory_limit",
		`local s = string.rep("x", 3000000) local a, b, c = s:upper(), s:lower(), s:reverse() return #a + #b + #c`:  "memory_limit",
	} {
		env := run(t, h, code)
		assert.Equal(t, want, errCode(env), code)
	}
	env := run(t, h, `return string.format("%5.2f|%-3d|%s|%q", 1.5, 7, "x", "a\"b")`)
	require.True(t, env.Success, "%+v", env.Error)
}

// The memory limit decides on the script's own data: the same script
// gives the same answer every time, whatever else the process does.
func TestMemoryLimitIsDeterministic(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.Memory = 4 << 20 })
	grow := `local t = {} for i = 1, %d do t[i] = {i, tostring(i)} end return #t`
	for i := 0; i < 5; i++ {
		env := run(t, h, strings.Replace(grow, "%d", "2000", 1))
		require.True(t, env.Success, "%+v", env.Error)
		assert.Greater(t, env.MemoryUsage, int64(0))
		env = run(t, h, strings.Replace(grow, "%d", "200000", 1))
		assert.Equal(t, "memory_limit", errCode(env))
	}
	// garbage is not data: building and dropping many tables passes
	env := run(t, h, `local n = 0 for i = 1, 300000 do local t = {i, i, i} n = n + #t end return n`)
	require.True(t, env.Success, "%+v", env.Error)
}

// One run over its budget stops alone: its neighbours in the same process
// (mcp:serve) finish.
func TestMemoryLimitIsPerRun(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.Memory = 4 << 20 })
	var wg sync.WaitGroup
	envs := make([]*luahost.Envelope, 6)
	for i := range envs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code := `local n = 0 for i = 1, 200000 do n = n + i end return n`
			if i == 0 {
				code = `local t = {} for i = 1, 1e7 do t[i] = {i} end`
			}
			envs[i] = run(t, h, code)
		}(i)
	}
	wg.Wait()
	assert.Equal(t, "memory_limit", errCode(envs[0]))
	for _, env := range envs[1:] {
		require.True(t, env.Success, "%+v", env.Error)
	}
}

func TestCoroutinesRunUnderTheLimits(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.Memory = 4 << 20 })
	env := run(t, h, `local co = coroutine.wrap(function() local t = {} for i = 1, 1e7 do t[i] = {i} end end) co()`)
	assert.Equal(t, "memory_limit", errCode(env))
	env = run(t, h, `local co = coroutine.create(function() local t = {} for i = 1, 1e7 do t[i] = {i} end end) return coroutine.resume(co)`)
	assert.Equal(t, "memory_limit", errCode(env))
	env = run(t, h, `local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end) return gen(), gen(), gen()`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(1), int64(2), int64(3)}, env.Result)
	env = run(t, h, `local co = coroutine.wrap(function() error("inner") end) local ok, e = pcall(co) return ok, e`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, false, env.Result[0])
	assert.Equal(t, "eval:1: inner", env.Result[1])
}

func TestCompileCacheIsBoundedByBytes(t *testing.T) {
	big := "return '" + strings.Repeat("x", 3000) + "'"
	var sources []string
	for i := 0; i < 50; i++ {
		sources = append(sources, big+" -- "+strings.Repeat("y", i))
	}
	entries, bytes := luahost.ProtoCacheForTest(256, 16<<10, sources...)
	assert.LessOrEqual(t, bytes, 16<<10)
	assert.Equal(t, 5, entries)
	// a source larger than a quarter of the bound is compiled but not kept
	entries, _ = luahost.ProtoCacheForTest(256, 8<<10, big+strings.Repeat(" ", 5000))
	assert.Equal(t, 0, entries)
}
