package registry

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

func noop(context.Context, *Call) (any, error) { return nil, nil }

// testFunction exercises every parameter feature the registry supports.
func testFunction() *Function {
	return &Function{
		Name: "make_thing", FullName: "demo.demo_make_thing", Op: Write,
		Summary: "Make a thing.", Description: "Make a thing from parts.",
		Handler: noop,
		Params: []Param{
			{Name: "limit", Type: Integer, Default: int64(10), Min: Ptr(1), Max: Ptr(100), Description: "How many"},
			{Name: "offset", Type: Integer, Default: int64(0), Min: Ptr(0), Description: "How many to skip"},
			{Name: "scale", Type: Number, Default: 1.0, Min: Ptr(0), Max: Ptr(2), Description: "Scale"},
			{Name: "style", Type: String, Enum: []string{"square", "circle"}, Description: "Crop style"},
			{Name: "id", Type: String, MinLen: 1, Description: "Identifier"},
			{Name: "test", Type: Boolean, Default: false, Description: "Test mode"},
			{Name: "parts", Type: Array, MinLen: 1, MaxLen: 3, Description: "Parts", Items: &Param{
				Type: Object, Fields: []Param{
					{Name: "kind", Type: String, Required: true, Description: "Kind"},
					{Name: "size", Type: Object, Fields: []Param{
						{Name: "width", Type: Integer, Required: true},
						{Name: "height", Type: Integer, Required: true},
					}},
				},
			}},
			{Name: "tags", Type: Array, Items: &Param{Type: String}, Description: "Tags"},
			{Name: "vars", Type: Object, Open: true, Description: "Free-form variables"},
		},
	}
}

func invalidArg(t *testing.T, err error) *errcode.Error {
	t.Helper()
	require.Error(t, err)
	e, ok := errcode.As(err)
	require.True(t, ok, "want *errcode.Error, got %T", err)
	assert.Equal(t, errcode.InvalidArgument, e.Code)
	return e
}

func TestValidateAppliesDefaultsAndNormalises(t *testing.T) {
	f := testFunction()
	got, err := f.Validate(map[string]any{"limit": 5.0, "scale": int64(2)})
	require.NoError(t, err)
	assert.Equal(t, int64(5), got["limit"], "whole floats become int64")
	assert.Equal(t, int64(0), got["offset"], "default applied")
	assert.Equal(t, 2.0, got["scale"], "integers become float64 for number params")
	assert.Equal(t, false, got["test"])
	assert.NotContains(t, got, "style", "no default, not given: absent")
}

func TestValidateNilArgsMeansEmpty(t *testing.T) {
	got, err := testFunction().Validate(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(10), got["limit"])
}

func TestValidateErrors(t *testing.T) {
	cases := []struct {
		name    string
		args    map[string]any
		param   string
		message string
	}{
		{"wrong type", map[string]any{"limit": "10"}, "limit",
			`demo.make_thing: parameter 'limit' must be an integer between 1 and 100, got string "10"`},
		{"fraction for integer", map[string]any{"limit": 2.5}, "limit",
			`demo.make_thing: parameter 'limit' must be an integer between 1 and 100, got number 2.5`},
		{"above max", map[string]any{"limit": int64(500)}, "limit",
			`demo.make_thing: parameter 'limit' must be an integer between 1 and 100, got integer 500`},
		{"below min", map[string]any{"offset": int64(-1)}, "offset",
			`demo.make_thing: parameter 'offset' must be an integer >= 0, got integer -1`},
		{"number range", map[string]any{"scale": 2.5}, "scale",
			`demo.make_thing: parameter 'scale' must be a number between 0 and 2, got number 2.5`},
		{"enum", map[string]any{"style": "oval"}, "style",
			`demo.make_thing: parameter 'style' must be one of: square, circle, got string "oval"`},
		{"empty string", map[string]any{"id": ""}, "id",
			`demo.make_thing: parameter 'id' must be a non-empty string, got string ""`},
		{"boolean", map[string]any{"test": "yes"}, "test",
			`demo.make_thing: parameter 'test' must be a boolean, got string "yes"`},
		{"too many items", map[string]any{"parts": []any{
			map[string]any{"kind": "a"}, map[string]any{"kind": "b"}, map[string]any{"kind": "c"}, map[string]any{"kind": "d"}}}, "parts",
			`demo.make_thing: parameter 'parts' must be an array of 1 to 3 items, got an array of 4 item(s)`},
		{"nested required", map[string]any{"parts": []any{map[string]any{"size": map[string]any{"width": 1, "height": 2}}}}, "parts[1].kind",
			`demo.make_thing: missing required parameter 'parts[1].kind' (a string)`},
		{"deep type", map[string]any{"parts": []any{map[string]any{"kind": "a", "size": map[string]any{"width": "wide", "height": 2}}}}, "parts[1].size.width",
			`demo.make_thing: parameter 'parts[1].size.width' must be an integer, got string "wide"`},
		{"nested unknown", map[string]any{"parts": []any{map[string]any{"kind": "a", "knid": "b"}}}, "parts[1].knid",
			`demo.make_thing: unknown parameter 'parts[1].knid'. Did you mean: kind`},
		{"array item type", map[string]any{"tags": []any{"a", int64(2)}}, "tags[2]",
			`demo.make_thing: parameter 'tags[2]' must be a string, got integer 2`},
		{"object given for array", map[string]any{"tags": map[string]any{"a": "b"}}, "tags",
			`demo.make_thing: parameter 'tags' must be an array, got a table with fields a`},
		{"unknown with suggestion", map[string]any{"limt": int64(1)}, "limt",
			`demo.make_thing: unknown parameter 'limt'. Did you mean: limit`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := testFunction().Validate(tc.args)
			e := invalidArg(t, err)
			assert.Equal(t, tc.message, e.Message)
			assert.Equal(t, tc.param, e.Details["param"])
			assert.Equal(t, "demo.make_thing", e.Details["function"])
		})
	}
}

