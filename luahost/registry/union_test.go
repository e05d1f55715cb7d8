package registry

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func assetParam() Param {
	return Param{Name: "video", Type: Object, Required: true, Discriminator: "type", Variants: []Variant{
		{Value: "asset_id", Fields: []Param{{Name: "type", Type: String, Required: true, Enum: []string{"asset_id"}}, {Name: "asset_id", Type: String, Required: true}}},
		{Value: "url", Fields: []Param{{Name: "type", Type: String, Required: true, Enum: []string{"url"}}, {Name: "url", Type: String, Required: true}}},
	}}
}

// unionFunction has a union argument, a union argument table and an
// exclusive pair.
func unionFunction() *Function {
	return &Function{
		Name: "make_clip", FullName: "demo.demo_make_clip", Op: Write, Summary: "Make a clip.", Description: "Make a clip.", Handler: noop,
		Params: []Param{
			assetParam(),
			{Name: "scenes", Type: Array, Items: &Param{Type: Object, Fields: []Param{
				{Name: "script", Type: String}, {Name: "audio_url", Type: String}, {Name: "duration", Type: Number},
			}, Exclusive: [][]string{{"audio_url", "script"}, {"duration", "script"}}}},
		},
	}
}

func TestUnionPicksTheVariantByItsType(t *testing.T) {
	f := unionFunction()
	out, err := f.Validate(map[string]any{"video": map[string]any{"type": "url", "url": "https://x/v.mp4"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"type": "url", "url": "https://x/v.mp4"}, out["video"])

	_, err = f.Validate(map[string]any{"video": map[string]any{"type": "asset_id", "asset_id": "a1"}})
	require.NoError(t, err)

	e := invalidArg(t, mustFail(f.Validate(map[string]any{"video": map[string]any{"url": "https://x"}})))
	assert.Equal(t, "demo.make_clip: missing required parameter 'video.type' (one of: asset_id, url)", e.Message)

	e = invalidArg(t, mustFail(f.Validate(map[string]any{"video": map[string]any{"type": "urll", "url": "x"}})))
	assert.Equal(t, `demo.make_clip: parameter 'video.type' must be one of: asset_id, url, got string "urll". Did you mean: url`, e.Message)

	e = invalidArg(t, mustFail(f.Validate(map[string]any{"video": map[string]any{"type": "url", "asset_id": "a1"}})))
	assert.Contains(t, e.Message, "unknown parameter 'video.asset_id'", "a field of another variant is refused")

	e = invalidArg(t, mustFail(f.Validate(map[string]any{"video": map[string]any{"type": "asset_id"}})))
	assert.Equal(t, "demo.make_clip: missing required parameter 'video.asset_id' (a string)", e.Message)
}

func TestUnionOfTheArgumentTable(t *testing.T) {
	f := &Function{Name: "create_avatar", FullName: "demo.demo_create_avatar", Op: Write, Summary: "s", Description: "d", Handler: noop,
		Discriminator: "type", Variants: []Variant{
			{Value: "photo", Fields: []Param{{Name: "type", Type: String, Required: true, Enum: []string{"photo"}}, {Name: "name", Type: String, Required: true}, assetParam()}},
			{Value: "prompt", Fields: []Param{{Name: "type", Type: String, Required: true, Enum: []string{"prompt"}}, {Name: "name", Type: String, Required: true}, {Name: "prompt", Type: String, Required: true}}},
		}}
	out, err := f.Validate(map[string]any{"type": "prompt", "name": "Ann", "prompt": "a friendly teacher"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"type": "prompt", "name": "Ann", "prompt": "a friendly teacher"}, out)

	e := invalidArg(t, mustFail(f.Validate(map[string]any{"name": "Ann"})))
	assert.Equal(t, "demo.create_avatar: missing required parameter 'type' (one of: photo, prompt)", e.Message)

	e = invalidArg(t, mustFail(f.Validate(map[string]any{"type": "prompt", "name": "Ann", "promt": "x"})))
	assert.Contains(t, e.Message, "unknown parameter 'promt'. Did you mean: prompt")

	s := f.InputSchema()
	require.Len(t, s["oneOf"], 2)
	photo := s["oneOf"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"type": "string", "const": "photo"}, photo["properties"].(map[string]any)["type"])
	assert.Equal(t, []string{"type", "name", "video"}, photo["required"])
}

