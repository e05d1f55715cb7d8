package luahost

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// The regex module follows KosmoKrator's, which wraps PHP's preg_*
// functions: the subject comes first, patterns are PCRE-style (delimited
// like PHP's "/expr/flags", or plain), and the flags are PHP's numbers.
//
//	regex.match(s, p [, flags])          preg_match: nil or the match array
//	regex.match_all(s, p [, flags])      preg_match_all: pattern order by default
//	regex.gsub(s, p, repl [, limit])     preg_replace: the new string
//	regex.split(s, p [, limit [, flags]]) preg_split (a kosmo addition)
//	regex.escape(s)                      quote the metacharacters of s
//
// Arrays are PHP's converted to 1-based Lua lists: [1] is the whole match,
// [2]... the groups; offsets stay PHP's (0-based byte offsets).

// PHP's flag values, exposed under their PHP names.
const (
	pregPatternOrder       = 1
	pregSetOrder           = 2
	pregOffsetCapture      = 256
	pregUnmatchedAsNull    = 512
	pregSplitNoEmpty       = 1
	pregSplitDelimCapture  = 2
	pregSplitOffsetCapture = 4
)

// regexCacheSize bounds the compiled patterns kept per state.
const regexCacheSize = 128

// openRegex builds the regex module. Every match runs under a timeout tied
// to the run's CPU budget, so no pattern can hang the host, and results
// proportional to the input reserve memory before they are built.
func openRegex(L *lua.LState) *lua.LTable {
	rc := &regexCache{compiled: map[string]*compiledPattern{}}
	m := L.CreateTable(0, 12)
	m.RawSetString("match", L.NewFunction(rc.match))
	m.RawSetString("match_all", L.NewFunction(rc.matchAll))
	m.RawSetString("gsub", L.NewFunction(rc.gsub))
	m.RawSetString("split", L.NewFunction(rc.split))
	m.RawSetString("escape", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(regexp2.Escape(L.CheckString(1))))
		return 1
	}))
	for name, v := range map[string]int{
		"PREG_PATTERN_ORDER":        pregPatternOrder,
		"PREG_SET_ORDER":            pregSetOrder,
		"PREG_OFFSET_CAPTURE":       pregOffsetCapture,
		"PREG_UNMATCHED_AS_NULL":    pregUnmatchedAsNull,
		"PREG_SPLIT_NO_EMPTY":       pregSplitNoEmpty,
		"PREG_SPLIT_DELIM_CAPTURE":  pregSplitDelimCapture,
		"PREG_SPLIT_OFFSET_CAPTURE": pregSplitOffsetCapture,
	} {
		m.RawSetString(name, lua.LNumber(v))
	}
	return m
}

// regexCache holds the patterns compiled on one state; a state runs one
// chunk at a time, so it needs no lock.
type regexCache struct {
	compiled map[string]*compiledPattern
}

// compiledPattern is a compiled expression plus which of its group names
// were made up by kosmo (to number groups as PCRE does) and so are not
// shown to scripts.
type compiledPattern struct {
	re     *regexp2.Regexp
	hidden map[string]bool
}

// groupName returns the name a script sees for a group, or "".
func (cp *compiledPattern) groupName(g *regexp2.Group, index int) string {
	if g.Name == strconv.Itoa(index) || cp.hidden[g.Name] {
		return ""
	}
	return g.Name
}

// ParsePattern splits a pattern written with PHP delimiters ("/expr/i",
// "#expr#", "{expr}", ...) into the expression and regexp2 options. A
// string that is not a well-formed delimited pattern is taken whole as a
// plain expression, so "(\w+) (\d+)" works as written.
func ParsePattern(p string) (string, regexp2.RegexOptions, error) {
	expr, flags, ok := splitDelimited(p)
	if !ok {
		return namedGroups(p), 0, nil
	}
	var opts regexp2.RegexOptions
	anchored := false
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
		case 'n':
			opts |= regexp2.ExplicitCapture
		case 'A':
			anchored = true
		case 'u', 'S', 'X':
			// patterns always work on Unicode code points; S and X change nothing here
		default:
			return "", 0, errcode.New(errcode.InvalidArgument, "modifier '%c' is not supported (use i, m, s, x, n, u or A)", f)
		}
	}
	expr = namedGroups(expr)
	if anchored {
		expr = `\G(?:` + expr + `)`
	}
	return expr, opts, nil
}

