package luahost_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
)

// The shapes below are PHP's preg_* results (as KosmoKrator returns them)
// converted to 1-based Lua lists; json.encode shows them exactly.

func TestRegexMatch(t *testing.T) {
	runCases(t, []luaCase{
		// KosmoKrator's documented examples
		{`return json.encode(regex.match("hello world 42", "(\\w+) (\\d+)"))`, []any{`["world 42","world","42"]`}},
		{`return regex.match("no digits here", "\\d+") == nil`, []any{true}},
		{`local m = regex.match("price: $19.99", "(?P<currency>\\$)(?P<amount>[\\d.]+)") return m[1], m[2], m[3], m.currency, m.amount`,
			[]any{"$19.99", "$", "19.99", "$", "19.99"}},
		{`return json.encode(regex.match("foo bar", "\\w+(?= bar)"))`, []any{`["foo"]`}},
		// delimiters and modifiers
		{`return regex.match("say hello", "/HELLO/i")[1]`, []any{"hello"}},
		{`return regex.match("a\nb", "#^b#m")[1]`, []any{"b"}},
		{`return regex.match("a/b", "~a/b~")[1]`, []any{"a/b"}},
		{`return regex.match("a/b", "/a\\/b/")[1]`, []any{"a/b"}},
		{`return regex.match("x{2}", "{x\\{2\\}}")[1]`, []any{"x{2}"}},
		{`return regex.match("ab", "(a(b))")[3]`, []any{"b"}},
		{`return regex.match("A\nB", "/a.b/is")[1]`, []any{"A\nB"}},
		{`return regex.match("a1", "/ a \\d # comment\n/x")[1]`, []any{"a1"}},
		{`return regex.match("xab", "/ab/A") == nil, regex.match("abx", "/ab/A")[1]`, []any{true, "ab"}},
		{`return #regex.match("ab", "/(a)(b)/n")`, []any{int64(1)}},
		// numbering as PCRE: by opening parenthesis, named or not
		{`local m = regex.match("2026-11", "(?<year>\\d{4})-(\\d\\d)") return m[2], m[3], m.year`, []any{"2026", "11", "2026"}},
		{`return regex.match("ab", "(?<x>a)(b)\\2")  == nil, regex.match("abb", "(?<x>a)(b)\\2")[1]`, []any{true, "abb"}},
		// unmatched groups: "" in the middle, trailing ones left out
		{`return json.encode(regex.match("b", "(a)?(b)"))`, []any{`["b","","b"]`}},
		{`return json.encode(regex.match("a", "(a)(b)?"))`, []any{`["a","a"]`}},
		// flags
		{`return json.encode(regex.match("xx ab", "(a)(b)", regex.PREG_OFFSET_CAPTURE))`, []any{`[["ab",3],["a",3],["b",4]]`}},
		{`return json.encode(regex.match("é ab", "a"  , 256))`, []any{`[["a",3]]`}},
		{`return json.encode(regex.match("a", "(a)(b)?", regex.PREG_UNMATCHED_AS_NULL))`, []any{`["a","a",null]`}},
		{`return json.encode(regex.match("b", "(a)?(b)", regex.PREG_OFFSET_CAPTURE + regex.PREG_UNMATCHED_AS_NULL))`, []any{`[["b",0],[null,-1],["b",0]]`}},
		{`return json.encode(regex.match("b", "(a)?(b)", regex.PREG_OFFSET_CAPTURE))`, []any{`[["b",0],["",-1],["b",0]]`}},
		{`return regex.PREG_PATTERN_ORDER, regex.PREG_SET_ORDER, regex.PREG_OFFSET_CAPTURE, regex.PREG_UNMATCHED_AS_NULL`, []any{int64(1), int64(2), int64(256), int64(512)}},
		{`return regex.match(12345, "3(4)")[2]`, []any{"4"}},
	})
}

