package luaconv

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Dump renders v as readable, deterministic Lua-like text: nested tables
// are expanded with two-space indentation, object keys are sorted, list
// items come in order, strings are quoted, and json.null prints as
// json.null. A table met again inside itself prints as <cycle>.
//
// Dump stops at DefaultMaxBytes, ending the text with a note, and stops
// early when L's context is cancelled; DumpWith reports both as errors.
func Dump(L *lua.LState, v lua.LValue) string {
	opts := DumpOptions{}
	if L != nil {
		opts.Context = L.Context()
	}
	s, err := DumpWith(L, v, opts)
	if err != nil {
		s += "\n<dump stopped: " + err.Error() + ">"
	}
	return s
}

// DumpOptions bound DumpWith.
type DumpOptions struct {
	MaxBytes int64           // bytes of text (0: DefaultMaxBytes)
	Context  context.Context // checked every few thousand values when set
}

// DumpWith is Dump with a budget: it returns what was rendered so far
// and a *BudgetError when the text would pass opts.MaxBytes, or the
// context's error when it is cancelled.
func DumpWith(L *lua.LState, v lua.LValue, opts DumpOptions) (string, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	d := dumper{visiting: map[*lua.LTable]bool{}, opts: opts}
	func() {
		defer func() {
			if p := recover(); p != nil {
				stop, ok := p.(dumpStop)
				if !ok {
					panic(p)
				}
				d.err = stop.err
			}
		}()
		d.value(v, 0)
	}()
	out := d.b.String()
	if int64(len(out)) > opts.MaxBytes {
		out = out[:opts.MaxBytes]
	}
	return out, d.err
}

// dumpStop unwinds a dump that hit its budget or its context.
type dumpStop struct{ err error }

type dumper struct {
	b        strings.Builder
	visiting map[*lua.LTable]bool
	opts     DumpOptions
	nodes    int
	err      error
}

// check is called once per value rendered.
func (d *dumper) check() {
	if int64(d.b.Len()) > d.opts.MaxBytes {
		panic(dumpStop{&BudgetError{Limit: d.opts.MaxBytes, What: "the dump"}})
	}
	d.nodes++
	if d.nodes%checkEvery == 0 && d.opts.Context != nil {
		if err := d.opts.Context.Err(); err != nil {
			panic(dumpStop{err})
		}
	}
}

// indentation for up to maxDepth levels
var spaces = strings.Repeat("  ", maxDepth+1)

func (d *dumper) indent(depth int) {
	d.b.WriteString(spaces[:2*min(depth, maxDepth+1)])
}

func (d *dumper) value(v lua.LValue, depth int) {
	d.check()
	switch x := v.(type) {
	case *lua.LNilType:
		d.b.WriteString("nil")
	case lua.LBool:
		d.b.WriteString(x.String())
	case lua.LNumber:
		d.b.WriteString(luaNumber(float64(x)))
	case lua.LString:
		d.b.WriteString(Quote(string(x)))
	case *lua.LTable:
		d.table(x, depth)
	case *lua.LUserData:
		if x.Value == theNull {
			d.b.WriteString("json.null")
			return
		}
		d.b.WriteString("<userdata>")
	default:
		d.b.WriteString("<" + v.Type().String() + ">")
	}
}

func luaNumber(f float64) string {
	switch {
	case f != f:
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return formatNumber(f)
}

func (d *dumper) table(t *lua.LTable, depth int) {
	if d.visiting[t] {
		d.b.WriteString("<cycle>")
		return
	}
	if depth >= maxDepth {
		d.b.WriteString("{...}")
		return
	}
	s, err := inspect(t)
	if err != nil {
		d.generic(t, depth)
		return
	}
	if (s.array && s.n == 0) || (!s.array && len(s.keys) == 0) {
		d.b.WriteString("{}")
		return
	}
	d.visiting[t] = true
	defer delete(d.visiting, t)
	d.b.WriteString("{\n")
	if s.array {
		for i := 1; i <= s.n; i++ {
			d.indent(depth + 1)
			d.value(t.RawGetInt(i), depth+1)
			if i < s.n {
				d.b.WriteByte(',')
			}
			d.b.WriteByte('\n')
		}
	} else {
		for i, k := range s.keys {
			d.indent(depth + 1)
			d.b.WriteString(dumpKey(k))
			d.b.WriteString(" = ")
			d.value(t.RawGet(k.key), depth+1)
			if i < len(s.keys)-1 {
				d.b.WriteByte(',')
			}
			d.b.WriteByte('\n')
		}
	}
	d.indent(depth)
	d.b.WriteByte('}')
}

// generic prints tables with keys JSON cannot express (booleans, tables).
func (d *dumper) generic(t *lua.LTable, depth int) {
	d.visiting[t] = true
	defer delete(d.visiting, t)
	type kv struct {
		sort string
		k, v lua.LValue
	}
	var items []kv
	t.ForEach(func(k, v lua.LValue) {
		items = append(items, kv{sort: k.Type().String() + ":" + k.String(), k: k, v: v})
	})
	sortKVs(items, func(a, b kv) bool { return a.sort < b.sort })
	d.b.WriteString("{\n")
	for i, it := range items {
		d.indent(depth + 1)
		d.b.WriteByte('[')
		d.value(it.k, depth+1)
		d.b.WriteString("] = ")
		d.value(it.v, depth+1)
		if i < len(items)-1 {
			d.b.WriteByte(',')
		}
		d.b.WriteByte('\n')
	}
	d.indent(depth)
	d.b.WriteByte('}')
}

func sortKVs[T any](items []T, less func(a, b T) bool) {
	sort.SliceStable(items, func(i, j int) bool { return less(items[i], items[j]) })
}

func dumpKey(k objKey) string {
	if _, isNum := k.key.(lua.LNumber); isNum {
		return "[" + k.name + "]"
	}
	if isIdentifier(k.name) {
		return k.name
	}
	return "[" + Quote(k.name) + "]"
}

var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "goto": true, "if": true, "in": true,
	"local": true, "nil": true, "not": true, "or": true, "repeat": true, "return": true,
	"then": true, "true": true, "until": true, "while": true,
}

func isIdentifier(s string) bool {
	if s == "" || luaKeywords[s] {
		return false
	}
	for i, c := range s {
		if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}

// Quote returns s as a double-quoted Lua string literal.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				// three digits, so a following digit cannot extend the escape
				b.WriteString(fmt.Sprintf("\\%03d", c))
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