// regexDelimiters are the characters that open a delimited pattern. PHP
// takes any punctuation; kosmo reads patterns that start with (, [, <, . or
// another regex metacharacter as plain patterns, since "(\d+)" or "[abc]"
// is far more often meant as written than as delimited.
const regexDelimiters = "/#~!%@|+,;:=&'\"`{"

// splitDelimited recognises PHP's delimited form: a delimiter, the
// expression up to the first unescaped closing delimiter (braces nest),
// then only modifier letters.
func splitDelimited(p string) (expr, flags string, ok bool) {
	if len(p) < 2 || strings.IndexByte(regexDelimiters, p[0]) < 0 {
		return "", "", false
	}
	open := p[0]
	bracket := open == '{'
	closing := open
	if bracket {
		closing = '}'
	}
	depth := 1
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
		case bracket && c == open:
			depth++
		case c == closing:
			depth--
			if depth == 0 {
				for j := i + 1; j < len(p); j++ {
					if !isAlpha(p[j]) {
						return "", "", false
					}
				}
				return p[1:i], p[i+1:], true
			}
		}
	}
	return "", "", false
}

// isAlpha and isAlnum (ASCII classes) are shared with the pattern engine
// (pattern.go).

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

// hiddenGroupPrefix starts the names given to unnamed groups.
const hiddenGroupPrefix = "kosmo_group_"

// numberLikePCRE names the unnamed capturing groups of an expression that
// also has named ones. The engine numbers named groups after all unnamed
// ones, PCRE numbers every group by its opening parenthesis; once all are
// named the engine numbers them in order too.
func numberLikePCRE(expr string, opts regexp2.RegexOptions) (string, map[string]bool) {
	if opts&regexp2.ExplicitCapture != 0 || !strings.Contains(expr, "(?<") && !strings.Contains(expr, "(?'") {
		return expr, nil
	}
	var b strings.Builder
	hidden := map[string]bool{}
	inClass := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr):
			b.WriteByte(c)
			b.WriteByte(expr[i+1])
			i++
			continue
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			// a ']' right after '[' or '[^' is a literal member
			if strings.HasPrefix(expr[i+1:], "]") {
				b.WriteString("[]")
				i++
				continue
			}
			if strings.HasPrefix(expr[i+1:], "^]") {
				b.WriteString("[^]")
				i += 2
				continue
			}
		case c == '(' && (i+1 >= len(expr) || expr[i+1] != '?' && expr[i+1] != '*'):
			name := hiddenGroupPrefix + strconv.Itoa(len(hidden)+1)
			hidden[name] = true
			b.WriteString("(?<" + name + ">")
			continue
		}
		b.WriteByte(c)
	}
	if len(hidden) == 0 {
		return expr, nil
	}
	return b.String(), hidden
}

// compile reads the pattern argument (argument 2) and compiles it, once
// per distinct pattern.
func (rc *regexCache) compile(L *lua.LState, fn string) *compiledPattern {
	v := L.Get(2)
	p, ok := v.(lua.LString)
	if !ok {
		raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: the pattern (argument 2) must be a string, got %s", fn, typeName(v)).
			WithHint("the subject comes first, as in KosmoKrator: regex.%s(subject, pattern)", fn))
	}
	pattern := string(p)
	cp := rc.compiled[pattern]
	if cp == nil {
		expr, opts, err := ParsePattern(pattern)
		var re *regexp2.Regexp
		var hidden map[string]bool
		if err == nil {
			expr, hidden = numberLikePCRE(expr, opts)
			re, err = regexp2.Compile(expr, opts)
		}
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
			if e, ok := err.(*errcode.Error); ok {
				msg = e.Message
			}
			raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: invalid pattern %s: %s", fn, strconv.Quote(pattern), msg).
				WithDetail("pattern", pattern).
				WithHint("patterns use PCRE syntax, plain or delimited as /expr/flags (flags i, m, s, x, n, u, A)"))
		}
		if len(rc.compiled) >= regexCacheSize {
			clear(rc.compiled)
		}
		cp = &compiledPattern{re: re, hidden: hidden}
		rc.compiled[pattern] = cp
	}
	cp.re.MatchTimeout = runOf(L).matchTimeout()
	return cp
}

