package mcpclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
)

// stderrLines is how much of a server's stderr an error message quotes.
const stderrLines = 15

// server is one started (or failed) server within a session.
type server struct {
	name  string
	cfg   ServerConfig
	ready chan struct{} // closed when start has finished

	mu      sync.Mutex
	err     error // why the server is unusable
	cs      *mcp.ClientSession
	proc    *process // stdio servers
	closed  bool
	tools   []*mcpapi.Tool
	toolsOK bool
}

func (s *server) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *server) process() *process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc
}

func (s *server) session() *mcp.ClientSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cs
}

// start launches or connects to the server and completes the MCP
// handshake within the start timeout. Failures are remembered: the
// server is not retried within the session.
func (s *server) start(ctx context.Context, p *Provider) {
	cfg, err := s.cfg.resolved(p.opts.Env, p.opts.Home)
	if err != nil {
		s.setErr(err)
		return
	}
	startCtx, cancel := context.WithTimeout(ctx, p.opts.StartTimeout)
	defer cancel()

	var transport mcp.Transport
	switch cfg.Type {
	case HTTP:
		client := *p.opts.HTTPClient
		client.Transport = &headerTransport{base: p.opts.HTTPClient.Transport, headers: cfg.Headers}
		transport = &mcp.StreamableClientTransport{Endpoint: cfg.URL, HTTPClient: &client, DisableStandaloneSSE: true, MaxRetries: 2}
	default:
		proc, err := startProcess(cfg, p.opts)
		if err != nil {
			s.setErr(err)
			return
		}
		s.mu.Lock()
		s.proc = proc
		s.mu.Unlock()
		transport = &mcp.IOTransport{Reader: proc.stdout, Writer: proc.stdin}
	}

	client := mcp.NewClient(&mcp.Implementation{Name: "kosmo", Version: versionOr(p.opts.Version)}, nil)
	cs, err := client.Connect(startCtx, transport, nil)
	if err != nil {
		s.setErr(s.startError(ctx, startCtx, cfg, p.opts.StartTimeout, err))
		s.close(p.opts.StopTimeout)
		return
	}
	s.mu.Lock()
	s.cs = cs
	closed := s.closed
	proc := s.proc
	s.mu.Unlock()
	if closed {
		s.close(p.opts.StopTimeout)
		return
	}
	if proc != nil {
		// When the process dies, break the connection at once so that a
		// pending call fails now rather than when the run times out (a
		// child still holding the pipe would keep it open).
		go func() {
			<-proc.done
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if !closed {
				s.markExited(proc)
			}
			_ = proc.stdout.Close()
			closeSession(cs, time.Second)
		}()
	}
}

func versionOr(v string) string {
	if v == "" {
		return "dev"
	}
	return v
}

func (s *server) setErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// startError explains why the handshake failed.
func (s *server) startError(ctx, startCtx context.Context, cfg ServerConfig, limit time.Duration, err error) error {
	if ctx.Err() != nil {
		return interrupted(s.name, "starting", ctx)
	}
	where := s.describe(cfg)
	if exited, status := s.exited(time.Second); exited {
		e := errcode.New(errcode.NetworkError, "MCP server %q (%s) failed to start: it exited (%s) before completing the MCP handshake", s.name, where, status).
			WithHint("check the server's command and arguments in %s", cfg.Source)
		return s.withStderr(e.WithDetail("server", s.name))
	}
	if startCtx.Err() != nil {
		e := errcode.New(errcode.Timeout, "MCP server %q (%s) did not complete the MCP handshake within %s", s.name, where, limit).
			WithHint("is it an MCP server speaking JSON-RPC on standard output? check %s", cfg.Source)
		return s.withStderr(e.WithDetail("server", s.name))
	}
	msg := err.Error()
	if cfg.Type == HTTP && cfg.URL != "" {
		msg = strings.ReplaceAll(msg, cfg.URL, redactURL(cfg.URL))
	}
	e := errcode.New(errcode.NetworkError, "MCP server %q (%s) failed to start: %s", s.name, where, msg).
		WithHint("check the server's entry in %s", cfg.Source)
	return s.withStderr(e.WithDetail("server", s.name))
}

func (s *server) describe(cfg ServerConfig) string {
	if cfg.Type == HTTP {
		return "http " + redactURL(cfg.URL)
	}
	return "command " + cfg.Command
}

