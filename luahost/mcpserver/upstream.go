package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// addUpstreams starts the selected upstream servers, lists their tools and
// offers each (read-only ones only, unless writes are allowed) as
// mcp__<server>__<tool>. An unknown name is a usage error; a server that
// cannot start is reported on the log and left out, so one broken server
// does not take the gateway down.
func (g *Gateway) addUpstreams(ctx context.Context) error {
	if g.opts.Upstream == nil {
		return errcode.New(errcode.UsageError, "--upstream %s: no MCP servers are configured", strings.Join(g.opts.Upstreams, ",")).
			WithHint("declare MCP servers in .mcp.json, ~/.config/kosmo/mcp.json or with --mcp-config FILE")
	}
	known := g.opts.Upstream.Servers()
	for _, name := range g.opts.Upstreams {
		if !contains(known, name) {
			e := errcode.New(errcode.UsageError, "--upstream %q: no such MCP server", name)
			if s := registry.Suggest(name, known); len(s) > 0 {
				e.Message += ". Did you mean: " + strings.Join(s, ", ")
			}
			return e.WithHint("configured MCP servers: %s (kosmo mcp:list)", orNone(known))
		}
	}
	g.conn = g.opts.Upstream.Open()
	for _, server := range g.opts.Upstreams {
		lctx, cancel := context.WithTimeout(ctx, g.opts.StartTimeout)
		tools, err := g.conn.Tools(lctx, server)
		cancel()
		if err != nil {
			e := errcode.From(err, errcode.NetworkError)
			fmt.Fprintf(g.opts.Log, "kosmo: upstream MCP server %s left out: %s\n", server, e.Message)
			continue
		}
		n := 0
		for _, t := range tools {
			if t.Op() == registry.Write && !g.opts.AllowWrites {
				continue
			}
			if g.addUpstreamTool(server, t) {
				n++
			}
		}
		fmt.Fprintf(g.opts.Log, "kosmo: upstream MCP server %s: %d of %d tools offered\n", server, n, len(tools))
	}
	return nil
}

// addUpstreamTool proxies one tool with its schemas and annotations.
// Tools the SDK would refuse (a schema that is not an object) are left
// out with a notice.
func (g *Gateway) addUpstreamTool(server string, t *mcpapi.Tool) (ok bool) {
	name := UpstreamToolName(server, t.Name)
	schema := maps.Clone(t.InputSchema)
	if schema == nil {
		schema = map[string]any{}
	}
	if _, has := schema["type"]; !has {
		schema["type"] = "object"
	}
	tool := &mcp.Tool{Name: name, Title: t.Title, Description: t.Description, InputSchema: schema}
	if t.OutputSchema != nil {
		tool.OutputSchema = t.OutputSchema
	}
	if a := t.Annotations; a != nil {
		tool.Annotations = &mcp.ToolAnnotations{Title: a.Title, ReadOnlyHint: a.ReadOnlyHint, DestructiveHint: a.DestructiveHint,
			IdempotentHint: a.IdempotentHint, OpenWorldHint: a.OpenWorldHint}
	}
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(g.opts.Log, "kosmo: upstream tool %s.%s left out: %v\n", server, t.Name, p)
			ok = false
		}
	}()
	g.add(tool, true, func(ctx context.Context, raw json.RawMessage) *mcp.CallToolResult {
		return g.callUpstream(ctx, server, t, raw)
	})
	return true
}

// callUpstream validates, authorizes and forwards one call, and returns
// the upstream's result as it was (content, structured content, isError).
func (g *Gateway) callUpstream(ctx context.Context, server string, t *mcpapi.Tool, raw json.RawMessage) *mcp.CallToolResult {
	path := "app.mcp." + server + "." + t.Name
	started := time.Now()
	record := func(e *errcode.Error) luahost.CallRecord {
		rec := luahost.CallRecord{Path: path, Account: server, Op: string(t.Op()), Status: "ok",
			DurationMs: float64(time.Since(started).Microseconds()) / 1000}
		if e != nil {
			rec.Status = "error"
			msg := string(e.Code) + ": " + e.Message
			rec.Error = &msg
		}
		return rec
	}
	fail := func(e *errcode.Error) *mcp.CallToolResult { return g.fail(e, record(e)) }

	args, err := objectArgs(raw)
	if err != nil {
		return fail(errcode.New(errcode.InvalidArgument, "mcp.%s.%s: %v", server, t.Name, err))
	}
	if t.Validate != nil {
		validated, err := t.Validate(args)
		if err != nil {
			return fail(errcode.From(err, errcode.InvalidArgument))
		}
		args = validated
	}
	op := t.Op()
	if op == registry.Write && !g.opts.AllowWrites {
		return fail(errcode.New(errcode.PermissionDenied, "permission denied: %s is a write operation and kosmo mcp:serve runs with --write deny", path).
			WithHint("start the gateway with --write allow to offer write tools"))
	}
	if d := g.opts.Upstream.Policy(server).Decide(op); d != registry.Allow && !g.opts.Force {
		return fail(errcode.New(errcode.PermissionDenied, "permission denied: %s is a %s operation and the mcp %s policy is %q", path, op, op, d).
			WithDetail("policy", string(d)).
			WithHint("set %s = \"allow\" under [integrations.mcp.permissions] in the config file, or start the gateway with --force", op))
	}
	if g.opts.CallTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.opts.CallTimeout)
		defer cancel()
	}
	res, err := g.conn.CallTool(ctx, server, t.Name, args)
	if err != nil {
		e := errcode.From(err, errcode.NetworkError)
		switch {
		case g.ctx.Err() != nil:
			e = errcode.New(errcode.Timeout, "%s: cancelled because kosmo mcp:serve is shutting down", path)
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			e = errcode.New(errcode.Timeout, "%s timed out after %s", path, g.opts.CallTimeout).
				WithHint("the gateway bounds each call with --timeout").WithDetail("timeout_seconds", g.opts.CallTimeout.Seconds())
		}
		return fail(e)
	}
	// an upstream's answer leaves kosmo here: hide every secret kosmo knows
	res.Content, _ = g.opts.Host.Redact(res.Content).([]map[string]any)
	res.Structured = g.opts.Host.Redact(res.Structured)
	return proxyResult(res)
}

// proxyResult turns an upstream result back into an MCP result; content
// items are already in their wire shape.
func proxyResult(res *mcpapi.ToolResult) *mcp.CallToolResult {
	wire := map[string]any{"content": res.Content, "isError": res.IsError}
	if res.Content == nil {
		wire["content"] = []any{}
	}
	if res.Structured != nil {
		wire["structuredContent"] = res.Structured
	}
	b, err := json.Marshal(wire)
	out := &mcp.CallToolResult{}
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		return textResult("kosmo could not relay the upstream result: "+err.Error(), true)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
