package mcpclient

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/redact"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Default timeouts.
const (
	DefaultStartTimeout = 30 * time.Second
	DefaultStopTimeout  = 2 * time.Second
)

// Options configure a Provider.
type Options struct {
	// Env is where ${VAR} references are looked up, and what stdio
	// servers inherit from: only PATH, HOME, USER, LANG, LC_*, TMPDIR and a
	// few more such variables (never API keys); their "env" is added on
	// top. nil: the process environment.
	Env map[string]string
	// Dir is the working directory of stdio servers without "cwd" ("":
	// kosmo's own).
	Dir string
	// Home replaces a leading ~ in "command" and "cwd".
	Home string
	// Policy applies to the tools of every server: read-only tools are
	// reads, all others writes. Zero: reads allowed, writes ask.
	Policy registry.Policy
	// Version is reported to servers as the client's version.
	Version string
	// StartTimeout bounds starting a server and the MCP handshake.
	StartTimeout time.Duration
	// StopTimeout is how long a stdio server may take to exit after its
	// input is closed, before its process group is terminated and killed.
	StopTimeout time.Duration
	// HTTPClient is used for HTTP servers (nil: a default client).
	HTTPClient *http.Client
	// Redactor hides secrets in what servers print on stderr before it is
	// quoted in errors (nil: nothing is hidden).
	Redactor *redact.Redactor
}

// Provider implements mcpapi.Provider over a Config.
type Provider struct {
	cfg  *Config
	opts Options
}

var _ mcpapi.Provider = (*Provider)(nil)

// New returns a provider for the servers of cfg (nil: none).
func New(cfg *Config, opts Options) *Provider {
	if cfg == nil {
		cfg = &Config{Servers: map[string]ServerConfig{}}
	}
	if opts.Env == nil {
		opts.Env = environ()
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = DefaultStopTimeout
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{}
	}
	return &Provider{cfg: cfg, opts: opts}
}

func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

// Config returns the provider's configuration.
func (p *Provider) Config() *Config { return p.cfg }

// Servers lists the configured server names, sorted.
func (p *Provider) Servers() []string { return p.cfg.Names() }

// Policy returns the permission policy for the server's tools.
func (p *Provider) Policy(string) registry.Policy { return p.opts.Policy }

// Open starts a run's session. Nothing is started until a server is used.
func (p *Provider) Open() mcpapi.Conn { return p.Session() }

// Session is like Open with the concrete type.
func (p *Provider) Session() *Session {
	return &Session{p: p, servers: map[string]*server{}}
}

// Session holds the servers one run has started. Close stops them.
type Session struct {
	p       *Provider
	mu      sync.Mutex
	servers map[string]*server
	closed  bool
}

var _ mcpapi.Conn = (*Session)(nil)

// server returns the named server, starting it on first use.
func (s *Session) server(ctx context.Context, name string) (*server, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errcode.New(errcode.NetworkError, "MCP server %q: the session is closed (the run has ended)", name)
	}
	srv, ok := s.servers[name]
	if !ok {
		cfg, found := s.p.cfg.Servers[name]
		if found && cfg.Disabled {
			s.mu.Unlock()
			return nil, errcode.New(errcode.ConfigError, "MCP server %q is disabled in %s", name, cfg.Source).
				WithHint("remove \"disabled\": true from its entry to use it").WithDetail("server", name)
		}
		if !found {
			s.mu.Unlock()
			return nil, errcode.New(errcode.UnknownFunction, "Unknown MCP server: %s. Configured servers: %s.", name, orNone(s.p.Servers())).
				WithDetail("server", name)
		}
		srv = &server{name: name, cfg: cfg, ready: make(chan struct{})}
		s.servers[name] = srv
		s.mu.Unlock()
		srv.start(ctx, s.p)
		close(srv.ready)
	} else {
		s.mu.Unlock()
		select {
		case <-srv.ready:
		case <-ctx.Done():
			return nil, interrupted(name, "starting", ctx)
		}
	}
	if err := srv.failure(); err != nil {
		return nil, err
	}
	return srv, nil
}

// Close stops every server the session started, in parallel, and waits
// for them (bounded by the stop timeouts). It is safe to call twice.
func (s *Session) Close() error {
	s.mu.Lock()
	s.closed = true
	servers := make([]*server, 0, len(s.servers))
	for _, srv := range s.servers {
		servers = append(servers, srv)
	}
	s.servers = map[string]*server{}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv.close(s.p.opts.StopTimeout)
		}()
	}
	wg.Wait()
	return nil
}

// Tools lists the server's tools (once per session).
func (s *Session) Tools(ctx context.Context, name string) ([]*mcpapi.Tool, error) {
	srv, err := s.server(ctx, name)
	if err != nil {
		return nil, err
	}
	return srv.listTools(ctx)
}

// CallTool calls one tool with already validated arguments.
func (s *Session) CallTool(ctx context.Context, name, tool string, args map[string]any) (*mcpapi.ToolResult, error) {
	srv, err := s.server(ctx, name)
	if err != nil {
		return nil, err
	}
	return srv.callTool(ctx, tool, args)
}

// Resources lists the server's resources.
func (s *Session) Resources(ctx context.Context, name string) ([]*mcpapi.Resource, error) {
	srv, err := s.server(ctx, name)
	if err != nil {
		return nil, err
	}
	return srv.listResources(ctx)
}

// ReadResource reads one resource.
func (s *Session) ReadResource(ctx context.Context, name, uri string) ([]*mcpapi.ResourceContents, error) {
	srv, err := s.server(ctx, name)
	if err != nil {
		return nil, err
	}
	return srv.readResource(ctx, uri)
}

// Prompts lists the server's prompts.
func (s *Session) Prompts(ctx context.Context, name string) ([]*mcpapi.Prompt, error) {
	srv, err := s.server(ctx, name)
	if err != nil {
		return nil, err
	}
	return srv.listPrompts(ctx)
}

// GetPrompt renders one prompt.
func (s *Session) GetPrompt(ctx context.Context, name, prompt string, args map[string]string) (*mcpapi.PromptResult, error) {
	srv, err := s.server(ctx, name)
	if err != nil {
		return nil, err
	}
	return srv.getPrompt(ctx, prompt, args)
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
