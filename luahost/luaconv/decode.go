package luaconv

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// SyntaxError is a JSON decoding failure at a byte offset (0-based).
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at byte %d", e.Msg, e.Offset)
}

// Decode parses JSON text into Lua values. Arrays and objects come back as
// marked tables, a null inside an array becomes json.null (positions are
// kept), a null object field is left out, and a top-level null is nil.
//
// It makes one pass over the text and builds the Lua values directly. The
// items of an array and the fields of an object are first collected on a
// scratch stack shared by the whole decode, so each table is created once
// with its exact size (gopher-lua would otherwise give every table room
// for 32 items or fields); strings without escapes are slices of s, so
// their only allocation is the Lua value itself.
func Decode(L *lua.LState, s string) (lua.LValue, error) {
	d := decoder{L: L, s: s, null: Null(L),
		arrayMeta:  kindMeta(L, arrayMetaKey, "array"),
		objectMeta: kindMeta(L, objectMetaKey, "object")}
	d.skipSpace()
	v, err := d.value(0)
	clear(d.vals[:cap(d.vals)]) // the scratch stack must not keep values alive
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.i < len(d.s) {
		return nil, d.fail("unexpected %s after the JSON value", d.describe())
	}
	return v, nil
}

type decoder struct {
	L    *lua.LState
	s    string
	i    int
	null *lua.LUserData

	arrayMeta, objectMeta *lua.LTable

	vals []lua.LValue // scratch stack: items and field values being collected
	keys []string     // scratch stack: field names, parallel to vals for objects
	buf  []byte       // scratch space for strings with escapes

	// Boxing a string or a number as a lua.LValue allocates. Data repeats
	// short strings (statuses, types, tags) and numbers (sizes, flags), so
	// the last boxed value per slot is kept and reused when it is equal:
	// values are immutable, so sharing them is invisible to Lua.
	strCache [256]lua.LValue
	numCache [256]lua.LValue
}

const maxCachedString = 24

// boxString returns s as a Lua value, reusing an equal short one.
func (d *decoder) boxString(s string) lua.LValue {
	if len(s) == 0 || len(s) > maxCachedString {
		return lua.LString(s)
	}
	slot := &d.strCache[(len(s)*31+int(s[0])*7+int(s[len(s)-1]))&255]
	if c, ok := (*slot).(lua.LString); ok && string(c) == s {
		return *slot
	}
	v := lua.LValue(lua.LString(s))
	*slot = v
	return v
}

// boxNumber returns n as a Lua value, reusing an equal one.
func (d *decoder) boxNumber(n lua.LNumber) lua.LValue {
	bits := math.Float64bits(float64(n))
	slot := &d.numCache[(bits^bits>>29^bits>>52)&255]
	if c, ok := (*slot).(lua.LNumber); ok && math.Float64bits(float64(c)) == bits {
		return *slot
	}
	v := lua.LValue(n)
	*slot = v
	return v
}

func (d *decoder) fail(format string, args ...any) error {
	return &SyntaxError{Offset: d.i, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) describe() string {
	if d.i >= len(d.s) {
		return "end of input"
	}
	c := d.s[d.i]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("character '%c'", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (d *decoder) skipSpace() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (lua.LValue, error) {
	if depth >= maxDepth {
		return nil, d.fail("JSON nested more than %d levels deep", maxDepth)
	}
	if d.i >= len(d.s) {
		return nil, d.fail("unexpected end of input, expected a value")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return d.boxString(s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return d.literal("true", lua.LTrue)
	case c == 'f':
		return d.literal("false", lua.LFalse)
	case c == 'n':
		return d.literal("null", lua.LNil)
	}
	return nil, d.fail("unexpected %s, expected a value", d.describe())
}

func (d *decoder) literal(word string, v lua.LValue) (lua.LValue, error) {
	if len(d.s)-d.i >= len(word) && d.s[d.i:d.i+len(word)] == word {
		d.i += len(word)
		return v, nil
	}
	return nil, d.fail("invalid literal, expected %q", word)
}

func (d *decoder) object(depth int) (lua.LValue, error) {
	d.i++ // {
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return d.newTable(0, 0, d.objectMeta), nil
	}
	// nested values push and pop their own items, so this object's names
	// and values stay paired from base and kbase on
	base, kbase := len(d.vals), len(d.keys)
	nulls := 0
	for {
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, d.fail("unexpected %s, expected a field name in double quotes", d.describe())
		}
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, d.fail("unexpected %s, expected ':' after field name", d.describe())
		}
		d.i++
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if v == lua.LNil {
			nulls++
		}
		d.keys = append(d.keys, key)
		d.vals = append(d.vals, v)
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, d.fail("unexpected end of input, expected ',' or '}'")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			t := d.newTable(0, len(d.vals)-base-nulls, d.objectMeta)
			keys, vals := d.keys[kbase:], d.vals[base:]
			for k, v := range vals {
				if v == lua.LNil {
					// a null field is left out, and removes an earlier
					// field of the same name
					if t.RawGetString(keys[k]) != lua.LNil {
						t.RawSetString(keys[k], lua.LNil)
					}
					continue
				}
				t.RawSetString(keys[k], v)
			}
			d.keys, d.vals = d.keys[:kbase], d.vals[:base]
			return t, nil
		default:
			return nil, d.fail("unexpected %s, expected ',' or '}'", d.describe())
		}
	}
}

