package luahost

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// The sandbox is built up from nothing (SkipOpenLibs): only the libraries
// below are opened, in this order, and then the unsafe members are removed
// or replaced. There is no io, debug, package or channel library, no file
// system, process or network access, and no way to load code at run time.
var safeLibs = []struct {
	name string
	open lua.LGFunction
}{
	{lua.BaseLibName, lua.OpenBase},
	{lua.TabLibName, lua.OpenTable},
	{lua.StringLibName, lua.OpenString},
	{lua.MathLibName, lua.OpenMath},
	{lua.CoroutineLibName, lua.OpenCoroutine},
	{lua.OsLibName, lua.OpenOs},
}

// removedGlobals load code, reach the file system, or break the sandbox.
var removedGlobals = []string{
	"dofile", "loadfile", "load", "loadstring", "require", "module",
	"getfenv", "setfenv", "newproxy", "_printregs",
}

// keptOS is the part of os that only reads the clock.
var keptOS = []string{"time", "clock", "date", "difftime"}

const pristineKey = "kosmo.pristine"

// Limits of the VM itself. The call stack bounds recursion depth; the
// registry (value stack) bounds how many values can be in flight, e.g.
// unpack of a huge range.
const (
	callStackSize   = 1000
	registrySize    = 8 * 1024
	registryMaxSize = 256 * 1024
)

// newState builds a state with the safe libraries and kosmo's modules and
// records its pristine globals, from which every run gets a fresh copy.
func (h *Host) newState() *lua.LState {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:        true,
		CallStackSize:       callStackSize,
		RegistrySize:        registrySize,
		RegistryMaxSize:     registryMaxSize,
		RegistryGrowStep:    4 * 1024,
		MinimizeStackMemory: true,
	})
	for _, lib := range safeLibs {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	g := L.G.Global
	for _, name := range removedGlobals {
		g.RawSetString(name, lua.LNil)
	}
	g.RawSetString("getmetatable", L.NewFunction(safeGetMetatable))
	g.RawSetString("setmetatable", L.NewFunction(safeSetMetatable))
	g.RawSetString("collectgarbage", L.NewFunction(safeCollectGarbage))

	if str, ok := g.RawGetString(lua.StringLibName).(*lua.LTable); ok {
		installStringLib(L, str)
		// gopher-lua makes the library table itself the metatable of every
		// string (with __index pointing back at it), which would hand every
		// run the one table all runs share. Strings get their own protected
		// metatable over a private copy of the library instead.
		str.RawSetString("__index", lua.LNil)
		hidden := L.CreateTable(0, 24)
		str.ForEach(func(k, v lua.LValue) { hidden.RawSet(k, v) })
		smt := L.CreateTable(0, 2)
		smt.RawSetString("__index", hidden)
		smt.RawSetString("__metatable", lua.LString("kosmo.string"))
		L.SetMetatable(lua.LString(""), smt)
	}
	if tbl, ok := g.RawGetString(lua.TabLibName).(*lua.LTable); ok {
		tbl.RawSetString("concat", L.NewFunction(safeTableConcat))
	}
	g.RawSetString("unpack", L.NewFunction(safeUnpack))
	if osTable, ok := g.RawGetString(lua.OsLibName).(*lua.LTable); ok {
		kept := L.CreateTable(0, len(keptOS))
		for _, name := range keptOS {
			kept.RawSetString(name, osTable.RawGetString(name))
		}
		kept.RawSetString("date", L.NewFunction(safeOSDate(osTable.RawGetString("date").(*lua.LFunction))))
		g.RawSetString(lua.OsLibName, kept)
	}
	wrapCoroutines(L, g)

	h.installModules(L, g)
	plan, err := planGlobals(g)
	if err != nil {
		// a bug in how kosmo builds the sandbox, never a script's doing
		panic("luahost: " + err.Error())
	}
	ud := L.NewUserData()
	ud.Value = plan
	L.G.Registry.RawSetString(pristineKey, ud)
	return L
}

