package mcpclient

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

func mustSchema(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

const noteSchema = `{"type": "object", "additionalProperties": false, "required": ["title"],
  "properties": {
    "title": {"type": "string", "minLength": 1},
    "count": {"type": "integer", "minimum": 1, "maximum": 5},
    "ratio": {"type": "number", "exclusiveMaximum": 1.5},
    "priority": {"type": "string", "enum": ["low", "normal", "high"]},
    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
    "meta": {"type": "object"},
    "items": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}},
    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
  }}`

func TestValidateAccepts(t *testing.T) {
	v := newArgValidator("notes", "write", mustSchema(t, noteSchema))
	got, err := v.Validate(map[string]any{"title": "x", "count": int64(3), "ratio": 1.2, "priority": "low",
		"tags": map[string]any{}, "meta": []any{}, "items": []any{map[string]any{"name": "a"}}, "code": "ABC", "either": int64(2)})
	require.NoError(t, err)
	// Empty Lua tables take the shape the schema asks for.
	assert.Equal(t, []any{}, got["tags"])
	assert.Equal(t, map[string]any{}, got["meta"])
}

func TestValidateMessages(t *testing.T) {
	v := newArgValidator("notes", "write", mustSchema(t, noteSchema))
	for _, tc := range []struct {
		args        map[string]any
		msg, param  string
		suggestions []string
	}{
		{map[string]any{}, "mcp.notes.write: missing required parameter 'title' (string)", "title", nil},
		{map[string]any{"title": 5.5}, "mcp.notes.write: parameter 'title' must be string, got number 5.5", "title", nil},
		{map[string]any{"title": "x", "titel": "y"}, "mcp.notes.write: unknown parameter 'titel'. Did you mean: title", "titel", []string{"title"}},
		{map[string]any{"title": "x", "count": int64(9)}, "mcp.notes.write: parameter 'count' must be at most 5, got integer 9", "count", nil},
		{map[string]any{"title": "x", "count": 1.5}, "mcp.notes.write: parameter 'count' must be integer, got number 1.5", "count", nil},
		{map[string]any{"title": "x", "ratio": 1.5}, "mcp.notes.write: parameter 'ratio' must be less than 1.5, got number 1.5", "ratio", nil},
		{map[string]any{"title": ""}, "mcp.notes.write: parameter 'title' must be a string of at least 1 character(s), got string \"\"", "title", nil},
		{map[string]any{"title": "x", "priority": "hihg"}, `mcp.notes.write: parameter 'priority' must be one of "low", "normal", "high", got string "hihg". Did you mean: high`, "priority", nil},
		{map[string]any{"title": "x", "tags": []any{"a", int64(2)}}, "mcp.notes.write: parameter 'tags[2]' must be string, got integer 2", "tags[2]", nil},
		{map[string]any{"title": "x", "tags": []any{"a", "b", "c"}}, "mcp.notes.write: parameter 'tags' must be an array of at most 2 item(s), got an array of 3 item(s)", "tags", nil},
		{map[string]any{"title": "x", "items": []any{map[string]any{"name": "a"}, map[string]any{}}}, "mcp.notes.write: missing required parameter 'items[2].name' (string)", "items[2].name", nil},
		{map[string]any{"title": "x", "code": "abc"}, `mcp.notes.write: parameter 'code' must be a string matching "^[A-Z]{3}$", got string "abc"`, "code", nil},
		{map[string]any{"title": "x", "either": true}, "mcp.notes.write: parameter 'either' must be one of the shapes its schema allows, got boolean true", "either", nil},
	} {
		_, err := v.Validate(tc.args)
		require.Error(t, err, "%v", tc.args)
		e, ok := errcode.As(err)
		require.True(t, ok)
		assert.Equal(t, errcode.InvalidArgument, e.Code)
		assert.Equal(t, tc.msg, e.Message)
		assert.Equal(t, tc.param, e.Details["param"], tc.msg)
		assert.Equal(t, "mcp.notes.write", e.Details["function"])
		assert.Contains(t, e.Hint, `mcp.schema("notes", "write")`)
		if tc.suggestions != nil {
			assert.Equal(t, tc.suggestions, e.Details["suggestions"])
		}
	}
}

func TestValidateDraft07AndBrokenSchemas(t *testing.T) {
	v := newArgValidator("s", "t", mustSchema(t, `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
		"properties": {"n": {"type": "integer", "exclusiveMinimum": 0}}}`))
	_, err := v.Validate(map[string]any{"n": int64(0)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parameter 'n' must be greater than 0")

	// A schema that refers to another document is not enforced (and not
	// fetched); the server checks what it gets.
	v = newArgValidator("s", "t", mustSchema(t, `{"type": "object", "properties": {"x": {"$ref": "https://example.com/x.json"}}}`))
	got, err := v.Validate(map[string]any{"x": 1})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"x": 1}, got)

	v = newArgValidator("s", "t", mustSchema(t, `{"type": "object", "properties": {"x": {"$ref": "file:///etc/passwd"}}}`))
	_, err = v.Validate(map[string]any{"x": 1})
	require.NoError(t, err)

	v = newArgValidator("s", "t", mustSchema(t, `{"type": "object", "properties": {"x": {"type": "string", "pattern": "(?<=a)b"}}}`))
	_, err = v.Validate(map[string]any{"x": "zz"})
	require.NoError(t, err, "a pattern Go cannot compile leaves the schema unenforced")
}

func TestValidateFormatsAndRefs(t *testing.T) {
	// draft-07 asserts formats; 2020-12 leaves them to the server.
	draft7 := `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
		"properties": {"site": {"type": "string", "format": "uri"}, "when": {"type": "string", "format": "date-time"}}}`
	v := newArgValidator("s", "t", mustSchema(t, draft7))
	_, err := v.Validate(map[string]any{"site": "https://example.com/x", "when": "2026-12-02T10:00:00Z"})
	require.NoError(t, err)
	_, err = v.Validate(map[string]any{"site": "not a url"})
	require.Error(t, err)
	assert.Equal(t, `mcp.s.t: parameter 'site' must be a valid uri, got string "not a url"`, err.(*errcode.Error).Message)
	_, err = v.Validate(map[string]any{"when": "yesterday"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parameter 'when' must be a valid date-time")

	v = newArgValidator("s", "t", mustSchema(t, `{"type": "object", "properties": {"site": {"type": "string", "format": "uri"}}}`))
	_, err = v.Validate(map[string]any{"site": "not a url"})
	require.NoError(t, err)

	// Local references are followed for the message.
	v = newArgValidator("s", "t", mustSchema(t, `{"type": "object", "$defs": {"n": {"type": "integer", "minimum": 1}},
		"properties": {"pages": {"type": "array", "items": {"$ref": "#/$defs/n"}}}}`))
	_, err = v.Validate(map[string]any{"pages": []any{int64(3), int64(0)}})
	require.Error(t, err)
	assert.Equal(t, "mcp.s.t: parameter 'pages[2]' must be at least 1, got integer 0", err.(*errcode.Error).Message)

	// Several unknown fields: the first in order is named.
	v = newArgValidator("s", "t", mustSchema(t, `{"type": "object", "additionalProperties": false, "properties": {"title": {}}}`))
	_, err = v.Validate(map[string]any{"zz": 1, "b": 2, "title": 3})
	require.Error(t, err)
	assert.Equal(t, "mcp.s.t: unknown parameter 'b'", err.(*errcode.Error).Message)

	// A rule the explainer does not word is reported in the validator's.
	v = newArgValidator("s", "t", mustSchema(t, `{"type": "object", "not": {"required": ["a"]}}`))
	_, err = v.Validate(map[string]any{"a": 1})
	require.Error(t, err)
	e, _ := errcode.As(err)
	assert.Equal(t, errcode.InvalidArgument, e.Code)
	assert.Contains(t, e.Message, "mcp.s.t: arguments is not valid (not: ")

	// oneOf matching two shapes fails like one matching none.
	v = newArgValidator("s", "t", mustSchema(t, `{"type": "object", "properties": {"x": {"oneOf": [{"type": "integer"}, {"type": "number"}]}}}`))
	_, err = v.Validate(map[string]any{"x": int64(2)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parameter 'x' must be one of the shapes its schema allows")
	_, err = v.Validate(map[string]any{"x": 2.5})
	require.NoError(t, err)

	// Dialects jsonschema-go does not know are left to the server.
	v = newArgValidator("s", "t", mustSchema(t, `{"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
		"properties": {"n": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}}}`))
	_, err = v.Validate(map[string]any{"n": "x"})
	require.NoError(t, err)
}
