package callargs_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/callargs"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

var control = map[string]bool{"account": true, "force": false, "dry-run": false, "json": false, "sandbox": false, "timeout": true}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		stdin   string
		args    map[string]any
		control map[string]string
	}{
		{"empty", nil, "", map[string]any{}, map[string]string{}},
		{"payload", []string{`{"video_id":"abc","limit":5,"ok":true,"x":1.5,"n":null,"nested":{"a":[1,"b"]}}`}, "",
			map[string]any{"video_id": "abc", "limit": int64(5), "ok": true, "x": 1.5, "n": nil, "nested": map[string]any{"a": []any{int64(1), "b"}}}, map[string]string{}},
		{"kebab equals", []string{"--video-id=abc"}, "", map[string]any{"video_id": "abc"}, map[string]string{}},
		{"kebab space", []string{"--video-id", "abc"}, "", map[string]any{"video_id": "abc"}, map[string]string{}},
		{"flags override payload", []string{`{"title":"a","limit":1}`, "--title", "b"}, "", map[string]any{"title": "b", "limit": int64(1)}, map[string]string{}},
		{"flag before payload", []string{"--limit=3", `{"limit":1}`}, "", map[string]any{"limit": int64(3)}, map[string]string{}},
		{"arg pairs", []string{"--arg", "title=My video", "--arg=limit=7", "--arg", "note=a=b"}, "",
			map[string]any{"title": "My video", "limit": int64(7), "note": "a=b"}, map[string]string{}},
		{"coercion", []string{"--a", "true", "--b", "false", "--c", "null", "--d", "42", "--e", "-3", "--f", "2.5", "--g", "1e3", "--h", "007", "--i", "abc", "--j", "", "--k", "99999999999999999999", "--l", "0", "--m", "0.5"}, "",
			map[string]any{"a": true, "b": false, "c": nil, "d": int64(42), "e": int64(-3), "f": 2.5, "g": 1000.0, "h": "007", "i": "abc", "j": "", "k": "99999999999999999999", "l": int64(0), "m": 0.5}, map[string]string{}},
		{"json flag", []string{"--dimension:json", `{"width":1280,"height":720}`}, "",
			map[string]any{"dimension": map[string]any{"width": int64(1280), "height": int64(720)}}, map[string]string{}},
		{"json flag equals", []string{"--tags:json=[\"a\",\"b\"]"}, "", map[string]any{"tags": []any{"a", "b"}}, map[string]string{}},
		{"bare switch", []string{"--test", "--title", "x"}, "", map[string]any{"test": true, "title": "x"}, map[string]string{}},
		{"bare switch at end", []string{"--test"}, "", map[string]any{"test": true}, map[string]string{}},
		{"control flags", []string{"--account", "work", "--force", "--dry-run", "--json", "--timeout=30s", "--title", "x"}, "",
			map[string]any{"title": "x"}, map[string]string{"account": "work", "force": "true", "dry-run": "true", "json": "true", "timeout": "30s"}},
		{"control bool false", []string{"--force=false"}, "", map[string]any{}, map[string]string{"force": "false"}},
		{"stdin payload", nil, `{"video_id":"from-stdin"}`, map[string]any{"video_id": "from-stdin"}, map[string]string{}},
		{"stdin payload and flag", []string{"--video-id", "flag"}, `{"video_id":"from-stdin","x":1}`, map[string]any{"video_id": "flag", "x": int64(1)}, map[string]string{}},
		{"stdin blank", nil, " \n", map[string]any{}, map[string]string{}},
		{"negative value", []string{"--offset", "-5"}, "", map[string]any{"offset": int64(-5)}, map[string]string{}},
		{"value with quotes and newlines", []string{"--script", "say \"hi\"\n]] os.exit() --"}, "", map[string]any{"script": "say \"hi\"\n]] os.exit() --"}, map[string]string{}},
		{"double dash payload", []string{"--", `{"a":1}`}, "", map[string]any{"a": int64(1)}, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := callargs.Options{Control: control, Target: "heygen.get_video"}
			if tc.stdin != "" {
				o.Stdin = strings.NewReader(tc.stdin)
			}
			p, err := callargs.Parse(tc.argv, o)
			require.NoError(t, err)
			assert.Equal(t, tc.args, p.Args)
			assert.Equal(t, tc.control, p.Control)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		argv   []string
		stdin  string
		params []string
		code   errcode.Code
		msg    []string
	}{
		{"bad payload offset", []string{`{"a": 1,, "b": 2}`}, "", nil, errcode.InvalidArgument, []string{"the PAYLOAD is not valid JSON", "at byte 9"}},
		{"bad stdin offset", nil, `{"a": tru}`, nil, errcode.InvalidArgument, []string{"standard input is not valid JSON", "at byte 10"}},
		{"truncated payload", []string{`{"a": 1`}, "", nil, errcode.InvalidArgument, []string{"ends early at byte 7"}},
		{"trailing data", []string{`{"a": 1} x`}, "", nil, errcode.InvalidArgument, []string{"unexpected data after the value"}},
		{"payload not object", []string{`[1,2]`}, "", nil, errcode.InvalidArgument, []string{"must be a JSON object", "got an array"}},
		{"two payloads", []string{`{}`, `{}`}, "", nil, errcode.UsageError, []string{"at most one PAYLOAD"}},
		{"unknown flag suggests", []string{"--vidoe-id", "x"}, "", []string{"video_id", "limit"}, errcode.InvalidArgument, []string{"unknown parameter --vidoe-id", "Did you mean: --video-id"}},
		{"unknown arg suggests", []string{"--arg", "limt=3"}, "", []string{"video_id", "limit"}, errcode.InvalidArgument, []string{"unknown parameter --arg limt=...", "--limit"}},
		{"unknown json flag", []string{"--dimenson:json", "{}"}, "", []string{"dimension"}, errcode.InvalidArgument, []string{"--dimension"}},
		{"control needs value", []string{"--account"}, "", nil, errcode.UsageError, []string{"--account needs a value"}},
		{"bool control with value", []string{"--force=yes"}, "", nil, errcode.UsageError, []string{"takes no value"}},
		{"arg without equals", []string{"--arg", "title"}, "", nil, errcode.UsageError, []string{"want key=value"}},
		{"arg without value", []string{"--arg"}, "", nil, errcode.UsageError, []string{"--arg needs a value"}},
		{"bad json flag", []string{"--x:json", "{oops}"}, "", nil, errcode.InvalidArgument, []string{"--x:json is not valid JSON", "at byte 2"}},
		{"short option", []string{"-v"}, "", nil, errcode.UsageError, []string{"unknown short option"}},
		{"empty flag name", []string{"--=x"}, "", nil, errcode.UsageError, []string{"empty flag name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := callargs.Options{Control: control, Params: tc.params, Target: "heygen.get_video"}
			if tc.stdin != "" {
				o.Stdin = strings.NewReader(tc.stdin)
			}
			_, err := callargs.Parse(tc.argv, o)
			require.Error(t, err)
			e, ok := errcode.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tc.code, e.Code, e.Message)
			for _, m := range tc.msg {
				assert.Contains(t, e.Message, m)
			}
		})
	}
}

