package luahost_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost"
)

// reachable collects every table and metatable a script can reach from g:
// keys and values of tables, metatables that getmetatable would return (an
// unprotected one), and what a lookup through a metatable's __index table
// yields. It reports the protected metatables it met separately.
type reachable struct {
	tables    map[*lua.LTable]string // table -> a path to it
	protected map[*lua.LTable]string
}

func walkReachable(L *lua.LState, g *lua.LTable) *reachable {
	r := &reachable{tables: map[*lua.LTable]string{}, protected: map[*lua.LTable]string{}}
	type item struct {
		v    lua.LValue
		path string
	}
	stack := []item{{g, "_G"}, {lua.LString(""), "(string)"}}
	meta := func(mt lua.LValue, path string) {
		t, ok := mt.(*lua.LTable)
		if !ok {
			return
		}
		if t.RawGetString("__metatable") != lua.LNil {
			r.protected[t] = path
			// fields of a protected metatable are reachable through lookups
			t.ForEach(func(k, v lua.LValue) { stack = append(stack, item{v, path + "<mt>." + k.String()}) })
			return
		}
		stack = append(stack, item{t, path + "<mt>"})
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x := it.v.(type) {
		case *lua.LTable:
			if _, seen := r.tables[x]; seen {
				continue
			}
			r.tables[x] = it.path
			x.ForEach(func(k, v lua.LValue) {
				stack = append(stack, item{k, it.path + "[key]"}, item{v, it.path + "." + k.String()})
			})
			meta(x.Metatable, it.path)
		case *lua.LUserData:
			meta(x.Metatable, it.path)
		case lua.LString:
			meta(L.GetMetatable(x), "(string)")
		}
	}
	return r
}

// TestNothingSharedIsWritable walks what two runs on one pooled state can
// reach: no table may be reachable from both (it would be writable by one
// and visible to the other), and the metatables they share must be
// protected and hold no tables.
func TestNothingSharedIsWritable(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.MCP = &fakeMCP{} })
	L, a, b := luahost.FreshGlobalsForTest(h)
	defer L.Close()
	ra, rb := walkReachable(L, a), walkReachable(L, b)
	require.Greater(t, len(ra.tables), 12, "the walk should see the library tables")
	for tbl, path := range ra.tables {
		if other, shared := rb.tables[tbl]; shared {
			t.Errorf("table %s (also %s in the other run) is shared between runs and writable", path, other)
		}
	}
	for mt, path := range ra.protected {
		mt.ForEach(func(k, v lua.LValue) {
			if _, isTable := v.(*lua.LTable); isTable {
				t.Errorf("protected metatable of %s holds a table at %s", path, k)
			}
		})
	}
	// the string metatable is protected and its library copy out of reach
	smt, ok := L.GetMetatable(lua.LString("")).(*lua.LTable)
	require.False(t, ok, "getmetatable on a string must return the guard, not the table")
	_ = smt
}

// poisonCases: run A tries to change something every later run uses; run
// B (same pooled state) checks it sees the original and none of A's data.
var poisonCases = []struct {
	name, poison, check string
}{
	{"string function by assignment", `string.upper = function() return "pwned" end`, `return string.upper("a") == "A" and ("a"):upper() == "A"`},
	{"string function by rawset", `rawset(string, "format", function() return "pwned" end)`, `return string.format("%d", 1) == "1" and ("%d"):format(1) == "1"`},
	{"string metatable __index", `local mt = getmetatable("") if type(mt) == "table" then mt.__index.upper = function() return "pwned" end end`, `return ("a"):upper() == "A"`},
	{"string.__index chain", `local t = string for i = 1, 10 do if type(rawget(t, "__index")) ~= "table" then break end t = rawget(t, "__index") end t.rep = function() return "pwned" end`, `return ("a"):rep(2) == "aa" and string.rep("a", 2) == "aa"`},
	{"string method table via gmatch", `for k in pairs(string) do if type(string[k]) == "table" then string[k].upper = nil end end`, `return ("a"):upper() == "A"`},
	{"json array marker", `local mt = getmetatable(json.decode("[]")) if type(mt) == "table" then mt.__index = function() return "pwned" end end`, `return json.decode("[1]")[5] == nil and json.decode('{"a":1}').b == nil`},
	{"json object marker rawset", `local mt = getmetatable(json.object()) if type(mt) == "table" then rawset(mt, "__jsontype", "array") end`, `return json.encode(json.object()) == "{}"`},
	{"json.null metatable", `local mt = getmetatable(json.null) if type(mt) == "table" then mt.__tostring = function() return "pwned" end end`, `return tostring(json.null) == "null"`},
	{"json functions", `json.encode = function() return "pwned" end json.decode = nil`, `return json.encode({1}) == "[1]"`},
	{"integration function", `app.integrations.demo.list_things = function() return "pwned" end`, `return type(app.integrations.demo.list_things({})) == "table"`},
	{"account subtable function", `app.integrations.demo.work.list_things = function() return "pwned" end rawset(app.integrations.demo.default, "list_things", nil)`, `return type(app.integrations.demo.work.list_things({})) == "table" and type(app.integrations.demo.default.list_things) == "function"`},
	{"namespace metatable", `local ok = pcall(setmetatable, app.integrations, {}) local mt = getmetatable(app.integrations) if type(mt) == "table" then mt.__index = nil end`, `return not pcall(function() return app.integrations.nope end)`},
	{"globals metatable", `setmetatable(_G, {__index = function() return "pwned" end})`, `return undefined_name == nil`},
	{"global data", `secret = "from run A" string.secret = "A" json.secret = "A" app.secret = "A"`, `return secret == nil and string.secret == nil and json.secret == nil and app.secret == nil`},
	{"base functions", `print = nil pcall = function() return "pwned" end tostring = nil`, `return type(print) == "function" and pcall(function() end) == true and tostring(1) == "1"`},
	{"table library", `table.insert = nil table.concat = function() return "pwned" end`, `local t = {} table.insert(t, "a") return table.concat(t, ",") == "a"`},
	{"math and os", `math.floor = nil os.time = function() return 0 end`, `return math.floor(1.5) == 1 and os.time() > 0`},
	{"coroutine library", `coroutine.create = nil coroutine.wrap = function() return "pwned" end`, `return type(coroutine.wrap(function() end)) == "function"`},
	{"docs module", `docs.read = function() return "pwned" end`, `return docs.read ~= nil and type(docs.read) == "function" and docs.read("lua") ~= "pwned"`},
	{"error metatable", `local ok, e = pcall(function() return app.integrations.demo.nope end) local mt = getmetatable(e) if type(mt) == "table" then mt.__tostring = function() return "pwned" end end`, `local ok, e = pcall(function() return app.integrations.demo.nope end) return tostring(e) ~= "pwned" and getmetatable(e) == "kosmo.error"`},
	{"coroutine keeps a reference", `local g = _G co = coroutine.wrap(function() while true do coroutine.yield(g) end end) co()`, `return co == nil`},
	{"_G alias", `local g = _G g.string.upper = nil g._G.json = nil`, `return _G.string.upper ~= nil and json ~= nil and _G._G == _G`},
}

