package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generatedDocs are the files in docs/ that are rendered from the registry
// and the host. Run `UPDATE_DOCS=1 go test ./cmd/kosmo -run TestDocsNoDrift`
// after changing a declaration.
var generatedDocs = map[string]string{
	"heygen": "../../docs/heygen.md",
	"lua":    "../../docs/lua.md",
}

func TestDocsNoDrift(t *testing.T) {
	h, err := docsHost()
	require.NoError(t, err)
	for page, file := range generatedDocs {
		body, ok := h.ReadDoc(page)
		require.True(t, ok, page)
		if os.Getenv("UPDATE_DOCS") == "1" {
			require.NoError(t, os.WriteFile(filepath.Clean(file), []byte(body), 0o644))
			continue
		}
		want, err := os.ReadFile(file)
		require.NoError(t, err, "run UPDATE_DOCS=1 go test ./cmd/kosmo -run TestDocsNoDrift")
		assert.Equal(t, string(want), body, "%s is out of date: run UPDATE_DOCS=1 go test ./cmd/kosmo -run TestDocsNoDrift", file)
	}
}

// The reference keeps the sections of the seed's raw agent markdown.
func TestHeygenReferenceSections(t *testing.T) {
	h, err := docsHost()
	require.NoError(t, err)
	body, _ := h.ReadDoc("heygen")
	for _, want := range []string{
		"# HeyGen — Lua API Reference",
		"## list_videos", "## get_video", "## create_video", "## list_avatars", "## list_voices",
		"## get_current_user", "## list_templates",
		"## create_talking_photo", "## create_video_from_template", "## list_custom_events_options",
		"## list_voice_id_options", "## retrieve_video_link", "## wait_for_video", "## delete_video", "## list_all_videos",
		"### Video Input Structure", "## Multi-Account Usage",
		"| `limit` | integer | no | Maximum number of videos to return (default: 10, max: 100) |",
		"| `video_id` | string | yes | The unique identifier of the video |",
		"app.integrations.heygen.work.function_name({...})",
	} {
		assert.Contains(t, body, want)
	}
}