func TestRegexMatchAll(t *testing.T) {
	runCases(t, []luaCase{
		// KosmoKrator's documented example: pattern order by default
		{`return json.encode(regex.match_all("foo123bar456baz", "(\\d+)"))`, []any{`[["123","456"],["123","456"]]`}},
		{`return json.encode(regex.match_all("a1b2c3", "\\d"))`, []any{`[["1","2","3"]]`}},
		{`return json.encode(regex.match_all("abc", "\\d")), #regex.match_all("abc", "(\\d)")`, []any{`{}`, int64(0)}},
		{`return json.encode(regex.match_all("a1 b", "(\\w)(\\d)?", regex.PREG_PATTERN_ORDER))`, []any{`[["a1","b"],["a","b"],["1",""]]`}},
		{`local m = regex.match_all("k=v x=y", "(?<key>\\w)=(?<val>\\w)") return json.encode(m.key), json.encode(m[3])`, []any{`["k","x"]`, `["v","y"]`}},
		{`return json.encode(regex.match_all("a1 b", "(\\w)(\\d)?", regex.PREG_SET_ORDER))`, []any{`[["a1","a","1"],["b","b"]]`}},
		{`return json.encode(regex.match_all("a1 b", "(\\w)(\\d)?", regex.PREG_SET_ORDER + regex.PREG_UNMATCHED_AS_NULL))`, []any{`[["a1","a","1"],["b","b",null]]`}},
		{`return json.encode(regex.match_all("a1 b", "(\\w)(\\d)?", regex.PREG_PATTERN_ORDER + regex.PREG_UNMATCHED_AS_NULL))`, []any{`[["a1","b"],["a","b"],["1",null]]`}},
		{`return json.encode(regex.match_all("ab ab", "a(b)", regex.PREG_OFFSET_CAPTURE))`, []any{`[[["ab",0],["ab",3]],[["b",1],["b",4]]]`}},
		{`return json.encode(regex.match_all("ab ab", "a(b)", regex.PREG_SET_ORDER + regex.PREG_OFFSET_CAPTURE))`, []any{`[[["ab",0],["b",1]],[["ab",3],["b",4]]]`}},
		{`return json.encode(regex.match_all("a a", "a(x)?", regex.PREG_OFFSET_CAPTURE))`, []any{`[[["a",0],["a",2]],[["",-1],["",-1]]]`}},
		{`local m = regex.match_all("k=v", "(?<key>\\w)=", regex.PREG_SET_ORDER) return m[1].key`, []any{"k"}},
	})
}

func TestRegexGsub(t *testing.T) {
	runCases(t, []luaCase{
		// KosmoKrator's documented examples
		{`return regex.gsub("  hello   world  ", "\\s+", " ")`, []any{" hello world "}},
		{`return regex.gsub("aaa", "a", "b", 2)`, []any{"bba"}},
		// references: $n, ${n}, \n, two digits read as one number
		{`return regex.gsub("bob@home ann@work", "(\\w+)@(\\w+)", "$2:$1")`, []any{"home:bob work:ann"}},
		{`return regex.gsub("bob@home", "(\\w+)@(\\w+)", "\\2.\\1")`, []any{"home.bob"}},
		{`return regex.gsub("ab", "(a)", "${1}1")`, []any{"a1b"}},
		{`return regex.gsub("ab", "(a)", "$11")`, []any{"b"}},
		{`return regex.gsub("ab", "(a)", "[$0]")`, []any{"[a]b"}},
		{`return regex.gsub("ab", "(a)", "\\$1 \\\\1 $ \\x")`, []any{"$1 \\1 $ \\xb"}},
		{`return regex.gsub("a1", "(?<n>\\d)", "${n}${n}")`, []any{"a11"}},
		{`return regex.gsub("ab", "(x)?b", "[$1]")`, []any{"a[]"}},
		{`return regex.gsub("abc", "x", "y")`, []any{"abc"}},
		{`return regex.gsub("aaa", "a", "b", 0)`, []any{"aaa"}},
		{`return regex.gsub("héllo", "l", "L", 1)`, []any{"héLlo"}},
		// a function replacement (a kosmo addition) gets the match array
		{`return regex.gsub("a1b2", "\\d", function(m) return "<" .. m[1] .. ">" end)`, []any{"a<1>b<2>"}},
		{`return regex.gsub("a1b2", "\\d", function(m) return nil end)`, []any{"a1b2"}},
		{`return select("#", regex.gsub("a", "a", "b"))`, []any{int64(1)}},
	})
}

