package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/mcpclient"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// The headless mcp:* commands look at and call configured MCP servers
// without Lua. Servers a command uses are started for it and stopped when
// it returns, however it ends. With --json each prints one JSON object
// with "success" and, on failure, "error" ({code, message, hint,
// details}); mcp:call prints the call envelope of integrations:call.

func mcpCommandFlags(extra ...cli.Flag) []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "json", Usage: "print one JSON envelope on stdout"},
		&cli.StringFlag{Name: "mcp-config", Usage: "read MCP servers from `FILE` instead of .mcp.json and ~/.config/kosmo/mcp.json"},
		&cli.StringFlag{Name: "timeout", Usage: "give up after `DURATION` (e.g. 30s); the servers are stopped"},
	}, extra...)
}

// mcpCommands are the headless MCP commands, in help order.
func mcpCommands(st *State) []*cli.Command {
	return []*cli.Command{
		{
			Name:   "mcp:list",
			Usage:  "list the configured MCP servers and the file each comes from",
			Flags:  mcpCommandFlags(),
			Action: func(c *cli.Context) error { return mcpList(st, c) },
		},
		{
			Name:   "mcp:status",
			Usage:  "check each MCP server (configured, disabled, or what is wrong) without starting any",
			Flags:  mcpCommandFlags(),
			Action: func(c *cli.Context) error { return mcpStatus(st, c) },
		},
		{
			Name:      "mcp:tools",
			Usage:     "list the tools of one MCP server, or of every server",
			ArgsUsage: "[SERVER]",
			Flags:     mcpCommandFlags(),
			Action:    func(c *cli.Context) error { return mcpTools(st, c) },
		},
		{
			Name:      "mcp:schema",
			Usage:     "show a tool's description and input schema",
			ArgsUsage: "SERVER.TOOL",
			Flags:     mcpCommandFlags(),
			Action:    func(c *cli.Context) error { return mcpSchema(st, c) },
		},
		{
			Name:            "mcp:call",
			Usage:           "call a tool: PAYLOAD (JSON object) or stdin, --kebab-name value, --arg k=v; --dry-run, --force, --json",
			ArgsUsage:       "SERVER.TOOL [PAYLOAD] [--name value ...]",
			SkipFlagParsing: true,
			Description: "Arguments: a JSON object as PAYLOAD (or on stdin), --some-name value (sets some_name), --arg key=value,\n" +
				"--key:json VALUE; values are coerced (true, false, null, numbers). Flags of the command itself:\n" +
				"   --json               print one JSON envelope on stdout\n" +
				"   --force              bypass the MCP permission policy for this call\n" +
				"   --dry-run            run reads, plan writes without sending them\n" +
				"   --timeout DURATION   give up after DURATION; the servers are stopped\n" +
				"   --mcp-config FILE    read MCP servers from FILE\n" +
				"kosmo mcp:<server> <tool> ... is the same as kosmo mcp:call <server>.<tool> ...",
			Action: func(c *cli.Context) error {
				argv := directArgs(c, mcpCallControl, 1)
				return directError(st, argv, callLabel(argv), mcpCall(st, c, "mcp:call", argv))
			},
		},
		{
			Name:      "mcp:resources",
			Usage:     "list the resources of an MCP server",
			ArgsUsage: "SERVER",
			Flags:     mcpCommandFlags(),
			Action:    func(c *cli.Context) error { return mcpResources(st, c) },
		},
		{
			Name:      "mcp:resource",
			Usage:     "read one resource of an MCP server",
			ArgsUsage: "SERVER URI",
			Flags:     mcpCommandFlags(),
			Action:    func(c *cli.Context) error { return mcpResource(st, c) },
		},
		{
			Name:      "mcp:prompts",
			Usage:     "list the prompts of an MCP server",
			ArgsUsage: "SERVER",
			Flags:     mcpCommandFlags(),
			Action:    func(c *cli.Context) error { return mcpPrompts(st, c) },
		},
		{
			Name:            "mcp:prompt",
			Usage:           "render a prompt: --arg k=v or --name value for its arguments; --json",
			ArgsUsage:       "SERVER NAME [--arg k=v ...]",
			SkipFlagParsing: true,
			Description: "Prompt arguments: --arg key=value or --key value (or a JSON object as PAYLOAD or on stdin).\n" +
				"Flags of the command itself: --json, --timeout DURATION, --mcp-config FILE.",
			Action: func(c *cli.Context) error {
				argv := directArgs(c, mcpPromptControl, 2)
				return directError(st, argv, "", mcpPrompt(st, c, argv))
			},
		},
	}
}

