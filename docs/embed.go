// Package docs embeds the hand-written documentation that kosmo also serves
// at run time, so that the markdown in this directory is the only copy: the
// guides (docs/guides/*.md) as docs pages — docs.read("overview") in Lua,
// lua_read_doc over MCP, `kosmo integrations:docs overview` — and mcp.md
// as the "mcp" page.
//
// The guides live here, beside the rest of the user documentation, rather
// than in luahost: they describe HeyGen workflows, and luahost knows
// nothing about a particular integration. cmd/kosmo adds them to the
// host's pages.
package docs

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

//go:embed guides/*.md
var guides embed.FS

// MCP is docs/mcp.md: configuring MCP servers, using them from Lua and
// the command line, and serving kosmo over MCP.
//
//go:embed mcp.md
var MCP string

// GuideNames lists the guides in reading order.
var GuideNames = []string{"overview", "examples", "errors", "context"}

// Guides returns the guides as docs pages, named after their files, in
// GuideNames order (any other guide after them). The title is the page's
// first heading; the summary is its first paragraph's first sentence.
func Guides() []registry.Page {
	entries, _ := fs.ReadDir(guides, "guides") // embedded: cannot fail
	rank := func(name string) int {
		if i := slices.Index(GuideNames, name); i >= 0 {
			return i
		}
		return len(GuideNames)
	}
	var pages []registry.Page
	for _, e := range entries {
		body, err := fs.ReadFile(guides, path.Join("guides", e.Name()))
		if err != nil || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		text := string(body)
		name := strings.TrimSuffix(e.Name(), ".md")
		pages = append(pages, registry.Page{Name: name, Title: title(text), Summary: summary(text), Body: text})
	}
	slices.SortStableFunc(pages, func(a, b registry.Page) int { return rank(a.Name) - rank(b.Name) })
	return pages
}

func title(md string) string {
	first, _, _ := strings.Cut(md, "\n")
	return strings.TrimSpace(strings.TrimPrefix(first, "# "))
}

func summary(md string) string {
	for _, para := range strings.Split(md, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" || strings.HasPrefix(para, "#") {
			continue
		}
		para = strings.Join(strings.Fields(para), " ")
		if i := strings.Index(para, ". "); i > 0 {
			para = para[:i+1]
		}
		return para
	}
	return ""
}
