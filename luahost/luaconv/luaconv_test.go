package luaconv_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

func roundTrip(t *testing.T, in string) string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	v, err := luaconv.Decode(L, in)
	require.NoError(t, err, in)
	out, err := luaconv.Encode(L, v, luaconv.EncodeOptions{})
	require.NoError(t, err, in)
	return out
}

func TestRoundTrips(t *testing.T) {
	for in, want := range map[string]string{
		`{"b":[1,2,{"c":null}],"a":{}}`:    `{"a":{},"b":[1,2,{}]}`,
		`[]`:                               `[]`,
		`[null,null]`:                      `[null,null]`,
		`"\u00e9\ud83d\ude00"`:             `"é😀"`,
		`9007199254740992`:                 `9007199254740992`,
		`-0.5`:                             `-0.5`,
		`1e-7`:                             `1e-07`,
		`{"x":[[],{}],"y":true,"z":false}`: `{"x":[[],{}],"y":true,"z":false}`,
		`"a\"b\\c\n\t"`:                    `"a\"b\\c\n\t"`,
	} {
		assert.Equal(t, want, roundTrip(t, in), in)
	}
}

func TestDecodeErrorsNameOffset(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	for in, want := range map[string]string{
		`{"a":1,}`:  "at byte 7",
		`[1 2]`:     "at byte 3",
		`"abc`:      "end of input",
		`{"a" 1}`:   "expected ':'",
		`tru`:       "invalid literal",
		`[1] extra`: "after the JSON value",
		``:          "unexpected end of input",
	} {
		_, err := luaconv.Decode(L, in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

func TestToGoShapes(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	require.NoError(t, L.DoString(`
arr = {1, 2.5, "x", true}
obj = {a = 1, b = {c = "d"}}
mixed = {1, 2, k = "v"}
cyc = {} cyc.me = cyc
`))
	v, err := luaconv.ToGo(L, L.GetGlobal("arr"), luaconv.ToGoOptions{})
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1), 2.5, "x", true}, v)
	v, err = luaconv.ToGo(L, L.GetGlobal("obj"), luaconv.ToGoOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"a": int64(1), "b": map[string]any{"c": "d"}}, v)
	_, err = luaconv.ToGo(L, L.GetGlobal("mixed"), luaconv.ToGoOptions{Strict: true})
	assert.ErrorContains(t, err, "mixes list items with named fields")
	_, err = luaconv.ToGo(L, L.GetGlobal("cyc"), luaconv.ToGoOptions{})
	assert.ErrorContains(t, err, "contains itself")
	_, err = luaconv.ToGo(L, lua.LNumber(math.NaN()), luaconv.ToGoOptions{Strict: true})
	assert.Error(t, err)
}

func TestToLuaKeepsNullPositions(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	v := luaconv.ToLua(L, map[string]any{"list": []any{"a", nil, "c"}, "gone": nil, "n": json.Number("42")})
	tbl := v.(*lua.LTable)
	assert.Equal(t, lua.LNil, tbl.RawGetString("gone"))
	assert.Equal(t, lua.LNumber(42), tbl.RawGetString("n"))
	list := tbl.RawGetString("list").(*lua.LTable)
	assert.Equal(t, 3, list.Len())
	assert.True(t, luaconv.IsNull(list.RawGetInt(2)))
}

// FuzzDecode: json.decode never panics, and accepts exactly what
// encoding/json accepts (for inputs without invalid UTF-8, which Go
// replaces and kosmo rejects).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,null,"x"]}`, `"\ud83d\ude00"`, `1e400`, `[1,]`, `{"a":1}x`, `-0`, `"\u0000"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		L := lua.NewState()
		defer L.Close()
		v, err := luaconv.Decode(L, s)
		valid := json.Valid([]byte(s))
		if err == nil && !valid {
			t.Fatalf("accepted invalid JSON %q", s)
		}
		if err != nil {
			return
		}
		out, err := luaconv.Encode(L, v, luaconv.EncodeOptions{})
		if err != nil {
			t.Fatalf("cannot re-encode %q: %v", s, err)
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("re-encoded %q as invalid JSON %q", s, out)
		}
	})
}

// FuzzEncode: Lua values built from arbitrary JSON convert to Go and encode
// to valid JSON that decodes to the same Go value.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{`{"a":{"b":[1,2,3]}}`, `[{"x":null},[]]`, `"tab\t"`, `123456789012`, `0.1`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		L := lua.NewState()
		defer L.Close()
		v, err := luaconv.Decode(L, s)
		if err != nil {
			return
		}
		out, err := luaconv.Encode(L, v, luaconv.EncodeOptions{})
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		goVal, err := luaconv.ToGo(L, v, luaconv.ToGoOptions{})
		if err != nil {
			t.Fatalf("ToGo: %v", err)
		}
		b, err := json.Marshal(goVal)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var a, c any
		require.NoError(t, json.Unmarshal([]byte(out), &a))
		require.NoError(t, json.Unmarshal(b, &c))
		assert.Equal(t, a, c)
	})
}

// A control character followed by a digit must stay two characters when
// the rendering is read back as Lua.
func TestQuoteControlThenDigit(t *testing.T) {
	assert.Equal(t, `"\0012"`, luaconv.Quote("\x012"))
	L := lua.NewState()
	defer L.Close()
	require.NoError(t, L.DoString("s = "+luaconv.Quote("\x012\n\"x\"")))
	assert.Equal(t, "\x012\n\"x\"", L.GetGlobal("s").String())
}
