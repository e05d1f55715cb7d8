package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpclient"
	"github.com/kosmo-dev/kosmo/luahost/mcpserver"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// mcpServeCommand is `kosmo mcp:serve`: the MCP gateway of package
// mcpserver, configured from flags, the config file and the environment.
func mcpServeCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:  "mcp:serve",
		Usage: "serve the Lua host, integrations and selected MCP servers to agents over MCP (stdio; --http ADDR for streamable HTTP)",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "integration", Aliases: []string{"integrations"}, Usage: "offer the functions of integration `NAME` as tools (repeatable or comma list; default all)"},
			&cli.StringSliceFlag{Name: "upstream", Aliases: []string{"upstreams"}, Usage: "proxy the tools of configured MCP server `NAME` (repeatable or comma list; default none)"},
			&cli.StringFlag{Name: "write", Value: "deny", Usage: "`MODE` deny hides write tools and denies writes in execute_lua; allow offers them and runs them where the policy would ask"},
			&cli.StringFlag{Name: "http", Usage: "serve streamable HTTP on `ADDR` (HOST:PORT, :PORT or PORT; PORT alone binds 127.0.0.1) at /mcp instead of stdio"},
			&cli.StringFlag{Name: "token-env", Usage: "require the bearer token held in environment variable `NAME` on every HTTP request (needed off loopback)"},
			&cli.StringSliceFlag{Name: "allow-origin", Usage: "accept browser requests from `ORIGIN` (e.g. https://app.example.com) besides loopback origins"},
			&cli.StringFlag{Name: "max-concurrent", Usage: "run at most `N` calls at once; more wait in the queue (default: two per CPU, at least 4)"},
			&cli.StringFlag{Name: "max-queued", Usage: "let at most `N` calls wait for a slot, each up to --queue-wait; more are refused at once (default 512; 0: refuse whenever every slot is busy)"},
			&cli.StringFlag{Name: "session-timeout", Value: "30m", Usage: "with --http, close a session that sent no request for `DURATION` (abandoned clients)"},
			&cli.StringFlag{Name: "queue-wait", Value: "30s", Usage: "refuse a queued call that got no slot within `DURATION`"},
			&cli.StringFlag{Name: "shutdown-grace", Value: "10s", Usage: "on SIGTERM/SIGINT, let running calls finish for `DURATION` before cancelling them"},
			&cli.BoolFlag{Name: "force", Usage: "bypass the permission policy (with --write allow only)"},
			&cli.BoolFlag{Name: "sandbox", Usage: "use the built-in simulated HeyGen (no API key, nothing is charged)"},
			&cli.StringFlag{Name: "account", Usage: "make `NAME` the default account"},
			&cli.StringFlag{Name: "cpu-limit", Usage: "bound Lua execution time of each run to `SECONDS` (default 30)"},
			&cli.StringFlag{Name: "memory-limit", Usage: "bound each run's memory to `SIZE`: bytes (67108864), with a unit (64MB, 512KB), or megabytes when below 1 MiB (64); default 32MB"},
			&cli.StringFlag{Name: "timeout", Usage: "bound each run and call to `DURATION` unless a call sets its own (default none)"},
			&cli.StringFlag{Name: "mcp-config", Usage: "read MCP servers (for --upstream and app.mcp.*) from `FILE`"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return errcode.New(errcode.UsageError, "mcp:serve takes no arguments, got %q", c.Args().First()).
					WithHint("flags: --integration NAME, --upstream NAME, --write deny|allow, --http ADDR, --token-env NAME, --sandbox; see kosmo mcp:serve --help")
			}
			g := gatewayOptions{
				integrations: splitList(c.StringSlice("integration")),
				upstreams:    splitList(c.StringSlice("upstream")),
				http:         c.String("http"),
				tokenEnv:     c.String("token-env"),
				origins:      splitList(c.StringSlice("allow-origin")),
			}
			switch c.String("write") {
			case "deny":
			case "allow":
				g.allowWrites = true
			default:
				return errcode.New(errcode.UsageError, "--write %q: want deny or allow", c.String("write"))
			}
			if c.Bool("force") && !g.allowWrites {
				return errcode.New(errcode.UsageError, "--force has no effect with --write deny: writes are refused").
					WithHint("add --write allow to let writes run")
			}
			if s := c.String("max-concurrent"); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < 1 || n > 10000 {
					return errcode.New(errcode.UsageError, "--max-concurrent %q: want a whole number from 1 to 10000", s)
				}
				g.maxConcurrent = n
			}
			g.maxQueued = mcpserver.DefaultMaxQueued
			if s := c.String("max-queued"); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < 0 || n > 100000 {
					return errcode.New(errcode.UsageError, "--max-queued %q: want a whole number from 0 to 100000", s)
				}
				g.maxQueued = n
				if n == 0 {
					g.maxQueued = -1 // mcpserver: negative means no queue
				}
			}
			wait, err := parseDuration(c.String("queue-wait"))
			if err != nil || wait <= 0 {
				return errcode.New(errcode.UsageError, "--queue-wait %q: want a positive duration such as 30s", c.String("queue-wait"))
			}
			g.queueWait = wait
			idle, err := parseDuration(c.String("session-timeout"))
			if err != nil || idle <= 0 {
				return errcode.New(errcode.UsageError, "--session-timeout %q: want a positive duration such as 30m", c.String("session-timeout"))
			}
			g.sessionTimeout = idle
			grace, err := parseDuration(c.String("shutdown-grace"))
			if err != nil {
				return errcode.New(errcode.UsageError, "--shutdown-grace %q: %v", c.String("shutdown-grace"), err)
			}
			g.grace = grace
			o := luaOptions{
				scope:     luahost.ScopeIntegrations,
				force:     c.Bool("force"),
				sandbox:   c.Bool("sandbox"),
				account:   c.String("account"),
				cpu:       c.String("cpu-limit"),
				memory:    c.String("memory-limit"),
				timeout:   c.String("timeout"),
				mcpConfig: c.String("mcp-config"),
			}
			return serveMCP(st, o, g)
		},
	}
}

