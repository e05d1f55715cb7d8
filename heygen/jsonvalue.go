package heygen

import (
	"encoding/json"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// parseJSON decodes one JSON document in a single pass into the values
// encoding/json's Decoder with UseNumber produces for an `any`:
// map[string]any, []any, string, bool, nil and json.Number. It accepts
// exactly what json.Unmarshal accepts (one value, surrounding white space)
// and, like it, replaces invalid UTF-8 and lone surrogates with U+FFFD and
// lets a repeated key overwrite the earlier one.
//
// It exists because a list page used to be scanned five times on its way to
// the caller. The body is copied into one string; strings without escapes
// and every number are slices of it, so a page costs one allocation per
// object, array and escaped string instead of one per value. The values
// therefore keep the whole body alive while any of them is.
//
// On failure the error only says that the document is not valid JSON;
// callers that report the reason ask encoding/json for it.
func parseJSON(b []byte) (any, error) {
	p := jsonParser{s: string(b)}
	p.skipSpace()
	v, ok := p.value(0)
	if !ok {
		return nil, errInvalidJSON
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, errInvalidJSON
	}
	return v, nil
}

var errInvalidJSON = errors.New("invalid JSON")

// maxJSONDepth is encoding/json's nesting limit, so the same documents are
// refused.
const maxJSONDepth = 10000

type jsonParser struct {
	s string
	i int
	// stack holds the items of the arrays and objects being read, shared
	// by all levels, so each container is allocated once at its exact size.
	stack []any
	keys  []string
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (any, bool) {
	if p.i >= len(p.s) {
		return nil, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, ok := p.str()
		return s, ok
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, false
}

func (p *jsonParser) literal(word string) bool {
	if len(p.s)-p.i >= len(word) && p.s[p.i:p.i+len(word)] == word {
		p.i += len(word)
		return true
	}
	return false
}

func (p *jsonParser) object(depth int) (any, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	p.i++ // {
	base, kbase := len(p.stack), len(p.keys)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return map[string]any{}, true
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.skipSpace()
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		p.keys = append(p.keys, k)
		p.stack = append(p.stack, v)
		more, ok := p.afterItem('}')
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
	}
	m := make(map[string]any, len(p.keys)-kbase)
	for j, k := range p.keys[kbase:] {
		m[k] = p.stack[base+j]
	}
	clear(p.stack[base:])
	p.stack, p.keys = p.stack[:base], p.keys[:kbase]
	return m, true
}

// afterItem reads what follows an object member or array item: a comma
// (more follows) or the closing bracket.
func (p *jsonParser) afterItem(closing byte) (more, ok bool) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return false, false
	}
	switch p.s[p.i] {
	case ',':
		p.i++
		p.skipSpace()
		return true, true
	case closing:
		p.i++
		return false, true
	}
	return false, false
}

// unescaped maps the letter after a backslash to the byte it stands for,
// for every escape but \u; zero means no such escape.
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func (p *jsonParser) array(depth int) (any, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	p.i++ // [
	base := len(p.stack)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return []any{}, true
	}
	for {
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, v)
		more, ok := p.afterItem(']')
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
	}
	out := make([]any, len(p.stack)-base)
	copy(out, p.stack[base:])
	clear(p.stack[base:])
	p.stack = p.stack[:base]
	return out, true
}

// number checks JSON's number grammar and returns the text as json.Number.
func (p *jsonParser) number() (any, bool) {
	s, start := p.s, p.i
	i := p.i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return nil, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return nil, false
		}
	}
	p.i = i
	return json.Number(s[start:i]), true
}

// str reads a string at p.i (which holds the opening quote). A string of
// valid UTF-8 without escapes is returned as a slice of the input.
func (p *jsonParser) str() (string, bool) {
	s := p.s
	start := p.i + 1
	i := start
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.i = i + 1
			return s[start:i], true
		case c == '\\' || c < 0x20:
			return p.slowStr(start, i)
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return p.slowStr(start, i)
			}
			i += size
		}
	}
	return "", false
}

// slowStr finishes a string that needs rewriting (escapes or invalid
// UTF-8), as encoding/json unquotes it. i is where rewriting starts.
func (p *jsonParser) slowStr(start, i int) (string, bool) {
	s := p.s
	buf := make([]byte, 0, i-start+16)
	buf = append(buf, s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.i = i + 1
			return string(buf), true
		case c < 0x20:
			return "", false
		case c == '\\':
			i++
			if i >= len(s) {
				return "", false
			}
			if b := unescaped[s[i]]; b != 0 {
				buf = append(buf, b)
				i++
				continue
			}
			switch s[i] {
			case 'u':
				r, ok := hex4(s, i+1)
				if !ok {
					return "", false
				}
				i += 5
				if utf16.IsSurrogate(r) {
					// A high surrogate followed by an escaped low one makes
					// one rune; anything else is a lone surrogate.
					if r2, ok2 := escapedRune(s, i); ok2 {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return "", false
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			buf = utf8.AppendRune(buf, r)
		}
	}
	return "", false
}

// escapedRune reads a \uXXXX escape at s[i:].
func escapedRune(s string, i int) (rune, bool) {
	if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
		return hex4(s, i+2)
	}
	return 0, false
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