func TestCoerce(t *testing.T) {
	for in, want := range map[string]any{
		"true": true, "false": false, "null": nil, "True": "True", "1": int64(1), "-0": int64(0), "1.0": 1.0,
		"1.": "1.", ".5": ".5", "0x10": "0x10", "1e400": "1e400", "00": "00", "-01": "-01", "12abc": "12abc", " 1": " 1",
	} {
		assert.Equal(t, want, callargs.Coerce(in), in)
	}
}

func TestParsePair(t *testing.T) {
	k, v, err := callargs.ParsePair("some-key=a=b")
	require.NoError(t, err)
	assert.Equal(t, "some_key", k)
	assert.Equal(t, "a=b", v)
	_, _, err = callargs.ParsePair("=x")
	require.Error(t, err)
}

func FuzzParse(f *testing.F) {
	f.Add(`{"a":1}`, "--title", "x y", "--arg", "k=v")
	f.Add(`{`, "--x:json", `[1,`, "--force", "--account")
	f.Add("", "--", "-1", "--a=b=c", "null")
	f.Fuzz(func(t *testing.T, a, b, c, d, e string) {
		p, err := callargs.Parse([]string{a, b, c, d, e}, callargs.Options{Control: control, Params: []string{"title", "k", "x", "a"}})
		if err != nil {
			_, ok := errcode.As(err)
			if !ok {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if p.Args == nil || p.Control == nil {
			t.Fatal("nil maps")
		}
	})
}