// gatewayOptions are mcp:serve's own flags.
type gatewayOptions struct {
	integrations  []string
	upstreams     []string
	allowWrites   bool
	http          string
	tokenEnv      string
	origins       []string
	maxConcurrent int
	maxQueued     int
	queueWait     time.Duration
	// sessionTimeout closes idle HTTP sessions
	sessionTimeout time.Duration
	grace          time.Duration
}

// splitList flattens repeated and comma-separated values, dropping empty
// ones and duplicates.
func splitList(values []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part != "" && !seen[part] {
				seen[part] = true
				out = append(out, part)
			}
		}
	}
	return out
}

func serveMCP(st *State, o luaOptions, g gatewayOptions) error {
	if g.http == "" && (g.tokenEnv != "" || len(g.origins) > 0) {
		return errcode.New(errcode.UsageError, "--token-env and --allow-origin apply to --http only").
			WithHint("stdio needs neither: the client that starts kosmo is the only one talking to it")
	}
	token := ""
	if g.tokenEnv != "" {
		token = st.Getenv(g.tokenEnv)
		if token == "" {
			return errcode.New(errcode.ConfigError, "--token-env %s: the variable is not set or empty", g.tokenEnv).
				WithHint("export %s=<a long random string> and give the same token to the MCP client", g.tokenEnv)
		}
	}
	host, closeHost, upstream, limits, err := newGatewayHost(st, o, g)
	if err != nil {
		return err
	}
	defer closeHost()
	var upstreams []string
	if upstream != nil {
		upstreams = upstream.Servers()
	}
	gw, err := mcpserver.New(st.Context, mcpserver.Options{
		Host:          host,
		Integrations:  g.integrations,
		Upstream:      upstream,
		Upstreams:     upstreams,
		AllowWrites:   g.allowWrites,
		Force:         o.force,
		MaxConcurrent: g.maxConcurrent,
		MaxQueued:     g.maxQueued,
		QueueWait:     g.queueWait,
		CallTimeout:   max(limits.Timeout, 0),
		Version:       versionString(),
		Log:           st.Stderr,
	})
	if err != nil {
		return err
	}
	defer gw.Close()
	mode := "write tools hidden (--write deny)"
	if g.allowWrites {
		mode = "write tools offered (--write allow)"
	}

	if g.http == "" {
		fmt.Fprintf(st.Stderr, "kosmo: MCP server on stdio (%d tools, %s)\n", len(gw.Tools()), mode)
		return gw.ServeStdio(st.Context, st.Stdin, st.Stdout, g.grace)
	}
	ln, err := mcpserver.Listen(g.http, token)
	if err != nil {
		return err
	}
	defer tuneGatewayGC(st, g.maxConcurrent, limits)()
	handler := gw.HTTPHandler(mcpserver.HTTPOptions{Token: token, AllowedOrigins: g.origins, SessionTimeout: g.sessionTimeout})
	endpoint := "http://" + ln.Addr().String() + mcpserver.Endpoint
	fmt.Fprintln(st.Stdout, endpoint)
	auth := "no token (loopback only)"
	if token != "" {
		auth = "bearer token from $" + g.tokenEnv
	}
	fmt.Fprintf(st.Stderr, "kosmo: MCP server (streamable HTTP) at %s (%d tools, %s, %s). Ctrl-C stops it.\n", endpoint, len(gw.Tools()), mode, auth)
	return gw.ServeHTTP(st.Context, ln, handler, g.grace)
}

