// Package mcpserver is kosmo's MCP gateway (kosmo mcp:serve): one MCP
// server that offers an agent the Lua host (execute_lua, the docs tools),
// the functions of the selected integrations as tools of their own
// (integration__<provider>__<function>), and the tools of selected
// upstream MCP servers (mcp__<server>__<tool>).
//
// Integration tools go through luahost.Host.Call, so validation, the
// permission policy, accounts and the audit are those of scripts; no Lua
// source is generated. Every call that runs something takes one of a
// bounded number of slots (Options.MaxConcurrent); a call that finds
// every slot busy waits in a bounded queue (Options.MaxQueued, for at most
// Options.QueueWait), and fails at once when the queue is full too, so
// neither running work nor waiting work grows without bound. Shutdown lets running calls finish
// for a grace period, then cancels them and stops every upstream server.
//
// It lives outside cmd/kosmo so that the gateway can be tested (and
// embedded) without the CLI, and next to luahost because it serves the
// host; it depends on luahost, never the other way round.
package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Options configure a Gateway.
type Options struct {
	// Host runs execute_lua and integration calls; its bindings are the
	// integrations the gateway can serve.
	Host *luahost.Host
	// Integrations selects whose functions become tools (nil: all the
	// host's integrations). An unknown name is a usage error.
	Integrations []string
	// Upstream provides the upstream MCP servers (normally the host's MCP
	// provider); Upstreams selects which of them are proxied (nil: none).
	Upstream  mcpapi.Provider
	Upstreams []string
	// AllowWrites lists and runs write tools (--write allow). Without it,
	// write tools are not listed and a call to one is refused.
	AllowWrites bool
	// Force bypasses the upstream servers' permission policy, as --force
	// does for integrations (whose host carries its own Force).
	Force bool
	// MaxConcurrent bounds the calls running at once (execute_lua,
	// integration and upstream tools); <= 0 means DefaultMaxConcurrent().
	MaxConcurrent int
	// MaxQueued bounds the calls waiting for a slot; 0 means
	// DefaultMaxQueued, a negative value means no queue (a call that finds
	// every slot busy is refused at once).
	MaxQueued int
	// QueueWait bounds how long a queued call waits for a slot before it
	// is refused (default DefaultQueueWait).
	QueueWait time.Duration
	// CallTimeout bounds each upstream tool call (0: no bound besides the
	// client's). Scripts and integration calls are bounded by the host's
	// limits.
	CallTimeout time.Duration
	// StartTimeout bounds starting the upstream servers and listing their
	// tools (default 30s).
	StartTimeout time.Duration
	Version      string
	// Log receives notices and one audit line per call (stderr).
	Log io.Writer
}

// Defaults of the wait queue: enough for a few hundred callers arriving
// at once, bounded so that a flood is refused rather than buffered.
const (
	DefaultMaxQueued = 512
	DefaultQueueWait = 30 * time.Second
)

// DefaultMaxConcurrent is the default bound of simultaneous calls: two
// per CPU, at least four.
func DefaultMaxConcurrent() int {
	return max(4, 2*runtime.NumCPU())
}

// Gateway is a configured MCP server. Create it with New; Close (or
// Shutdown) stops it.
type Gateway struct {
	opts   Options
	server *mcp.Server
	slots  chan struct{}
	queue  chan struct{} // tokens of the calls waiting for a slot
	tools  []string

	ctx    context.Context // cancelled when running calls must stop
	cancel context.CancelFunc
	conn   mcpapi.Conn // the upstream servers, open for the gateway's life

	mu       sync.Mutex
	draining bool
	running  sync.WaitGroup

	logMu      sync.Mutex
	logPending []byte // audit lines waiting for the writer
	logSpare   []byte
	logBusy    bool // a call is writing logPending out
}

