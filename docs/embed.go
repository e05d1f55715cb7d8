// Package docs embeds the hand-written documentation pages that kosmo also
// serves at run time (docs.read, lua_read_doc, integrations:docs), so that
// the markdown in this directory is the only copy.
package docs

import _ "embed"

// MCP is docs/mcp.md: configuring MCP servers, using them from Lua and
// the command line, and serving kosmo over MCP.
//
//go:embed mcp.md
var MCP string
