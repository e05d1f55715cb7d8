package luahost

import (
	"fmt"
	"reflect"

	lua "github.com/yuin/gopher-lua"
)

// Isolation between runs on a pooled state.
//
// A pooled state serves many runs, possibly of different callers (mcp:serve).
// Every object a run can reach is therefore either its own or read-only:
//
//   - every table reachable from the globals (as a key or value, at any
//     depth) is copied for each run by globalsPlan.instantiate;
//   - what the copies share with other runs are functions and userdata,
//     which Lua code cannot change, and metatables;
//   - every shared metatable carries __metatable, so getmetatable returns the
//     guard instead of the table and setmetatable refuses to replace it, and
//     holds no table (a table under __index would be reachable through
//     lookups); planGlobals refuses to build a sandbox where that is not so.
//
// The metatable of strings is one more shared object: the sandbox gives it
// its own protected table over a private copy of the string library.

// globalsPlan is the flattened graph of the pristine globals: the tables in
// a fixed order (0 is the globals table) and, for each, its entries with the
// positions of table keys and values, so that a run's copy is built with no
// map lookups.
type globalsPlan struct {
	tables  []*lua.LTable
	entries [][]planEntry
	arrays  []int // array-part sizes, to preallocate
	// baseline is the memory estimate of one copy (memsize.go): what a run
	// starts with and is not charged for.
	baseline int64
	// spare is the copy used by the last run when it ended cleanly; the
	// next run reuses it if it is still exactly as instantiated.
	spare []*lua.LTable
	// shapes are the spare's tables' shapes as instantiated.
	shapes []tableShape
}

// planOf returns the plan recorded in L's registry by newState.
func planOf(L *lua.LState) *globalsPlan {
	return L.G.Registry.RawGetString(pristineKey).(*lua.LUserData).Value.(*globalsPlan)
}

type planEntry struct {
	k, v   lua.LValue
	kt, vt int32 // index+1 in tables when the key / value is a table
}

// planGlobals walks every value reachable from g and checks that whatever
// would be shared between runs is protected.
func planGlobals(g *lua.LTable) (*globalsPlan, error) {
	p := &globalsPlan{}
	index := map[*lua.LTable]int32{}
	var checkErr error
	var visit func(t *lua.LTable, path string) int32
	visitValue := func(v lua.LValue, path string) int32 {
		switch x := v.(type) {
		case *lua.LTable:
			return visit(x, path)
		case *lua.LUserData:
			if err := checkSharedMeta(x.Metatable, path); err != nil && checkErr == nil {
				checkErr = err
			}
		}
		return 0
	}
	visit = func(t *lua.LTable, path string) int32 {
		if i, ok := index[t]; ok {
			return i
		}
		p.tables = append(p.tables, t)
		p.entries = append(p.entries, nil)
		p.arrays = append(p.arrays, t.Len())
		i := int32(len(p.tables))
		index[t] = i
		if err := checkSharedMeta(t.Metatable, path); err != nil && checkErr == nil {
			checkErr = err
		}
		var es []planEntry
		t.ForEach(func(k, v lua.LValue) {
			es = append(es, planEntry{k: k, v: v})
		})
		for n := range es {
			es[n].kt = visitValue(es[n].k, path+"[key]")
			es[n].vt = visitValue(es[n].v, path+"."+es[n].k.String())
		}
		p.entries[i-1] = es
		return i
	}
	visit(g, "_G")
	p.baseline, _ = measureData(g, 0)
	return p, checkErr
}

// checkSharedMeta accepts no metatable, or a protected one without tables.
func checkSharedMeta(mt lua.LValue, path string) error {
	t, ok := mt.(*lua.LTable)
	if !ok {
		return nil
	}
	if t.RawGetString("__metatable") == lua.LNil {
		return fmt.Errorf("the metatable of %s is shared between runs but not protected by __metatable", path)
	}
	var bad lua.LValue
	t.ForEach(func(k, v lua.LValue) {
		if _, isTable := v.(*lua.LTable); isTable {
			bad = k
		}
		if _, isTable := k.(*lua.LTable); isTable {
			bad = k
		}
	})
	if bad != nil {
		return fmt.Errorf("the metatable of %s is shared between runs and holds a table at %s", path, bad.String())
	}
	return nil
}

