package luahost_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kosmo-dev/kosmo/luahost"
)

// escapeAttempts is the sandbox escape suite: each entry is something a
// hostile script tries. Either the run fails with exactly code, or (code
// "") it succeeds and returns want, showing the attempt had no effect.
var escapeAttempts = []struct {
	name, code, want string
	result           any
}{
	// what the sandbox removes
	{"io library", `return io == nil`, "", true},
	{"os.execute", `return os.execute == nil`, "", true},
	{"os.exit ends the run, never the process, and pcall cannot hold it", `pcall(os.exit, 3) return "continued"`, "script_exit", nil},
	{"os.getenv", `return os.getenv == nil`, "", true},
	{"os.remove and rename", `return os.remove == nil and os.rename == nil and os.tmpname == nil`, "", true},
	{"debug library", `return debug == nil`, "", true},
	{"package library", `return package == nil`, "", true},
	{"require", `return require == nil`, "", true},
	{"load", `return load == nil`, "", true},
	{"loadstring", `return loadstring == nil`, "", true},
	{"dofile and loadfile", `return dofile == nil and loadfile == nil`, "", true},
	{"string.dump", `return string.dump == nil`, "", true},
	{"getfenv and setfenv", `return getfenv == nil and setfenv == nil`, "", true},
	{"newproxy", `return newproxy == nil`, "", true},
	{"module", `return module == nil`, "", true},
	{"calling a removed function", `return load("return 1")`, "lua_runtime_error", nil},
	{"collectgarbage collect", `return collectgarbage("collect")`, "invalid_argument", nil},
	{"collectgarbage count", `return collectgarbage("count")`, "invalid_argument", nil},
	{"collectgarbage stop", `collectgarbage("stop")`, "invalid_argument", nil},

	// metatables that are shared or protected
	{"string metatable", `return getmetatable("") == nil`, "", true},
	{"string metatable index", `return getmetatable("").__index`, "lua_runtime_error", nil},
	{"setmetatable on a string", `return setmetatable("", {})`, "lua_runtime_error", nil},
	{"string library self reference", `return rawget(string, "__index") == nil and ("x").__index == nil`, "", true},
	{"rawset on the json array marker", `rawset(getmetatable(json.array()), "__index", {})`, "lua_runtime_error", nil},
	{"rawget on the json.null metatable", `return rawget(getmetatable(json.null), "__tostring")`, "lua_runtime_error", nil},
	{"writing into json.null", `json.null.x = 1`, "lua_runtime_error", nil},
	{"setmetatable on a namespace", `setmetatable(app.integrations, {})`, "lua_runtime_error", nil},
	{"setmetatable on an account table", `setmetatable(app.integrations.demo.work, {})`, "lua_runtime_error", nil},
	{"setmetatable on an error table", `local ok, e = pcall(function() return app.integrations.nope end) setmetatable(e, {})`, "lua_runtime_error", nil},
	{"error metatable guard", `local ok, e = pcall(function() return app.integrations.nope end) return getmetatable(e)`, "", "kosmo.error"},
	{"globals have no metatable", `return getmetatable(_G) == nil`, "", true},
	{"thread metatable", `return getmetatable(coroutine.running()) == nil`, "", true},
	{"__index loop", `local t = setmetatable({}, {}) getmetatable(t).__index = t return t.x`, "lua_runtime_error", nil},
	{"__index function recursion", `local t t = setmetatable({}, {__index = function(s, k) return s[k] end}) return t.x`, "memory_limit", nil},
	{"__gc never runs", `setmetatable({}, {__gc = function() while true do end end}) return "ok"`, "", "ok"},
	{"replacing _G", `_G = nil return type(print)`, "", "function"},
	{"forged limit error", `error({code = "memory_limit", message = "fake"})`, "lua_runtime_error", nil},

	// error values that misbehave
	{"error with looping __tostring", `error(setmetatable({}, {__tostring = function() while true do end end}))`, "lua_runtime_error", nil},
	{"print of looping __tostring", `print(setmetatable({}, {__tostring = function() while true do end end}))`, "cpu_limit", nil},
	{"__tostring returning a huge string", `print(setmetatable({}, {__tostring = function() return string.rep("x", 2^31) end}))`, "memory_limit", nil},
	{"error with failing __tostring", `error(setmetatable({}, {__tostring = function() error("again") end}))`, "lua_runtime_error", nil},
	{"xpcall handler that loops", `xpcall(function() error("x") end, function() while true do end end)`, "cpu_limit", nil},

	// limits cannot be caught and ignored
	{"endless loop", `while true do end`, "cpu_limit", nil},
	{"pcall around cpu limit", `while true do pcall(function() while true do end end) end`, "cpu_limit", nil},
	{"pcall around memory limit", `for i = 1, 3 do pcall(string.rep, "x", 2^31) end return "continued"`, "memory_limit", nil},
	{"pcall around output limit", `for i = 1, 1000 do pcall(print, string.rep("x", 100000)) end return "continued"`, "output_limit", nil},
	{"coroutine endless loop", `coroutine.wrap(function() while true do end end)()`, "cpu_limit", nil},
	{"coroutine memory growth", `coroutine.wrap(function() local t = {} for i = 1, 1e8 do t[i] = {i} end end)()`, "memory_limit", nil},
	{"many coroutines", `local t = {} for i = 1, 1e6 do t[i] = coroutine.create(print) end`, "memory_limit", nil},
	{"deep recursion", `local function f(n) return 1 + f(n + 1) end return f(1)`, "memory_limit", nil},

	// allocation bombs
	{"string doubling", `local s = "x" while true do s = s .. s end`, "memory_limit", nil},
	{"table growth", `local t = {} for i = 1, 1e9 do t[i] = i end`, "memory_limit", nil},
	{"string.rep", `return #string.rep("x", 2^40)`, "memory_limit", nil},
	{"string.rep with separator", `return #string.rep("x", 2^20, string.rep("y", 2^20))`, "memory_limit", nil},
	{"table.concat", `local t = {} for i = 1, 64 do t[i] = string.rep("x", 2^20) end local a = table.concat(t) return #table.concat({a, a, a})`, "memory_limit", nil},
	{"string.format width", `return string.format("%99999999d", 1)`, "lua_runtime_error", nil},
	{"string.format star width", `return string.format("%*d", 2^30, 1)`, "lua_runtime_error", nil},
	{"os.date format", `return #os.date(string.rep("%c", 2^22))`, "memory_limit", nil},
	{"huge unpack", `return unpack({}, 1, 1e7)`, "lua_runtime_error", nil},
	{"select over a huge unpack", `return select("#", unpack({}, 1, 2^31))`, "lua_runtime_error", nil},
	{"select far past the end", `return select("#", select(2^30, 1, 2))`, "", int64(0)},
	{"gsub result bomb", `return #string.gsub(string.rep("a", 2^20), "a", string.rep("b", 2^10))`, "memory_limit", nil},
	{"gsub function result bomb", `local s = string.rep("a", 1000):gsub("a", function() return string.rep("x", 2^20) end) return #s`, "memory_limit", nil},
	{"upper of a huge string", `local s = string.rep("x", 2^23) local a, b, c = s:upper(), s:lower(), s:reverse() return #a`, "memory_limit", nil},

	// pattern bombs
	{"backtracking find", `return string.find(string.rep("a", 40), string.rep("a*", 30) .. "b")`, "cpu_limit", nil},
	{"backtracking gsub", `return string.gsub(string.rep("a", 40), string.rep("a*", 30) .. "b", "")`, "cpu_limit", nil},
	{"backtracking gmatch", `for _ in string.gmatch(string.rep("a", 40), string.rep("a*", 30) .. "b") do end`, "cpu_limit", nil},
	{"pattern recursion depth", `return string.find(string.rep("a", 5000), string.rep("a?", 5000))`, "lua_runtime_error", nil},
	{"too many captures", `return string.find("a", string.rep("(", 100) .. "a" .. string.rep(")", 100))`, "lua_runtime_error", nil},

	// the compiler path
	{"nested parentheses", "return " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000), "lua_syntax_error", nil},
	{"nested table constructors", "return " + strings.Repeat("{", 100000) + strings.Repeat("}", 100000), "lua_syntax_error", nil},
	{"nested functions", strings.Repeat("local function f() ", 5000) + strings.Repeat("end ", 5000), "lua_syntax_error", nil},
	{"long operator chain", "return 1" + strings.Repeat("+1", 50000), "lua_syntax_error", nil},
	{"long unary chain", "return " + strings.Repeat("- ", 50000) + "1", "lua_syntax_error", nil},

	// metamethods and values in flight
	{"string.byte of a whole large string", `return select("#", string.byte(string.rep("x", 1e6), 1, -1))`, "memory_limit", nil},
	{"__add recursion", `local t = setmetatable({}, {__add = function(a, b) return a + b end}) return t + 1`, "memory_limit", nil},
	{"__call tail recursion", `local t t = setmetatable({}, {__call = function(s) return s() end}) return t()`, "cpu_limit", nil},
	{"__tostring recursion", `local t t = setmetatable({}, {__tostring = function(s) return tostring(s) end}) return tostring(t)`, "memory_limit", nil},
	{"__concat recursion", `local t t = setmetatable({}, {__concat = function(a, b) return a .. b end}) return t .. "x"`, "memory_limit", nil},
	{"__eq recursion", `local mt = {} mt.__eq = function(a, b) return a == b end return setmetatable({}, mt) == setmetatable({}, mt)`, "memory_limit", nil},
	{"table.insert growth", `local t = {} for i = 1, 1e8 do table.insert(t, i) end`, "memory_limit", nil},
	{"gsub replacement expansion", `return #string.gsub(string.rep("a", 2^17), "a", string.rep("%0", 300))`, "memory_limit", nil},
	{"concatenating a large string repeatedly", `local s = string.rep("x", 2^20) local t = {} for i = 1, 100 do t[i] = s .. i end return #t`, "memory_limit", nil},
	{"many small strings", `local t = {} for i = 1, 1e7 do t[i] = string.char(65 + i % 26, 66, 67, 68) .. i end`, "memory_limit", nil},
	{"many tables with metatables", `local t = {} local mt = {__index = function(t, k) return k end} for i = 1, 1e7 do t[i] = setmetatable({}, mt) end`, "memory_limit", nil},
	{"deeply nested JSON", `return json.decode(string.rep("[", 100000) .. string.rep("]", 100000))`, "invalid_argument", nil},

	// results and dumps
	{"result shared 2^40 times", `local t = {1} for i = 1, 40 do t = {t, t} end return t`, "memory_limit", nil},
	{"dump shared 2^40 times", `local t = {1} for i = 1, 40 do t = {t, t} end dump(t)`, "output_limit", nil},
	{"recursive result", `local t = {} t.t = t return t`, "", nil},
	{"recursive dump", `local t = {} t.t = t dump(t) return "ok"`, "", "ok"},
	{"tostring of a recursive table", `local t = {} t.t = t return select(2, tostring(t):gsub("<circular>", ""))`, "", int64(1)},
}

func TestSandboxEscapes(t *testing.T) {
	assert.GreaterOrEqual(t, len(escapeAttempts), 60)
	// attempts that should end at the CPU limit get a short one; the others
	// a long one, so that a slow machine does not turn them into cpu_limit
	quick := newHost(t, func(o *luahost.Options) {
		o.Limits = luahost.Limits{CPU: 300 * time.Millisecond, Memory: 16 << 20, Output: 1 << 20}
	})
	slow := newHost(t, func(o *luahost.Options) {
		o.Limits = luahost.Limits{CPU: 20 * time.Second, Memory: 16 << 20, Output: 1 << 20}
	})
	for _, a := range escapeAttempts {
		t.Run(a.name, func(t *testing.T) {
			h := slow
			if a.want == "cpu_limit" {
				h = quick
			}
			env := run(t, h, a.code)
			if a.want != "" {
				assert.False(t, env.Success, "the attempt should fail: %v", env.Result)
				assert.Equal(t, a.want, errCode(env), "%+v", env.Error)
				return
			}
			if !assert.True(t, env.Success, "%+v", env.Error) {
				return
			}
			assert.Equal(t, []any{a.result}, env.Result)
		})
	}
}
