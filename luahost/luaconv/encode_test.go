package luaconv_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// encodeLua runs a chunk returning one value and encodes that value.
func encodeLua(t *testing.T, chunk string, opts luaconv.EncodeOptions) (string, error) {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	require.NoError(t, L.DoString(chunk))
	return luaconv.Encode(L, L.Get(-1), opts)
}

func TestEncodeShapes(t *testing.T) {
	for chunk, want := range map[string]string{
		`return {}`:                                                      `{}`,
		`return {1, 2, 3}`:                                               `[1,2,3]`,
		`return {1, nil, 3}`:                                             `{"1":1,"3":3}`,
		`return {[1] = 1, [2] = 2, [4] = 4}`:                             `{"1":1,"2":2,"4":4}`,
		`return {[100] = 1}`:                                             `{"100":1}`,
		`return {"a", [3] = "c"}`:                                        `{"1":"a","3":"c"}`,
		`return {1, 2, k = "v"}`:                                         `{"1":1,"2":2,"k":"v"}`,
		`return {[1.5] = 1, x = 2}`:                                      `{"1.5":1,"x":2}`,
		`local a = {1, 2, 3} a[3] = nil return a`:                        `[1,2]`,
		`local t = {x = 1} t.x = nil return t`:                           `{}`,
		`local t = {1} t.x = 1 t.x = nil return t`:                       `[1]`,
		`return {b = {2, 3}, a = 1, c = {}}`:                             `{"a":1,"b":[2,3],"c":{}}`,
		`return {0.1, -0.0, 1e-7, 1e21, 1e20, 2^53}`:                     `[0.1,0,1e-07,1e+21,100000000000000000000,9007199254740992]`,
		`return "\1\"\\\n\r\t\255\226\128\168<>&"`:                       `"\u0001\"\\\n\r\t\ufffd\u2028<>&"`,
		`return json.array({[1] = 1, [3] = 3})`:                          `[1,null,3]`,
		`return json.array({})`:                                          `[]`,
		`return json.object({1, 2})`:                                     `{"1":1,"2":2}`,
		`local t = {} for i = 1, 40 do t["k" .. i] = i end return t.k40`: `40`,
	} {
		L := lua.NewState()
		js := L.NewTable()
		js.RawSetString("array", L.NewFunction(func(L *lua.LState) int { L.Push(luaconv.MarkArray(L, L.CheckTable(1))); return 1 }))
		js.RawSetString("object", L.NewFunction(func(L *lua.LState) int { L.Push(luaconv.MarkObject(L, L.CheckTable(1))); return 1 }))
		L.SetGlobal("json", js)
		require.NoError(t, L.DoString(chunk), chunk)
		got, err := luaconv.Encode(L, L.Get(-1), luaconv.EncodeOptions{})
		require.NoError(t, err, chunk)
		assert.Equal(t, want, got, chunk)
		L.Close()
	}
}

func TestEncodeErrorsNamePath(t *testing.T) {
	for chunk, want := range map[string]string{
		`return {a = {b = {c = {0/0}}}}`:   "cannot encode NaN: JSON has no NaN or infinity at a.b.c[1]",
		`return {a = {1, {x = 1/0}}}`:      "cannot encode +Inf: JSON has no NaN or infinity at a[2].x",
		`return {{1, {y = print}}}`:        "cannot encode a function at [1][2].y",
		`local t = {} t.self = t return t`: "cannot encode a table that contains itself at self",
		`local t = {} t[1] = {t} return t`: "cannot encode a table that contains itself at [1][1]",
		`return {k = {[true] = 1}}`:        "a table key of type boolean cannot be converted (only string and number keys can) at k",
		`return coroutine.create(print)`:   "cannot encode a thread",
	} {
		_, err := encodeLua(t, chunk, luaconv.EncodeOptions{})
		require.Error(t, err, chunk)
		assert.Equal(t, want, err.Error(), chunk)
	}
}

func TestEncodePrettyAndLimit(t *testing.T) {
	got, err := encodeLua(t, `return {b = {1, {}}, a = "x"}`, luaconv.EncodeOptions{Pretty: true})
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    {}\n  ]\n}", got)
	got, err = encodeLua(t, `return {1, {2}}`, luaconv.EncodeOptions{Pretty: true, Indent: "\t"})
	require.NoError(t, err)
	assert.Equal(t, "[\n\t1,\n\t[\n\t\t2\n\t]\n]", got)

	_, err = encodeLua(t, `local t = {} for i = 1, 100 do t[i] = {i} end return t`, luaconv.EncodeOptions{Limit: 50})
	var big *luaconv.ErrTooLarge
	require.ErrorAs(t, err, &big)
	assert.Equal(t, 50, big.Limit)
}

func TestEncodeDeepNestingFails(t *testing.T) {
	_, err := encodeLua(t, `local t = {} local c = t for i = 1, 600 do c.x = {} c = c.x end return t`, luaconv.EncodeOptions{})
	assert.ErrorContains(t, err, "nested more than 512 levels deep")
}

// Repeated strings and numbers share one boxed Lua value in the decoder;
// the decoded values must still be independent and equal to the input.
func TestDecodeReusesEqualValuesOnly(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	in := `[["ab","ba","ab","abc",""],[1,1.5,1,-1,0,-0,1e2,123456789012345678],{"a":"x","b":"x","a":null}]`
	v, err := luaconv.Decode(L, in)
	require.NoError(t, err)
	out, err := luaconv.Encode(L, v, luaconv.EncodeOptions{})
	require.NoError(t, err)
	assert.Equal(t, `[["ab","ba","ab","abc",""],[1,1.5,1,-1,0,0,100,123456789012345680],{"b":"x"}]`, out)
}