// directArgs are the words of a command that parses its own flags. The
// "--" that mcpShortcut puts in front of them (so that flag reordering
// leaves them alone) is dropped.
func directArgs(c *cli.Context, control map[string]bool, words int) []string {
	args := c.Args().Slice()
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	return leadingControl(args, control, words)
}

// leadingControl moves the command's own flags given before its target
// words (kosmo mcp:call --json notes.echo ...) behind them, where the
// argument parser expects them.
func leadingControl(args []string, control map[string]bool, words int) []string {
	var moved []string
	for len(args) > 0 && strings.HasPrefix(args[0], "--") {
		name, _, hasValue := strings.Cut(strings.TrimPrefix(args[0], "--"), "=")
		takesValue, ok := control[name]
		if !ok {
			break
		}
		n := 1
		if takesValue && !hasValue && len(args) > 1 {
			n = 2
		}
		moved = append(moved, args[:n]...)
		args = args[n:]
	}
	k := 0
	for k < words && k < len(args) && !strings.HasPrefix(args[k], "-") {
		k++
	}
	out := append([]string{}, args[:k]...)
	out = append(out, moved...)
	return append(out, args[k:]...)
}

// directError reports an error of a command that parses its own flags
// (found before it could report it itself): Main cannot see their --json
// behind the "--" that protects them. function names the call target of
// mcp:call ("" for mcp:prompt).
func directError(st *State, argv []string, function string, err error) error {
	if err == nil || !wantsJSON(argv) {
		return err
	}
	var r reported
	if errors.As(err, &r) {
		return err
	}
	e, ok := errcode.As(err)
	if !ok {
		e = errcode.Wrap(errcode.UsageError, err, "")
	}
	if function != "" {
		writeJSON(st.Stdout, callEnvelope{Function: function, Error: newCallError(e), Meta: callMeta{Version: versionString(), DryRun: dryRunAsked(argv)}})
	} else {
		writeJSON(st.Stdout, map[string]any{"success": false, "error": newCallError(e)})
	}
	return reported{code: e.ExitCode()}
}

// directCommands parse their own flags (callargs), so the generic flag
// reordering must not touch their arguments.
var directCommands = map[string]bool{"mcp:call": true, "mcp:prompt": true}

// mcpShortcut rewrites `kosmo mcp:<server> <tool> ...` into
// `kosmo mcp:call <server>.<tool> ...` (and `kosmo mcp:<server>` alone
// into `kosmo mcp:tools <server>`) when <server> is not a command of its
// own, and protects the words of mcp:call and mcp:prompt from flag
// reordering. A name close to a command, and neither a configured server
// nor close to one, stays an unknown command, so that its suggestion is
// shown.
func mcpShortcut(st *State, app *cli.App, args []string) []string {
	if len(args) < 2 || !strings.HasPrefix(args[1], "mcp:") {
		return args
	}
	name := args[1]
	if directCommands[name] {
		return append([]string{args[0], name, "--"}, args[2:]...)
	}
	if app.Command(name) != nil {
		return args
	}
	server := strings.TrimPrefix(name, "mcp:")
	if server == "" {
		return args
	}
	var names []string
	for _, c := range app.Commands {
		names = append(names, c.Name)
	}
	servers := configuredServers(st, args[2:])
	if indexOf(servers, server) < 0 && len(suggest(server, servers)) == 0 && len(suggest(name, names)) > 0 {
		return args
	}
	rest := leadingControl(args[2:], mcpCallControl, 1)
	if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
		// No tool named: list the server's tools.
		return append([]string{args[0], "mcp:tools", server}, rest...)
	}
	return append([]string{args[0], "mcp:call", "--", server + "." + rest[0]}, rest[1:]...)
}

