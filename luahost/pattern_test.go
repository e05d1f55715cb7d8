package luahost_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
)

// patternCases are expressions with their Lua 5.1 results, rendered as a
// string by the test (results joined with ",").
var patternCases = []struct{ expr, want string }{
	// find: plain and pattern, init, anchors, captures
	{`string.find("hello world", "wor")`, "7,9"},
	{`string.find("hello", "l")`, "3,3"},
	{`string.find("hello", "xyz")`, "nil"},
	{`string.find("a.b", ".", 1, true)`, "2,2"},
	{`string.find("hello", "l", 4)`, "4,4"},
	{`string.find("hello", "l", -2)`, "4,4"},
	{`string.find("hello", "", 10)`, "6,5"},
	{`string.find("hello", "^h")`, "1,1"},
	{`string.find("hello", "^e")`, "nil"},
	{`string.find("hello", "o$")`, "5,5"},
	{`string.find("hello", "(l)(l)")`, "3,4,l,l"},
	{`string.find("abc", "()b()")`, "2,2,2,3"},
	{`string.find("", "")`, "1,0"},
	{`string.find("a+b", "+", 1, true)`, "2,2"},
	{`string.find("f(a)", "a)")`, "3,4"},
	{`string.find("x]y", "]")`, "2,2"},
	// match: classes and complements
	{`string.match("key = value", "(%w+)%s*=%s*(%w+)")`, "key,value"},
	{`string.match("2024-01-15", "(%d+)-(%d+)-(%d+)")`, "2024,01,15"},
	{`string.match("  trim  ", "^%s*(.-)%s*$")`, "trim"},
	{`string.match("abc123", "%a+")`, "abc"},
	{`string.match("abc123", "%d+")`, "123"},
	{`string.match("abc123", "%D+")`, "abc"},
	{`string.match("ABCdef", "%u+")`, "ABC"},
	{`string.match("ABCdef", "%l+")`, "def"},
	{`string.match("a,b;c", "%p")`, ","},
	{`string.match("ff09zz", "%x+")`, "ff09"},
	{`string.match("a\tb", "%c")`, "\t"},
	{`string.match("hello", ".-l")`, "hel"},
	{`string.match("hello", ".*l")`, "hell"},
	{`string.match("hello", "l+")`, "ll"},
	{`string.match("color colour", "colou?r")`, "color"},
	{`string.match("[tag]", "%[(.-)%]")`, "tag"},
	{`string.match("abc", "[b-c]+")`, "bc"},
	{`string.match("abc", "[^a]+")`, "bc"},
	{`string.match("a]b", "[]]")`, "]"},
	{`string.match("a-b", "[a%-]+")`, "a-"},
	{`string.match("x = 5", "[%w_]+")`, "x"},
	{`string.match("hello", "()ll()")`, "3,5"},
	{`string.match("hello", "xyz")`, "nil"},
	{`string.match("hello", "l", -2)`, "l"},
	{`string.match("f(a(b)c)d", "%b()")`, "(a(b)c)"},
	{`string.match("THE (quick) fox", "%f[%a]%a+")`, "THE"},
	{`string.match("hello there", "%f[%w]%w+$")`, "there"},
	{`string.match("abcabc", "(abc)%1")`, "abc"},
	{`string.match('say "hi" now', "([\"'])(.-)%1")`, "\",hi"},
	{`string.match("a\0b", "%z")`, "\x00"},
	{`string.match("aaa", "^(a*)$")`, "aaa"},
	{`string.match("", ".*")`, ""},
	{`string.match("a.b", "%.")`, "."},
	// gmatch
	{`(function() local t = {} for w in string.gmatch("one two  three", "%a+") do t[#t+1] = w end return table.concat(t, "|") end)()`, "one|two|three"},
	{`(function() local t = {} for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do t[#t+1] = k .. v end return table.concat(t, "|") end)()`, "a1|b2"},
	{`(function() local n = 0 for _ in string.gmatch("abc", "") do n = n + 1 end return n end)()`, "4"},
	{`(function() local t = {} for p in string.gmatch("abc", "()") do t[#t+1] = p end return table.concat(t, "|") end)()`, "1|2|3|4"},
	// gsub: string, %0-%9, %%, table, function, false/nil, max n, anchors
	{`string.gsub("hello world", "o", "0")`, "hell0 w0rld,2"},
	{`string.gsub("hello world", "(%w+)", "<%1>")`, "<hello> <world>,2"},
	{`string.gsub("hello", "", "-")`, "-h-e-l-l-o-,6"},
	{`string.gsub("abc", "%w", "%0%0")`, "aabbcc,3"},
	{`string.gsub("abc", "b", "%%")`, "a%c,1"},
	{`string.gsub("hello world", "(%w+) (%w+)", "%2 %1")`, "world hello,1"},
	{`string.gsub("$name is $age", "%$(%w+)", {name = "Ann", age = 7})`, "Ann is 7,2"},
	{`string.gsub("$name $x", "%$(%w+)", {name = "Ann"})`, "Ann $x,2"},
	{`string.gsub("a b c", "%a", function(c) return c:upper() end)`, "A B C,3"},
	{`string.gsub("a b c", "%a", function(c) if c == "b" then return false end return "x" end)`, "x b x,3"},
	{`string.gsub("aaa", "a", "b", 2)`, "bba,2"},
	{`string.gsub("aaa", "^a", "b")`, "baa,1"},
	{`string.gsub("abc", "x*", "-")`, "-a-b-c-,4"},
	{`string.gsub("abc", "()", "%1")`, "1a2b3c4,4"},
	{`string.gsub("hello", "l+", function() end)`, "hello,1"},
	{`string.gsub("abc", ".", {a = 1, b = false})`, "1bc,3"},
	{`("x"):rep(3)`, "xxx"},
}