func TestValidateRequiredTopLevel(t *testing.T) {
	f := &Function{Name: "get", FullName: "demo.demo_get", Params: []Param{{Name: "video_id", Type: String, Required: true, MinLen: 1}}}
	_, err := f.Validate(map[string]any{})
	e := invalidArg(t, err)
	assert.Equal(t, "demo.get: missing required parameter 'video_id' (a non-empty string)", e.Message)
	assert.Contains(t, e.Hint, "video_id")
}

func TestValidateNoParamsRejectsAnything(t *testing.T) {
	f := &Function{Name: "me", FullName: "demo.demo_me"}
	_, err := f.Validate(map[string]any{"x": int64(1)})
	e := invalidArg(t, err)
	assert.Equal(t, "demo.me: unknown parameter 'x'", e.Message)
	assert.Contains(t, e.Hint, "takes no parameters")
}

func TestValidateOpenObjectKeepsExtraFields(t *testing.T) {
	got, err := testFunction().Validate(map[string]any{"vars": map[string]any{"name": map[string]any{"value": "Ada"}}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": map[string]any{"value": "Ada"}}, got["vars"])
}

func TestValidateEmptyTableIsEmptyArrayOrObject(t *testing.T) {
	got, err := testFunction().Validate(map[string]any{"tags": map[string]any{}, "vars": []any{}})
	require.NoError(t, err)
	assert.Equal(t, []any{}, got["tags"])
	assert.Equal(t, map[string]any{}, got["vars"])
}

func TestValidateDoesNotShareDefaults(t *testing.T) {
	f := &Function{Name: "x", FullName: "d.d_x", Params: []Param{{Name: "o", Type: Object, Open: true, Default: map[string]any{"a": int64(1)}}}}
	got, err := f.Validate(nil)
	require.NoError(t, err)
	got["o"].(map[string]any)["a"] = int64(2)
	again, err := f.Validate(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), again["o"].(map[string]any)["a"])
}

func TestIntegerRangeOfLuaNumbers(t *testing.T) {
	f := &Function{Name: "x", FullName: "d.d_x", Params: []Param{{Name: "n", Type: Integer}}}
	got, err := f.Validate(map[string]any{"n": float64(1 << 53)})
	require.NoError(t, err)
	assert.Equal(t, int64(1<<53), got["n"])
	_, err = f.Validate(map[string]any{"n": float64(1 << 60)})
	invalidArg(t, err)
}

func TestCheckFindsDeclarationMistakes(t *testing.T) {
	ig := &Integration{Name: "demo", Functions: []*Function{
		{Name: "a", FullName: "demo.demo_a", Op: Read, Summary: "s", Description: "d", Handler: noop,
			Params: []Param{{Name: "limit", Type: Integer, Max: Ptr(10), Default: int64(50)}}},
		{Name: "a", FullName: "demo.demo_a", Op: "maybe", Summary: "s", Description: "d"},
	}}
	err := ig.Check()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "duplicate function a")
	assert.Contains(t, err.Error(), "a: no handler")
	assert.Contains(t, err.Error(), "op must be read or write")
	assert.Contains(t, err.Error(), "a.limit: default does not validate")
	require.NoError(t, (&Integration{Name: "ok", Functions: []*Function{testFunction()}}).Check())
}