// exited waits up to d for the server process to exit and reports how it
// ended. HTTP servers never "exit".
func (s *server) exited(d time.Duration) (bool, string) {
	proc := s.process()
	if proc == nil {
		return false, ""
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-proc.done:
		return true, proc.status()
	case <-t.C:
		return false, ""
	}
}

// withStderr appends the tail of the server's stderr to the message.
func (s *server) withStderr(e *errcode.Error) *errcode.Error {
	proc := s.process()
	if proc == nil {
		return e
	}
	tail := proc.stderrTail(stderrLines)
	if tail == "" {
		e.Message += "; it printed nothing on stderr"
		return e
	}
	e.Message += "; its stderr ends with:\n" + tail
	return e.WithDetail("stderr", tail)
}

// fail turns an error of a request into a coded one: interrupted by the
// run, refused by the server (JSON-RPC error), or the server went away.
func (s *server) fail(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return interrupted(s.name, op, ctx)
	}
	var wire *jsonrpc.Error
	if errors.As(err, &wire) {
		e := errcode.New(errcode.APIError, "MCP server %q: %s failed: %s", s.name, op, wire.Message).WithDetail("server", s.name)
		if wire.Code != 0 {
			e.WithDetail("rpc_code", wire.Code)
		}
		return e
	}
	if exited, status := s.exited(time.Second); exited {
		s.markExited(s.process())
		e := errcode.New(errcode.NetworkError, "MCP server %q exited (%s) during %s", s.name, status, op).
			WithHint("the server crashed or quit; it is not restarted within this run")
		return s.withStderr(e.WithDetail("server", s.name))
	}
	e := errcode.New(errcode.NetworkError, "MCP server %q: %s failed: %v", s.name, op, err).WithDetail("server", s.name)
	return s.withStderr(e)
}

// markExited makes later requests of the run fail at once, saying why.
func (s *server) markExited(proc *process) {
	e := errcode.New(errcode.NetworkError, "MCP server %q exited (%s) earlier in this run", s.name, proc.status()).
		WithHint("the server crashed or quit; it is not restarted within a run")
	s.setErr(s.withStderr(e.WithDetail("server", s.name)))
}

// interrupted reports a request cut short by the run's context. The host
// replaces it with the limit that ended the run when there is one.
func interrupted(name, op string, ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errcode.New(errcode.Timeout, "MCP server %q: the deadline passed during %s", name, op).WithDetail("server", name)
	}
	return errcode.New(errcode.Timeout, "MCP server %q: %s was cancelled", name, op).WithDetail("server", name)
}

// close ends the MCP session and stops the process group.
func (s *server) close(grace time.Duration) {
	s.mu.Lock()
	s.closed = true
	cs, proc := s.cs, s.proc
	s.mu.Unlock()
	var wg sync.WaitGroup
	if cs != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			closeSession(cs, grace)
		}()
	}
	if proc != nil {
		proc.stop(grace)
	}
	wg.Wait()
}