func TestRegexSplit(t *testing.T) {
	runCases(t, []luaCase{
		{`return json.encode(regex.split("a , b,c", "\\s*,\\s*"))`, []any{`["a","b","c"]`}},
		{`return json.encode(regex.split("a,b,c", "/,/", 2))`, []any{`["a","b,c"]`}},
		{`return json.encode(regex.split("a,b", ",", -1)), json.encode(regex.split("a,b", ",", 0)), json.encode(regex.split("a,b", ",", 1))`,
			[]any{`["a","b"]`, `["a","b"]`, `["a,b"]`}},
		{`return json.encode(regex.split(",a,,b,", ","))`, []any{`["","a","","b",""]`}},
		{`return json.encode(regex.split(",a,,b,", ",", -1, regex.PREG_SPLIT_NO_EMPTY))`, []any{`["a","b"]`}},
		{`return json.encode(regex.split("a1b22c", "(\\d+)", -1, regex.PREG_SPLIT_DELIM_CAPTURE))`, []any{`["a","1","b","22","c"]`}},
		{`return json.encode(regex.split("aé,b", ",", -1, regex.PREG_SPLIT_OFFSET_CAPTURE))`, []any{`[["aé",0],["b",4]]`}},
		{`return json.encode(regex.split("abc", "//", -1, regex.PREG_SPLIT_NO_EMPTY))`, []any{`["a","b","c"]`}},
		{`return regex.PREG_SPLIT_NO_EMPTY, regex.PREG_SPLIT_DELIM_CAPTURE, regex.PREG_SPLIT_OFFSET_CAPTURE`, []any{int64(1), int64(2), int64(4)}},
	})
}

func TestRegexErrors(t *testing.T) {
	h := newHost(t, nil)
	for _, c := range []struct{ code, msg string }{
		{`regex.match("x", "(unclosed")`, `regex.match: invalid pattern "(unclosed"`},
		{`regex.match("x", "/a/q")`, `modifier 'q' is not supported`},
		{`regex.match("x", nil)`, `regex.match: the pattern (argument 2) must be a string, got nil`},
		{`regex.match({}, "x")`, `regex.match: the subject (argument 1) must be a string, got table`},
		{`regex.match("x", "x", 3000)`, `regex.match: flags (argument 3) 3000 is not a combination of`},
		{`regex.match("x", "x", "i")`, `must be a number such as regex.PREG_OFFSET_CAPTURE, got string`},
		{`regex.match_all("x", "x", 3)`, `PREG_PATTERN_ORDER and PREG_SET_ORDER cannot be combined`},
		{`regex.gsub("x", "x", {})`, `the replacement (argument 3) must be a string or a function, got table`},
		{`regex.gsub("x", "x", "y", "all")`, `the limit (argument 4) must be a number, got string`},
		{`regex.split("x", "x", -1, 256)`, `regex.split: flags (argument 4) 256 is not a combination of`},
	} {
		env := run(t, h, c.code)
		if assert.Equal(t, "invalid_argument", errCode(env), c.code) {
			assert.Contains(t, env.Error.Message, c.msg, c.code)
		}
	}
}

// Results proportional to the input reserve memory first, so a large
// match_all fails with memory_limit instead of growing past the budget.
func TestRegexResultsReserveMemory(t *testing.T) {
	h := newHost(t, func(o *luahost.Options) { o.Limits.Memory = 16 << 20 })
	for _, code := range []string{
		`local s = string.rep("ab ", 250000) return #regex.match_all(s, "(a)(b)", regex.PREG_OFFSET_CAPTURE)[1]`,
		`local s = string.rep("ab ", 250000) return #regex.match_all(s, "(a)(b)", regex.PREG_SET_ORDER)`,
	} {
		env := run(t, h, code)
		require.False(t, env.Success, code)
		assert.Equal(t, "memory_limit", errCode(env), code)
	}
}

// ParsePattern reads PHP's delimited form and leaves everything else as a
// plain pattern.
func TestParsePattern(t *testing.T) {
	for _, c := range []struct {
		in, expr string
		err      bool
	}{
		{`/a\/b/i`, `a\/b`, false},
		{`#\d+#`, `\d+`, false},
		{`~x~ms`, `x`, false},
		{`{a{2}}x`, `a{2}`, false},
		{`!x!`, `x`, false},
		{`(\d+)`, `(\d+)`, false},      // brackets: plain
		{`[abc]`, `[abc]`, false},      // plain
		{`<div>`, `<div>`, false},      // plain
		{`.*x.`, `.*x.`, false},        // a metacharacter: plain
		{`/a/b/`, `/a/b/`, false},      // not modifiers after the close: plain
		{`/open`, `/open`, false},      // no closing delimiter: plain
		{`(?P<n>x)`, `(?<n>x)`, false}, // Python-style names
		{`/x/A`, `\G(?:x)`, false},
		{`/x/U`, ``, true},
		{`/x/e`, ``, true},
	} {
		expr, _, err := luahost.ParsePattern(c.in)
		if c.err {
			assert.Error(t, err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.expr, expr, c.in)
	}
}