// newGatewayHost builds the host of mcp:serve: like the lua commands',
// restricted to the selected integrations and upstream MCP servers, with
// the write policy of --write. It also returns the MCP provider of the
// upstreams (nil when none is selected) and the limits of each run.
func newGatewayHost(st *State, o luaOptions, g gatewayOptions) (*luahost.Host, func(), *mcpclient.Provider, luahost.Limits, error) {
	limits, err := o.limits()
	if err != nil {
		return nil, nil, nil, luahost.Limits{}, err
	}
	cfg, err := loadConfig(st)
	if err != nil {
		return nil, nil, nil, luahost.Limits{}, err
	}
	limits = limits.withConfig(cfg)
	opts, cleanup, err := buildHostOptions(st, cfg, o)
	if err != nil {
		return nil, nil, nil, luahost.Limits{}, err
	}
	fail := func(err error) (*luahost.Host, func(), *mcpclient.Provider, luahost.Limits, error) {
		cleanup()
		return nil, nil, nil, luahost.Limits{}, err
	}
	opts.Limits = limits.Limits
	// Over HTTP no redacting writer sits between the host and the client,
	// so the host must hide the secrets itself.
	opts.Redactor = st.Redactor
	if opts.Integrations, err = selectBindings(opts.Integrations, g.integrations); err != nil {
		return fail(err)
	}
	for i := range opts.Integrations {
		opts.Integrations[i].Policy = gatewayPolicy(opts.Integrations[i].Policy, g.allowWrites)
	}
	opts.Force = o.force && g.allowWrites

	// As many pooled Lua states, and idle connections to each service, as
	// calls can run at once: net/http keeps two idle connections per host
	// by default, so concurrent integration calls kept dialing anew.
	slots := g.maxConcurrent
	if slots <= 0 {
		slots = mcpserver.DefaultMaxConcurrent()
	}
	opts.PoolSize = max(opts.PoolSize, slots, 8) // 8: the host's default
	var transport *http.Transport
	if opts.Transport == nil {
		transport = http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = slots
		opts.Transport = transport
		inner := cleanup
		cleanup = func() { transport.CloseIdleConnections(); inner() }
	}

	// app.mcp.* and the proxied tools see the selected upstreams only.
	opts.MCP = nil
	upstream, err := upstreamProvider(st, cfg, o.mcpConfig, g)
	if err != nil {
		return fail(err)
	}
	if upstream != nil {
		opts.MCP = upstream
	}
	host, err := luahost.New(opts)
	if err != nil {
		return fail(errcode.Wrap(errcode.ConfigError, err, ""))
	}
	return host, func() { host.Close(); cleanup() }, upstream, limits.Limits, nil
}

// gatewayGCPercent is the collector's target for the HTTP gateway. Its
// live heap is small (10-15 MB), but every call allocates ~200 KB of
// short-lived buffers (the MCP SDK takes a 32 KB buffer per JSON decode,
// several per request): at Go's default of 100 the collector ran every
// ~40 calls and took a fifth of the CPU under load (docs/performance.md).
const gatewayGCPercent = 400

