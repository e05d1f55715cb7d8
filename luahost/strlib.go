package luahost

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The string built-ins that kosmo replaces: the pattern functions run on
// kosmo's matcher (pattern.go) under the run's context and build their
// results in linear time, and every function whose result can be much
// larger than its arguments reserves the room first.

// installStringLib replaces members of the string library table.
func installStringLib(L *lua.LState, str *lua.LTable) {
	str.RawSetString("dump", lua.LNil)
	str.RawSetString("rep", L.NewFunction(safeStringRep))
	str.RawSetString("find", L.NewFunction(strFind))
	str.RawSetString("match", L.NewFunction(strMatch))
	gmatch := L.NewFunction(strGmatch)
	str.RawSetString("gmatch", gmatch)
	str.RawSetString("gfind", gmatch)
	str.RawSetString("gsub", L.NewFunction(strGsub))
	format := str.RawGetString("format").(*lua.LFunction)
	str.RawSetString("format", L.NewFunction(safeFormat(format)))
	str.RawSetString("char", L.NewFunction(strChar))
	for _, name := range []string{"upper", "lower", "reverse"} {
		str.RawSetString(name, L.NewFunction(reserveArg1(str.RawGetString(name).(*lua.LFunction))))
	}
}

// newMatcher builds a matcher whose errors are Lua errors and which stops
// when the run's context is done.
func newMatcher(L *lua.LState, src, pat string) *matcher {
	m := &matcher{src: src, pat: pat}
	m.fail = func(msg string) { L.RaiseError("%s", msg) }
	if r := runOf(L); r != nil {
		m.check = func() {
			if r.ctx.Err() != nil {
				L.RaiseError("pattern matching stopped: the run is ending")
			}
		}
	}
	return m
}

// startIndex converts Lua 5.1's init argument to a 0-based offset in
// [0, n].
func startIndex(init, n int) int {
	if init < 0 {
		init = n + init + 1
	}
	init--
	if init < 0 {
		init = 0
	} else if init > n {
		init = n
	}
	return init
}

func pushCapture(L *lua.LState, m *matcher, i, s, e int) {
	str, pos, isPos := m.captureValue(i, s, e)
	if isPos {
		L.Push(lua.LNumber(pos))
		return
	}
	L.Push(lua.LString(str))
}

// pushCaptures pushes the captures of the match src[s:e] (the whole
// match when there are none and whole is set) and returns their number.
func pushCaptures(L *lua.LState, m *matcher, s, e int, whole bool) int {
	n := m.level
	if n == 0 && whole {
		n = 1
	}
	for i := 0; i < n; i++ {
		pushCapture(L, m, i, s, e)
	}
	return n
}

func strFindAux(L *lua.LState, find bool) int {
	src := L.CheckString(1)
	pat := L.CheckString(2)
	init := startIndex(L.OptInt(3, 1), len(src))
	if find && (lua.LVAsBool(L.Get(4)) || !hasSpecials(pat)) {
		if i := strings.Index(src[init:], pat); i >= 0 {
			L.Push(lua.LNumber(init + i + 1))
			L.Push(lua.LNumber(init + i + len(pat)))
			return 2
		}
		L.Push(lua.LNil)
		return 1
	}
	m := newMatcher(L, src, pat)
	p := 0
	anchor := len(pat) > 0 && pat[0] == '^'
	if anchor {
		p = 1
	}
	for s := init; ; s++ {
		m.reset()
		if e := m.match(s, p); e != -1 {
			if find {
				L.Push(lua.LNumber(s + 1))
				L.Push(lua.LNumber(e))
				return pushCaptures(L, m, s, e, false) + 2
			}
			return pushCaptures(L, m, s, e, true)
		}
		if s >= len(src) || anchor {
			break
		}
	}
	L.Push(lua.LNil)
	return 1
}

func strFind(L *lua.LState) int  { return strFindAux(L, true) }
func strMatch(L *lua.LState) int { return strFindAux(L, false) }

