// Package luahost runs Lua scripts in sandboxed gopher-lua states whose
// globals mirror the KosmoKrator integration namespace (app.integrations.*,
// app.mcp.*, docs, json, regex, dump, print), under CPU, memory, output and
// wall-clock limits, and reports each run as an Envelope.
//
// A Host is safe for concurrent use: each Run takes a state from a pool,
// gives it fresh globals, and returns it only when the run ended cleanly.
// Chunks are parsed and compiled once and cached by source.
package luahost

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/fsroot"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/redact"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Scope selects which globals a run sees.
type Scope int

const (
	// ScopeIntegrations exposes everything: app.integrations.*, app.mcp.*,
	// mcp, docs, json, regex, dump, print.
	ScopeIntegrations Scope = iota
	// ScopeMCP exposes only app.mcp.*, mcp, docs, json, regex, dump, print
	// (kosmo mcp:lua).
	ScopeMCP
)

// Binding makes one integration available with its accounts and policy.
type Binding struct {
	Integration *registry.Integration
	// Accounts, in the order listings show them. The one named Default (or
	// "default") backs app.integrations.<name>.<fn>.
	Accounts []registry.Account
	Default  string
	Policy   registry.Policy
}

// Prompter asks the user a yes/no question (the interactive REPL answers
// permission "ask" decisions this way). Without one, "ask" means "deny".
type Prompter func(question string) bool

// Options configure a Host.
type Options struct {
	Integrations []Binding
	MCP          mcpapi.Provider // nil: no MCP servers configured
	Pages        []registry.Page // extra docs pages
	Scope        Scope
	Limits       Limits
	Force        bool // bypass the permission policy (not validation, limits or credentials)
	Sandbox      bool // integrations talk to simulated services
	Transport    http.RoundTripper
	Version      string
	Stderr       io.Writer // diagnostics and progress; never stdout
	Prompt       Prompter
	PoolSize     int // states kept for reuse; default 8
	// Redactor hides secrets in every envelope the host returns (output,
	// results, errors, audit). nil: nothing is redacted.
	Redactor *redact.Redactor
	// Files confines the files integrations may read and write (nil:
	// none); it reaches them as registry.Env.Files.
	Files *fsroot.Roots
}

// RunOptions adjust one run.
type RunOptions struct {
	Name    string        // chunk name used in messages: "workflow.lua", "eval"
	Live    io.Writer     // print/dump output streamed as it happens (nil: only captured)
	Force   bool          // bypass the policy for this run (in addition to Options.Force)
	Timeout time.Duration // overrides Options.Limits.Timeout when > 0
	Prompt  Prompter      // overrides Options.Prompt
	// RenderResults fills Envelope.ResultText with dump renderings of the
	// returned values (the CLI's human output).
	RenderResults bool
	// DryRun holds integration writes back: each is recorded in
	// Envelope.PlannedRequests and answered by the integration's simulator.
	DryRun bool
	// Inputs are the script's args, input and arg/... values (nil: none;
	// the globals args, input and arg are then not set).
	Inputs *ScriptInputs
	// CPU and Memory lower the host's CPU and memory limits for this run
	// when > 0 (a larger value is ignored: a caller cannot raise them).
	CPU    time.Duration
	Memory int64
}

// Host runs chunks. Create it with New.
type Host struct {
	opts     Options
	bindings map[string]*Binding
	order    []string // integration names in declaration order
	pages    pageSet  // built on first use: most runs never read the docs
	pool     chan *lua.LState
	cache    *protoCache
	// errorDetails are the detail fields copied onto error values.
	errorDetails []string
}