func TestPatternFunctionsFollowLua51(t *testing.T) {
	h := newHost(t, nil)
	for _, c := range patternCases {
		code := `local r = table.pack and table.pack(` + c.expr + `) or {n = select("#", ` + c.expr + `), ` + c.expr + `}
local out = {}
for i = 1, r.n do out[i] = tostring(r[i]) end
return table.concat(out, ",")`
		env := run(t, h, code)
		if !assert.True(t, env.Success, "%s: %+v", c.expr, env.Error) {
			continue
		}
		assert.Equal(t, c.want, env.Result[0], c.expr)
	}
}

func TestPatternErrorsAreLua51Messages(t *testing.T) {
	h := newHost(t, nil)
	for expr, want := range map[string]string{
		`string.find("a", "%")`:           "malformed pattern (ends with '%')",
		`string.find("a", "[a")`:          "malformed pattern (missing ']')",
		`string.match("a", "(a")`:         "unfinished capture",
		`string.match("a", "a)")`:         "invalid pattern capture",
		`string.match("a", "%1")`:         "invalid capture index",
		`string.gsub("a", "a", "%2")`:     "invalid capture index",
		`string.find("a", "%f")`:          "missing '[' after '%f' in pattern",
		`string.gsub("a", "a", true)`:     "string/function/table expected",
		`string.gsub("a", "a", {a = {}})`: "invalid replacement value (a table)",
		`string.find("a", string.rep("(", 40) .. "a" .. string.rep(")", 40))`: "too many captures",
		`string.find(string.rep("a", 300), string.rep("a?", 300))`:            "pattern too complex",
	} {
		env := run(t, h, `return `+expr)
		require.False(t, env.Success, expr)
		assert.Equal(t, "lua_runtime_error", errCode(env), expr)
		assert.Contains(t, env.Error.Message, want, expr)
	}
}

// A backtracking pattern that would run for hours stops at the CPU limit.
func TestPatternBombStopsAtCPULimit(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.CPU = 200 * time.Millisecond })
	for _, code := range []string{
		`return string.find(string.rep("a", 40), string.rep("a*", 30) .. "b")`,
		`return string.match(string.rep("a", 5000), string.rep("a-", 25) .. "b")`,
		`local n = 0 for _ in string.gmatch(string.rep("a", 30), string.rep("a*", 28) .. "b") do n = n + 1 end return n`,
		`return string.gsub(string.rep("a", 40), string.rep("a*", 30) .. "b", "x")`,
	} {
		env := run(t, h, code)
		assert.Equal(t, "cpu_limit", errCode(env), code)
	}
}

func TestPatternBombStopsOnCancel(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.CPU = -1 })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	env := h.Run(ctx, `return string.find(string.rep("a", 40), string.rep("a*", 30) .. "b")`, luahost.RunOptions{})
	assert.False(t, env.Success)
	assert.Equal(t, "timeout", errCode(env))
}

// gsub builds its result in one pass: many replacements of a large
// string finish quickly and the result is charged to the memory budget.
func TestGsubIsLinearAndReserved(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `local s = string.rep("ab", 200000) local r, n = s:gsub("a", "xy") return #r, n`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(600000), int64(200000)}, env.Result)

	small := newHost(t, func(o *luahost.Options) { o.Limits.Memory = 4 << 20 })
	env = run(t, small, `local s = string.rep("a", 1000000) return #s:gsub("a", string.rep("b", 100))`)
	assert.Equal(t, "memory_limit", errCode(env))
}