func TestExclusiveFieldsAreRefusedTogether(t *testing.T) {
	f := unionFunction()
	video := map[string]any{"type": "url", "url": "u"}
	_, err := f.Validate(map[string]any{"video": video, "scenes": []any{map[string]any{"script": "hi"}, map[string]any{"duration": 3.0}}})
	require.NoError(t, err)

	e := invalidArg(t, mustFail(f.Validate(map[string]any{"video": video, "scenes": []any{map[string]any{"script": "hi", "audio_url": "https://x/a.mp3"}}})))
	assert.Equal(t, "demo.make_clip: parameters 'scenes[1].audio_url' and 'scenes[1].script' cannot be given together", e.Message)
	assert.Equal(t, "scenes[1].script", e.Details["param"])
	assert.Contains(t, e.Hint, "give only one of audio_url, script")

	schema := f.Params[1].Schema()["items"].(map[string]any)
	assert.Len(t, schema["allOf"], 2)
}

func TestDocsShowUnionsAndExclusiveGroups(t *testing.T) {
	ig := &Integration{Name: "demo", Title: "Demo", Functions: []*Function{unionFunction()}}
	page := ig.RenderFunctionPage(ig.Functions[0])
	assert.Contains(t, page, "`type` picks the shape, one of `asset_id`, `url`.")
	assert.Contains(t, page, "When `type = \"url\"`")
	assert.Contains(t, page, "Give at most one of `audio_url`, `script`")
}

func mustFail(_ map[string]any, err error) error { return err }

func TestCheckFindsUnionMistakes(t *testing.T) {
	ig := &Integration{Name: "demo", Functions: []*Function{unionFunction()}}
	require.NoError(t, ig.Check())

	bad := unionFunction()
	bad.Exclusive = [][]string{{"video", "vidoe"}}
	bad.Params[0].Variants = append(bad.Params[0].Variants, Variant{Value: "url"})
	bad.Params[1].Items.Discriminator = ""
	bad.Params[1].Items.Variants = []Variant{{Value: "x"}}
	err := (&Integration{Name: "demo", Functions: []*Function{bad}}).Check()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "make_clip: exclusive group names unknown field vidoe")
	assert.Contains(t, err.Error(), `make_clip.video: variant value "url" is empty or repeated`)
	assert.Contains(t, err.Error(), "make_clip.scenes[]: variants without a discriminator")
}

func TestVariantExclusiveGroups(t *testing.T) {
	f := &Function{Name: "make", FullName: "demo.demo_make", Op: Write, Summary: "s", Description: "d", Handler: noop,
		Discriminator: "type", Variants: []Variant{
			{Value: "avatar", Fields: []Param{{Name: "type", Type: String}, {Name: "script", Type: String}, {Name: "audio_url", Type: String}},
				Exclusive: [][]string{{"audio_url", "script"}}},
			{Value: "image", Fields: []Param{{Name: "type", Type: String}, {Name: "script", Type: String}, {Name: "audio_url", Type: String}}},
		}}
	require.NoError(t, (&Integration{Name: "demo", Functions: []*Function{f}}).Check())
	e := invalidArg(t, mustFail(f.Validate(map[string]any{"type": "avatar", "script": "a", "audio_url": "b"})))
	assert.Equal(t, "demo.make: parameters 'audio_url' and 'script' cannot be given together", e.Message)
	_, err := f.Validate(map[string]any{"type": "image", "script": "a", "audio_url": "b"})
	assert.NoError(t, err, "the group belongs to the avatar variant only")
	assert.Contains(t, f.InputSchema()["oneOf"].([]any)[0].(map[string]any), "allOf")
}

func TestReferenceGroupsFunctionsByArea(t *testing.T) {
	mk := func(name, area, req string) *Function {
		return &Function{Name: name, FullName: "demo.demo_" + name, Op: Read, Summary: name + ".", Description: name + ".", Handler: noop, Area: area, Request: req}
	}
	ig := &Integration{Name: "demo", Title: "Demo", Functions: []*Function{
		mk("list_a", "alpha", "GET /v3/a"), mk("list_b", "beta", "GET /v3/b"), mk("get_a", "alpha", "GET /v3/a/{id}"),
	}}
	assert.Equal(t, []string{"alpha", "beta"}, ig.Areas())
	ref := ig.RenderReference()
	alpha, beta := strings.Index(ref, "### alpha"), strings.Index(ref, "### beta")
	require.True(t, alpha >= 0 && beta > alpha)
	assert.Contains(t, ref[alpha:beta], "| `get_a` | read | `GET /v3/a/{id}` | get_a. |")
	assert.Less(t, strings.Index(ref, "## get_a"), strings.Index(ref, "## list_b"), "details follow the areas too")
	assert.Contains(t, ig.RenderFunctionPage(ig.Functions[1]), "- Request: `GET /v3/b`\n- Area: beta")
}
