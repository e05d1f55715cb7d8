package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runKosmo(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	st := &State{Args: append([]string{"kosmo"}, args...), Env: map[string]string{}, Stdout: &out, Stderr: io.Discard,
		Stdin: bytes.NewReader(nil), StdinTTY: true, Context: context.Background(), Dir: t.TempDir(), Home: t.TempDir(),
		ReadFile: func(string) ([]byte, error) { return nil, assert.AnError }, Stat: nil}
	code := Main(st)
	return out.String(), code
}

// integrations:schema prints exactly the input schema MCP tools publish.
func TestSchemaIsTheMCPToolSchema(t *testing.T) {
	for _, ig := range builtinIntegrations() {
		for _, f := range ig.Functions {
			out, code := runKosmo(t, "integrations:schema", f.Label(), "--json")
			require.Equal(t, 0, code, out)
			var doc struct {
				InputSchema json.RawMessage `json:"input_schema"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &doc))
			want, err := json.Marshal(f.InputSchema())
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(doc.InputSchema), f.Label())
		}
	}
}

func TestSearchRanksNamesFirst(t *testing.T) {
	for query, want := range map[string]string{
		"get video":       "heygen.get_video",
		"avatars":         "heygen.list_avatars",
		"voice":           "heygen.list_voices",
		"templates":       "heygen.list_templates",
		"wait":            "heygen.wait_for_video",
		"delete":          "heygen.delete_video",
		"current user":    "heygen.get_current_user",
		"talking photo":   "heygen.create_talking_photo",
		"video link":      "heygen.retrieve_video_link",
		"download":        "heygen.download",
		"heygen.list_all": "heygen.list_all_videos",
	} {
		hits := searchFunctions(query)
		require.NotEmpty(t, hits, query)
		assert.Equal(t, want, hits[0].Function, query)
	}
	assert.Empty(t, searchFunctions("zebra"))
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
	assert.Equal(t, `''`, shellQuote(""))
}