// closeSession closes cs, waiting at most d.
func closeSession(cs *mcp.ClientSession, d time.Duration) {
	done := make(chan struct{})
	go func() {
		_ = cs.Close()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

func (s *server) listTools(ctx context.Context) ([]*mcpapi.Tool, error) {
	s.mu.Lock()
	if s.toolsOK {
		tools := s.tools
		s.mu.Unlock()
		return tools, nil
	}
	s.mu.Unlock()
	var tools []*mcpapi.Tool
	for t, err := range s.session().Tools(ctx, nil) {
		if err != nil {
			return nil, s.fail(ctx, "tools/list", err)
		}
		tools = append(tools, s.convertTool(t))
	}
	s.mu.Lock()
	s.tools, s.toolsOK = tools, true
	s.mu.Unlock()
	return tools, nil
}

func (s *server) convertTool(t *mcp.Tool) *mcpapi.Tool {
	out := &mcpapi.Tool{Name: t.Name, Title: t.Title, Description: t.Description}
	if a := t.Annotations; a != nil {
		out.ReadOnly = a.ReadOnlyHint
		if out.Title == "" {
			out.Title = a.Title
		}
		out.Annotations = &mcpapi.Annotations{Title: a.Title, ReadOnlyHint: a.ReadOnlyHint,
			DestructiveHint: a.DestructiveHint, IdempotentHint: a.IdempotentHint, OpenWorldHint: a.OpenWorldHint}
	}
	out.InputSchema = asObject(t.InputSchema)
	out.OutputSchema = asObject(t.OutputSchema)
	if out.InputSchema != nil {
		out.Validate = newArgValidator(s.name, t.Name, out.InputSchema).Validate
	}
	return out
}

// asObject returns v's JSON form as a map, or nil.
func asObject(v any) map[string]any {
	if v == nil {
		return nil
	}
	if m, ok := v.(map[string]any); ok {
		return m
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

func (s *server) callTool(ctx context.Context, tool string, args map[string]any) (*mcpapi.ToolResult, error) {
	res, err := s.session().CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		return nil, s.fail(ctx, "tools/call "+tool, err)
	}
	out := &mcpapi.ToolResult{IsError: res.IsError, Structured: res.StructuredContent}
	out.Content = make([]map[string]any, 0, len(res.Content))
	for _, c := range res.Content {
		out.Content = append(out.Content, contentMap(c))
	}
	return out, nil
}

// contentMap renders one content item in its MCP wire shape:
// {"type": "text", "text": ...}, {"type": "image", "data": <base64>,
// "mimeType": ...}, {"type": "resource", "resource": {uri, text|blob}}.
// Protocol metadata (_meta) is dropped.
func contentMap(c mcp.Content) map[string]any {
	b, err := json.Marshal(c)
	if err != nil {
		return map[string]any{"type": "unknown", "error": err.Error()}
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return map[string]any{"type": "unknown", "error": err.Error()}
	}
	delete(m, "_meta")
	if r, ok := m["resource"].(map[string]any); ok {
		delete(r, "_meta")
	}
	return m
}

func (s *server) listResources(ctx context.Context) ([]*mcpapi.Resource, error) {
	var out []*mcpapi.Resource
	for r, err := range s.session().Resources(ctx, nil) {
		if err != nil {
			return nil, s.fail(ctx, "resources/list", err)
		}
		out = append(out, &mcpapi.Resource{URI: r.URI, Name: r.Name, Title: r.Title,
			Description: r.Description, MIMEType: r.MIMEType, Size: r.Size})
	}
	return out, nil
}

func (s *server) readResource(ctx context.Context, uri string) ([]*mcpapi.ResourceContents, error) {
	res, err := s.session().ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
	if err != nil {
		return nil, s.fail(ctx, "resources/read "+uri, err)
	}
	out := make([]*mcpapi.ResourceContents, 0, len(res.Contents))
	for _, c := range res.Contents {
		rc := &mcpapi.ResourceContents{URI: c.URI, MIMEType: c.MIMEType, Text: c.Text}
		if c.Blob != nil {
			rc.Blob = base64.StdEncoding.EncodeToString(c.Blob)
		}
		out = append(out, rc)
	}
	return out, nil
}

func (s *server) listPrompts(ctx context.Context) ([]*mcpapi.Prompt, error) {
	var out []*mcpapi.Prompt
	for p, err := range s.session().Prompts(ctx, nil) {
		if err != nil {
			return nil, s.fail(ctx, "prompts/list", err)
		}
		lp := &mcpapi.Prompt{Name: p.Name, Title: p.Title, Description: p.Description}
		for _, a := range p.Arguments {
			if a == nil {
				continue
			}
			lp.Arguments = append(lp.Arguments, mcpapi.PromptArgument{Name: a.Name, Title: a.Title, Description: a.Description, Required: a.Required})
		}
		out = append(out, lp)
	}
	return out, nil
}

func (s *server) getPrompt(ctx context.Context, name string, args map[string]string) (*mcpapi.PromptResult, error) {
	res, err := s.session().GetPrompt(ctx, &mcp.GetPromptParams{Name: name, Arguments: args})
	if err != nil {
		return nil, s.fail(ctx, "prompts/get "+name, err)
	}
	out := &mcpapi.PromptResult{Description: res.Description}
	for _, m := range res.Messages {
		if m == nil {
			continue
		}
		out.Messages = append(out.Messages, mcpapi.PromptMessage{Role: string(m.Role), Content: contentMap(m.Content)})
	}
	return out, nil
}

// headerTransport adds the configured headers to every request.
type headerTransport struct {
	base    http.RoundTripper
	headers map[string]string
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if len(t.headers) == 0 {
		return base.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	for k, v := range t.headers {
		req.Header.Set(k, v)
	}
	return base.RoundTrip(req)
}

// redactURL drops credentials and the query (which may carry tokens).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<invalid url>"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	return fmt.Sprint(u)
}