// New builds the gateway: it checks the selection, starts the selected
// upstream servers and lists their tools. On error nothing is left
// running.
func New(ctx context.Context, opts Options) (*Gateway, error) {
	if opts.Host == nil {
		return nil, fmt.Errorf("mcpserver: Options.Host is nil")
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent()
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 30 * time.Second
	}
	switch {
	case opts.MaxQueued == 0:
		opts.MaxQueued = DefaultMaxQueued
	case opts.MaxQueued < 0:
		opts.MaxQueued = 0
	}
	if opts.QueueWait <= 0 {
		opts.QueueWait = DefaultQueueWait
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	bindings, err := selectIntegrations(opts.Host, opts.Integrations)
	if err != nil {
		return nil, err
	}
	gctx, cancel := context.WithCancel(context.Background())
	g := &Gateway{opts: opts, slots: make(chan struct{}, opts.MaxConcurrent),
		queue: make(chan struct{}, opts.MaxQueued), ctx: gctx, cancel: cancel}
	g.server = mcp.NewServer(&mcp.Implementation{Name: "kosmo", Title: "kosmo Lua host", Version: opts.Version},
		&mcp.ServerOptions{Instructions: instructions(bindings, opts.Upstreams)})

	g.addLuaTools()
	g.addDocsTools()
	for _, b := range bindings {
		for _, f := range b.Integration.Functions {
			if f.Op == registry.Write && !opts.AllowWrites {
				continue
			}
			g.addIntegrationTool(b.Integration, f)
		}
	}
	if len(opts.Upstreams) > 0 {
		if err := g.addUpstreams(ctx); err != nil {
			g.Close()
			return nil, err
		}
	}
	sort.Strings(g.tools)
	return g, nil
}

// Server is the MCP server, to run on a transport.
func (g *Gateway) Server() *mcp.Server { return g.server }

// Tools lists the names of the tools offered, sorted.
func (g *Gateway) Tools() []string { return append([]string(nil), g.tools...) }

// Close cancels running calls at once and stops the upstream servers.
func (g *Gateway) Close() { g.Shutdown(0) }

// Shutdown refuses new calls, lets running ones finish for up to grace,
// cancels the rest, waits for them to return, and stops every upstream
// server. It is safe to call more than once.
func (g *Gateway) Shutdown(grace time.Duration) {
	g.mu.Lock()
	g.draining = true
	g.mu.Unlock()
	done := make(chan struct{})
	go func() { g.running.Wait(); close(done) }()
	if grace > 0 {
		select {
		case <-done:
		case <-time.After(grace):
		}
	}
	g.cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		fmt.Fprintln(g.opts.Log, "kosmo: some calls did not stop within 10s of being cancelled")
	}
	g.mu.Lock()
	conn := g.conn
	g.conn = nil
	g.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
	}
}

func selectIntegrations(h *luahost.Host, names []string) ([]*luahost.Binding, error) {
	all := h.Bindings()
	if len(names) == 0 {
		return all, nil
	}
	byName := map[string]*luahost.Binding{}
	var known []string
	for _, b := range all {
		byName[b.Integration.Name] = b
		known = append(known, b.Integration.Name)
	}
	var out []*luahost.Binding
	seen := map[string]bool{}
	for _, n := range names {
		b, ok := byName[n]
		if !ok {
			e := errcode.New(errcode.UsageError, "--integration %q: no such integration", n)
			if s := registry.Suggest(n, known); len(s) > 0 {
				e.Message += ". Did you mean: " + strings.Join(s, ", ")
			}
			return nil, e.WithHint("integrations: %s (kosmo integrations:list)", strings.Join(known, ", "))
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, b)
		}
	}
	return out, nil
}

func instructions(bindings []*luahost.Binding, upstreams []string) string {
	var refs []string
	for _, b := range bindings {
		refs = append(refs, "'integrations."+b.Integration.Name+"'")
	}
	s := "kosmo runs Lua scripts in a sandbox with integrations under app.integrations.* and MCP servers under app.mcp.*. " +
		"Read lua_read_doc('overview') or lua_read_doc('lua') first"
	if len(refs) > 0 {
		s += ", then lua_read_doc(" + strings.Join(refs, " or ") + ")"
	}
	s += ". Use execute_lua to combine several calls in one script; integration functions are also tools of their own (integration__<provider>__<function>)"
	if len(upstreams) > 0 {
		s += ", and the tools of the MCP servers " + strings.Join(upstreams, ", ") + " are offered as mcp__<server>__<tool>"
	}
	return s + "."
}

// IntegrationToolName is the gateway's name of an integration function.
func IntegrationToolName(integration, function string) string {
	return "integration__" + integration + "__" + function
}

// UpstreamToolName is the gateway's name of an upstream server's tool.
func UpstreamToolName(server, tool string) string {
	return "mcp__" + server + "__" + tool
}

// handler wraps a tool: it refuses calls while shutting down, takes a
// slot when the tool runs something (waiting in the bounded queue when
// none is free),
// cancels the call when the gateway stops, and writes the audit line.
func (g *Gateway) handler(name string, slot bool, fn func(ctx context.Context, args json.RawMessage) *mcp.CallToolResult) mcp.ToolHandler {
	return func(reqCtx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		g.mu.Lock()
		if g.draining {
			g.mu.Unlock()
			return g.fail(errcode.New(errcode.NetworkError, "%s: kosmo mcp:serve is shutting down", name).
				WithHint("reconnect once the server is back")), nil
		}
		g.running.Add(1)
		g.mu.Unlock()
		defer g.running.Done()
		if slot {
			if e := g.acquire(reqCtx, name); e != nil {
				g.audit(name, "refused", 0)
				return g.fail(e), nil
			}
			defer func() { <-g.slots }()
		}
		ctx, cancel := context.WithCancel(reqCtx)
		defer cancel()
		stop := context.AfterFunc(g.ctx, cancel)
		defer stop()
		started := time.Now()
		res := fn(ctx, req.Params.Arguments)
		status := "ok"
		if res.IsError {
			status = "error"
		}
		g.audit(name, status, time.Since(started))
		return res, nil
	}
}

