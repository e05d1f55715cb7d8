package luaconv

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// EncodeOptions controls Encode.
type EncodeOptions struct {
	Pretty bool   // indent nested values
	Indent string // indentation unit when Pretty; default two spaces
	// Limit, when positive, makes Encode fail once the output would pass
	// that many bytes (the caller's memory budget).
	Limit int
}

// EncodeError is returned for values JSON cannot represent.
type EncodeError struct {
	Path string // where in the value, e.g. data.items[3]
	Msg  string
}

func (e *EncodeError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Msg + " at " + e.Path
}

// ErrTooLarge is wrapped by the error Encode returns when Limit is hit.
type ErrTooLarge struct{ Limit int }

func (e *ErrTooLarge) Error() string {
	return fmt.Sprintf("the JSON text would be larger than %d bytes", e.Limit)
}

// Encode writes v as JSON. Object keys are sorted so the output is
// deterministic; whole numbers print without a decimal point; NaN, ±Inf,
// functions, cycles and non-string keys are errors naming where they are.
//
// It appends straight from the Lua tables into one growing buffer: arrays
// are read by index without gathering their keys, object fields are
// gathered into a slice reused per nesting level and sorted there, numbers
// are formatted with strconv's append functions, and the path named in an
// error is only put together when there is an error.
func Encode(L *lua.LState, v lua.LValue, opts EncodeOptions) (string, error) {
	e := encoder{opts: opts}
	if opts.Pretty && e.opts.Indent == "" {
		e.opts.Indent = "  "
	}
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	e.arrayMeta, _ = reg.RawGetString(arrayMetaKey).(*lua.LTable)
	e.objectMeta, _ = reg.RawGetString(objectMetaKey).(*lua.LTable)
	e.b = make([]byte, 0, 512)
	if err := e.value(v, 0); err != nil {
		if ee, ok := err.(*EncodeError); ok {
			ee.Path = strings.TrimPrefix(ee.Path, ".")
		}
		return "", err
	}
	// the buffer is never written again: hand it over as the string
	// without a copy, as strings.Builder does
	return unsafe.String(unsafe.SliceData(e.b), len(e.b)), nil
}

type encoder struct {
	b    []byte
	opts EncodeOptions

	arrayMeta, objectMeta *lua.LTable // the decoder's markers, when L has them

	open   []*lua.LTable // tables being encoded, outermost first: a cycle is one met again
	fields [][]field     // per nesting level, reused for the fields of each object
}

// field is one object entry, gathered before sorting by name.
type field struct {
	name  string
	value lua.LValue
}

func (e *encoder) fail(format string, args ...any) error {
	return &EncodeError{Msg: fmt.Sprintf(format, args...)}
}

// within prefixes the path of an error from inside an array item or an
// object field ("[3]" or ".name"; the leading dot goes at the top).
func within(err error, part string) error {
	if ee, ok := err.(*EncodeError); ok {
		ee.Path = part + ee.Path
	}
	return err
}

func (e *encoder) checkLimit() error {
	if e.opts.Limit > 0 && len(e.b) > e.opts.Limit {
		return &ErrTooLarge{Limit: e.opts.Limit}
	}
	return nil
}

func (e *encoder) value(v lua.LValue, depth int) error {
	switch x := v.(type) {
	case lua.LString:
		e.b = appendString(e.b, string(x))
	case lua.LNumber:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return e.fail("cannot encode %v: JSON has no NaN or infinity", f)
		}
		e.b = appendNumber(e.b, f)
	case *lua.LTable:
		return e.table(x, depth)
	case lua.LBool:
		if x {
			e.b = append(e.b, "true"...)
		} else {
			e.b = append(e.b, "false"...)
		}
	case *lua.LNilType:
		e.b = append(e.b, "null"...)
	case *lua.LUserData:
		if x.Value == theNull {
			e.b = append(e.b, "null"...)
			return nil
		}
		return e.fail("cannot encode a userdata")
	default:
		return e.fail("cannot encode a %s", v.Type())
	}
	return nil
}

