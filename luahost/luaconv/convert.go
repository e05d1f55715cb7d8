package luaconv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// ToGoOptions controls ToGo.
type ToGoOptions struct {
	// Strict refuses values that have no data meaning (functions,
	// coroutines, userdata other than json.null) and tables that mix list
	// items with named fields, instead of rendering them as text. Use it for
	// arguments, where guessing would hide a mistake.
	Strict bool
	// MaxBytes bounds the estimated size of the converted data (0 means
	// DefaultMaxBytes). Shared subtables count every time they are met, as
	// the result holds a copy for each path; past the bound ToGo returns a
	// *BudgetError.
	MaxBytes int64
	// Context, when set, is checked every few thousand values: a
	// cancelled context ends the conversion with its error.
	Context context.Context
}

// DefaultMaxBytes bounds conversions and dumps that name no budget.
const DefaultMaxBytes = 64 << 20

// checkEvery is how many values conversions and dumps handle between two
// looks at their context.
const checkEvery = 4096

// BudgetError reports a conversion or dump that outgrew its budget.
type BudgetError struct {
	Limit int64 // bytes
	What  string
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%s is larger than %d bytes (shared subtables count once per path that reaches them)", e.What, e.Limit)
}

// Estimated sizes of converted values, for the budget.
const (
	sizeValue = 16
	sizeTable = 64
)

// ToGo converts a Lua value to plain Go data: nil, bool, int64 (whole
// numbers), float64, string, []any and map[string]any. json.null becomes
// nil. Cycles and excessive nesting are errors.
func ToGo(L *lua.LState, v lua.LValue, opts ToGoOptions) (any, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	c := toGo{opts: opts, visiting: map[*lua.LTable]bool{}}
	return c.value(v, 0, nil)
}

type toGo struct {
	opts     ToGoOptions
	visiting map[*lua.LTable]bool
	bytes    int64
	nodes    int
}

// charge counts n bytes of output and looks at the context now and then.
func (c *toGo) charge(n int64) error {
	c.bytes += n
	if c.bytes > c.opts.MaxBytes {
		return &BudgetError{Limit: c.opts.MaxBytes, What: "the converted value"}
	}
	c.nodes++
	if c.nodes%checkEvery == 0 && c.opts.Context != nil {
		if err := c.opts.Context.Err(); err != nil {
			return err
		}
	}
	return nil
}

// pathNode is the position of a value inside the converted data, built
// into text only when an error names it.
type pathNode struct {
	parent *pathNode
	name   string
	index  int // 1-based list position when name is ""
}

func (p *pathNode) String() string {
	if p == nil {
		return ""
	}
	prefix := p.parent.String()
	if p.name == "" {
		return prefix + "[" + strconv.Itoa(p.index) + "]"
	}
	return joinField(prefix, p.name)
}

func where(path *pathNode) string {
	if path == nil {
		return ""
	}
	return " at " + path.String()
}

func (c *toGo) value(v lua.LValue, depth int, path *pathNode) (any, error) {
	size := int64(sizeValue)
	if s, ok := v.(lua.LString); ok {
		size += int64(len(s))
	}
	if err := c.charge(size); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(x), nil
	case lua.LNumber:
		f := float64(x)
		if isInteger(f) {
			return int64(f), nil
		}
		if c.opts.Strict && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return nil, fmt.Errorf("number %v%s is not a finite number", f, where(path))
		}
		return f, nil
	case lua.LString:
		return string(x), nil
	case *lua.LTable:
		return c.table(x, depth, path)
	case *lua.LUserData:
		if x.Value == theNull {
			return nil, nil
		}
	}
	if c.opts.Strict {
		return nil, fmt.Errorf("a %s%s cannot be passed as data", v.Type(), where(path))
	}
	return "<" + v.Type().String() + ">", nil
}

func (c *toGo) table(t *lua.LTable, depth int, path *pathNode) (any, error) {
	if c.visiting[t] {
		return nil, fmt.Errorf("the table%s contains itself (a cycle cannot be converted)", where(path))
	}
	if depth >= maxDepth {
		return nil, fmt.Errorf("tables are nested more than %d levels deep%s", maxDepth, where(path))
	}
	s, err := inspect(t)
	if err != nil {
		return nil, fmt.Errorf("%v%s", err, where(path))
	}
	if err := c.charge(sizeTable + int64(len(s.keys))*sizeValue); err != nil {
		return nil, err
	}
	if s.mixed && c.opts.Strict {
		return nil, fmt.Errorf("the table%s mixes list items with named fields; use one or the other", where(path))
	}
	c.visiting[t] = true
	defer delete(c.visiting, t)
	if s.array {
		out := make([]any, s.n)
		for i := 1; i <= s.n; i++ {
			v, err := c.value(t.RawGetInt(i), depth+1, &pathNode{parent: path, index: i})
			if err != nil {
				return nil, err
			}
			out[i-1] = v
		}
		return out, nil
	}
	out := make(map[string]any, len(s.keys))
	for _, k := range s.keys {
		v, err := c.value(t.RawGet(k.key), depth+1, &pathNode{parent: path, name: k.name})
		if err != nil {
			return nil, err
		}
		out[k.name] = v
	}
	return out, nil
}

func joinField(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// ToLua converts Go data to Lua. Maps become object-marked tables (nil
// values are left out, so `if t.field then` works), slices become
// array-marked tables (nil items become json.null, keeping positions).
// Other Go values (structs, typed slices and maps) go through their JSON
// form.
func ToLua(L *lua.LState, v any) lua.LValue {
	return toLua(L, v, 0)
}

func toLua(L *lua.LState, v any, depth int) lua.LValue {
	if depth > maxDepth {
		return lua.LNil
	}
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case lua.LValue:
		return x
	case bool:
		return lua.LBool(x)
	case string:
		return lua.LString(x)
	case int:
		return lua.LNumber(x)
	case int64:
		return lua.LNumber(x)
	case int32:
		return lua.LNumber(x)
	case uint64:
		return lua.LNumber(x)
	case float64:
		return lua.LNumber(x)
	case float32:
		return lua.LNumber(x)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return lua.LNumber(i)
		}
		f, _ := x.Float64()
		return lua.LNumber(f)
	case []any:
		t := NewArray(L, len(x))
		for i, item := range x {
			if item == nil {
				t.RawSetInt(i+1, Null(L))
				continue
			}
			t.RawSetInt(i+1, toLua(L, item, depth+1))
		}
		return t
	case []string:
		t := NewArray(L, len(x))
		for i, item := range x {
			t.RawSetInt(i+1, lua.LString(item))
		}
		return t
	case map[string]any:
		t := NewObject(L, len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic insertion order for pairs()
		for _, k := range keys {
			if item := x[k]; item != nil {
				t.RawSetString(k, toLua(L, item, depth+1))
			}
		}
		return t
	case map[string]string:
		t := NewObject(L, len(x))
		for k, item := range x {
			t.RawSetString(k, lua.LString(item))
		}
		return t
	}
	return viaJSON(L, v, depth)
}

func viaJSON(L *lua.LState, v any, depth int) lua.LValue {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		return lua.LNil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return lua.LString(fmt.Sprint(v))
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return lua.LString(string(b))
	}
	return toLua(L, generic, depth)
}