// configuredServers lists the servers of the MCP config the arguments
// select (none when it cannot be read).
func configuredServers(st *State, args []string) []string {
	explicit := ""
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--mcp-config="); ok {
			explicit = v
		} else if a == "--mcp-config" && i+1 < len(args) {
			explicit = args[i+1]
		}
	}
	mc, err := loadMCPConfig(st, explicit)
	if err != nil {
		return nil
	}
	return mc.All()
}

// mcpEnv prepares a command that talks to servers: the config, the
// provider, and a context bounded by --timeout.
type mcpEnv struct {
	st       *State
	json     bool
	provider *mcpclient.Provider
	ctx      context.Context
	cancel   context.CancelFunc
	timeout  time.Duration
}

func newMCPEnv(st *State, jsonOut bool, mcpConfig, timeout string) (*mcpEnv, error) {
	e := &mcpEnv{st: st, json: jsonOut}
	if timeout != "" {
		d, err := parseDuration(timeout)
		if err != nil {
			return nil, errcode.New(errcode.UsageError, "--timeout %q: %v", timeout, err)
		}
		e.timeout = d
	}
	cfg, err := loadConfig(st)
	if err != nil {
		return nil, err
	}
	mc, err := loadMCPConfig(st, mcpConfig)
	if err != nil {
		return nil, err
	}
	policy, err := resolvePolicy(cfg, "mcp", cfg.Integrations["mcp"].Permissions)
	if err != nil {
		return nil, err
	}
	e.provider = newMCPClient(st, mc, policy)
	e.ctx, e.cancel = context.WithCancel(st.Context)
	if e.timeout > 0 {
		e.ctx, e.cancel = context.WithTimeout(st.Context, e.timeout)
	}
	return e, nil
}

func newMCPEnvFrom(st *State, c *cli.Context) (*mcpEnv, error) {
	return newMCPEnv(st, c.Bool("json"), c.String("mcp-config"), c.String("timeout"))
}

// open starts a session; the caller defers its Close, which stops every
// server the command started.
func (e *mcpEnv) open() mcpapi.Conn { return e.provider.Open() }

// connect checks that server is configured and enabled and opens a
// connection for one command; done closes the connection (stopping the
// server) and then the environment. On error the environment is closed.
func (e *mcpEnv) connect(server string) (conn mcpapi.Conn, done func(), err error) {
	if ce := e.checkServer(server); ce != nil {
		e.cancel()
		return nil, nil, ce
	}
	conn = e.open()
	return conn, func() { conn.Close(); e.cancel() }, nil
}

// code gives an error from a server its code, and reports the end of
// --timeout (or an interrupt) as a timeout.
func (e *mcpEnv) code(err error, what string) *errcode.Error {
	if e.ctx.Err() != nil {
		if errors.Is(e.ctx.Err(), context.DeadlineExceeded) {
			return errcode.New(errcode.Timeout, "%s timed out after %s; the MCP servers were stopped", what, e.timeout).
				WithHint("raise --timeout, or check the server (kosmo mcp:status)").
				WithDetail("timeout_seconds", e.timeout.Seconds())
		}
		return errcode.New(errcode.Timeout, "%s was interrupted; the MCP servers were stopped", what)
	}
	return errcode.From(err, errcode.NetworkError)
}