// fresh returns a copy of the globals for a new run: the previous run's
// copy when that run left it untouched, else a new one.
func (p *globalsPlan) fresh(L *lua.LState) *lua.LTable {
	spare := p.spare
	p.spare = nil
	if spare != nil && p.untouched(spare) {
		p.spare = spare
		return spare[0]
	}
	p.spare = p.instantiate(L)
	if shapesReadable {
		p.shapes = p.shapes[:0]
		for _, t := range p.spare {
			p.shapes = append(p.shapes, shapeOf(t))
		}
	}
	return p.spare[0]
}

// A table's shape: the lengths of its array part and of its list of keys.
//
// gopher-lua appends every new key of a table to an internal key list (a
// key set to nil stays listed) and every new integer key near the end to
// the array part, and it never shortens either. So a table whose shape is
// unchanged has gained no key, and one whose expected entries all still
// hold their values is exactly as it was. Reading the two lengths costs a
// few nanoseconds; counting entries with ForEach boxed every string key
// again and was half of a pooled run. The key list also keeps the keys a
// run set and then removed, which a count of live entries would not see:
// such a copy is replaced, so runs cannot pile dead keys onto it.
//
// The two fields are unexported, so they are read by reflection (reading
// is allowed; nothing writes them). If a gopher-lua release renamed them,
// shapesReadable is false and untouched falls back to counting.
type tableShape struct{ array, keys int }

var arrayField, keysField, shapesReadable = func() ([]int, []int, bool) {
	t := reflect.TypeFor[lua.LTable]()
	a, okA := t.FieldByName("array")
	k, okK := t.FieldByName("keys")
	ok := okA && okK && a.Type.Kind() == reflect.Slice && k.Type.Kind() == reflect.Slice
	return a.Index, k.Index, ok
}()

func shapeOf(t *lua.LTable) tableShape {
	v := reflect.ValueOf(t).Elem()
	return tableShape{array: v.FieldByIndex(arrayField).Len(), keys: v.FieldByIndex(keysField).Len()}
}

// untouched reports whether the tables of a copy still hold exactly what
// instantiate put there: the same entries and the same metatables. The
// values a run may have stored are all reached through these tables, so
// an untouched copy carries nothing from the run that used it.
func (p *globalsPlan) untouched(out []*lua.LTable) bool {
	for i, t := range out {
		if t.Metatable != p.tables[i].Metatable {
			return false
		}
		if shapesReadable && len(p.shapes) == len(out) {
			if shapeOf(t) != p.shapes[i] {
				return false
			}
		} else {
			n := 0
			t.ForEach(func(lua.LValue, lua.LValue) { n++ })
			if n != len(p.entries[i]) {
				return false
			}
		}
		for _, e := range p.entries[i] {
			k, v := e.k, e.v
			if e.kt != 0 {
				k = out[e.kt-1]
			}
			if e.vt != 0 {
				v = out[e.vt-1]
			}
			if t.RawGet(k) != v {
				return false
			}
		}
	}
	return true
}

// instantiate builds a run's private copy of the globals.
func (p *globalsPlan) instantiate(L *lua.LState) []*lua.LTable {
	out := make([]*lua.LTable, len(p.tables))
	for i, t := range p.tables {
		out[i] = L.CreateTable(p.arrays[i], max(0, len(p.entries[i])-p.arrays[i]))
		out[i].Metatable = t.Metatable
	}
	for i, es := range p.entries {
		t := out[i]
		for _, e := range es {
			k, v := e.k, e.v
			if e.kt != 0 {
				k = out[e.kt-1]
			}
			if e.vt != 0 {
				v = out[e.vt-1]
			}
			t.RawSet(k, v)
		}
	}
	return out
}
