package luahost_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// luaCase runs code that returns values and compares them.
type luaCase struct {
	code string
	want []any
}

func runCases(t *testing.T, cases []luaCase) {
	t.Helper()
	h := newHost(t, nil)
	for _, c := range cases {
		env := run(t, h, c.code)
		if !assert.True(t, env.Success, "%s: %+v", c.code, env.Error) {
			continue
		}
		assert.Equal(t, c.want, env.Result, c.code)
	}
}

func TestJSONModule(t *testing.T) {
	runCases(t, []luaCase{
		{`return json.encode({b = 1, a = {1, 2, 3}, c = "x"})`, []any{`{"a":[1,2,3],"b":1,"c":"x"}`}},
		{`return json.encode(json.decode('{"a":{},"b":[],"c":[1,null,3],"d":null}'))`, []any{`{"a":{},"b":[],"c":[1,null,3]}`}},
		{`local v = json.decode('[1,null,3]') return #v, v[2] == json.null`, []any{int64(3), true}},
		{`local v = json.decode('{"x":null}') return v.x == nil`, []any{true}},
		{`return json.encode({})`, []any{`{}`}},
		{`return json.encode(json.array())`, []any{`[]`}},
		{`return json.encode(json.object({}))`, []any{`{}`}},
		{`return json.encode(9007199254740992), json.encode(json.decode("9007199254740993")) ~= nil`, []any{"9007199254740992", true}},
		{`return json.encode(1.5), json.encode(-0.25), json.encode(1e300)`, []any{"1.5", "-0.25", "1e+300"}},
		{`return json.decode('"h\\u00e9llo \\ud83d\\ude00"')`, []any{"héllo 😀"}},
		{`return json.encode("tab\tquote\"é")`, []any{`"tab\tquote\"é"`}},
		{`return json.encode({a = {b = {c = {1, {d = true}}}}})`, []any{`{"a":{"b":{"c":[1,{"d":true}]}}}`}},
		{`return json.encode({1, 2}, {pretty = true})`, []any{"[\n  1,\n  2\n]"}},
		{`local ok, e = pcall(json.decode, '{"a": tru}') return ok, e.code, e.message`, []any{false, "invalid_argument", "json.decode: invalid JSON: invalid literal, expected \"true\" at byte 6"}},
		{`local ok, e = pcall(json.encode, 0/0) return ok, e.code`, []any{false, "invalid_argument"}},
		{`local t = {} t.self = t local ok, e = pcall(json.encode, t) return ok, e.message`, []any{false, "json.encode: cannot encode a table that contains itself at self"}},
		{`local ok, e = pcall(json.encode, {f = print}) return ok`, []any{false}},
		{`return json.null ~= nil, tostring(json.null)`, []any{true, "null"}},
	})
}

func TestDumpAndConcat(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `dump({b = {1, "two"}, a = true, ["x y"] = json.null}) return 1 .. 2, "a" .. 1.5 .. "b"`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, "{\n  a = true,\n  b = {\n    1,\n    \"two\"\n  },\n  [\"x y\"] = json.null\n}\n", env.Output)
	assert.Equal(t, []any{"12", "a1.5b"}, env.Result)

	env = run(t, h, "local x\nreturn 'a' .. x")
	assert.Equal(t, "lua_runtime_error", errCode(env))
	assert.Contains(t, env.Error.Message, "attempt to concatenate a nil value")
	assert.Equal(t, 2, env.Error.Line)

	env = run(t, h, `local ok, e = pcall(error, {code = "x"}) return "err: " .. tostring(e.code)`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{"err: x"}, env.Result)

	env = run(t, h, `local ok, e = pcall(app.integrations.demo.fail) return "got " .. e`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{"got api_error: remote said no"}, env.Result)
}
