// Package luaconv converts values between gopher-lua and Go, and encodes
// and decodes JSON straight from and to Lua values. Data always becomes
// real Lua tables (so pairs, ipairs and # work); tables carry a small
// marker metatable that remembers whether they were built as a JSON array
// or a JSON object, which is what keeps `{}` and `[]` apart on a round trip.
package luaconv

import (
	lua "github.com/yuin/gopher-lua"
)

const (
	arrayMetaKey  = "kosmo.json.array"
	objectMetaKey = "kosmo.json.object"
	nullKey       = "kosmo.json.null"
	kindField     = "__jsontype"
)

// nullSentinel is the Go value inside every json.null userdata.
type nullSentinel struct{}

var theNull = &nullSentinel{}

// Null returns the json.null value of L: a userdata that stands for a JSON
// null where nil cannot (inside arrays, so that positions are kept).
func Null(L *lua.LState) *lua.LUserData {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if ud, ok := reg.RawGetString(nullKey).(*lua.LUserData); ok {
		return ud
	}
	ud := L.NewUserData()
	ud.Value = theNull
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("null"))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LString("json.null"))
	ud.Metatable = mt
	reg.RawSetString(nullKey, ud)
	return ud
}

// IsNull reports whether v is json.null.
func IsNull(v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	return ok && ud.Value == theNull
}

func kindMeta(L *lua.LState, key, kind string) *lua.LTable {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if mt, ok := reg.RawGetString(key).(*lua.LTable); ok {
		return mt
	}
	// One marker serves every run on the state, so it is protected:
	// getmetatable returns the guard ("json.array" or "json.object"), never
	// the table, and it holds no table.
	mt := L.CreateTable(0, 2)
	mt.RawSetString(kindField, lua.LString(kind))
	mt.RawSetString("__metatable", lua.LString("json."+kind))
	reg.RawSetString(key, mt)
	return mt
}

// IsMarker reports whether mt is one of L's JSON marker metatables, which
// a script may replace with a metatable of its own (the data is the
// script's; only the shared marker is protected).
func IsMarker(L *lua.LState, mt lua.LValue) bool {
	t, ok := mt.(*lua.LTable)
	if !ok {
		return false
	}
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	return t == reg.RawGetString(arrayMetaKey) || t == reg.RawGetString(objectMetaKey)
}

// MarkArray makes t encode as a JSON array even when it is empty.
func MarkArray(L *lua.LState, t *lua.LTable) *lua.LTable {
	t.Metatable = kindMeta(L, arrayMetaKey, "array")
	return t
}

// MarkObject makes t encode as a JSON object even when it is empty.
func MarkObject(L *lua.LState, t *lua.LTable) *lua.LTable {
	t.Metatable = kindMeta(L, objectMetaKey, "object")
	return t
}

// NewArray returns an empty table with room for n items, marked as an array.
func NewArray(L *lua.LState, n int) *lua.LTable {
	return MarkArray(L, L.CreateTable(n, 0))
}

// NewObject returns an empty table with room for n fields, marked as an object.
func NewObject(L *lua.LState, n int) *lua.LTable {
	return MarkObject(L, L.CreateTable(0, n))
}

// Kind tells how a table was marked: "array", "object" or "" (unmarked).
func Kind(t *lua.LTable) string {
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		return ""
	}
	if s, ok := mt.RawGetString(kindField).(lua.LString); ok {
		return string(s)
	}
	return ""
}