func (d *decoder) array(depth int) (lua.LValue, error) {
	d.i++ // [
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return d.newTable(0, 0, d.arrayMeta), nil
	}
	base := len(d.vals)
	for {
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if v == lua.LNil {
			v = d.null
		}
		d.vals = append(d.vals, v)
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, d.fail("unexpected end of input, expected ',' or ']'")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			vals := d.vals[base:]
			t := d.newTable(len(vals), 0, d.arrayMeta)
			for k, v := range vals {
				t.RawSetInt(k+1, v)
			}
			d.vals = d.vals[:base]
			return t, nil
		default:
			return nil, d.fail("unexpected %s, expected ',' or ']'", d.describe())
		}
	}
}

// newTable creates a marked table with room for exactly n items and h fields.
func (d *decoder) newTable(n, h int, meta *lua.LTable) *lua.LTable {
	t := d.L.CreateTable(n, h)
	t.Metatable = meta
	return t
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (d *decoder) number() (lua.LValue, error) {
	start := d.i
	whole := true // no fraction and no exponent
	if d.s[d.i] == '-' {
		d.i++
	}
	if d.i >= len(d.s) || !isDigit(d.s[d.i]) {
		return nil, d.fail("invalid number, expected a digit")
	}
	if d.s[d.i] == '0' {
		d.i++
	} else {
		for d.i < len(d.s) && isDigit(d.s[d.i]) {
			d.i++
		}
	}
	if d.i < len(d.s) && d.s[d.i] == '.' {
		whole = false
		d.i++
		if d.i >= len(d.s) || !isDigit(d.s[d.i]) {
			return nil, d.fail("invalid number, expected a digit after '.'")
		}
		for d.i < len(d.s) && isDigit(d.s[d.i]) {
			d.i++
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		whole = false
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if d.i >= len(d.s) || !isDigit(d.s[d.i]) {
			return nil, d.fail("invalid number, expected a digit in the exponent")
		}
		for d.i < len(d.s) && isDigit(d.s[d.i]) {
			d.i++
		}
	}
	text := d.s[start:d.i]
	if whole {
		if n, ok := smallInt(text); ok {
			return d.boxNumber(n), nil
		}
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return d.boxNumber(lua.LNumber(n)), nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		// out of range: ParseFloat gives ±Inf, which Lua cannot round-trip
		return nil, &SyntaxError{Offset: start, Msg: "number " + text + " is out of range"}
	}
	return d.boxNumber(lua.LNumber(f)), nil
}

// smallInt converts an integer (already checked to be only digits after an
// optional minus) of at most 15 digits, exact in a float64, without
// strconv; longer ones are left to the general path.
func smallInt(text string) (lua.LNumber, bool) {
	neg := text[0] == '-'
	digits := text
	if neg {
		digits = text[1:]
	}
	if len(digits) > 15 {
		return 0, false
	}
	var n int64
	for k := 0; k < len(digits); k++ {
		n = n*10 + int64(digits[k]-'0')
	}
	if neg {
		n = -n
	}
	return lua.LNumber(n), true
}

// str reads a JSON string starting at the opening quote.
func (d *decoder) str() (string, error) {
	d.i++ // opening quote
	start := d.i
	// fast path: no escapes and valid UTF-8
	for d.i < len(d.s) {
		c := d.s[d.i]
		if c == '"' {
			s := d.s[start:d.i]
			d.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(d.s[d.i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			d.i += size
			continue
		}
		d.i++
	}
	buf := append(d.buf[:0], d.s[start:d.i]...)
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			d.buf = buf // reused by the next string with escapes
			return string(buf), nil
		case c < 0x20:
			return "", d.fail("control character 0x%02x in a string must be escaped", c)
		case c == '\\':
			d.i++
			if d.i >= len(d.s) {
				return "", d.fail("unexpected end of input in an escape")
			}
			e := d.s[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, err := d.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
						save := d.i
						d.i += 2
						low, err := d.hex4()
						if err != nil {
							return "", err
						}
						if p := utf16.DecodeRune(r, low); p != utf8.RuneError {
							r2 = p
						} else {
							d.i = save
						}
					}
					r = r2
				}
				buf = utf8.AppendRune(buf, r)
			default:
				d.i--
				return "", d.fail("invalid escape '\\%c' in a string", e)
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			d.i++
		default:
			r, size := utf8.DecodeRuneInString(d.s[d.i:])
			if r == utf8.RuneError && size == 1 {
				return "", d.fail("invalid UTF-8 in a string")
			}
			buf = append(buf, d.s[d.i:d.i+size]...)
			d.i += size
		}
	}
	return "", &SyntaxError{Offset: len(d.s), Msg: "unexpected end of input in a string"}
}

func (d *decoder) hex4() (rune, error) {
	if len(d.s)-d.i < 4 {
		return 0, d.fail("truncated \\u escape")
	}
	var r rune
	for k := 0; k < 4; k++ {
		c := d.s[d.i+k]
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			d.i += k
			return 0, d.fail("invalid hex digit in \\u escape")
		}
		r = r<<4 | rune(v)
	}
	d.i += 4
	return r, nil
}