// checkServer reports an unknown server with the nearest names.
func (e *mcpEnv) checkServer(name string) *errcode.Error {
	names := e.provider.Servers()
	for _, n := range names {
		if n == name {
			return nil
		}
	}
	if s, ok := e.provider.Config().Servers[name]; ok && s.Disabled {
		return errcode.New(errcode.ConfigError, "MCP server %q is disabled in %s", name, s.Source).
			WithHint("remove \"disabled\": true from its entry to use it").WithDetail("server", name)
	}
	err := errcode.New(errcode.UnknownFunction, "Unknown MCP server: %s.", name)
	if s := registry.Suggest(name, names); len(s) > 0 {
		err.Message += " Did you mean: " + strings.Join(s, ", ") + "?"
		err.WithDetail("suggestions", s)
	}
	err.Message += " Configured servers: " + orNone(names) + "."
	return err.WithDetail("server", name).
		WithHint("declare MCP servers in .mcp.json, ~/.config/kosmo/mcp.json or with --mcp-config FILE; kosmo mcp:list shows them")
}

// findTool lists the server's tools and returns the named one.
func (e *mcpEnv) findTool(conn mcpapi.Conn, server, name string) (*mcpapi.Tool, *errcode.Error) {
	tools, err := conn.Tools(e.ctx, server)
	if err != nil {
		return nil, e.code(err, "listing the tools of "+server)
	}
	names := make([]string, 0, len(tools))
	for _, t := range tools {
		if t.Name == name {
			return t, nil
		}
		names = append(names, t.Name)
	}
	ue := luahost.UnknownTool(server, name, names)
	ue.Hint = fmt.Sprintf("tools of MCP server %s: %s (kosmo mcp:tools %s describes them)", server, orNone(sortedCopy(names)), server)
	return nil, ue
}

func sortedCopy(names []string) []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	return out
}

// report prints a command's result: with --json one object holding
// "success", the fields and, on failure, "error"; otherwise text (when
// given) and the error on stderr. It returns the exit code.
func (e *mcpEnv) report(fields map[string]any, failure *errcode.Error, text func(w io.Writer)) error {
	if e.json {
		out := map[string]any{"success": failure == nil}
		for k, v := range fields {
			out[k] = v
		}
		if failure != nil {
			out["error"] = newCallError(failure)
		}
		writeJSON(e.st.Stdout, out)
	} else {
		if text != nil {
			text(e.st.Stdout)
		}
		if failure != nil {
			printRunError(e.st.Stderr, &luahost.ErrorInfo{Code: string(failure.Code), Message: failure.Message, Hint: failure.Hint})
		}
	}
	if failure != nil {
		return reported{code: failure.ExitCode()}
	}
	return nil
}

// fail reports a failure that left nothing else to show.
func (e *mcpEnv) fail(failure *errcode.Error) error { return e.report(nil, failure, nil) }

func argCount(c *cli.Context, command string, min, max int, usage string) error {
	n := c.Args().Len()
	if n < min || n > max {
		return errcode.New(errcode.UsageError, "%s takes %s, got %d argument(s): %s", command, usage, n, strings.Join(c.Args().Slice(), " ")).
			WithHint("kosmo %s --help", command)
	}
	return nil
}

// splitToolTarget reads SERVER.TOOL.
func splitToolTarget(command, target string) (string, string, error) {
	server, tool, ok := strings.Cut(target, ".")
	if !ok || server == "" || tool == "" {
		return "", "", errcode.New(errcode.UsageError, "%s: want SERVER.TOOL, got %q", command, target).
			WithHint("for example kosmo %s files.read_text_file (kosmo mcp:tools lists the tools)", command)
	}
	return server, tool, nil
}