func typeName(v lua.LValue) string {
	if v == lua.LNil {
		return "nil"
	}
	return v.Type().String()
}

// text is a subject as the engine sees it (runes) together with the byte
// offset of every rune, so that results are cut from the original bytes
// and offsets are reported in bytes, as PHP does. An ASCII subject needs
// no offset table: rune and byte positions are the same.
type text struct {
	s     string
	runes []rune
	off   []int32 // nil when s is ASCII
}

func (t *text) bytePos(runeIdx int) int {
	if t.off == nil {
		return runeIdx
	}
	return int(t.off[runeIdx])
}

func (t *text) slice(from, to int) string { return t.s[t.bytePos(from):t.bytePos(to)] }

// subject reads argument 1.
func subject(L *lua.LState, fn string) *text {
	v := L.Get(1)
	var s string
	switch x := v.(type) {
	case lua.LString:
		s = string(x)
	case lua.LNumber:
		s = x.String()
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: the subject (argument 1) must be a string, got %s", fn, typeName(v)).
			WithHint("the subject comes first, as in KosmoKrator: regex.%s(subject, pattern)", fn))
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if len(s) > math.MaxInt32-1 {
		raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: the subject is too long (%d bytes)", fn, len(s)))
	}
	if ascii {
		runOf(L).reserve(L, int64(len(s))*4)
		t := &text{s: s, runes: make([]rune, len(s))}
		for i := 0; i < len(s); i++ {
			t.runes[i] = rune(s[i])
		}
		return t
	}
	// a rune and an offset per byte at most
	runOf(L).reserve(L, int64(len(s))*8)
	t := &text{s: s, runes: make([]rune, 0, len(s)), off: make([]int32, 0, len(s)+1)}
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		t.runes = append(t.runes, r)
		t.off = append(t.off, int32(i))
		i += w
	}
	t.off = append(t.off, int32(len(s)))
	return t
}