// appendNumber writes f as JSON: integers without a decimal point, very
// small and very large magnitudes with an exponent, others in the
// shortest form that reads back to the same float64.
func appendNumber(b []byte, f float64) []byte {
	if isInteger(f) {
		return strconv.AppendInt(b, int64(f), 10)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

func (e *encoder) newline(depth int) {
	if !e.opts.Pretty {
		return
	}
	e.b = append(e.b, '\n')
	for i := 0; i < depth; i++ {
		e.b = append(e.b, e.opts.Indent...)
	}
}

// kind is Kind(t), comparing with the decoder's marker tables first.
func (e *encoder) kind(t *lua.LTable) string {
	switch mt := t.Metatable.(type) {
	case *lua.LNilType:
		return ""
	case *lua.LTable:
		if mt == e.arrayMeta {
			return "array"
		}
		if mt == e.objectMeta {
			return "object"
		}
	}
	return Kind(t)
}

// listLength returns n when t holds exactly the items 1..n and nothing
// else, so it can be written as an array without gathering its keys. A
// table marked as an array may have holes (they become null).
func listLength(t *lua.LTable, kind string) (int, bool) {
	n := t.Len() // the last non-nil item: nothing at n+1 or beyond in the list part
	if n == 0 {
		if k, _ := t.Next(lua.LNil); k != lua.LNil {
			return 0, false
		}
		return 0, true
	}
	if k, _ := t.Next(lua.LNumber(n)); k != lua.LNil {
		return 0, false // named fields, or numbers past the list part
	}
	if kind == "array" {
		return n, true
	}
	for i := 1; i <= n; i++ {
		if t.RawGetInt(i) == lua.LNil {
			return 0, false // a hole: an unmarked table with gaps is an object
		}
	}
	return n, true
}

func (e *encoder) table(t *lua.LTable, depth int) error {
	for _, o := range e.open {
		if o == t {
			return e.fail("cannot encode a table that contains itself")
		}
	}
	if depth >= maxDepth {
		return e.fail("cannot encode tables nested more than %d levels deep", maxDepth)
	}
	if err := e.checkLimit(); err != nil {
		return err
	}
	kind := e.kind(t)
	if kind != "object" {
		if n, ok := listLength(t, kind); ok {
			if n == 0 && kind == "" {
				e.b = append(e.b, "{}"...) // an empty unmarked table is an object
				return nil
			}
			return e.array(t, n, depth)
		}
	}
	return e.object(t, kind, depth)
}

func (e *encoder) array(t *lua.LTable, n, depth int) error {
	if n == 0 {
		e.b = append(e.b, "[]"...)
		return nil
	}
	e.open = append(e.open, t)
	e.b = append(e.b, '[')
	for i := 1; i <= n; i++ {
		if i > 1 {
			e.b = append(e.b, ',')
		}
		e.newline(depth + 1)
		if err := e.value(t.RawGetInt(i), depth+1); err != nil {
			return within(err, "["+strconv.Itoa(i)+"]")
		}
	}
	e.newline(depth)
	e.b = append(e.b, ']')
	e.open = e.open[:len(e.open)-1]
	return nil
}

// object writes t as an object, or as an array when its keys turn out to
// be list positions after all (a marked array with keys past its list
// part, or an unmarked list kept in the hash part).
func (e *encoder) object(t *lua.LTable, kind string, depth int) error {
	for len(e.fields) <= depth {
		e.fields = append(e.fields, nil)
	}
	fs := e.fields[depth][:0]
	total, maxInt := 0, 0
	allInts := true
	var badKey lua.LValue
	// Next hands out the keys gopher-lua already holds as values; ForEach
	// would box every string key again
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		total++
		var name string
		switch x := k.(type) {
		case lua.LString:
			allInts = false
			name = string(x)
		case lua.LNumber:
			f := float64(x)
			if f >= 1 && f == math.Trunc(f) && f <= math.MaxInt32 {
				maxInt = max(maxInt, int(f))
			} else {
				allInts = false
			}
			name = formatNumber(f)
		default:
			allInts = false
			if badKey == nil {
				badKey = k
			}
		}
		fs = append(fs, field{name: name, value: v})
	}
	e.fields[depth] = fs
	if badKey != nil {
		return e.fail("a table key of type %s cannot be converted (only string and number keys can)", badKey.Type())
	}
	if total == 0 {
		if kind == "array" {
			e.b = append(e.b, "[]"...)
		} else {
			e.b = append(e.b, "{}"...)
		}
		return nil
	}
	if allInts && kind != "object" && (maxInt == total || kind == "array") {
		return e.array(t, maxInt, depth)
	}
	slices.SortFunc(fs, func(a, b field) int { return strings.Compare(a.name, b.name) })
	e.open = append(e.open, t)
	e.b = append(e.b, '{')
	for i, f := range fs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(depth + 1)
		e.b = appendString(e.b, f.name)
		e.b = append(e.b, ':')
		if e.opts.Pretty {
			e.b = append(e.b, ' ')
		}
		if err := e.value(f.value, depth+1); err != nil {
			return within(err, "."+f.name)
		}
	}
	clear(fs) // drop the references to the values
	e.newline(depth)
	e.b = append(e.b, '}')
	e.open = e.open[:len(e.open)-1]
	return nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Bytes that are not valid UTF-8
// become U+FFFD, as encoding/json does; <, > and & are left alone.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"':
				b = append(b, `\"`...)
			case '\\':
				b = append(b, `\\`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, `\u00`...)
				b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
