package luahost

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// pageSet holds a host's docs pages. Rendering them (every function's
// reference page, the Lua and MCP guides) takes longer than the rest of
// luahost.New, and most runs never read them, so they are built on first
// use, once, even when concurrent runs ask at the same time.
type pageSet struct {
	once sync.Once
	list []registry.Page
}

// pageList returns the pages, building them on first use.
func (h *Host) pageList() []registry.Page {
	h.pages.once.Do(func() { h.pages.list = h.buildPages() })
	return h.pages.list
}

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
func (h *Host) Pages() []registry.Page { return h.pageList() }

// ReadDoc returns the markdown of a page, or the "not found" text naming
// the nearest pages. It accepts the lua_read_doc spelling
// ("integrations.heygen") as well as docs.read's ("heygen").
func (h *Host) ReadDoc(name string) (string, bool) {
	name = normalizePage(name)
	pages := h.pageList()
	for _, p := range pages {
		if p.Name == name {
			return p.Body, true
		}
	}
	names := make([]string, len(pages))
	for i, p := range pages {
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

// SearchDocs ranks pages by how well they match the words of query and
// returns the best ten.
func (h *Host) SearchDocs(query string) []SearchResult {
	return h.searchDocs(query, 10)
}

func (h *Host) searchDocs(query string, limit int) []SearchResult {
	words := strings.Fields(strings.ToLower(query))
	var hits []SearchResult
	for _, p := range h.pageList() {
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
	if limit <= 0 {
		limit = 10
	}
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// SearchDocsText is docs.search and lua_search_docs: one line per hit,
// "heygen.list_videos - summary", best first, at most limit lines (10 when
// limit <= 0).
func (h *Host) SearchDocsText(query string, limit int) string {
	hits := h.searchDocs(query, limit)
	if len(hits) == 0 {
		return "No docs found for '" + strings.TrimSpace(query) + "'. Try other words, or docs.list() for every page."
	}
	var b strings.Builder
	for _, hit := range hits {
		b.WriteString(hit.Page.Name + " - " + oneLine(hit.Page.Summary) + "\n")
	}
	return b.String()
}

// ListDocsText is docs.list and lua_list_docs. With no namespace it gives
// an overview: the integration namespaces with their functions, then the
// guides and reference pages. With a namespace ("heygen" or
// "integrations.heygen") it lists that integration's functions, one
// "heygen.list_videos - summary" line each.
func (h *Host) ListDocsText(namespace string) string {
	var b strings.Builder
	if ns := normalizePage(namespace); ns != "" {
		bd, ok := h.bindings[ns]
		if !ok {
			msg := "No integration docs found for '" + ns + "'."
			if s := registry.Suggest(ns, h.order); len(s) > 0 {
				msg += " Did you mean: " + strings.Join(s, ", ") + "?"
			}
			return msg + " Namespaces: " + strings.Join(h.order, ", ") + "."
		}
		ig := bd.Integration
		fmt.Fprintf(&b, "# integrations.%s — %s\n\n", ig.Name, ig.Title)
		if ig.Summary != "" {
			b.WriteString(oneLine(ig.Summary) + "\n\n")
		}
		fmt.Fprintf(&b, "Call as app.integrations.%s.<function>({...}); read one with docs.read(\"%s.<function>\").\n\n", ig.Name, ig.Name)
		for _, f := range ig.Functions {
			fmt.Fprintf(&b, "%s.%s - %s [%s]\n", ig.Name, f.Name, oneLine(f.Summary), f.Op)
		}
		return b.String()
	}
	b.WriteString("# kosmo Lua docs\n\n")
	b.WriteString("Scripts call integrations as app.integrations.<name>.<function>({...}) (a named account: " +
		"app.integrations.<name>.<account>.<function>) and MCP tools as app.mcp.<server>.<tool>({...}); " +
		"json, regex, docs, print and dump are built in. Read a page with docs.read(page), " +
		"search with docs.search(query), list one namespace with docs.list(namespace).\n")
	if len(h.order) > 0 {
		b.WriteString("\n## Integrations\n\n")
		for _, name := range h.order {
			ig := h.bindings[name].Integration
			names := make([]string, len(ig.Functions))
			for i, f := range ig.Functions {
				names[i] = f.Name
			}
			fmt.Fprintf(&b, "- integrations.%s - %s (%d functions: %s)\n", name, oneLine(ig.Summary), len(names), strings.Join(names, ", "))
		}
	}
	b.WriteString("\n## Guides and reference\n\n")
	for _, p := range h.pageList() {
		if h.integrationPage(p.Name) {
			continue
		}
		fmt.Fprintf(&b, "- %s - %s\n", p.Name, oneLine(p.Summary))
	}
	return b.String()
}

// integrationPage tells whether a page belongs to an integration's
// reference ("heygen", "heygen.list_videos").
func (h *Host) integrationPage(name string) bool {
	ns, _, _ := strings.Cut(name, ".")
	_, ok := h.bindings[ns]
	return ok
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
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

// openDocs builds the docs module. As in KosmoKrator, docs.list() and
// docs.search(q) return text for print: docs.list([namespace]),
// docs.search(query [, limit]), docs.read(page).
func (h *Host) openDocs(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	mod.RawSetString("list", L.NewFunction(func(L *lua.LState) int {
		ns := ""
		switch v := L.Get(1).(type) {
		case *lua.LNilType:
		case lua.LString:
			ns = string(v)
		default:
			argError(L, "docs.list", 1, "namespace", "a namespace string such as \"heygen\" (or nothing)")
		}
		L.Push(lua.LString(h.ListDocsText(ns)))
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
		limit := 10
		switch v := L.Get(2).(type) {
		case *lua.LNilType:
		case lua.LNumber:
			limit = int(v)
		default:
			argError(L, "docs.search", 2, "limit", "a number")
		}
		L.Push(lua.LString(h.SearchDocsText(string(q), limit)))
		return 1
	}))
	return mod
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