// optFlags reads a flags argument: nil is 0, and only the listed bits are
// accepted.
func optFlags(L *lua.LState, idx int, fn string, allowed int, names string) int {
	switch v := L.Get(idx).(type) {
	case *lua.LNilType:
		return 0
	case lua.LNumber:
		f := int(v)
		if float64(f) != float64(v) || f < 0 || f&^allowed != 0 {
			raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: flags (argument %d) %s is not a combination of %s", fn, idx, v.String(), names))
		}
		return f
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: flags (argument %d) must be a number such as regex.PREG_OFFSET_CAPTURE, got %s", fn, idx, typeName(v)))
		return 0
	}
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

func find(L *lua.LState, fn string, re *regexp2.Regexp, t *text, prev *regexp2.Match) *regexp2.Match {
	var m *regexp2.Match
	var err error
	if prev == nil {
		m, err = re.FindRunesMatch(t.runes)
	} else {
		m, err = re.FindNextMatch(prev)
	}
	if err != nil {
		matchErr(L, fn, re, err)
	}
	return m
}

// budget reserves memory for a result as it grows. The result is not
// reachable from the run's globals until it is returned, so the run's
// measurement cannot see it: each reservation names the whole size built
// so far, checked against the limit with the run's data. Reservations
// come in growing steps (a quarter of the total), so a result costs a
// logarithmic number of checks.
type budget struct {
	L       *lua.LState
	r       *run
	pending int64
	total   int64
}

// Rough sizes of what results are made of.
const (
	tableCost = 160
	slotCost  = 40
)

func (b *budget) add(n int64) {
	b.pending += n
	b.total += n
	if b.pending >= 64<<10 && b.pending >= b.total/4 {
		b.r.reserve(b.L, b.total)
		b.pending = 0
	}
}

// groupInfo describes one group of a match the way PHP reports it.
type groupInfo struct {
	matched bool
	value   string
	offset  int
}

func groupOf(t *text, g *regexp2.Group) groupInfo {
	if len(g.Captures) == 0 {
		return groupInfo{offset: -1}
	}
	return groupInfo{matched: true, value: t.slice(g.Index, g.Index+g.Length), offset: t.bytePos(g.Index)}
}

// matchedCount is PHP's count of groups: up to the last one that took part.
func matchedCount(groups []regexp2.Group) int {
	n := len(groups)
	for n > 1 && len(groups[n-1].Captures) == 0 {
		n--
	}
	return n
}

// element renders one group value under the flags: the text ("" when it
// did not take part, or json.null with PREG_UNMATCHED_AS_NULL), or a
// {text, offset} pair with PREG_OFFSET_CAPTURE.
func element(L *lua.LState, b *budget, gi groupInfo, flags int) lua.LValue {
	var v lua.LValue = lua.LString(gi.value)
	if !gi.matched && flags&pregUnmatchedAsNull != 0 {
		v = luaconv.Null(L)
	}
	b.add(slotCost + int64(len(gi.value)))
	if flags&pregOffsetCapture == 0 {
		return v
	}
	b.add(tableCost)
	pair := luaconv.NewArray(L, 2)
	pair.Append(v)
	pair.Append(lua.LNumber(gi.offset))
	return pair
}

// matchTable renders one match like PHP's preg_match array, 1-based, named
// groups also under their names. Groups after the last one that took part
// are left out unless PREG_UNMATCHED_AS_NULL asks for them.
func matchTable(L *lua.LState, b *budget, cp *compiledPattern, t *text, m *regexp2.Match, flags int) *lua.LTable {
	groups := m.Groups()
	n := len(groups)
	if flags&pregUnmatchedAsNull == 0 {
		n = matchedCount(groups)
	}
	b.add(tableCost + int64(n)*slotCost)
	out := L.CreateTable(n, 0)
	for i := 0; i < n; i++ {
		v := element(L, b, groupOf(t, &groups[i]), flags)
		if name := cp.groupName(&groups[i], i); name != "" {
			out.RawSetString(name, v)
		}
		out.RawSetInt(i+1, v)
	}
	return out
}

func (rc *regexCache) match(L *lua.LState) int {
	t := subject(L, "match")
	cp := rc.compile(L, "match")
	flags := optFlags(L, 3, "match", pregOffsetCapture|pregUnmatchedAsNull|pregPatternOrder|pregSetOrder,
		"regex.PREG_OFFSET_CAPTURE and regex.PREG_UNMATCHED_AS_NULL")
	m := find(L, "match", cp.re, t, nil)
	if m == nil {
		L.Push(lua.LNil)
		return 1
	}
	b := &budget{L: L, r: runOf(L)}
	L.Push(matchTable(L, b, cp, t, m, flags))
	return 1
}

func (rc *regexCache) matchAll(L *lua.LState) int {
	t := subject(L, "match_all")
	cp := rc.compile(L, "match_all")
	flags := optFlags(L, 3, "match_all", pregPatternOrder|pregSetOrder|pregOffsetCapture|pregUnmatchedAsNull,
		"regex.PREG_PATTERN_ORDER or regex.PREG_SET_ORDER, with regex.PREG_OFFSET_CAPTURE and regex.PREG_UNMATCHED_AS_NULL")
	if flags&pregPatternOrder != 0 && flags&pregSetOrder != 0 {
		raise(L, errcode.New(errcode.InvalidArgument, "regex.match_all: PREG_PATTERN_ORDER and PREG_SET_ORDER cannot be combined"))
	}
	b := &budget{L: L, r: runOf(L)}
	out := L.NewTable()
	if flags&pregSetOrder != 0 {
		n := 0
		for m := find(L, "match_all", cp.re, t, nil); m != nil; m = find(L, "match_all", cp.re, t, m) {
			n++
			b.add(slotCost)
			out.RawSetInt(n, matchTable(L, b, cp, t, m, flags))
		}
		L.Push(out)
		return 1
	}
	// Pattern order: one list per group (and per group name), each holding
	// that group's value in every match. No match gives an empty table, as
	// KosmoKrator returns.
	var lists []*lua.LTable
	for m := find(L, "match_all", cp.re, t, nil); m != nil; m = find(L, "match_all", cp.re, t, m) {
		groups := m.Groups()
		if lists == nil {
			lists = make([]*lua.LTable, len(groups))
			b.add(int64(len(groups)) * tableCost)
			for i := range groups {
				lists[i] = luaconv.NewArray(L, 0)
				out.RawSetInt(i+1, lists[i])
				if name := cp.groupName(&groups[i], i); name != "" {
					out.RawSetString(name, lists[i])
				}
			}
		}
		for i := range groups {
			lists[i].Append(element(L, b, groupOf(t, &groups[i]), flags))
		}
	}
	L.Push(out)
	return 1
}

func optLimit(L *lua.LState, idx int, fn string) int {
	switch v := L.Get(idx).(type) {
	case *lua.LNilType:
		return -1
	case lua.LNumber:
		if v <= 0 && fn == "split" || v < 0 {
			return -1
		}
		return int(v)
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "regex.%s: the limit (argument %d) must be a number, got %s", fn, idx, typeName(v)))
		return 0
	}
}