// tuneGatewayGC lets the heap of the HTTP gateway grow to five times its
// live size between collections, under a soft limit of twice the heap
// bound at which the memory watchdog intervenes (two per-run budgets per
// slot plus slack; luahost/memwatch.go): with many runs holding data the
// collector works as often as before, never less. GOGC or GOMEMLIMIT in
// the environment leave the runtime alone. It returns the undo.
func tuneGatewayGC(st *State, maxConcurrent int, l luahost.Limits) func() {
	if st.Getenv("GOGC") != "" || st.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	if maxConcurrent <= 0 {
		maxConcurrent = mcpserver.DefaultMaxConcurrent()
	}
	perRun := l.Memory + l.Output
	if l.Memory <= 0 {
		perRun += luahost.DefaultMemoryLimit
	}
	if l.Output <= 0 {
		perRun += luahost.DefaultOutputLimit
	}
	limit := 2 * (64<<20 + 2*int64(maxConcurrent)*perRun)
	pct := debug.SetGCPercent(gatewayGCPercent)
	old := debug.SetMemoryLimit(limit)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(old)
	}
}

// upstreamProvider returns the MCP servers named by --upstream, under the
// MCP policy adjusted for --write; nil when none is selected (or every
// one was skipped). An unknown name is a usage error; kosmo's own
// mcp:serve is skipped with a notice.
func upstreamProvider(st *State, cfg *Config, mcpConfig string, g gatewayOptions) (*mcpclient.Provider, error) {
	if len(g.upstreams) == 0 {
		return nil, nil
	}
	mc, err := loadMCPConfig(st, mcpConfig)
	if err != nil {
		return nil, err
	}
	selected := &mcpclient.Config{Servers: map[string]mcpclient.ServerConfig{}, Sources: mc.Sources}
	for _, name := range g.upstreams {
		sc, ok := mc.Servers[name]
		if !ok {
			e := errcode.New(errcode.UsageError, "--upstream %q: no such MCP server", name)
			if s := suggest(name, mc.Names()); len(s) > 0 {
				e.Message += ". Did you mean: " + strings.Join(s, ", ")
			}
			return nil, e.WithHint("configured MCP servers: %s (kosmo mcp:list shows where each comes from)", orNone(mc.Names()))
		}
		if isKosmoGateway(st, sc) {
			fmt.Fprintf(st.Stderr, "kosmo: upstream %s is kosmo's own mcp:serve (declared in %s); skipped so that the gateway does not proxy itself\n", name, sc.Source)
			continue
		}
		selected.Servers[name] = sc
	}
	if len(selected.Servers) == 0 {
		return nil, nil
	}
	policy, err := resolvePolicy(cfg, "mcp", cfg.Integrations["mcp"].Permissions)
	if err != nil {
		return nil, err
	}
	return newMCPClient(st, selected, gatewayPolicy(policy, g.allowWrites)), nil
}

// gatewayPolicy is the policy the gateway applies: with --write deny every
// write is denied; with --write allow a write the policy would ask about
// runs (nobody can be asked over MCP: the flag is the answer), and an
// explicit deny stays.
func gatewayPolicy(p registry.Policy, allowWrites bool) registry.Policy {
	if !allowWrites {
		p.Write = registry.Deny
	} else if p.Write == registry.Ask || p.Write == "" {
		p.Write = registry.Allow
	}
	return p
}

// selectBindings keeps the integrations named by --integration (all when
// none is named); an unknown name is a usage error with suggestions.
func selectBindings(all []luahost.Binding, names []string) ([]luahost.Binding, error) {
	if len(names) == 0 {
		return all, nil
	}
	known := make([]string, len(all))
	for i, b := range all {
		known[i] = b.Integration.Name
	}
	var out []luahost.Binding
	for _, n := range names {
		i := indexOf(known, n)
		if i < 0 {
			e := errcode.New(errcode.UsageError, "--integration %q: no such integration", n)
			if s := suggest(n, known); len(s) > 0 {
				e.Message += ". Did you mean: " + strings.Join(s, ", ")
			}
			return nil, e.WithHint("integrations: %s (kosmo integrations:list)", orNone(known))
		}
		out = append(out, all[i])
	}
	return out, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// isKosmoGateway recognises a configured stdio server that is kosmo's own
// mcp:serve: its command is kosmo (or this very executable) and its
// arguments include mcp:serve.
func isKosmoGateway(st *State, sc mcpclient.ServerConfig) bool {
	if sc.Type == mcpclient.HTTP || sc.Command == "" {
		return false
	}
	serves := false
	for _, a := range sc.Args {
		if a == "mcp:serve" {
			serves = true
		}
	}
	if !serves {
		return false
	}
	base := filepath.Base(sc.Command)
	self := ""
	if len(st.Args) > 0 {
		self = filepath.Base(st.Args[0])
	}
	return base == "kosmo" || base == "kosmo.exe" || (self != "" && base == self)
}
