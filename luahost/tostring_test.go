package luahost_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// print(t) and tostring(t) render plain tables as KosmoKrator documents.
func TestPrintRendersTables(t *testing.T) {
	h := newHost(t, nil)
	for _, c := range []struct{ code, want string }{
		{`print({sites = {{domain = "example.com"}}})`, "{\n  sites: [\n    {\n      domain: \"example.com\"\n    }\n  ]\n}\n"},
		{`print({})`, "{}\n"},
		{`print({[2] = true, [1] = 0.5})`, "[\n  0.5,\n  true\n]\n"},
		{`print({b = 2, a = "x\ny", [3] = true})`, "{\n  3: true,\n  a: \"x\\ny\",\n  b: 2\n}\n"},
		{`local t = {name = "loop"} t.me = t print(t)`, "{\n  me: <circular>,\n  name: \"loop\"\n}\n"},
		{`print("a", {1}, 2, nil, true)`, "a\t[\n  1\n]\t2\tnil\ttrue\n"},
		{`print(tostring({x = {}}))`, "{\n  x: {}\n}\n"},
		{`print(setmetatable({}, {__tostring = function() return "custom" end}))`, "custom\n"},
		{`print({f = print, n = json.null})`, "{\n  f: <function>,\n  n: null\n}\n"},
		{`local ok, e = pcall(app.integrations.demo.fail) print({err = e})`, "{\n  err: api_error: remote said no\n}\n"},
		{`print(tostring(12), tostring("s"), tostring(nil), tostring(false))`, "12\ts\tnil\tfalse\n"},
	} {
		env := run(t, h, c.code)
		require.True(t, env.Success, "%s: %+v", c.code, env.Error)
		assert.Equal(t, c.want, env.Output, c.code)
	}
}

// Deep nesting stays bounded, and a rendering larger than the memory
// budget fails with memory_limit instead of growing without bound.
func TestPrintRenderingIsBounded(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `local t = {} local c = t for i = 1, 200 do c.n = {} c = c.n end return tostring(t)`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Contains(t, env.Result[0], "{...}")
	assert.Less(t, strings.Count(env.Result[0].(string), "\n"), 200)

	env = run(t, h, `local t = {} for i = 1, 20 do t = {t, t} end return #tostring(t)`)
	assert.Equal(t, "memory_limit", errCode(env))
}
