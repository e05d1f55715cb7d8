package luahost

import (
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// print and tostring render a plain table readably, as KosmoKrator does
// (agents rely on print(result) to see data):
//
//	{
//	  sites: [
//	    {
//	      domain: "example.com"
//	    }
//	  ]
//	}
//
// Lists (keys 1..n) print in [ ], other tables in { } with "key: value"
// lines; keys are sorted (numbers first) so the text is deterministic; a
// table met again inside itself prints as <circular>. A table with a
// __tostring metamethod (kosmo's errors, json.null) keeps it. dump() keeps
// its own Lua-like rendering.

// renderDepth bounds nesting; deeper tables print as {...}.
const renderDepth = 64

// builtinTostring replaces the base library's tostring.
func builtinTostring(L *lua.LState) int {
	L.CheckAny(1)
	L.Push(lua.LString(toText(L, L.Get(1))))
	return 1
}

// toText is tostring(v): the readable rendering for plain tables, Lua's
// usual text (with __tostring) for everything else.
func toText(L *lua.LState, v lua.LValue) string {
	t, ok := v.(*lua.LTable)
	if !ok || hasToString(L, t) {
		return L.ToStringMeta(v).String()
	}
	r := renderer{L: L, b: &budget{L: L, r: runOf(L)}, seen: map[*lua.LTable]bool{}}
	r.table(t, 0)
	return r.sb.String()
}

func hasToString(L *lua.LState, t *lua.LTable) bool {
	return L.GetMetaField(t, "__tostring") != lua.LNil
}

type renderer struct {
	L    *lua.LState
	b    *budget
	sb   strings.Builder
	seen map[*lua.LTable]bool
}

func (r *renderer) write(s string) {
	r.b.add(int64(len(s)))
	r.sb.WriteString(s)
}

func (r *renderer) pad(depth int) {
	r.write(strings.Repeat("  ", depth))
}

func (r *renderer) value(v lua.LValue, depth int) {
	switch x := v.(type) {
	case lua.LString:
		r.write(luaconv.Quote(string(x)))
	case *lua.LTable:
		if hasToString(r.L, x) {
			r.write(r.L.ToStringMeta(x).String())
			return
		}
		r.table(x, depth)
	case *lua.LFunction:
		r.write("<function>")
	default:
		r.write(r.L.ToStringMeta(v).String())
	}
}

func (r *renderer) table(t *lua.LTable, depth int) {
	if r.seen[t] {
		r.write("<circular>")
		return
	}
	if depth >= renderDepth {
		r.write("{...}")
		return
	}
	var keys []lua.LValue
	t.ForEach(func(k, _ lua.LValue) { keys = append(keys, k) })
	if len(keys) == 0 {
		r.write("{}")
		return
	}
	r.b.add(int64(len(keys)) * 16)
	r.seen[t] = true
	defer delete(r.seen, t)
	list := true
	for i := 1; i <= len(keys); i++ {
		if t.RawGetInt(i) == lua.LNil {
			list = false
			break
		}
	}
	if list {
		r.write("[\n")
		for i := 1; i <= len(keys); i++ {
			r.pad(depth + 1)
			r.value(t.RawGetInt(i), depth+1)
			r.separator(i == len(keys))
		}
		r.pad(depth)
		r.write("]")
		return
	}
	sortKeys(keys)
	r.write("{\n")
	for i, k := range keys {
		r.pad(depth + 1)
		if s, ok := k.(lua.LString); ok {
			r.write(string(s))
		} else {
			r.write(r.L.ToStringMeta(k).String())
		}
		r.write(": ")
		r.value(t.RawGet(k), depth+1)
		r.separator(i == len(keys)-1)
	}
	r.pad(depth)
	r.write("}")
}

func (r *renderer) separator(last bool) {
	if last {
		r.write("\n")
	} else {
		r.write(",\n")
	}
}

// sortKeys orders numbers first (ascending), then strings, then the rest
// by type name.
func sortKeys(keys []lua.LValue) {
	rank := func(v lua.LValue) int {
		switch v.(type) {
		case lua.LNumber:
			return 0
		case lua.LString:
			return 1
		}
		return 2
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		switch x := a.(type) {
		case lua.LNumber:
			return x < b.(lua.LNumber)
		case lua.LString:
			return x < b.(lua.LString)
		}
		return a.Type().String() < b.Type().String()
	})
}
