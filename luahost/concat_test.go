package luahost_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// The guarded `..` builds strings itself (numbers included), so every
// chain must give exactly what gopher-lua's own operator gives.
func TestConcatMatchesGopherLua(t *testing.T) {
	exprs := []string{
		`1 .. ""`, `-7 .. "|" .. 0`, `-0 .. ""`, `(0/0) .. ""`, `(1/0) .. "" .. (-1/0)`,
		`2^53 .. "" .. 2^53 + 1`, `2^63 .. ""`, `-2^63 .. ""`, `2^64 .. ""`, `1e300 .. ""`,
		`0.1 .. "x" .. 3`, `"a" .. 1.5 .. "b" .. -7.25`, `1e-7 .. ""`, `123456789012345 .. ""`,
		`"" .. "" .. ""`, `"x" .. ("y"):rep(3) .. 1e15 .. 1e16`,
		`local m = setmetatable({}, {__concat = function(a, b)
			return "[" .. (type(a) == "table" and "T" or a) .. "+" .. (type(b) == "table" and "T" or b) .. "]"
		end}) return 1 .. "a" .. m .. "b" .. 2`,
		`local m = setmetatable({}, {__concat = function(a, b) return 5 end}) return "a" .. m .. "b"`,
	}
	h := newHost(t, nil)
	for _, e := range exprs {
		code := e
		if len(code) < 6 || code[:6] != "local " {
			code = "return " + e
		}
		L := lua.NewState()
		require.NoError(t, L.DoString(code), e)
		want := L.Get(-1).String()
		L.Close()

		env := run(t, h, code)
		require.True(t, env.Success, "%s: %+v", e, env.Error)
		assert.Equal(t, []any{want}, env.Result, e)
	}
}

func TestConcatErrorsNameTheOperand(t *testing.T) {
	h := newHost(t, nil)
	for code, want := range map[string]string{
		`return "a" .. {}`:               "attempt to concatenate a table value",
		`return {} .. "a"`:               "attempt to concatenate a table value",
		`return 1 .. "x" .. nil`:         "attempt to concatenate a nil value",
		`return true .. 1 .. "x"`:        "attempt to concatenate a boolean value",
		`local f = print return f .. ""`: "attempt to concatenate a function value",
	} {
		env := run(t, h, code)
		require.False(t, env.Success, code)
		assert.Equal(t, "lua_runtime_error", errCode(env), code)
		assert.Contains(t, env.Error.Message, want, code)
	}
}

// The chunk holds the built-in in a local of its own, so overwriting the
// global changes nothing; a chunk near Lua's register limit compiles as
// it did before the local existed.
func TestConcatLocalBuiltin(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `__kosmo_concat = nil local function f(x) return x .. "!" end return f("a" .. 1)`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{"a1!"}, env.Result)

	var code strings.Builder
	for i := 0; i < 197; i++ {
		fmt.Fprintf(&code, "local v%d = %d\n", i, i)
	}
	code.WriteString(`return "a" .. v196`)
	env = run(t, h, code.String())
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{"a196"}, env.Result)
}

// FuzzConcatNumbers checks that numbers are written into `..` results as
// gopher-lua writes them, for any finite number.
func FuzzConcatNumbers(f *testing.F) {
	for _, x := range []float64{0, -1, 1.5, 1e15, 1e16, 2e53, -9.223372036854775808e18, 1e300, 5e-324, 0.1} {
		f.Add(x, "|")
	}
	h := newHost(f, nil)
	f.Fuzz(func(t *testing.T, x float64, sep string) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Skip()
		}
		code := fmt.Sprintf("local x = %s return x .. %q .. -x .. x", strconv.FormatFloat(x, 'g', -1, 64), sep)
		L := lua.NewState()
		defer L.Close()
		if err := L.DoString(code); err != nil {
			t.Skip() // a separator gopher-lua cannot read back
		}
		want := L.Get(-1).String()
		env := run(t, h, code)
		require.True(t, env.Success, "%s: %+v", code, env.Error)
		assert.Equal(t, []any{want}, env.Result, code)
	})
}
