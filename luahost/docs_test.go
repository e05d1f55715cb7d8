package luahost_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// docs.list() and docs.search() return text, as KosmoKrator's do, and the
// Go helpers that MCP tools call return the same text.
func TestDocsText(t *testing.T) {
	guide := registry.Page{Name: "overview", Title: "Overview", Summary: "How scripts work.", Body: "# Overview\n\nHow scripts work.\n"}
	h := newHost(t, func(o *luahost.Options) { o.Pages = []registry.Page{guide} })

	list := h.ListDocsText("")
	assert.True(t, strings.HasPrefix(list, "# kosmo Lua docs\n"))
	assert.Contains(t, list, "- integrations.demo - ")
	assert.Contains(t, list, "list_things, make_thing")
	assert.Contains(t, list, "- overview - How scripts work.\n")
	assert.Contains(t, list, "- lua - ")

	ns := h.ListDocsText("integrations.demo")
	assert.Contains(t, ns, "demo.list_things - ")
	assert.Contains(t, ns, "[write]")
	assert.Equal(t, ns, h.ListDocsText("demo"))
	assert.True(t, strings.HasPrefix(h.ListDocsText("dmo"), "No integration docs found for 'dmo'. Did you mean: demo?"))

	search := h.SearchDocsText("things", 2)
	lines := strings.Split(strings.TrimSpace(search), "\n")
	assert.Len(t, lines, 2)
	for _, l := range lines {
		assert.Regexp(t, `^demo(\.\w+)? - `, l)
	}
	assert.True(t, strings.HasPrefix(h.SearchDocsText("zzzz", 5), "No docs found for 'zzzz'."))

	env := run(t, h, `return docs.list(), docs.search("things", 2), docs.list("demo"), docs.read("overview"), lua_read_doc("integrations.demo.list_things") == docs.read("demo.list_things")`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{list, search, ns, guide.Body, true}, env.Result)

	env = run(t, h, `print(docs.list())`)
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, list+"\n", env.Output)

	env = run(t, h, `docs.search("x", "all")`)
	assert.Equal(t, "invalid_argument", errCode(env))
}

// The pages are built on first use; runs that start together all see the
// one set, whether they read it through Lua or through the Go helpers.
func TestDocsBuiltOnceForConcurrentRuns(t *testing.T) {
	h := newHost(t, nil)
	const n = 8
	bodies := make(chan string, n)
	lists := make(chan int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				env := h.Run(context.Background(), `return docs.read("lua")`, luahost.RunOptions{})
				if assert.True(t, env.Success) {
					bodies <- env.Result[0].(string)
				}
			} else {
				body, ok := h.ReadDoc("lua")
				assert.True(t, ok)
				bodies <- body
			}
			lists <- len(h.Pages())
		}()
	}
	wg.Wait()
	close(bodies)
	close(lists)
	first := ""
	for b := range bodies {
		if first == "" {
			first = b
		}
		assert.Equal(t, first, b)
	}
	assert.Contains(t, first, "## Limits")
	for l := range lists {
		assert.Equal(t, len(h.Pages()), l)
	}
	require.NotEmpty(t, h.Pages())
	assert.Same(t, &h.Pages()[0], &h.Pages()[0], "the pages are built once and shared")
}