// gsub is preg_replace: every match (or the first limit ones) replaced,
// the new string returned. The replacement is a template ($1, ${1}, \1,
// ${name}) or, as a kosmo addition, a function of the match array.
func (rc *regexCache) gsub(L *lua.LState) int {
	t := subject(L, "gsub")
	cp := rc.compile(L, "gsub")
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
		raise(L, errcode.New(errcode.InvalidArgument, "regex.gsub: the replacement (argument 3) must be a string or a function, got %s", typeName(repl)))
	}
	limit := optLimit(L, 4, "gsub")
	var sb strings.Builder
	last, count := 0, 0
	b := &budget{L: L, r: runOf(L)}
	for m := find(L, "gsub", cp.re, t, nil); m != nil && (limit < 0 || count < limit); m = find(L, "gsub", cp.re, t, m) {
		before := sb.Len()
		sb.WriteString(t.slice(last, m.Index))
		if fnRepl != nil {
			L.Push(fnRepl)
			L.Push(matchTable(L, b, cp, t, m, 0))
			L.Call(1, 1)
			ret := L.Get(-1)
			L.Pop(1)
			switch v := ret.(type) {
			case lua.LString, lua.LNumber:
				sb.WriteString(v.String())
			default:
				if ret != lua.LNil && ret != lua.LFalse {
					raise(L, errcode.New(errcode.InvalidArgument, "regex.gsub: the replacement function must return a string (or nil to keep the match), got %s", ret.Type()))
				}
				sb.WriteString(t.slice(m.Index, m.Index+m.Length))
			}
		} else {
			expand(&sb, tmpl, cp, t, m)
		}
		last = m.Index + m.Length
		count++
		b.add(int64(sb.Len() - before))
	}
	b.add(int64(len(t.s) - t.bytePos(last)))
	sb.WriteString(t.s[t.bytePos(last):])
	L.Push(lua.LString(sb.String()))
	return 1
}

