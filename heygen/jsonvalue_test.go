package heygen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceDecode is what parseJSON must agree with: json.Unmarshal's
// acceptance and a UseNumber decode's values.
func referenceDecode(b []byte) (any, bool) {
	if !json.Valid(b) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

var jsonSamples = []string{
	`{"data":[{"id":"a","n":1,"f":1.5e3,"neg":-0.0,"t":true,"x":false,"z":null}],"has_more":false,"next_token":null}`,
	`[]`, `{}`, `null`, ` 7 `, `"s"`, `-0`, `1E+2`, `1e-2`,
	`"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \ud800 \udc00x \ud800\u0041"`,
	"\"bad utf8 \xff\xfe end\"", "\"\xe2\x82\"", `{"a":1,"a":2}`, `{"k\u0041":"v"}`,
	`[1,[2,[3,{"a":[]}]]]`,
	// invalid
	``, ` `, `{`, `[1,]`, `{"a":1,}`, `{"a"}`, `{a:1}`, `01`, `1.`, `.5`, `1e`, `-`, `+1`, `tru`, `nul`,
	`"unterminated`, "\"ctl \x01\"", `"\x"`, `"\u12"`, `"\u12zz"`, `{} {}`, `[1] x`, `"\'"`, `NaN`,
	`[` + strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10002),
}

func TestParseJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range jsonSamples {
		want, ok := referenceDecode([]byte(s))
		got, err := parseJSON([]byte(s))
		if !ok {
			assert.Error(t, err, "%q is not valid JSON", s)
			continue
		}
		if assert.NoError(t, err, "%q", s) {
			assert.Equal(t, want, got, "%q", s)
		}
	}
}

// Nesting as deep as encoding/json allows is accepted, one level more is not.
func TestParseJSONDepthLimit(t *testing.T) {
	ok := strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)
	_, err := parseJSON([]byte(ok))
	require.NoError(t, err)
	_, ok2 := referenceDecode([]byte(ok))
	require.True(t, ok2)
	deep := "[" + ok + "]"
	_, err = parseJSON([]byte(deep))
	require.Error(t, err)
	_, ok2 = referenceDecode([]byte(deep))
	require.False(t, ok2)
}

// FuzzParseJSON checks the one-pass parser against encoding/json on
// arbitrary input: the same documents are accepted and give the same values.
func FuzzParseJSON(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, ok := referenceDecode(b)
		got, err := parseJSON(b)
		if ok != (err == nil) {
			t.Fatalf("%q: encoding/json accepts=%v, parseJSON err=%v", b, ok, err)
		}
		if ok && !assert.ObjectsAreEqual(want, got) {
			t.Fatalf("%q: got %#v, want %#v", b, got, want)
		}
	})
}
