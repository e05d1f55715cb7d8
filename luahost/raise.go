package luahost

import (
	"fmt"
	"slices"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// errorDetailKeys are the details every error value carries when set;
// integrations add their own through registry.Integration.ErrorDetails.
var errorDetailKeys = []string{"status", "request_id", "param", "function", "retry_after"}

// errorDetailsOf returns errorDetailKeys plus every bound integration's own
// detail fields, without repeats.
func errorDetailsOf(bindings []Binding) []string {
	keys := append([]string(nil), errorDetailKeys...)
	for _, b := range bindings {
		if b.Integration == nil {
			continue
		}
		for _, k := range b.Integration.ErrorDetails {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// errorMetaKey names the registry slot of the metatable shared by error
// tables, so that the host recognises them when they leave the chunk.
const errorMetaKey = "kosmo.error"

// raise throws e into Lua as an error table {code, message, hint, ...}
// with a __tostring of "code: message". It never returns.
//
// Scripts can catch it with pcall and branch on err.code; when it escapes
// the chunk, the host maps the table back to the original *errcode.Error
// (details included), so nothing is lost on the way out.
func raise(L *lua.LState, e *errcode.Error) {
	if r := runOf(L); r != nil {
		if e.Line == 0 {
			e.Line = currentLine(L)
		}
		if errcode.IsLimit(e.Code) {
			r.stop(e)
		}
	}
	L.Error(errorTable(L, e), 0)
}

// errorTable builds the Lua value of e and remembers which Go error it
// stands for.
func errorTable(L *lua.LState, e *errcode.Error) *lua.LTable {
	t := L.CreateTable(0, 6)
	t.RawSetString("code", lua.LString(e.Code))
	t.RawSetString("message", lua.LString(e.Message))
	if e.Hint != "" {
		t.RawSetString("hint", lua.LString(e.Hint))
	}
	r := runOf(L)
	keys := errorDetailKeys
	if r != nil && r.host != nil {
		keys = r.host.errorDetails
	}
	for _, k := range keys {
		if v, ok := e.Details[k]; ok {
			t.RawSetString(k, luaconv.ToLua(L, v))
		}
	}
	L.SetMetatable(t, errorMeta(L))
	if r != nil {
		r.rememberError(t, e)
	}
	return t
}

func errorMeta(L *lua.LState) *lua.LTable {
	if mt, ok := L.GetField(L.Get(lua.RegistryIndex), errorMetaKey).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	describe := func(L *lua.LState, v lua.LValue) string {
		t, ok := v.(*lua.LTable)
		if !ok {
			return v.String()
		}
		return fmt.Sprintf("%s: %s", lua.LVAsString(t.RawGetString("code")), lua.LVAsString(t.RawGetString("message")))
	}
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(describe(L, L.Get(1))))
		return 1
	}))
	// "prefix " .. err works, as it does for string errors.
	mt.RawSetString("__concat", L.NewFunction(func(L *lua.LState) int {
		a, b := L.Get(1), L.Get(2)
		L.Push(lua.LString(concatPart(L, a, describe) + concatPart(L, b, describe)))
		return 1
	}))
	// The error also behaves as its message for string methods, as
	// KosmoKrator's string errors do: err:match("..."), err:find(...),
	// err:lower(), #err. Fields (code, message, hint, ...) are raw and so
	// are found first.
	mt.RawSetString("__index", L.NewFunction(errorIndex))
	mt.RawSetString("__len", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(len(errorMessage(L.Get(1)))))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LString("kosmo.error"))
	L.SetField(L.Get(lua.RegistryIndex), errorMetaKey, mt)
	return mt
}

// errorMessage is the message of an error table ("" for anything else).
func errorMessage(v lua.LValue) string {
	if t, ok := v.(*lua.LTable); ok {
		return lua.LVAsString(t.RawGetString("message"))
	}
	return ""
}

// errorIndex resolves a missing key of an error table: the name of a
// string function gives that function applied to the error's message
// (the error itself, passed as self, stands for its message); any other
// key is nil.
func errorIndex(L *lua.LState) int {
	name, ok := L.Get(2).(lua.LString)
	strlib, _ := L.GetMetaField(lua.LString(""), "__index").(*lua.LTable)
	if !ok || strlib == nil {
		L.Push(lua.LNil)
		return 1
	}
	fn, ok := strlib.RawGetString(string(name)).(*lua.LFunction)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	self := L.Get(1)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		L.Push(fn)
		for i := 1; i <= n; i++ {
			v := L.Get(i)
			if i == 1 && v == self {
				v = lua.LString(errorMessage(self))
			}
			L.Push(v)
		}
		L.Call(n, lua.MultRet)
		return L.GetTop() - n
	}))
	return 1
}

// wrapStringFormat installs stringFormat as string.format in g, and in the
// table string methods resolve through when that is another table, so
// that ("%s"):format(err) works too.
func wrapStringFormat(L *lua.LState, g *lua.LTable) {
	libs := []*lua.LTable{}
	if str, ok := g.RawGetString(lua.StringLibName).(*lua.LTable); ok {
		libs = append(libs, str)
	}
	if methods, ok := L.GetMetaField(lua.LString(""), "__index").(*lua.LTable); ok && (len(libs) == 0 || methods != libs[0]) {
		libs = append(libs, methods)
	}
	for _, lib := range libs {
		if f, ok := lib.RawGetString("format").(*lua.LFunction); ok {
			lib.RawSetString("format", L.NewFunction(stringFormat(f)))
		}
	}
}

// stringFormat wraps string.format so that "%s" of a value with a
// __tostring metamethod (kosmo's errors) prints that text rather than the
// table's address.
func stringFormat(format *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		n := L.GetTop()
		L.Push(format)
		for i := 1; i <= n; i++ {
			v := L.Get(i)
			if i > 1 && (v.Type() == lua.LTTable || v.Type() == lua.LTUserData) && L.GetMetaField(v, "__tostring") != lua.LNil {
				v = L.ToStringMeta(v)
			}
			L.Push(v)
		}
		L.Call(n, 1)
		return 1
	}
}

func concatPart(L *lua.LState, v lua.LValue, describe func(*lua.LState, lua.LValue) string) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return x.String()
	case *lua.LTable:
		return describe(L, x)
	}
	L.RaiseError("attempt to concatenate a %s value", v.Type().String())
	return ""
}

// currentLine is the line of the innermost Lua function on the stack.
func currentLine(L *lua.LState) int {
	for level := 0; level < 8; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return 0
		}
		if _, err := L.GetInfo("l", dbg, lua.LNil); err == nil && dbg.CurrentLine > 0 {
			return dbg.CurrentLine
		}
	}
	return 0
}

// argError raises invalid_argument for a built-in's bad argument, naming
// the function and the parameter: "json.encode: argument #2 (options) must
// be a table, got string".
func argError(L *lua.LState, fn string, n int, name, want string) {
	got := L.Get(n).Type().String()
	if L.Get(n) == lua.LNil {
		got = "nil"
	}
	raise(L, errcode.New(errcode.InvalidArgument, "%s: argument #%d (%s) must be %s, got %s", fn, n, name, want, got).
		WithDetail("function", fn).WithDetail("param", name))
}