// freshGlobals gives a run its own globals: a copy of every table reachable
// from the pristine globals (library tables, app.integrations.*, docs, json
// ...), so that whatever a script changes, by assignment or rawset, at any
// depth, stays in its own run and never reaches the next run on this pooled
// state. What the copies share with other runs are functions (immutable
// from Lua), json.null (a userdata) and metatables, which planGlobals has
// checked are protected and hold no tables.
func freshGlobals(L *lua.LState) *lua.LTable {
	g := planOf(L).fresh(L)
	L.G.Global = g
	L.Env = g
	return g
}

// safeGetMetatable is getmetatable limited to tables and userdata, honouring
// __metatable: the metatable shared by all strings stays out of reach.
func safeGetMetatable(L *lua.LState) int {
	v := L.CheckAny(1)
	switch v.(type) {
	case *lua.LTable, *lua.LUserData:
	default:
		L.Push(lua.LNil)
		return 1
	}
	mt := L.GetMetatable(v)
	if t, ok := mt.(*lua.LTable); ok {
		if guard := t.RawGetString("__metatable"); guard != lua.LNil {
			L.Push(guard)
			return 1
		}
	}
	L.Push(mt)
	return 1
}

// safeSetMetatable only accepts tables, as Lua 5.1 does; gopher-lua's
// version would let a script replace the metatable of every string.
func safeSetMetatable(L *lua.LState) int {
	t := L.CheckTable(1)
	mt := L.Get(2)
	if mt != lua.LNil {
		if _, ok := mt.(*lua.LTable); !ok {
			L.ArgError(2, "nil or table expected")
		}
	}
	if cur, ok := t.Metatable.(*lua.LTable); ok && cur.RawGetString("__metatable") != lua.LNil && !luaconv.IsMarker(L, cur) {
		L.RaiseError("cannot change a protected metatable")
	}
	t.Metatable = mt
	L.SetTop(1)
	return 1
}

// safeCollectGarbage accepts only the no-argument form, which is a no-op:
// the Go collector runs on its own, and scripts must not be able to stall
// other runs in the process by forcing collections.
func safeCollectGarbage(L *lua.LState) int {
	if L.GetTop() > 0 {
		raise(L, errcode.New(errcode.InvalidArgument, "collectgarbage: arguments are not available in the sandbox").
			WithHint("memory is managed by the host; see docs.read(\"lua\") for the memory limit"))
	}
	L.Push(lua.LNumber(0))
	return 1
}

// safeStringRep reserves the result's size first, so string.rep("x", 2^31)
// fails with memory_limit instead of allocating 2 GB.
func safeStringRep(L *lua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt64(2)
	sep := L.OptString(3, "")
	if n <= 0 {
		L.Push(lua.LString(""))
		return 1
	}
	size := float64(len(s))*float64(n) + float64(len(sep))*float64(n-1)
	if size > 1<<40 {
		size = 1 << 40
	}
	runOf(L).reserve(L, int64(size))
	if r := runOf(L); r == nil && size > 1<<30 {
		L.RaiseError("string.rep: result too large")
	}
	buf := make([]byte, 0, int(size))
	for i := int64(0); i < n; i++ {
		if i > 0 {
			buf = append(buf, sep...)
		}
		buf = append(buf, s...)
	}
	L.Push(lua.LString(buf))
	return 1
}

// safeTableConcat is table.concat with its result size reserved first.
func safeTableConcat(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := L.OptString(2, "")
	i := L.OptInt(3, 1)
	j := L.OptInt(4, t.Len())
	if i > j {
		L.Push(lua.LString(""))
		return 1
	}
	size := int64(0)
	for k := i; k <= j; k++ {
		v := t.RawGetInt(k)
		switch s := v.(type) {
		case lua.LString:
			size += int64(len(s))
		case lua.LNumber:
			size += int64(len(s.String()))
		default:
			L.RaiseError("invalid value (at index %d) in table for 'concat'", k)
		}
		size += int64(len(sep))
	}
	runOf(L).reserve(L, size)
	buf := make([]byte, 0, size)
	for k := i; k <= j; k++ {
		if k > i {
			buf = append(buf, sep...)
		}
		buf = append(buf, lua.LVAsString(t.RawGetInt(k))...)
	}
	L.Push(lua.LString(buf))
	return 1
}