// audit writes one line per call on the log: the tool, how it ended and
// how long it took. Arguments are not logged (they may hold secrets).
//
// Lines are written in order, but not under a lock held across the write:
// the first caller to find no write in progress writes every line queued
// meanwhile, in one Write, so that hundreds of concurrent calls do not
// queue behind one system call each (the log was the most contended lock
// of the gateway under load).
func (g *Gateway) audit(tool, status string, d time.Duration) {
	g.logMu.Lock()
	b := append(g.logPending, "kosmo: call "...)
	b = append(b, tool...)
	b = append(b, ' ')
	b = append(b, status...)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', 1, 64)
	g.logPending = append(b, "ms\n"...)
	if g.logBusy {
		g.logMu.Unlock()
		return
	}
	g.logBusy = true
	for len(g.logPending) > 0 {
		out := g.logPending
		g.logPending = g.logSpare[:0]
		g.logMu.Unlock()
		_, _ = g.opts.Log.Write(out)
		g.logMu.Lock()
		g.logSpare = out
	}
	g.logBusy = false
	g.logMu.Unlock()
}

func (g *Gateway) add(t *mcp.Tool, slot bool, fn func(ctx context.Context, args json.RawMessage) *mcp.CallToolResult) {
	g.server.AddTool(t, g.handler(t.Name, slot, fn))
	g.tools = append(g.tools, t.Name)
}

func boolRef(b bool) *bool { return &b }

// objectArgs decodes a tool's arguments object (absent or null: empty).
func objectArgs(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("the arguments are not valid JSON: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the arguments must be a JSON object")
	}
	return m, nil
}

// decodeArgs reads a tool's arguments object into v, refusing unknown
// names (absent means empty).
func decodeArgs(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw)) // no copy of the arguments
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// envelopeResult returns a run's envelope as the tool result: the JSON
// text for the model, the same object as structured content, and isError
// when the run failed.
func envelopeResult(env *luahost.Envelope) *mcp.CallToolResult {
	text, err := json.Marshal(env)
	if err != nil {
		return textResult("kosmo could not encode the envelope: "+err.Error(), true)
	}
	return &mcp.CallToolResult{
		Content: []mcp.Content{&mcp.TextContent{Text: string(text)}},
		// The same bytes as the text: decoding them into a map only for the
		// SDK to encode it again cost as much as the rest of a small call.
		StructuredContent: json.RawMessage(text),
		IsError:           !env.Success,
	}
}

// fail reports a call that failed with e as an envelope flagged as a tool
// error; calls are the audit records to report with it.
func (g *Gateway) fail(e *errcode.Error, calls ...luahost.CallRecord) *mcp.CallToolResult {
	env := &luahost.Envelope{Result: []any{}, IntegrationCalls: append([]luahost.CallRecord{}, calls...),
		Meta: luahost.Meta{Version: g.opts.Version}}
	env.Error = &luahost.ErrorInfo{Code: string(e.Code), Message: e.Message, Hint: e.Hint, Details: e.Details}
	return envelopeResult(env)
}

// textResult is a plain text result.
func textResult(s string, isError bool) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}, IsError: isError}
}

// acquire takes a slot: at once when one is free, else after waiting in
// the queue. A full queue, a wait longer than QueueWait, the caller going
// away or the gateway stopping refuse the call with rate_limited.
func (g *Gateway) acquire(ctx context.Context, name string) *errcode.Error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	busy := func(why string) *errcode.Error {
		return errcode.New(errcode.RateLimited,
			"%s: kosmo mcp:serve is already running %d calls, its limit (--max-concurrent %d), and %s", name, cap(g.slots), cap(g.slots), why).
			WithHint("retry when a running call has finished, or start the server with a higher --max-concurrent or --max-queued").
			WithDetail("max_concurrent", cap(g.slots)).WithDetail("max_queued", cap(g.queue))
	}
	select {
	case g.queue <- struct{}{}:
		defer func() { <-g.queue }()
	default:
		return busy(fmt.Sprintf("%d more are waiting (--max-queued %d)", cap(g.queue), cap(g.queue)))
	}
	wait := time.NewTimer(g.opts.QueueWait)
	defer wait.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-wait.C:
		return busy(fmt.Sprintf("no slot came free within %s", g.opts.QueueWait))
	case <-ctx.Done():
		return busy("the caller went away while waiting")
	case <-g.ctx.Done():
		return busy("the server is stopping")
	}
}