// New validates the options and returns a Host.
func New(opts Options) (*Host, error) {
	if opts.PoolSize <= 0 {
		opts.PoolSize = 8
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	opts.Limits = opts.Limits.withDefaults()
	h := &Host{
		opts:     opts,
		bindings: map[string]*Binding{},
		pool:     make(chan *lua.LState, opts.PoolSize),
		cache:    newProtoCache(256, protoCacheBytes),
	}
	for i := range opts.Integrations {
		b := &opts.Integrations[i]
		ig := b.Integration
		if ig == nil {
			return nil, fmt.Errorf("luahost: binding %d has no integration", i)
		}
		if err := ig.Check(); err != nil {
			return nil, err
		}
		if _, dup := h.bindings[ig.Name]; dup {
			return nil, fmt.Errorf("luahost: integration %s bound twice", ig.Name)
		}
		if err := checkAccounts(b); err != nil {
			return nil, err
		}
		h.bindings[ig.Name] = b
		h.order = append(h.order, ig.Name)
	}
	h.errorDetails = errorDetailsOf(opts.Integrations)
	return h, nil
}

// checkAccounts rejects account names that would shadow functions or be
// unusable as Lua field names.
func checkAccounts(b *Binding) error {
	seen := map[string]bool{}
	for _, a := range b.Accounts {
		if !isIdentifier(a.Name) {
			return fmt.Errorf("account name %q for %s is not a valid Lua identifier (use letters, digits and _)", a.Name, b.Integration.Name)
		}
		if _, clash := b.Integration.Function(a.Name); clash {
			return fmt.Errorf("account name %q for %s clashes with a function name", a.Name, b.Integration.Name)
		}
		if seen[a.Name] {
			return fmt.Errorf("account %q for %s is declared twice", a.Name, b.Integration.Name)
		}
		seen[a.Name] = true
	}
	if b.Default == "" {
		b.Default = "default"
	}
	// the implicit "default" may be missing (only named accounts set up):
	// calls through it then fail with auth_missing naming the variable
	if b.Default != "default" && !seen[b.Default] {
		return fmt.Errorf("default account %q for %s is not configured (accounts: %s)", b.Default, b.Integration.Name, strings.Join(accountNames(b), ", "))
	}
	return nil
}

func accountNames(b *Binding) []string {
	names := make([]string, len(b.Accounts))
	for i, a := range b.Accounts {
		names[i] = a.Name
	}
	return names
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Bindings returns the bound integrations in declaration order.
func (h *Host) Bindings() []*Binding {
	out := make([]*Binding, 0, len(h.order))
	for _, n := range h.order {
		out = append(out, h.bindings[n])
	}
	return out
}

// Run compiles (or reuses) code and runs it, always returning an envelope.
func (h *Host) Run(ctx context.Context, code string, ro RunOptions) *Envelope {
	if ro.Name == "" {
		ro.Name = "eval"
	}
	started := time.Now()
	proto, err := h.cache.compile(ro.Name, code)
	if err != nil {
		env := h.newEnvelope(ro)
		env.fail(errcode.From(err, errcode.LuaSyntaxError))
		env.ExecutionTimeMs = msSince(started)
		return h.sealed(env)
	}
	return h.sealed(h.exec(ctx, proto, ro, started))
}

// sealed applies Envelope.seal with the host's redactor and limits.
func (h *Host) sealed(env *Envelope) *Envelope {
	env.seal(h.opts.Redactor, h.opts.Limits.Output)
	return env
}

func (h *Host) newEnvelope(ro RunOptions) *Envelope {
	return &Envelope{
		Result:           []any{},
		IntegrationCalls: []CallRecord{},
		Meta:             Meta{Sandbox: h.opts.Sandbox, Version: h.opts.Version},
	}
}

func (e *Envelope) fail(err *errcode.Error) {
	e.Success = false
	e.Error = &ErrorInfo{
		Code:      string(err.Code),
		Message:   err.Message,
		Hint:      err.Hint,
		Line:      err.Line,
		Traceback: err.Traceback,
		Details:   err.Details,
	}
}

func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}

// getState takes a pooled state or builds a new one.
func (h *Host) getState() *lua.LState {
	select {
	case L := <-h.pool:
		return L
	default:
		return h.newState()
	}
}

// putState returns a state to the pool when it is known to be clean.
func (h *Host) putState(L *lua.LState) {
	L.SetTop(0)
	select {
	case h.pool <- L:
	default:
		L.Close()
	}
}

// Close releases pooled states.
func (h *Host) Close() {
	for {
		select {
		case L := <-h.pool:
			L.Close()
		default:
			return
		}
	}
}

// protoCacheBytes bounds the sources whose compiled chunks are kept. A
// compiled chunk takes a few times its source's size, so the source is the
// measure: the cache holds at most about this many bytes of source.
const protoCacheBytes = 16 << 20

// protoCache keeps compiled chunks keyed by name and source, so a Host
// running the same workflow repeatedly parses it once. It is bounded by
// count and by bytes of source (mcp:serve callers choose the sources), and
// evicts the oldest entries first.
type protoCache struct {
	mu       sync.Mutex
	max      int
	maxBytes int
	bytes    int
	items    map[string]*lua.FunctionProto
	order    []string
}

func newProtoCache(max, maxBytes int) *protoCache {
	return &protoCache{max: max, maxBytes: maxBytes, items: map[string]*lua.FunctionProto{}}
}

func (c *protoCache) compile(name, code string) (*lua.FunctionProto, error) {
	if len(name)+1+len(code) > c.maxBytes/4 {
		return Compile(name, code) // too large to be worth keeping (or copying into a key)
	}
	key := name + "\x00" + code
	c.mu.Lock()
	if p, ok := c.items[key]; ok {
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()
	p, err := Compile(name, code)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; !ok {
		for len(c.order) > 0 && (len(c.order) >= c.max || c.bytes+len(key) > c.maxBytes) {
			c.bytes -= len(c.order[0])
			delete(c.items, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, key)
		c.bytes += len(key)
		c.items[key] = p
	}
	return p, nil
}
