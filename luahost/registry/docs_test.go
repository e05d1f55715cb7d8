package registry

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func demoIntegration() *Integration {
	f := testFunction()
	f.Examples = []Example{{Title: "Make one", Code: "app.integrations.demo.make_thing({limit = 1})"}}
	f.Sections = []Section{{Title: "Part Structure", Body: "Each part is a table."}}
	f.Returns = "A table with `data.id`."
	g := &Function{Name: "get_thing", FullName: "demo.demo_get_thing", Op: Read, Summary: "Get a thing.", Description: "Get a thing.",
		Handler: noop, Flat: true, Examples: []Example{{Code: "print(1)"}}}
	return &Integration{Name: "demo", Title: "Demo", Credential: Credential{Label: "API key", EnvVar: "DEMO_API_KEY"},
		Functions: []*Function{f, g}}
}

func TestRenderReferenceHasTheSeedSections(t *testing.T) {
	md := demoIntegration().RenderReference()
	for _, want := range []string{
		"# Demo — Lua API Reference\n",
		"## make_thing\n\nMake a thing.\n",
		"### Parameters\n\n| Name | Type | Required | Description |\n|------|------|----------|-------------|\n",
		"| `limit` | integer | no | How many (default: 10, max: 100) |\n",
		"| `offset` | integer | no | How many to skip (default: 0) |\n",
		"| `scale` | number | no | Scale (default: 1, min: 0, max: 2) |\n",
		"| `style` | string | no | Crop style (one of: square, circle) |\n",
		"| `tags` | array of string | no | Tags |\n",
		"Fields of each `parts` item:\n",
		"| `kind` | string | yes | Kind |\n",
		"### Part Structure\n\nEach part is a table.\n",
		"### Examples\n\n```lua\n-- Make one\napp.integrations.demo.make_thing({limit = 1})\n```\n",
		"## get_thing\n",
		"### Parameters\n\nNone.\n",
		"### Example\n\n```lua\nprint(1)\n```\n",
		"{success = false, error = \"<message>\"}",
		"---\n\n## Multi-Account Usage\n",
		"app.integrations.demo.default.function_name({...})",
		"`DEMO_API_KEY_<NAME>`",
		"(needs `--force` or a policy that allows writes)",
	} {
		assert.Contains(t, md, want)
	}
	assert.Less(t, strings.Index(md, "### Part Structure"), strings.Index(md, "### Examples"), "sections come before examples")
}

func TestPagesNameEachFunction(t *testing.T) {
	pages := demoIntegration().Pages()
	require.Len(t, pages, 3)
	assert.Equal(t, []string{"demo", "demo.make_thing", "demo.get_thing"}, []string{pages[0].Name, pages[1].Name, pages[2].Name})
	assert.True(t, strings.HasPrefix(pages[1].Body, "# Demo — make_thing\n"))
	assert.Contains(t, pages[1].Body, "## Parameters")
	assert.NotContains(t, pages[1].Body, "get_thing")
}

func TestInputSchema(t *testing.T) {
	s := testFunction().InputSchema()
	raw, err := json.Marshal(s)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, "object", got["type"])
	assert.Equal(t, false, got["additionalProperties"])
	props := got["properties"].(map[string]any)
	limit := props["limit"].(map[string]any)
	assert.Equal(t, "integer", limit["type"])
	assert.Equal(t, 1.0, limit["minimum"])
	assert.Equal(t, 100.0, limit["maximum"])
	assert.Equal(t, 10.0, limit["default"])
	assert.Equal(t, []any{"square", "circle"}, props["style"].(map[string]any)["enum"])
	parts := props["parts"].(map[string]any)
	assert.Equal(t, 3.0, parts["maxItems"])
	item := parts["items"].(map[string]any)
	assert.Equal(t, []any{"kind"}, item["required"])
	assert.Equal(t, true, props["vars"].(map[string]any)["type"] == "object")
}

func TestSuggest(t *testing.T) {
	names := []string{"list_videos", "get_video", "create_video", "list_avatars", "list_voices", "get_current_user", "list_templates"}
	assert.Equal(t, []string{"list_videos"}, Suggest("list_vidoes", names))
	assert.Equal(t, []string{"get_video"}, Suggest("get_vidoe", names))
	assert.Equal(t, []string{"list_voices"}, Suggest("list_voice", names)[:1])
	assert.Empty(t, Suggest("zzzzzz", names))
	assert.Equal(t, []string{"limit"}, Suggest("LIMIT", []string{"limit", "offset"}))
}

func TestDistance(t *testing.T) {
	assert.Equal(t, 0, Distance("abc", "abc"))
	assert.Equal(t, 1, Distance("vidoes", "videos"), "a transposition is one edit")
	assert.Equal(t, 3, Distance("", "abc"))
	assert.Equal(t, 1, Distance("héllo", "hello"), "runes, not bytes")
}

func TestPolicy(t *testing.T) {
	p := DefaultPolicy()
	assert.Equal(t, Allow, p.Decide(Read))
	assert.Equal(t, Ask, p.Decide(Write))
	assert.Equal(t, Ask, Policy{}.Decide(Write), "unset falls back to the default")
	assert.Equal(t, Deny, Policy{Read: Deny}.Decide(Read))
	d, err := ParseDecision(" Allow ")
	require.NoError(t, err)
	assert.Equal(t, Allow, d)
	_, err = ParseDecision("sometimes")
	assert.ErrorContains(t, err, "use allow, ask or deny")
}