// strGmatch returns an iterator over the matches of a pattern. As in Lua
// 5.1, '^' has no special meaning here.
func strGmatch(L *lua.LState) int {
	src := L.CheckString(1)
	pat := L.CheckString(2)
	pos := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		m := newMatcher(L, src, pat)
		for s := pos; s <= len(src); s++ {
			m.reset()
			if e := m.match(s, 0); e != -1 {
				pos = e
				if e == s {
					pos++ // an empty match: move on
				}
				n := pushCaptures(L, m, s, e, true)
				var size int64
				for i := 1; i <= n; i++ {
					size += int64(len(lua.LVAsString(L.Get(-i))))
				}
				runOf(L).reserve(L, size)
				return n
			}
		}
		pos = len(src) + 1
		return 0
	}))
	return 1
}

// resultBuilder builds a string while reserving its growth against the
// run's memory budget, doubling the reservation so that reserving stays
// linear in the result's size.
type resultBuilder struct {
	L        *lua.LState
	r        *run
	b        strings.Builder
	reserved int
}

func (rb *resultBuilder) grow(n int) {
	need := rb.b.Len() + n
	if need <= rb.reserved {
		return
	}
	next := max(need, 2*rb.reserved, 256)
	if rb.r == nil && next > 1<<30 {
		rb.L.RaiseError("string result too large")
	}
	rb.r.reserve(rb.L, int64(next-rb.reserved))
	rb.reserved = next
}

func (rb *resultBuilder) addString(s string) {
	rb.grow(len(s))
	rb.b.WriteString(s)
}

func (rb *resultBuilder) addByte(c byte) {
	rb.grow(1)
	rb.b.WriteByte(c)
}

// strGsub is string.gsub with Lua 5.1 semantics for string, table and
// function replacements, built in one pass.
func strGsub(L *lua.LState) int {
	src := L.CheckString(1)
	pat := L.CheckString(2)
	repl := L.Get(3)
	switch repl.(type) {
	case lua.LString, lua.LNumber, *lua.LTable, *lua.LFunction:
	default:
		L.ArgError(3, "string/function/table expected")
	}
	maxN := L.OptInt(4, len(src)+1)
	replStr := ""
	if s, ok := repl.(lua.LString); ok {
		replStr = string(s)
	} else if n, ok := repl.(lua.LNumber); ok {
		replStr = n.String()
	}
	_, isString := repl.(lua.LString)
	_, isNumber := repl.(lua.LNumber)
	isString = isString || isNumber

	m := newMatcher(L, src, pat)
	p := 0
	anchor := len(pat) > 0 && pat[0] == '^'
	if anchor {
		p = 1
	}
	rb := &resultBuilder{L: L, r: runOf(L)}
	s, n := 0, 0
	for n < maxN {
		m.reset()
		e := m.match(s, p)
		if e != -1 {
			n++
			if isString {
				addString(L, m, rb, replStr, s, e)
			} else {
				addValue(L, m, rb, repl, s, e)
			}
		}
		switch {
		case e != -1 && e > s:
			s = e
		case s < len(src):
			rb.addByte(src[s])
			s++
		default:
			s = len(src) + 1
		}
		if s > len(src) || anchor {
			break
		}
	}
	if s < len(src) {
		rb.addString(src[s:])
	}
	L.Push(lua.LString(rb.b.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// addString expands a replacement string: %0-%9 are captures, %x is x.
func addString(L *lua.LState, m *matcher, rb *resultBuilder, repl string, s, e int) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '%' {
			rb.addByte(c)
			continue
		}
		i++
		if i >= len(repl) {
			rb.addByte(0) // Lua 5.1 copies the terminating NUL
			break
		}
		c = repl[i]
		switch {
		case !isDigit(c):
			rb.addByte(c)
		case c == '0':
			rb.addString(m.src[s:e])
		default:
			str, pos, isPos := m.captureValue(int(c-'1'), s, e)
			if isPos {
				str = lua.LNumber(pos).String()
			}
			rb.addString(str)
		}
	}
}

// addValue replaces through a table lookup or a function call on the
// first capture (or the whole match); false or nil keeps the match.
func addValue(L *lua.LState, m *matcher, rb *resultBuilder, repl lua.LValue, s, e int) {
	var v lua.LValue
	switch r := repl.(type) {
	case *lua.LTable:
		pushCapture(L, m, 0, s, e)
		key := L.Get(-1)
		L.Pop(1)
		v = L.GetTable(r, key)
	case *lua.LFunction:
		L.Push(r)
		n := pushCaptures(L, m, s, e, true)
		L.Call(n, 1)
		v = L.Get(-1)
		L.Pop(1)
	}
	switch x := v.(type) {
	case *lua.LNilType:
		rb.addString(m.src[s:e])
	case lua.LBool:
		if !bool(x) {
			rb.addString(m.src[s:e])
			return
		}
		L.RaiseError("invalid replacement value (a boolean)")
	case lua.LString:
		rb.addString(string(x))
	case lua.LNumber:
		rb.addString(x.String())
	default:
		L.RaiseError("invalid replacement value (a %s)", v.Type().String())
	}
}

// strChar is string.char with its result reserved.
func strChar(L *lua.LState) int {
	top := L.GetTop()
	runOf(L).reserve(L, int64(top))
	b := make([]byte, top)
	for i := 1; i <= top; i++ {
		c := L.CheckInt(i)
		if c < 0 || c > 255 {
			L.ArgError(i, "invalid value")
		}
		b[i-1] = byte(c)
	}
	L.Push(lua.LString(b))
	return 1
}

// reserveArg1 wraps a function whose result is as long as its first
// argument (upper, lower, reverse).
func reserveArg1(fn *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		s := L.CheckString(1)
		runOf(L).reserve(L, int64(len(s)))
		return fn.GFunction(L)
	}
}