func TestRunsCannotPoisonEachOther(t *testing.T) {
	for _, c := range poisonCases {
		t.Run(c.name, func(t *testing.T) {
			h := newHost(t, func(o *luahost.Options) { o.PoolSize = 1 })
			a := run(t, h, c.poison)
			require.True(t, a.Success, "the poisoning run must end cleanly so its state is pooled: %+v", a.Error)
			b := run(t, h, c.check)
			require.True(t, b.Success, "%+v", b.Error)
			assert.Equal(t, []any{true}, b.Result, fmt.Sprintf("run B was affected by: %s", c.poison))
		})
	}
}

func TestProtectedMetatablesAnswerWithGuards(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `return getmetatable(json.array()), getmetatable(json.object()), getmetatable(json.null), getmetatable(app.integrations), getmetatable("")`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{"json.array", "json.object", "json.null", "kosmo.namespace", nil}, env.Result)
	// a script may still give decoded data a metatable of its own
	env = run(t, h, `local t = setmetatable(json.decode('{"a":1}'), {__index = function() return 7 end}) return t.b`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(7)}, env.Result)
}

// A run that left its globals exactly as it got them hands the same copy
// to the next run (cheap); a run that changed anything, at any depth, does
// not: the next run gets a new copy.
func TestGlobalsCopyReusedOnlyWhenUntouched(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.PoolSize = 1 })
	ids := func(code string) string {
		id, env := luahost.RunIdentityForTest(h, code, "demo", "work")
		require.True(t, env.Success, "%+v", env.Error)
		return id
	}
	first := ids(`local x = string.upper("a")`)
	assert.Equal(t, first, ids(``), "an untouched copy is reused")
	assert.Equal(t, first, ids(`local u = string.upper string.upper = nil string.upper = u`), "a change undone is no change")
	assert.True(t, luahost.ShapesReadableForTest, "gopher-lua's table fields are readable: reuse does not fall back to counting")

	// a key added and removed again leaves gopher-lua's key list longer:
	// the copy is replaced, so runs cannot pile dead keys onto it
	assert.Equal(t, first, ids(`new_global = 1 new_global = nil`))
	second := ids(``)
	assert.NotEqual(t, first, second, "a key added then removed still replaces the copy")
	assert.Equal(t, second, ids(`rawset(os, 1, true)`), "the run itself keeps its copy")
	third := ids(``)
	assert.NotEqual(t, second, third, "an array item added to a library table replaces the copy")
	assert.Equal(t, third, ids(`rawset(os, 1, true) rawset(os, 1, nil)`))
	first = ids(``)
	assert.NotEqual(t, third, first, "an array item added then removed replaces the copy")

	changed := ids(`app.integrations.demo.work.extra = {}`)
	assert.Equal(t, first, changed, "the run that changes it still sees its own copy")
	assert.NotEqual(t, first, ids(``), "after a change the next run gets a new copy")
	env := run(t, h, `return rawget(app.integrations.demo.work, "extra") == nil`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{true}, env.Result)
}
