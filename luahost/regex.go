package luahost

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dlclark/regexp2"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// regexCacheSize bounds the compiled patterns kept per state.
const regexCacheSize = 128

// openRegex builds the regex module. Patterns use PCRE-style syntax (the
// regexp2 engine), optionally wrapped in delimiters with flags, and every
// match runs under a timeout so no pattern can hang the host.
func openRegex(L *lua.LState) *lua.LTable {
	rc := &regexCache{compiled: map[string]*regexp2.Regexp{}}
	m := L.CreateTable(0, 5)
	m.RawSetString("match", L.NewFunction(rc.match))
	m.RawSetString("match_all", L.NewFunction(rc.matchAll))
	m.RawSetString("gsub", L.NewFunction(rc.gsub))
	m.RawSetString("split", L.NewFunction(rc.split))
	m.RawSetString("escape", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(regexp2.Escape(L.CheckString(1))))
		return 1
	}))
	return m
}

// regexCache holds the patterns compiled on one state; a state runs one
// chunk at a time, so it needs no lock.
type regexCache struct {
	compiled map[string]*regexp2.Regexp
}

// delimiters that mark a `/pattern/flags` style pattern.
const regexDelimiters = "/#~!%@|"

// ParsePattern splits a pattern written as /expr/flags (or with another
// PCRE delimiter) into the expression and regexp2 options. Anything else
// is taken as a bare expression.
func ParsePattern(p string) (string, regexp2.RegexOptions, error) {
	var opts regexp2.RegexOptions
	if len(p) >= 2 && strings.IndexByte(regexDelimiters, p[0]) >= 0 {
		d := p[0]
		end := strings.LastIndexByte(p, d)
		if end > 0 {
			flags := p[end+1:]
			if strings.Trim(flags, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
				for _, f := range flags {
					switch f {
					case 'i':
						opts |= regexp2.IgnoreCase
					case 'm':
						opts |= regexp2.Multiline
					case 's':
						opts |= regexp2.Singleline
					case 'x':
						opts |= regexp2.IgnorePatternWhitespace
					case 'u':
						// patterns always work on Unicode code points
					default:
						return "", 0, fmt.Errorf("flag '%c' is not supported (use i, m, s, x or u)", f)
					}
				}
				return namedGroups(p[1:end]), opts, nil
			}
		}
	}
	return namedGroups(p), opts, nil
}

// namedGroups rewrites Python/PCRE (?P<name>...) into (?<name>...).
func namedGroups(expr string) string {
	if !strings.Contains(expr, "(?P<") {
		return expr
	}
	var b strings.Builder
	for i := 0; i < len(expr); i++ {
		if expr[i] == '\\' && i+1 < len(expr) {
			b.WriteByte(expr[i])
			b.WriteByte(expr[i+1])
			i++
			continue
		}
		if strings.HasPrefix(expr[i:], "(?P<") {
			b.WriteString("(?<")
			i += 3
			continue
		}
		b.WriteByte(expr[i])
	}
	return b.String()
}

func (rc *regexCache) compile(L *lua.LState, fn string) *regexp2.Regexp {
	v := L.Get(1)
	p, ok := v.(lua.LString)
	if !ok {
		raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: the pattern (argument 1) must be a string, got %s", fn, v.Type()))
	}
	pattern := string(p)
	re := rc.compiled[pattern]
	if re == nil {
		expr, opts, err := ParsePattern(pattern)
		if err == nil {
			re, err = regexp2.Compile(expr, opts)
		}
		if err != nil {
			msg := err.Error()
			var se interface{ Error() string }
			if errors.As(err, &se) {
				msg = strings.TrimPrefix(msg, "error parsing regexp: ")
			}
			raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: invalid pattern %s: %s", fn, strconv.Quote(pattern), msg).
				WithDetail("pattern", pattern).
				WithHint("patterns use PCRE syntax, optionally as /expr/flags with flags i, m, s, x"))
		}
		if len(rc.compiled) >= regexCacheSize {
			clear(rc.compiled)
		}
		rc.compiled[pattern] = re
	}
	r := runOf(L)
	re.MatchTimeout = r.matchTimeout()
	return re
}

func subject(L *lua.LState, fn string) []rune {
	v := L.Get(2)
	var s string
	switch x := v.(type) {
	case lua.LString:
		s = string(x)
	case lua.LNumber:
		s = x.String()
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: the subject (argument 2) must be a string, got %s", fn, v.Type()))
	}
	// the engine works on a rune copy of the subject
	runOf(L).reserve(L, int64(len(s))*4)
	return []rune(s)
}

// matchErr turns an engine failure into a Lua error. The engine's own
// timeout message repeats the whole subject, so it is not passed on.
func matchErr(L *lua.LState, fn string, re *regexp2.Regexp, err error) {
	if strings.Contains(err.Error(), "match timeout") {
		e := errcode.New(errcode.CPULimit, "regex.%s: the pattern %s ran out of time after %s (catastrophic backtracking?)", fn, strconv.Quote(re.String()), re.MatchTimeout.Round(time.Millisecond)).
			WithHint("simplify the pattern (avoid nested quantifiers like (a+)+) or raise --cpu-limit")
		raise(L, e)
	}
	raise(L, errcode.New(errcode.LuaRuntimeError, "regex.%s: %v", fn, err))
}

func find(L *lua.LState, fn string, re *regexp2.Regexp, text []rune, prev *regexp2.Match) *regexp2.Match {
	var m *regexp2.Match
	var err error
	if prev == nil {
		m, err = re.FindRunesMatch(text)
	} else {
		m, err = re.FindNextMatch(prev)
	}
	if err != nil {
		matchErr(L, fn, re, err)
	}
	return m
}

