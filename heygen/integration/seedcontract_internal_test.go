package integration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The 15 hand-written functions are the seeds' contracts: generation must
// never rename them, change their parameters or take their names. New
// parameters may only be added after the seed's, and only as optional.
func TestSeedFunctionsKeepTheirContracts(t *testing.T) {
	want := map[string][]string{
		"list_videos":                {"limit", "offset", "folder_id", "title"},
		"get_video":                  {"video_id"},
		"create_video":               {"video_inputs", "dimension", "test", "title", "caption", "callback_url", "callback_id"},
		"list_avatars":               {"avatar_type", "ownership", "group_id", "max"},
		"list_voices":                {"language", "gender", "type", "engine", "max"},
		"get_current_user":           {},
		"list_templates":             {"limit", "offset"},
		"create_talking_photo":       {"talking_photo_id", "text", "voice_id", "test", "caption", "scale", "talking_photo_style", "talking_style", "expression", "super_resolution", "enhance", "matting"},
		"create_video_from_template": {"template_id", "test", "caption", "variables", "title"},
		"list_custom_events_options": {},
		"list_voice_id_options":      {"language", "gender", "type", "engine", "max"},
		"retrieve_video_link":        {"video_id"},
		"wait_for_video":             {"video_id", "timeout", "interval", "max_interval"},
		"delete_video":               {"video_id"},
		"list_all_videos":            {"max", "folder_id", "title"},
	}
	ig := New()
	for name, params := range want {
		f, ok := ig.Function(name)
		require.True(t, ok, name)
		names := f.ParamNames()
		require.GreaterOrEqual(t, len(names), len(params), name)
		assert.Equal(t, params, names[:len(params)], "%s keeps the seed's parameters, in order", name)
		for _, extra := range f.Params[len(params):] {
			assert.False(t, extra.Required, "%s: added parameter %s must be optional", name, extra.Name)
		}
		assert.Equal(t, "heygen.heygen_"+name, f.FullName)
		assert.NotEmpty(t, f.Request, "%s names the request it sends", name)
		assert.NotEmpty(t, f.Area, name)
	}
	flat := map[string]bool{"create_talking_photo": true, "create_video_from_template": true, "list_custom_events_options": true,
		"list_voice_id_options": true, "retrieve_video_link": true}
	for _, f := range ig.Functions {
		if _, seed := want[f.Name]; !seed {
			assert.False(t, f.Flat, "%s: generated functions raise on failure", f.Name)
			continue
		}
		assert.Equal(t, flat[f.Name], f.Flat, f.Name)
	}
	require.NoError(t, ig.Check())
	assert.ElementsMatch(t, []string{"videos", "avatars", "voices", "users", "templates", "webhooks", "assets", "audio",
		"background removal", "brand", "clipping", "lipsync", "translation", "video agent"}, ig.Areas())
}
