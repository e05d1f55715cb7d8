// Package mcpapi is the boundary between kosmo's users of MCP servers (the
// Lua host, the mcp:* commands, the mcp:serve gateway) and the client that
// talks to them (luahost/mcpclient). It holds the interfaces and plain data
// types only: no Lua, no transport, no protocol library.
package mcpapi

import (
	"context"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Provider gives access to the configured MCP servers.
type Provider interface {
	// Servers lists the configured server names, sorted.
	Servers() []string
	// Policy is the permission policy for the tools of one server. A tool
	// is a read when it declares readOnlyHint, otherwise a write.
	Policy(server string) registry.Policy
	// Open returns a new set of connections. Servers start lazily, on
	// their first use; the caller must Close the Conn, however its work
	// ends, which stops every server it started.
	Open() Conn
}

// Conn is one user's view of the MCP servers (one Lua run, one command,
// one gateway). Methods must return promptly once ctx is cancelled.
// Errors should be *errcode.Error; others are reported as network_error.
type Conn interface {
	Tools(ctx context.Context, server string) ([]*Tool, error)
	CallTool(ctx context.Context, server, tool string, args map[string]any) (*ToolResult, error)
	Resources(ctx context.Context, server string) ([]*Resource, error)
	ReadResource(ctx context.Context, server, uri string) ([]*ResourceContents, error)
	Prompts(ctx context.Context, server string) ([]*Prompt, error)
	GetPrompt(ctx context.Context, server, name string, args map[string]string) (*PromptResult, error)
	Close() error
}

// Tool describes one tool of a server.
type Tool struct {
	Name         string
	Title        string
	Description  string
	ReadOnly     bool           // annotations.readOnlyHint
	Annotations  *Annotations   // nil when the tool declares none
	InputSchema  map[string]any // JSON Schema of the arguments object
	OutputSchema map[string]any // nil when the tool declares none
	// Validate checks arguments against InputSchema before a call and
	// returns them normalised (an empty table becomes an object where the
	// schema wants one). Failures are invalid_argument errors naming the
	// tool and the parameter. nil: arguments go to the server as they are.
	Validate func(args map[string]any) (map[string]any, error)
}

// Op is the permission class of the tool: read when it declares
// readOnlyHint, otherwise write.
func (t *Tool) Op() registry.Op {
	if t.ReadOnly {
		return registry.Read
	}
	return registry.Write
}

// Annotations are a tool's declared hints, as the server sent them.
type Annotations struct {
	Title           string
	ReadOnlyHint    bool
	DestructiveHint *bool
	IdempotentHint  bool
	OpenWorldHint   *bool
}

// ToolResult is what a tool returned. Content items keep the MCP wire
// shape ({"type": "text", "text": ...}, {"type": "image", "data": ...,
// "mimeType": ...}).
type ToolResult struct {
	Content    []map[string]any
	Structured any
	IsError    bool
}

// Text joins the text items of the content, one per line.
func (r *ToolResult) Text() string {
	return JoinText(r.Content)
}

// JoinText joins the "text" fields of content items with newlines.
func JoinText(items []map[string]any) string {
	var parts []string
	for _, c := range items {
		if t, ok := c["text"].(string); ok {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

// Resource is one entry of a server's resource list.
type Resource struct {
	URI         string
	Name        string
	Title       string
	Description string
	MIMEType    string
	Size        int64
}

// ResourceContents is one part of a resource that was read. Binary
// contents are base64 in Blob.
type ResourceContents struct {
	URI      string
	MIMEType string
	Text     string
	Blob     string
}

// Prompt is one entry of a server's prompt list.
type Prompt struct {
	Name        string
	Title       string
	Description string
	Arguments   []PromptArgument
}

// PromptArgument declares one argument of a prompt.
type PromptArgument struct {
	Name        string
	Title       string
	Description string
	Required    bool
}

// PromptResult is a prompt rendered by the server.
type PromptResult struct {
	Description string
	Messages    []PromptMessage
}

// PromptMessage is one message of a rendered prompt; Content keeps the
// MCP wire shape.
type PromptMessage struct {
	Role    string
	Content map[string]any
}
