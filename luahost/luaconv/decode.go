package luaconv

import (
	"fmt"
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
func Decode(L *lua.LState, s string) (lua.LValue, error) {
	d := decoder{L: L, s: s, null: Null(L)}
	d.skipSpace()
	v, err := d.value(0)
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
		return lua.LString(s), nil
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
	t := NewObject(d.L, 0)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return t, nil
	}
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
			t.RawSetString(key, lua.LNil) // a later duplicate null removes an earlier value
		} else {
			t.RawSetString(key, v)
		}
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, d.fail("unexpected end of input, expected ',' or '}'")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return t, nil
		default:
			return nil, d.fail("unexpected %s, expected ',' or '}'", d.describe())
		}
	}
}

func (d *decoder) array(depth int) (lua.LValue, error) {
	d.i++ // [
	t := NewArray(d.L, 0)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return t, nil
	}
	n := 0
	for {
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n++
		if v == lua.LNil {
			v = d.null
		}
		t.RawSetInt(n, v)
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, d.fail("unexpected end of input, expected ',' or ']'")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return t, nil
		default:
			return nil, d.fail("unexpected %s, expected ',' or ']'", d.describe())
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (d *decoder) number() (lua.LValue, error) {
	start := d.i
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
		d.i++
		if d.i >= len(d.s) || !isDigit(d.s[d.i]) {
			return nil, d.fail("invalid number, expected a digit after '.'")
		}
		for d.i < len(d.s) && isDigit(d.s[d.i]) {
			d.i++
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
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
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return lua.LNumber(n), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		// out of range: ParseFloat gives ±Inf, which Lua cannot round-trip
		return nil, &SyntaxError{Offset: start, Msg: "number " + text + " is out of range"}
	}
	return lua.LNumber(f), nil
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
	buf := make([]byte, 0, d.i-start+16)
	buf = append(buf, d.s[start:d.i]...)
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
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
