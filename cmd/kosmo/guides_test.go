package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kosmodocs "github.com/kosmo-dev/kosmo/docs"
	"github.com/kosmo-dev/kosmo/luahost"
)

var luaBlock = regexp.MustCompile("(?s)```lua\n(.*?)```")

// Every Lua snippet of the guides runs, as written, against the simulated
// HeyGen, as `kosmo integrations:lua --sandbox --force` would run it.
func TestGuideSnippetsRun(t *testing.T) {
	st := &State{Env: map[string]string{}, Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
		Dir: t.TempDir(), Home: t.TempDir(), Context: context.Background(), ReadFile: os.ReadFile, Stat: os.Stat}
	opts, cleanup, err := buildHostOptions(st, &Config{}, luaOptions{scope: luahost.ScopeIntegrations, sandbox: true, force: true})
	require.NoError(t, err)
	defer cleanup()
	h, err := luahost.New(opts)
	require.NoError(t, err)
	defer h.Close()

	guides := kosmodocs.Guides()
	require.Len(t, guides, len(kosmodocs.GuideNames))
	snippets := 0
	for _, g := range guides {
		for i, m := range luaBlock.FindAllStringSubmatch(g.Body, -1) {
			snippets++
			env := h.Run(context.Background(), m[1], luahost.RunOptions{Name: g.Name})
			if assert.True(t, env.Success, "%s snippet %d:\n%s\n%+v", g.Name, i+1, m[1], env.Error) {
				assert.True(t, strings.TrimSpace(env.Output) != "" || len(env.Result) > 0, "%s snippet %d shows nothing", g.Name, i+1)
			}
		}
	}
	assert.Greater(t, snippets, 15)
}

// The guides are pages of the host, under KosmoKrator's names.
func TestGuidesArePages(t *testing.T) {
	h, err := docsHost()
	require.NoError(t, err)
	for _, name := range []string{"overview", "examples", "errors", "context"} {
		body, ok := h.ReadDoc(name)
		require.True(t, ok, name)
		assert.True(t, strings.HasPrefix(body, "# "), name)
		assert.Contains(t, h.ListDocsText(""), "- "+name+" - ", name)
	}
}