// matchTable renders one match like PHP's preg_match array, 1-based: [1]
// is the whole match, [2]... the groups in order ("" when a group did not
// take part), and named groups also under their names.
func matchTable(L *lua.LState, re *regexp2.Regexp, m *regexp2.Match) *lua.LTable {
	groups := m.Groups()
	t := L.CreateTable(len(groups), 2)
	for i, g := range groups {
		s := lua.LString("")
		if len(g.Captures) > 0 {
			s = lua.LString(g.String())
		}
		t.RawSetInt(i+1, s)
		if g.Name != strconv.Itoa(i) {
			t.RawSetString(g.Name, s)
		}
	}
	return t
}

func (rc *regexCache) match(L *lua.LState) int {
	re := rc.compile(L, "match")
	text := subject(L, "match")
	m := find(L, "match", re, text, nil)
	if m == nil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(matchTable(L, re, m))
	return 1
}

func (rc *regexCache) matchAll(L *lua.LState) int {
	re := rc.compile(L, "match_all")
	text := subject(L, "match_all")
	out := L.NewTable()
	n := 0
	for m := find(L, "match_all", re, text, nil); m != nil; m = find(L, "match_all", re, text, m) {
		n++
		out.RawSetInt(n, matchTable(L, re, m))
	}
	L.Push(out)
	return 1
}

func optLimit(L *lua.LState, idx int, fn string) int {
	switch v := L.Get(idx).(type) {
	case *lua.LNilType:
		return -1
	case lua.LNumber:
		if v < 0 {
			return -1
		}
		return int(v)
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: the limit (argument %d) must be a number, got %s", fn, idx, v.Type()))
		return 0
	}
}

func (rc *regexCache) gsub(L *lua.LState) int {
	re := rc.compile(L, "gsub")
	text := subject(L, "gsub")
	repl := L.Get(3)
	var tmpl string
	var fnRepl *lua.LFunction
	switch x := repl.(type) {
	case lua.LString:
		tmpl = string(x)
	case lua.LNumber:
		tmpl = x.String()
	case *lua.LFunction:
		fnRepl = x
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "regex.gsub: the replacement (argument 3) must be a string or a function, got %s", repl.Type()))
	}
	limit := optLimit(L, 4, "gsub")
	var b strings.Builder
	last, count := 0, 0
	r := runOf(L)
	for m := find(L, "gsub", re, text, nil); m != nil && (limit < 0 || count < limit); m = find(L, "gsub", re, text, m) {
		b.WriteString(string(text[last:m.Index]))
		if fnRepl != nil {
			L.Push(fnRepl)
			L.Push(matchTable(L, re, m))
			L.Call(1, 1)
			ret := L.Get(-1)
			L.Pop(1)
			switch v := ret.(type) {
			case lua.LString, lua.LNumber:
				b.WriteString(v.String())
			case *lua.LNilType:
				b.WriteString(m.String())
			default:
				if ret == lua.LFalse {
					b.WriteString(m.String())
					break
				}
				raise(L, errcode.New(errcode.InvalidArgument, "regex.gsub: the replacement function must return a string (or nil to keep the match), got %s", ret.Type()))
			}
		} else {
			expand(&b, tmpl, re, m)
		}
		last = m.Index + m.Length
		count++
		if b.Len() > 1<<20 {
			r.reserve(L, int64(b.Len()))
		}
	}
	b.WriteString(string(text[last:]))
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(count))
	return 2
}

// expand writes a replacement template: $0..$99 and ${n} or ${name} insert
// groups, $$ is a dollar sign; anything else is literal.
func expand(b *strings.Builder, tmpl string, re *regexp2.Regexp, m *regexp2.Match) {
	group := func(ref string) {
		var g *regexp2.Group
		if n, err := strconv.Atoi(ref); err == nil {
			g = m.GroupByNumber(n)
		} else {
			g = m.GroupByName(ref)
		}
		if g != nil && len(g.Captures) > 0 {
			b.WriteString(g.String())
		}
	}
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '$' || i+1 >= len(tmpl) {
			b.WriteByte(c)
			continue
		}
		next := tmpl[i+1]
		switch {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '{':
			end := strings.IndexByte(tmpl[i:], '}')
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			group(tmpl[i+2 : i+end])
			i += end
		case next >= '0' && next <= '9':
			j := i + 2
			if j < len(tmpl) && tmpl[j] >= '0' && tmpl[j] <= '9' {
				if n, _ := strconv.Atoi(tmpl[i+1 : j+1]); m.GroupByNumber(n) != nil {
					j++
				}
			}
			group(tmpl[i+1 : j])
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
}

func (rc *regexCache) split(L *lua.LState) int {
	re := rc.compile(L, "split")
	text := subject(L, "split")
	limit := optLimit(L, 3, "split")
	out := L.NewTable()
	n := 0
	beg, end := 0, 0
	for m := find(L, "split", re, text, nil); m != nil; m = find(L, "split", re, text, m) {
		if limit > 0 && n == limit-1 {
			break
		}
		end = m.Index
		if m.Index+m.Length != 0 {
			n++
			out.RawSetInt(n, lua.LString(string(text[beg:end])))
		}
		beg = m.Index + m.Length
	}
	if end != len(text) || beg != len(text) {
		n++
		out.RawSetInt(n, lua.LString(string(text[beg:])))
	}
	L.Push(out)
	return 1
}