// expand writes a replacement template as preg_replace reads it: \0-\99,
// $0-$99 and ${0}-${99} insert groups (two digits are always read as one
// number; a group that does not exist or did not take part inserts
// nothing), a backslash before \ or $ makes it literal. kosmo also reads
// ${name} for a named group.
func expand(b *strings.Builder, tmpl string, cp *compiledPattern, t *text, m *regexp2.Match) {
	write := func(g *regexp2.Group) {
		if g != nil && len(g.Captures) > 0 {
			b.WriteString(t.slice(g.Index, g.Index+g.Length))
		}
	}
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '\\' && c != '$' {
			b.WriteByte(c)
			continue
		}
		if n, name, width := backref(tmpl[i:], c == '$'); width > 0 {
			if name != "" {
				write(m.GroupByName(name))
			} else {
				write(m.GroupByNumber(n))
			}
			i += width - 1
			continue
		}
		if c == '\\' && i+1 < len(tmpl) && (tmpl[i+1] == '\\' || tmpl[i+1] == '$') {
			i++
			c = tmpl[i]
		}
		b.WriteByte(c)
	}
}

// backref reads a group reference at the start of s ("$1", "\12", "${3}",
// "${name}"), returning the number or name and how many bytes it spans.
func backref(s string, dollar bool) (int, string, int) {
	i := 1
	braced := dollar && i < len(s) && s[i] == '{'
	if braced {
		i++
	}
	start := i
	for i < len(s) && i-start < 2 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		if !braced {
			return 0, "", 0
		}
		end := strings.IndexByte(s[start:], '}')
		if end <= 0 {
			return 0, "", 0
		}
		name := s[start : start+end]
		for j := 0; j < len(name); j++ {
			if !isAlnum(name[j]) && name[j] != '_' {
				return 0, "", 0
			}
		}
		return -1, name, start + end + 1
	}
	n, _ := strconv.Atoi(s[start:i])
	if braced {
		if i >= len(s) || s[i] != '}' {
			return 0, "", 0
		}
		i++
	}
	return n, "", i
}

// split is preg_split: the pieces of the subject between matches, at most
// limit pieces (nil, 0 or -1: no limit), with PHP's PREG_SPLIT_* flags.
func (rc *regexCache) split(L *lua.LState) int {
	t := subject(L, "split")
	cp := rc.compile(L, "split")
	limit := optLimit(L, 3, "split")
	flags := optFlags(L, 4, "split", pregSplitNoEmpty|pregSplitDelimCapture|pregSplitOffsetCapture,
		"regex.PREG_SPLIT_NO_EMPTY, regex.PREG_SPLIT_DELIM_CAPTURE and regex.PREG_SPLIT_OFFSET_CAPTURE")
	noEmpty := flags&pregSplitNoEmpty != 0
	b := &budget{L: L, r: runOf(L)}
	out := luaconv.NewArray(L, 0)
	add := func(from, to int) {
		s := t.slice(from, to)
		b.add(slotCost + int64(len(s)))
		if flags&pregSplitOffsetCapture == 0 {
			out.Append(lua.LString(s))
			return
		}
		b.add(tableCost)
		pair := luaconv.NewArray(L, 2)
		pair.Append(lua.LString(s))
		pair.Append(lua.LNumber(t.bytePos(from)))
		out.Append(pair)
	}
	last, pieces := 0, 0
	if limit != 1 {
		for m := find(L, "split", cp.re, t, nil); m != nil; m = find(L, "split", cp.re, t, m) {
			if !noEmpty || m.Index != last {
				add(last, m.Index)
				pieces++
			}
			if flags&pregSplitDelimCapture != 0 {
				groups := m.Groups()
				for i := 1; i < matchedCount(groups); i++ {
					if g := &groups[i]; !noEmpty || g.Length > 0 {
						add(g.Index, g.Index+g.Length)
					}
				}
			}
			last = m.Index + m.Length
			if limit > 0 && pieces >= limit-1 {
				break
			}
		}
	}
	if !noEmpty || last < len(t.runes) {
		add(last, len(t.runes))
	}
	L.Push(out)
	return 1
}
