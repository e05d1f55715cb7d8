package luaconv

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// maxDepth bounds nesting in every conversion, so a deeply nested (or
// self-referencing) table ends with an error instead of a stack overflow.
const maxDepth = 512

// shape describes how a table maps onto JSON.
type shape struct {
	array bool
	n     int      // array length (holes become null)
	keys  []objKey // object fields, sorted by name
	mixed bool     // had both list items and named fields
}

type objKey struct {
	name string
	key  lua.LValue
}

// inspect decides whether t is an array or an object. Unmarked tables whose
// keys are exactly 1..n are arrays; an empty unmarked table is an object
// (like most Lua JSON libraries); the markers set by json.array(),
// json.object() and by decoding override the guess.
func inspect(t *lua.LTable) (shape, error) {
	kind := Kind(t)
	total, maxInt := 0, 0
	allInts, anyInt := true, false
	var badKey lua.LValue
	t.ForEach(func(k, _ lua.LValue) {
		total++
		if n, ok := k.(lua.LNumber); ok {
			f := float64(n)
			if f >= 1 && f == math.Trunc(f) && f <= math.MaxInt32 {
				anyInt = true
				if int(f) > maxInt {
					maxInt = int(f)
				}
				return
			}
		}
		allInts = false
		switch k.(type) {
		case lua.LString, lua.LNumber:
		default:
			if badKey == nil {
				badKey = k
			}
		}
	})
	if badKey != nil {
		return shape{}, fmt.Errorf("a table key of type %s cannot be converted (only string and number keys can)", badKey.Type())
	}
	if total == 0 {
		return shape{array: kind == "array"}, nil
	}
	if allInts && kind != "object" && (maxInt == total || kind == "array") {
		return shape{array: true, n: maxInt}, nil
	}
	s := shape{mixed: anyInt && !allInts}
	s.keys = make([]objKey, 0, total)
	t.ForEach(func(k, _ lua.LValue) {
		var name string
		switch x := k.(type) {
		case lua.LString:
			name = string(x)
		case lua.LNumber:
			name = formatNumber(float64(x))
		}
		s.keys = append(s.keys, objKey{name: name, key: k})
	})
	sort.Slice(s.keys, func(i, j int) bool { return s.keys[i].name < s.keys[j].name })
	return s, nil
}

// isInteger reports whether f can be written without a fractional part.
func isInteger(f float64) bool {
	return f == math.Trunc(f) && math.Abs(f) < 1<<63
}

// formatNumber writes integers without a decimal point and other numbers
// in the shortest form that reads back to the same float64.
func formatNumber(f float64) string {
	if isInteger(f) {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