func mcpList(st *State, c *cli.Context) error {
	if err := argCount(c, "mcp:list", 0, 0, "no arguments"); err != nil {
		return err
	}
	e, err := newMCPEnvFrom(st, c)
	if err != nil {
		return err
	}
	defer e.cancel()
	cfg := e.provider.Config()
	servers := make([]any, 0, len(cfg.Servers))
	for _, name := range cfg.All() {
		s := cfg.Servers[name]
		m := map[string]any{"name": name, "type": s.Type, "target": mcpclient.Target(s), "source": s.Source, "disabled": s.Disabled}
		if s.Type == mcpclient.HTTP {
			m["url"] = s.URL
			m["headers"] = sortedNames(s.Headers)
		} else {
			m["command"] = s.Command
			m["args"] = append([]string{}, s.Args...)
			m["env"] = sortedNames(s.Env)
			if s.Cwd != "" {
				m["cwd"] = s.Cwd
			}
		}
		servers = append(servers, m)
	}
	sources := append([]string{}, cfg.Sources...)
	return e.report(map[string]any{"servers": servers, "sources": sources}, nil, func(w io.Writer) {
		if len(servers) == 0 {
			fmt.Fprintln(w, "No MCP servers configured (.mcp.json, ~/.config/kosmo/mcp.json or --mcp-config FILE).")
			return
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SERVER\tTYPE\tCOMMAND / URL\tSOURCE")
		for _, name := range cfg.All() {
			s := cfg.Servers[name]
			typ := s.Type
			if s.Disabled {
				typ += " (disabled)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, typ, mcpclient.Target(s), s.Source)
		}
		_ = tw.Flush()
	})
}

// sortedNames lists a map's keys: env and header values may be secrets,
// so listings show only their names.
func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mcpStatus(st *State, c *cli.Context) error {
	if err := argCount(c, "mcp:status", 0, 0, "no arguments"); err != nil {
		return err
	}
	e, err := newMCPEnvFrom(st, c)
	if err != nil {
		return err
	}
	defer e.cancel()
	status := e.provider.Status()
	items := make([]any, len(status))
	for i, s := range status {
		items[i] = s
	}
	return e.report(map[string]any{"servers": items}, nil, func(w io.Writer) {
		if len(status) == 0 {
			fmt.Fprintln(w, "No MCP servers configured (.mcp.json, ~/.config/kosmo/mcp.json or --mcp-config FILE).")
			return
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SERVER\tSTATE\tTYPE\tDETAIL")
		for _, s := range status {
			detail := s.Target
			if s.Problem != "" {
				detail = s.Problem
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.State, s.Type, detail)
		}
		_ = tw.Flush()
	})
}

func mcpTools(st *State, c *cli.Context) error {
	if err := argCount(c, "mcp:tools", 0, 1, "at most one SERVER"); err != nil {
		return err
	}
	e, err := newMCPEnvFrom(st, c)
	if err != nil {
		return err
	}
	defer e.cancel()
	servers := e.provider.Servers()
	if c.Args().Len() == 1 {
		if ce := e.checkServer(c.Args().First()); ce != nil {
			return ce
		}
		servers = []string{c.Args().First()}
	}
	conn := e.open()
	defer conn.Close()
	tools := []any{}
	var lines [][3]string
	var failure *errcode.Error
	var failures []any
	for _, server := range servers {
		list, err := conn.Tools(e.ctx, server)
		if err != nil {
			ce := e.code(err, "listing the tools of "+server)
			if len(servers) == 1 || e.ctx.Err() != nil {
				return e.fail(ce)
			}
			failures = append(failures, map[string]any{"server": server, "code": string(ce.Code), "message": ce.Message})
			if failure == nil {
				failure = ce
			}
			continue
		}
		for _, t := range list {
			m := luahost.ToolMap(t)
			m["server"] = server
			tools = append(tools, m)
			op := "write"
			if t.ReadOnly {
				op = "read"
			}
			lines = append(lines, [3]string{server + "." + t.Name, op, firstLine(t.Description)})
		}
	}
	data := map[string]any{"tools": tools}
	if len(failures) > 0 {
		data["errors"] = failures
	}
	return e.report(data, failure, func(w io.Writer) {
		if len(servers) == 0 {
			fmt.Fprintln(w, "No MCP servers configured (.mcp.json, ~/.config/kosmo/mcp.json or --mcp-config FILE).")
			return
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, l := range lines {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", l[0], l[1], l[2])
		}
		_ = tw.Flush()
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func mcpSchema(st *State, c *cli.Context) error {
	if err := argCount(c, "mcp:schema", 1, 1, "one SERVER.TOOL"); err != nil {
		return err
	}
	server, tool, err := splitToolTarget("mcp:schema", c.Args().First())
	if err != nil {
		return err
	}
	e, err := newMCPEnvFrom(st, c)
	if err != nil {
		return err
	}
	conn, done, err := e.connect(server)
	if err != nil {
		return err
	}
	defer done()
	t, ce := e.findTool(conn, server, tool)
	if ce != nil {
		return e.fail(ce)
	}
	m := luahost.ToolMap(t)
	m["server"] = server
	return e.report(map[string]any{"tool": m}, nil, func(w io.Writer) {
		op := "write"
		if t.ReadOnly {
			op = "read"
		}
		fmt.Fprintf(w, "%s.%s (%s)\n", server, t.Name, op)
		if t.Description != "" {
			fmt.Fprintf(w, "%s\n", t.Description)
		}
		b, _ := json.MarshalIndent(luahost.SchemaOrEmpty(t.InputSchema), "", "  ")
		fmt.Fprintf(w, "\ninput schema:\n%s\n", b)
	})
}

func mcpResources(st *State, c *cli.Context) error {
	if err := argCount(c, "mcp:resources", 1, 1, "one SERVER"); err != nil {
		return err
	}
	server := c.Args().First()
	e, err := newMCPEnvFrom(st, c)
	if err != nil {
		return err
	}
	conn, done, err := e.connect(server)
	if err != nil {
		return err
	}
	defer done()
	list, err := conn.Resources(e.ctx, server)
	if err != nil {
		return e.fail(e.code(err, "listing the resources of "+server))
	}
	items := make([]any, len(list))
	for i, r := range list {
		items[i] = luahost.ResourceMap(r)
	}
	return e.report(map[string]any{"server": server, "resources": items}, nil, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, r := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.URI, r.Name, r.MIMEType, firstLine(r.Description))
		}
		_ = tw.Flush()
	})
}

func mcpResource(st *State, c *cli.Context) error {
	if err := argCount(c, "mcp:resource", 2, 2, "SERVER and URI"); err != nil {
		return err
	}
	server, uri := c.Args().Get(0), c.Args().Get(1)
	e, err := newMCPEnvFrom(st, c)
	if err != nil {
		return err
	}
	conn, done, err := e.connect(server)
	if err != nil {
		return err
	}
	defer done()
	contents, err := conn.ReadResource(e.ctx, server, uri)
	if err != nil {
		return e.fail(e.code(err, "reading "+uri))
	}
	read := luahost.ResourceContentsMap(contents)
	read["server"], read["uri"] = server, uri
	return e.report(read, nil, func(w io.Writer) {
		for _, part := range contents {
			if part.Blob != "" {
				fmt.Fprintf(w, "(%s: binary %s, %d bytes of base64; use --json to get it)\n", part.URI, part.MIMEType, len(part.Blob))
				continue
			}
			fmt.Fprintln(w, part.Text)
		}
	})
}

func mcpPrompts(st *State, c *cli.Context) error {
	if err := argCount(c, "mcp:prompts", 1, 1, "one SERVER"); err != nil {
		return err
	}
	server := c.Args().First()
	e, err := newMCPEnvFrom(st, c)
	if err != nil {
		return err
	}
	conn, done, err := e.connect(server)
	if err != nil {
		return err
	}
	defer done()
	list, err := conn.Prompts(e.ctx, server)
	if err != nil {
		return e.fail(e.code(err, "listing the prompts of "+server))
	}
	items := make([]any, len(list))
	for i, p := range list {
		items[i] = luahost.PromptMap(p)
	}
	return e.report(map[string]any{"server": server, "prompts": items}, nil, func(w io.Writer) {
		for _, p := range list {
			var args []string
			for _, a := range p.Arguments {
				if a.Required {
					args = append(args, a.Name)
				} else {
					args = append(args, "["+a.Name+"]")
				}
			}
			fmt.Fprintf(w, "%s(%s)  %s\n", p.Name, strings.Join(args, ", "), firstLine(p.Description))
		}
	})
}