// safeFormat checks string.format's directives the way Lua 5.1 does
// (flags, a width and a precision of at most two digits each, a
// conversion letter) before the original formats them, and reserves the
// result's size. Without the check, Go's formatting would accept
// "%999999999d" or "%*d" and allocate whatever they ask for.
func safeFormat(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		f := L.CheckString(1)
		size := int64(len(f))
		arg := 1
		for i := 0; i < len(f); i++ {
			if f[i] != '%' {
				continue
			}
			i++
			if i < len(f) && f[i] == '%' {
				continue
			}
			j := i
			for j < len(f) && strings.IndexByte("-+ #0", f[j]) >= 0 {
				j++
			}
			if j-i > 5 {
				L.RaiseError("invalid format (repeated flags)")
			}
			width := 0
			k := j
			for k < len(f) && isDigit(f[k]) {
				width = width*10 + int(f[k]-'0')
				k++
			}
			if k-j > 2 {
				L.RaiseError("invalid format (width or precision too long)")
			}
			if k < len(f) && f[k] == '.' {
				k++
				p := k
				for k < len(f) && isDigit(f[k]) {
					k++
				}
				width += 99
				if k-p > 2 {
					L.RaiseError("invalid format (width or precision too long)")
				}
			}
			if k >= len(f) || !isAlpha(f[k]) {
				L.RaiseError("invalid option in format string %q: use %%d, %%s, %%q, %%f, %%g, %%x or %%c with Lua's flags, width and precision", f)
			}
			arg++
			size += int64(width) + 64
			if f[k] == 's' || f[k] == 'q' {
				size += 2 * int64(len(lua.LVAsString(L.Get(arg))))
			}
			i = k
		}
		runOf(L).reserve(L, size)
		return orig.GFunction(L)
	}
}

// safeUnpack is unpack with Lua 5.1's "too many results" check made
// before anything is pushed.
func safeUnpack(L *lua.LState) int {
	t := L.CheckTable(1)
	i := L.OptInt64(2, 1)
	j := L.OptInt64(3, int64(t.Len()))
	if i > j {
		return 0
	}
	n := j - i + 1
	if n <= 0 || n >= registryMaxSize/2 {
		L.RaiseError("too many results to unpack")
	}
	runOf(L).reserve(L, n*16)
	for k := i; k <= j; k++ {
		L.Push(t.RawGetInt(int(k)))
	}
	return int(n)
}

// safeOSDate reserves room for the formatted date (each directive expands
// to at most a few dozen bytes) before os.date builds it.
func safeOSDate(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		f := L.OptString(1, "%c")
		runOf(L).reserve(L, int64(len(f))*16)
		return orig.GFunction(L)
	}
}
