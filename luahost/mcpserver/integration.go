package mcpserver

import (
	"context"
	"encoding/json"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// addIntegrationTool offers one integration function as
// integration__<provider>__<function>. Calls go through Host.Call:
// validation, the permission policy, accounts, limits and the audit are
// exactly those of app.integrations.<provider>.<function> in a script.
func (g *Gateway) addIntegrationTool(ig *registry.Integration, f *registry.Function) {
	ann := &mcp.ToolAnnotations{Title: f.Label(), ReadOnlyHint: f.Op == registry.Read, OpenWorldHint: boolRef(true)}
	if f.Op == registry.Read {
		ann.DestructiveHint = boolRef(false)
	}
	desc := f.Summary
	if f.Description != "" && f.Description != f.Summary {
		desc += "\n\n" + f.Description
	}
	if f.Op == registry.Write {
		desc += "\n\n(write operation: runs when the permission policy allows it)"
	}
	name := IntegrationToolName(ig.Name, f.Name)
	g.add(&mcp.Tool{Name: name, Title: f.Label(), Description: desc, InputSchema: f.InputSchema(), Annotations: ann}, true,
		func(ctx context.Context, raw json.RawMessage) *mcp.CallToolResult {
			args, err := objectArgs(raw)
			if err != nil {
				return g.fail(errcode.New(errcode.InvalidArgument, "%s: %v", f.Label(), err))
			}
			res := g.opts.Host.Call(ctx, ig.Name, f.Name, args, luahost.CallOptions{})
			if res.Error != nil {
				return g.fail(res.Error, res.Record)
			}
			text, err := json.Marshal(res.Data)
			if err != nil {
				return g.fail(errcode.New(errcode.LuaRuntimeError, "%s: kosmo could not encode the result: %v", f.Label(), err), res.Record)
			}
			out := textResult(string(text), false)
			if _, ok := res.Data.(map[string]any); ok {
				// already encoded: the SDK embeds the bytes instead of
				// walking the result a second time
				out.StructuredContent = json.RawMessage(text)
			}
			return out
		})
}
