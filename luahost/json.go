package luahost

import (
	"errors"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// openJSON builds the json module: encode, decode, null, object, array.
func openJSON(L *lua.LState) *lua.LTable {
	m := L.CreateTable(0, 5)
	m.RawSetString("encode", L.NewFunction(jsonEncode))
	m.RawSetString("decode", L.NewFunction(jsonDecode))
	m.RawSetString("null", luaconv.Null(L))
	m.RawSetString("object", L.NewFunction(func(L *lua.LState) int {
		L.Push(luaconv.MarkObject(L, optTable(L, "json.object")))
		return 1
	}))
	m.RawSetString("array", L.NewFunction(func(L *lua.LState) int {
		L.Push(luaconv.MarkArray(L, optTable(L, "json.array")))
		return 1
	}))
	return m
}

// optTable returns argument 1 when it is a table, or a new one when absent.
func optTable(L *lua.LState, fn string) *lua.LTable {
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		return L.NewTable()
	case *lua.LTable:
		return v
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "%s expects a table or nothing, got %s", fn, v.Type()))
		return nil
	}
}

func jsonEncode(L *lua.LState) int {
	if L.GetTop() == 0 {
		raise(L, errcode.New(errcode.InvalidArgument, "json.encode expects a value to encode"))
	}
	opts := luaconv.EncodeOptions{}
	if o, ok := L.Get(2).(*lua.LTable); ok {
		opts.Pretty = lua.LVAsBool(o.RawGetString("pretty"))
		if s, ok := o.RawGetString("indent").(lua.LString); ok {
			opts.Indent = string(s)
		}
	} else if L.Get(2) != lua.LNil {
		raise(L, errcode.New(errcode.InvalidArgument, "json.encode: the second argument must be an options table like {pretty = true}, got %s", L.Get(2).Type()))
	}
	r := runOf(L)
	if r != nil {
		opts.Limit = int(r.limits.Memory)
	}
	s, err := luaconv.Encode(L, L.Get(1), opts)
	if err != nil {
		var big *luaconv.ErrTooLarge
		if errors.As(err, &big) && r != nil {
			raise(L, memoryError(r.limits.Memory, int64(big.Limit)))
		}
		raise(L, errcode.New(errcode.InvalidArgument, "json.encode: %v", err))
	}
	r.reserve(L, int64(len(s)))
	L.Push(lua.LString(s))
	return 1
}

func jsonDecode(L *lua.LState) int {
	v := L.Get(1)
	s, ok := v.(lua.LString)
	if !ok {
		raise(L, errcode.New(errcode.InvalidArgument, "json.decode expects a JSON string, got %s", v.Type()))
	}
	// decoded tables take several times the text's size
	runOf(L).reserve(L, int64(len(s))*6)
	out, err := luaconv.Decode(L, string(s))
	if err != nil {
		e := errcode.New(errcode.InvalidArgument, "json.decode: invalid JSON: %v", err)
		var se *luaconv.SyntaxError
		if errors.As(err, &se) {
			e.WithDetail("offset", se.Offset)
		}
		raise(L, e)
	}
	L.Push(out)
	return 1
}
