package luahost

import (
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/luaconv"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// buildPages collects every docs page: each integration's reference and
// per-function pages, the host's own "lua" page, and extra pages.
func (h *Host) buildPages() []registry.Page {
	var pages []registry.Page
	for _, name := range h.order {
		pages = append(pages, h.bindings[name].Integration.Pages()...)
	}
	pages = append(pages, LuaPage(), MCPPage())
	pages = append(pages, h.opts.Pages...)
	return pages
}

// Pages returns all docs pages in listing order.
func (h *Host) Pages() []registry.Page { return h.pages }

// ReadDoc returns the markdown of a page, or the "not found" text naming
// the nearest pages. It accepts the lua_read_doc spelling
// ("integrations.heygen") as well as docs.read's ("heygen").
func (h *Host) ReadDoc(name string) (string, bool) {
	name = normalizePage(name)
	for _, p := range h.pages {
		if p.Name == name {
			return p.Body, true
		}
	}
	names := make([]string, len(h.pages))
	for i, p := range h.pages {
		names[i] = p.Name
	}
	msg := "No integration docs found for '" + name + "'."
	if s := registry.Suggest(name, names); len(s) > 0 {
		msg += " Did you mean: " + strings.Join(s, ", ") + "?"
	}
	msg += " Available pages: " + strings.Join(topPages(names), ", ") + " (docs.list() shows all)."
	return msg, false
}

// topPages lists the pages without a dot (whole references), which is
// enough orientation in an error message.
func topPages(names []string) []string {
	var out []string
	for _, n := range names {
		if !strings.Contains(n, ".") {
			out = append(out, n)
		}
	}
	return out
}

func normalizePage(name string) string {
	name = strings.TrimSpace(name)
	name = strings.TrimPrefix(name, "app.")
	name = strings.TrimPrefix(name, "integrations.")
	return name
}

// SearchResult is one docs.search hit.
type SearchResult struct {
	Page    registry.Page
	Score   int
	Excerpt string
}

// SearchDocs ranks pages by how well they match the words of query.
func (h *Host) SearchDocs(query string) []SearchResult {
	words := strings.Fields(strings.ToLower(query))
	var hits []SearchResult
	for _, p := range h.pages {
		score, excerpt := scorePage(p, words)
		if score > 0 {
			hits = append(hits, SearchResult{Page: p, Score: score, Excerpt: excerpt})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Page.Name < hits[j].Page.Name
	})
	if len(hits) > 10 {
		hits = hits[:10]
	}
	return hits
}

func scorePage(p registry.Page, words []string) (int, string) {
	name, title := strings.ToLower(p.Name), strings.ToLower(p.Title)
	summary, body := strings.ToLower(p.Summary), strings.ToLower(p.Body)
	score := 0
	excerpt := ""
	for _, w := range words {
		s := 0
		if strings.Contains(name, w) {
			s += 10
		}
		if strings.Contains(title, w) {
			s += 5
		}
		if strings.Contains(summary, w) {
			s += 3
		}
		if n := strings.Count(body, w); n > 0 {
			s += min(n, 5)
			if excerpt == "" {
				excerpt = lineAround(p.Body, w)
			}
		}
		if s == 0 {
			return 0, "" // every word must match somewhere
		}
		score += s
	}
	return score, excerpt
}

// lineAround returns the first body line containing w, trimmed.
func lineAround(body, w string) string {
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(strings.ToLower(line), w) {
			line = strings.TrimSpace(line)
			if len(line) > 160 {
				line = line[:157] + "..."
			}
			return line
		}
	}
	return ""
}

// openDocs builds the docs module: docs.list(), docs.search(q), docs.read(p).
func (h *Host) openDocs(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	mod.RawSetString("list", L.NewFunction(func(L *lua.LState) int {
		out := luaconv.NewArray(L, len(h.pages))
		for _, p := range h.pages {
			out.Append(pageTable(L, p))
		}
		L.Push(out)
		return 1
	}))
	mod.RawSetString("read", L.NewFunction(func(L *lua.LState) int {
		name, ok := L.Get(1).(lua.LString)
		if !ok {
			argError(L, "docs.read", 1, "page", "a page name string such as \"heygen\"")
		}
		body, _ := h.ReadDoc(string(name))
		L.Push(lua.LString(body))
		return 1
	}))
	mod.RawSetString("search", L.NewFunction(func(L *lua.LState) int {
		q, ok := L.Get(1).(lua.LString)
		if !ok {
			argError(L, "docs.search", 1, "query", "a string")
		}
		hits := h.SearchDocs(string(q))
		out := luaconv.NewArray(L, len(hits))
		for _, hit := range hits {
			t := pageTable(L, hit.Page)
			t.RawSetString("score", lua.LNumber(hit.Score))
			t.RawSetString("excerpt", lua.LString(hit.Excerpt))
			out.Append(t)
		}
		L.Push(out)
		return 1
	}))
	return mod
}

func pageTable(L *lua.LState, p registry.Page) *lua.LTable {
	t := luaconv.NewObject(L, 3)
	t.RawSetString("name", lua.LString(p.Name))
	t.RawSetString("title", lua.LString(p.Title))
	t.RawSetString("summary", lua.LString(p.Summary))
	return t
}

// luaReadDoc is lua_read_doc(page): KosmoKrator's spelling of docs.read,
// where integration pages are named "integrations.<name>".
func (h *Host) luaReadDoc(L *lua.LState) int {
	name, ok := L.Get(1).(lua.LString)
	if !ok {
		argError(L, "lua_read_doc", 1, "page", "a page name string such as \"integrations.heygen\"")
	}
	body, _ := h.ReadDoc(string(name))
	L.Push(lua.LString(body))
	return 1
}
