package luaconv

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

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
func Encode(L *lua.LState, v lua.LValue, opts EncodeOptions) (string, error) {
	e := encoder{opts: opts, visiting: map[*lua.LTable]bool{}}
	if opts.Pretty && e.opts.Indent == "" {
		e.opts.Indent = "  "
	}
	if err := e.value(v, 0, ""); err != nil {
		return "", err
	}
	return e.b.String(), nil
}

type encoder struct {
	b        strings.Builder
	opts     EncodeOptions
	visiting map[*lua.LTable]bool
}

func (e *encoder) fail(path, format string, args ...any) error {
	return &EncodeError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

func (e *encoder) checkLimit() error {
	if e.opts.Limit > 0 && e.b.Len() > e.opts.Limit {
		return &ErrTooLarge{Limit: e.opts.Limit}
	}
	return nil
}

func (e *encoder) value(v lua.LValue, depth int, path string) error {
	switch x := v.(type) {
	case *lua.LNilType:
		e.b.WriteString("null")
	case lua.LBool:
		if x {
			e.b.WriteString("true")
		} else {
			e.b.WriteString("false")
		}
	case lua.LNumber:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return e.fail(path, "cannot encode %v: JSON has no NaN or infinity", f)
		}
		e.b.WriteString(jsonNumber(f))
	case lua.LString:
		writeString(&e.b, string(x))
	case *lua.LTable:
		return e.table(x, depth, path)
	case *lua.LUserData:
		if x.Value == theNull {
			e.b.WriteString("null")
			return nil
		}
		return e.fail(path, "cannot encode a userdata")
	default:
		return e.fail(path, "cannot encode a %s", v.Type())
	}
	return nil
}

func jsonNumber(f float64) string {
	if isInteger(f) {
		return strconv.FormatInt(int64(f), 10)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		// JSON wants e-07 written as e-7; Go already omits the plus padding
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (e *encoder) newline(depth int) {
	if !e.opts.Pretty {
		return
	}
	e.b.WriteByte('\n')
	for i := 0; i < depth; i++ {
		e.b.WriteString(e.opts.Indent)
	}
}

func (e *encoder) table(t *lua.LTable, depth int, path string) error {
	if e.visiting[t] {
		return e.fail(path, "cannot encode a table that contains itself")
	}
	if depth >= maxDepth {
		return e.fail(path, "cannot encode tables nested more than %d levels deep", maxDepth)
	}
	if err := e.checkLimit(); err != nil {
		return err
	}
	s, err := inspect(t)
	if err != nil {
		return e.fail(path, "%v", err)
	}
	e.visiting[t] = true
	defer delete(e.visiting, t)
	if s.array {
		if s.n == 0 {
			e.b.WriteString("[]")
			return nil
		}
		e.b.WriteByte('[')
		for i := 1; i <= s.n; i++ {
			if i > 1 {
				e.b.WriteByte(',')
			}
			e.newline(depth + 1)
			if err := e.value(t.RawGetInt(i), depth+1, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		e.newline(depth)
		e.b.WriteByte(']')
		return nil
	}
	if len(s.keys) == 0 {
		e.b.WriteString("{}")
		return nil
	}
	e.b.WriteByte('{')
	for i, k := range s.keys {
		if i > 0 {
			e.b.WriteByte(',')
		}
		e.newline(depth + 1)
		writeString(&e.b, k.name)
		e.b.WriteByte(':')
		if e.opts.Pretty {
			e.b.WriteByte(' ')
		}
		if err := e.value(t.RawGet(k.key), depth+1, joinField(path, k.name)); err != nil {
			return err
		}
	}
	e.newline(depth)
	e.b.WriteByte('}')
	return nil
}

const hexDigits = "0123456789abcdef"

// writeString writes s as a JSON string. Bytes that are not valid UTF-8
// become U+FFFD, as encoding/json does; <, > and & are left alone.
func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
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
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
