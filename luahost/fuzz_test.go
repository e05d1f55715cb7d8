package luahost

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// FuzzCompile feeds arbitrary source to the compiler path (pre-scan,
// parser, depth check, `..` rewrite, compiler): it must return a chunk or
// an error, never panic or overflow the stack.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		"return 1",
		"local s = 'a' .. 'b' .. 1 .. x",
		"return ((((1))))",
		"return {{{{}}}}",
		"if a then elseif b then else end",
		"function f() return function() return {a = [[x]]} end end",
		"--[==[ ( ]==] return '[[' .. \"((\"",
		"return " + strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300),
		"return 1" + strings.Repeat("+1", 1200),
		"return " + strings.Repeat("a..", 500) + "a",
		"return f" + strings.Repeat("()", 1200),
		"local t = {" + strings.Repeat("1,", 500) + "}",
		"repeat until " + strings.Repeat("not ", 1100) + "x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, code string) {
		_, _ = Compile("fuzz.lua", code)
	})
}

// FuzzPatterns compares kosmo's pattern functions with gopher-lua's on
// small inputs: where both succeed they must return the same values.
func FuzzPatterns(f *testing.F) {
	for _, seed := range [][2]string{
		{"hello world", "(%w+) (%w+)"},
		{"a,b,,c", "([^,]*)"},
		{"  x  ", "^%s*(.-)%s*$"},
		{"f(a(b))", "%b()"},
		{"aaa", "a-b"},
		{"key=val", "(%w+)=(%w*)"},
		{"abc", "()"},
		{"x.y", "%."},
		{"[a]", "%[(.)%]"},
		{"2024-01-02", "%d+"},
	} {
		f.Add(seed[0], seed[1])
	}
	ref := lua.NewState()
	defer ref.Close()
	ours := lua.NewState()
	defer ours.Close()
	if str, ok := ours.GetGlobal("string").(*lua.LTable); ok {
		installStringLib(ours, str)
	}
	call := func(L *lua.LState, fn string, args ...lua.LValue) (string, bool) {
		top := L.GetTop()
		defer L.SetTop(top)
		L.Push(L.GetField(L.GetGlobal("string"), fn))
		for _, a := range args {
			L.Push(a)
		}
		if err := L.PCall(len(args), lua.MultRet, nil); err != nil {
			return "", false
		}
		var out []string
		for i := top + 1; i <= L.GetTop(); i++ {
			out = append(out, L.Get(i).Type().String()+":"+L.Get(i).String())
		}
		if len(out) == 0 {
			out = []string{"nil:nil"} // gopher-lua's match returns nothing where Lua 5.1 returns nil
		}
		return strings.Join(out, ","), true
	}
	f.Fuzz(func(t *testing.T, src, pat string) {
		if len(src) > 64 || len(pat) > 16 || !utf8.ValidString(pat) {
			return
		}
		if !comparablePattern(pat) {
			return
		}
		for _, c := range []struct {
			fn   string
			args []lua.LValue
		}{
			{"find", []lua.LValue{lua.LString(src), lua.LString(pat)}},
			{"match", []lua.LValue{lua.LString(src), lua.LString(pat)}},
			{"gsub", []lua.LValue{lua.LString(src), lua.LString(pat), lua.LString("<%0>")}},
		} {
			want, okRef := call(ref, c.fn, c.args...)
			got, okOurs := call(ours, c.fn, c.args...)
			if okRef && okOurs && want != got {
				t.Errorf("string.%s(%q, %q): gopher-lua %s, kosmo %s", c.fn, src, pat, want, got)
			}
		}
		// gmatch: collect every match
		collect := func(L *lua.LState) (string, bool) {
			code := fmt.Sprintf("local out = {} for a, b in string.gmatch(%q, %q) do out[#out+1] = tostring(a) .. '/' .. tostring(b) if #out > 100 then break end end return table.concat(out, ',')", src, pat)
			if err := L.DoString(code); err != nil {
				return "", false
			}
			defer L.Pop(1)
			return L.Get(-1).String(), true
		}
		if strings.HasPrefix(pat, "^") {
			return // in Lua 5.1 gmatch, '^' is an ordinary character; gopher-lua anchors
		}
		want, okRef := collect(ref)
		got, okOurs := collect(ours)
		if okRef && okOurs && want != got {
			t.Errorf("string.gmatch(%q, %q): gopher-lua %s, kosmo %s", src, pat, want, got)
		}
	})
}

// comparablePattern leaves out what gopher-lua's engine does not do the
// Lua 5.1 way, so that the comparison only covers common ground: %f and
// %z (not supported there), back-references and position captures in
// gsub replacements, and '-' or ']' at odd places in sets.
func comparablePattern(pat string) bool {
	for _, bad := range []string{"%f", "%z", "%Z", "%1", "%2", "%3", "%b", "[]", "[^]", "-]", "()"} {
		if strings.Contains(pat, bad) {
			return false
		}
	}
	return true
}

// FuzzPatternEngine drives kosmo's matcher with any pattern, including
// what FuzzPatterns leaves out (%b, %f, back-references, position
// captures, odd sets): malformed patterns must end in a pattern error,
// never in a Go panic such as an index out of range.
func FuzzPatternEngine(f *testing.F) {
	for _, seed := range [][2]string{
		{"f(a(b))", "%b()"}, {"THE (quick)", "%f[%a]%a+"}, {"abab", "(ab)%1"},
		{"abc", "()b()"}, {"a]b", "[]]"}, {"a-b", "[a-]"}, {"x", "[%"}, {"x", "%"},
		{"x", "(()"}, {"x", "%b"}, {"x", "%f"}, {"x", "[^]"}, {"aaa", "a-$"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, src, pat string) {
		if len(src) > 256 || len(pat) > 64 {
			return
		}
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(patternError); !ok {
					t.Fatalf("matcher panicked on %q / %q: %v", src, pat, p)
				}
			}
		}()
		m := &matcher{src: src, pat: pat}
		m.check = func() {
			if m.steps > 1<<20 {
				panic(patternError("step budget of the fuzz target spent")) // a backtracking pattern
			}
		}
		for s := 0; s <= len(src); s++ {
			m.reset()
			e := m.match(s, 0)
			if e == -1 {
				continue
			}
			if e < s || e > len(src) {
				t.Fatalf("match of %q at %d ended at %d", pat, s, e)
			}
			for i := 0; i < max(m.level, 1); i++ {
				m.captureValue(i, s, e)
			}
		}
	})
}
