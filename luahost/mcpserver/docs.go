package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// addDocsTools offers the host's docs: read a page, search them, list
// them. They are cheap and take no slot, so an agent can read docs while
// scripts run.
func (g *Gateway) addDocsTools() {
	h := g.opts.Host
	readOnly := &mcp.ToolAnnotations{Title: "Read kosmo docs", ReadOnlyHint: true, OpenWorldHint: boolRef(false)}

	g.add(&mcp.Tool{
		Name:  "lua_read_doc",
		Title: "Read kosmo docs",
		Description: "Read a docs page as markdown. Pages: a namespace (\"integrations.heygen\"), a function " +
			"(\"integrations.heygen.list_videos\"), the host (\"lua\", \"mcp\") or a guide (\"overview\", \"examples\", \"errors\", \"context\"). " +
			"lua_list_docs lists them, lua_search_docs searches them.",
		InputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"page": map[string]any{"type": "string", "description": "page name, e.g. \"overview\" or \"integrations.heygen\""},
			},
			"required":             []any{"page"},
			"additionalProperties": false,
		},
		Annotations: readOnly,
	}, false, func(_ context.Context, raw json.RawMessage) *mcp.CallToolResult {
		var in struct {
			Page *string `json:"page"`
		}
		if err := decodeArgs(raw, &in); err != nil || in.Page == nil {
			return g.fail(errcode.New(errcode.InvalidArgument, "lua_read_doc: parameter 'page' (string) is required"))
		}
		body, ok := h.ReadDoc(*in.Page)
		return textResult(body, !ok)
	})

	g.add(&mcp.Tool{
		Name:        "lua_search_docs",
		Title:       "Search kosmo docs",
		Description: "Search the docs pages for words and return the best matches: page name, title and a matching line. Read a match with lua_read_doc.",
		InputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"query": map[string]any{"type": "string", "description": "words to look for, e.g. \"create video avatar\""},
				"limit": map[string]any{"type": "integer", "minimum": 1, "maximum": 50, "description": "at most this many results (default 10)"},
			},
			"required":             []any{"query"},
			"additionalProperties": false,
		},
		Annotations: &mcp.ToolAnnotations{Title: "Search kosmo docs", ReadOnlyHint: true, OpenWorldHint: boolRef(false)},
	}, false, func(_ context.Context, raw json.RawMessage) *mcp.CallToolResult {
		var in struct {
			Query *string  `json:"query"`
			Limit *float64 `json:"limit"`
		}
		if err := decodeArgs(raw, &in); err != nil || in.Query == nil || strings.TrimSpace(*in.Query) == "" {
			return g.fail(errcode.New(errcode.InvalidArgument, "lua_search_docs: parameter 'query' (a non-empty string) is required; 'limit' is an optional integer"))
		}
		limit := 10
		if in.Limit != nil {
			if *in.Limit < 1 || *in.Limit > 50 || *in.Limit != float64(int(*in.Limit)) {
				return g.fail(errcode.New(errcode.InvalidArgument, "lua_search_docs: parameter 'limit' must be an integer from 1 to 50, got %v", *in.Limit))
			}
			limit = int(*in.Limit)
		}
		hits := h.SearchDocs(*in.Query)
		if len(hits) > limit {
			hits = hits[:limit]
		}
		if len(hits) == 0 {
			return textResult(h.SearchDocsText(*in.Query, limit), false)
		}
		items := make([]any, 0, len(hits))
		for _, hit := range hits {
			items = append(items, map[string]any{"page": hit.Page.Name, "title": hit.Page.Title, "excerpt": hit.Excerpt, "score": hit.Score})
		}
		// the text is what docs.search prints in Lua: one rendering for both
		res := textResult(h.SearchDocsText(*in.Query, limit), false)
		res.StructuredContent = map[string]any{"results": items}
		return res
	})

	g.add(&mcp.Tool{
		Name:  "lua_list_docs",
		Title: "List kosmo docs",
		Description: "List docs pages with their summaries. Without a namespace: the top-level pages (guides, host pages, " +
			"one reference per integration); with namespace \"integrations.heygen\": that integration's function pages.",
		InputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"namespace": map[string]any{"type": "string", "description": "e.g. \"integrations.heygen\"; empty lists the top-level pages"},
			},
			"additionalProperties": false,
		},
		Annotations: &mcp.ToolAnnotations{Title: "List kosmo docs", ReadOnlyHint: true, OpenWorldHint: boolRef(false)},
	}, false, func(_ context.Context, raw json.RawMessage) *mcp.CallToolResult {
		var in struct {
			Namespace string `json:"namespace"`
		}
		if err := decodeArgs(raw, &in); err != nil {
			return g.fail(errcode.New(errcode.InvalidArgument, "lua_list_docs: %v", err).WithHint("the only parameter is 'namespace' (string)"))
		}
		pages, ok := listPages(h.Pages(), in.Namespace)
		if !ok {
			return textResult(fmt.Sprintf("No docs namespace %q. lua_list_docs without a namespace lists the top-level pages.", in.Namespace), true)
		}
		items := make([]any, 0, len(pages))
		for _, p := range pages {
			items = append(items, map[string]any{"page": p.Name, "title": p.Title, "summary": p.Summary})
		}
		// the text is what docs.list prints in Lua: one rendering for both
		res := textResult(h.ListDocsText(in.Namespace), false)
		res.StructuredContent = map[string]any{"pages": items}
		return res
	})
}

// listPages returns the pages of a namespace: without one, the pages whose
// name has no dot; with one ("integrations.heygen" or "heygen"), the
// pages under it. ok is false when the namespace has no pages.
func listPages(all []registry.Page, namespace string) ([]registry.Page, bool) {
	ns := strings.TrimSpace(namespace)
	ns = strings.TrimPrefix(ns, "app.")
	ns = strings.TrimPrefix(ns, "integrations.")
	ns = strings.TrimSuffix(ns, ".")
	if ns == "integrations" {
		ns = ""
	}
	var out []registry.Page
	for _, p := range all {
		if ns == "" {
			if !strings.Contains(p.Name, ".") {
				out = append(out, p)
			}
		} else if strings.HasPrefix(p.Name, ns+".") {
			out = append(out, p)
		}
	}
	return out, len(out) > 0
}
