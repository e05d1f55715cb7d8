package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// mcpServeCommand is `kosmo mcp:serve`: the Lua host as an MCP server, so
// that agents can run Lua (lua_execute), read the docs (lua_read_doc) and
// call every integration function as its own tool (heygen_list_videos).
func mcpServeCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:  "mcp:serve",
		Usage: "serve the host over MCP for agents (stdio; --http ADDR for streamable HTTP)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "http", Usage: "serve streamable HTTP on `HOST:PORT` (endpoint /mcp) instead of stdio"},
			&cli.BoolFlag{Name: "force", Usage: "bypass the permission policy: write tools run without asking"},
			&cli.BoolFlag{Name: "sandbox", Usage: "use the built-in simulated HeyGen (no API key, nothing is charged)"},
			&cli.StringFlag{Name: "account", Usage: "make `NAME` the default account"},
			&cli.StringFlag{Name: "cpu-limit", Usage: "bound Lua execution time of each run to `SECONDS` (default 30)"},
			&cli.StringFlag{Name: "memory-limit", Usage: "bound each run's memory to `MB` (default 32)"},
			&cli.StringFlag{Name: "timeout", Usage: "bound each run to `DURATION` unless the call sets its own (default none)"},
			&cli.StringFlag{Name: "mcp-config", Usage: "read MCP servers for lua_execute from `FILE`"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return errcode.New(errcode.UsageError, "mcp:serve takes no arguments, got %q", c.Args().First()).
					WithHint("flags: --http ADDR, --force, --sandbox, --account NAME, --timeout DURATION")
			}
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
			return serveMCP(st, o, c.String("http"))
		},
	}
}

func serveMCP(st *State, o luaOptions, httpAddr string) error {
	host, closeHost, err := newLuaHost(st, o)
	if err != nil {
		return err
	}
	defer closeHost()
	server := newMCPServer(host)

	if httpAddr == "" {
		fmt.Fprintf(st.Stderr, "kosmo: MCP server on stdio (%d tools)\n", countTools(host))
		t := &mcp.IOTransport{Reader: io.NopCloser(st.Stdin), Writer: nopWriteCloser{st.Stdout}}
		err := server.Run(st.Context, t)
		if err != nil && st.Context.Err() == nil && !errors.Is(err, io.EOF) && !errors.Is(err, mcp.ErrConnectionClosed) {
			return errcode.Wrap(errcode.NetworkError, err, "mcp:serve: the session ended: "+err.Error())
		}
		return nil
	}

	ln, err := net.Listen("tcp", httpAddr)
	if err != nil {
		return errcode.New(errcode.UsageError, "mcp:serve: cannot listen on %s: %v", httpAddr, err).
			WithHint("pick another address with --http 127.0.0.1:PORT")
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	endpoint := "http://" + ln.Addr().String() + "/mcp"
	fmt.Fprintln(st.Stdout, endpoint)
	fmt.Fprintf(st.Stderr, "kosmo: MCP server (streamable HTTP) at %s (%d tools). Ctrl-C stops it.\n", endpoint, countTools(host))
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil && !isLoopback(host) {
		fmt.Fprintf(st.Stderr, "kosmo: warning: %s is reachable from other machines and has no authentication\n", endpoint)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return errcode.Wrap(errcode.NetworkError, err, "mcp:serve stopped: "+err.Error())
		}
	case <-st.Context.Done():
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

func countTools(h *luahost.Host) int {
	n := 2
	for _, b := range h.Bindings() {
		n += len(b.Integration.Functions)
	}
	return n
}

func boolRef(b bool) *bool { return &b }

// newMCPServer declares the tools. Every call runs on the host's pooled
// states, so concurrent calls are served side by side.
func newMCPServer(h *luahost.Host) *mcp.Server {
	var refs []string
	for _, b := range h.Bindings() {
		refs = append(refs, "'integrations."+b.Integration.Name+"'")
	}
	instructions := "kosmo runs Lua scripts in a sandbox with integrations under app.integrations.* and MCP servers under app.mcp.*. " +
		"Read lua_read_doc('lua') first"
	if len(refs) > 0 {
		instructions += ", then lua_read_doc(" + strings.Join(refs, " or ") + ")"
	}
	instructions += ". Use lua_execute to combine several calls in one script; every integration function is also a tool of its own."
	s := mcp.NewServer(&mcp.Implementation{Name: "kosmo", Title: "kosmo Lua host", Version: versionString()}, &mcp.ServerOptions{
		Instructions: instructions,
	})

	s.AddTool(&mcp.Tool{
		Name:  "lua_execute",
		Title: "Run a Lua script",
		Description: "Run Lua code in kosmo's sandbox and return the JSON envelope: success, output (print/dump), " +
			"result (the returned values), error {code, message, hint, line}, integration_calls and meta. " +
			"Globals: app.integrations.<name>.<function>({...}), app.mcp.<server>.<tool>({...}), mcp, docs, json, regex, dump, print. " +
			"Write operations run only when the permission policy allows them or kosmo mcp:serve was started with --force.",
		InputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"code":    map[string]any{"type": "string", "description": "the Lua chunk to run; `return` values become result"},
				"timeout": map[string]any{"type": []any{"number", "string"}, "description": "bound the run: seconds (90) or a duration (\"10m\")"},
			},
			"required":             []any{"code"},
			"additionalProperties": false,
		},
		Annotations: &mcp.ToolAnnotations{Title: "Run a Lua script", DestructiveHint: boolRef(true), OpenWorldHint: boolRef(true)},
	}, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in struct {
			Code    *string         `json:"code"`
			Timeout json.RawMessage `json:"timeout"`
		}
		if err := decodeArgs(req.Params.Arguments, &in); err != nil {
			return toolFailure(errcode.New(errcode.InvalidArgument, "lua_execute: %v", err)), nil
		}
		if in.Code == nil || strings.TrimSpace(*in.Code) == "" {
			return toolFailure(errcode.New(errcode.InvalidArgument, "lua_execute: missing required parameter 'code' (string)")), nil
		}
		timeout, err := toolTimeout(in.Timeout)
		if err != nil {
			return toolFailure(errcode.New(errcode.InvalidArgument, "lua_execute: parameter 'timeout': %v", err)), nil
		}
		env := h.Run(ctx, *in.Code, luahost.RunOptions{Name: "lua_execute", Timeout: timeout})
		return envelopeResult(env), nil
	})

	s.AddTool(&mcp.Tool{
		Name:        "lua_read_doc",
		Title:       "Read kosmo docs",
		Description: "Read a docs page as markdown: \"lua\" (the host), \"mcp\", \"integrations.heygen\" (a whole reference) or \"heygen.<function>\".",
		InputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"page": map[string]any{"type": "string", "description": "page name, e.g. \"lua\" or \"integrations.heygen\""},
			},
			"required":             []any{"page"},
			"additionalProperties": false,
		},
		Annotations: &mcp.ToolAnnotations{Title: "Read kosmo docs", ReadOnlyHint: true, OpenWorldHint: boolRef(false)},
	}, func(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in struct {
			Page *string `json:"page"`
		}
		if err := decodeArgs(req.Params.Arguments, &in); err != nil || in.Page == nil {
			return toolFailure(errcode.New(errcode.InvalidArgument, "lua_read_doc: parameter 'page' (string) is required")), nil
		}
		body, ok := h.ReadDoc(*in.Page)
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: body}}, IsError: !ok}, nil
	})

	for _, b := range h.Bindings() {
		for _, f := range b.Integration.Functions {
			addFunctionTool(s, h, b.Integration, f)
		}
	}
	return s
}

// addFunctionTool exposes one integration function as a tool. The call
// goes through a Lua run, so validation, the permission policy, accounts,
// limits and the audit are exactly those of scripts.
func addFunctionTool(s *mcp.Server, h *luahost.Host, ig *registry.Integration, f *registry.Function) {
	ann := &mcp.ToolAnnotations{Title: f.Label(), ReadOnlyHint: f.Op == registry.Read, OpenWorldHint: boolRef(true)}
	if f.Op == registry.Read {
		ann.DestructiveHint = boolRef(false)
	}
	desc := f.Summary
	if f.Description != "" && f.Description != f.Summary {
		desc += "\n\n" + f.Description
	}
	if f.Op == registry.Write {
		desc += "\n\n(write operation: denied unless the permission policy allows it or kosmo mcp:serve runs with --force)"
	}
	path := "app.integrations." + ig.Name + "." + f.Name
	s.AddTool(&mcp.Tool{Name: f.ToolName(), Title: f.Label(), Description: desc, InputSchema: f.InputSchema(), Annotations: ann},
		func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			args := []byte(req.Params.Arguments)
			var probe any
			if len(args) == 0 || string(args) == "null" {
				args = []byte("{}")
			} else if err := json.Unmarshal(args, &probe); err != nil {
				return toolFailure(errcode.New(errcode.InvalidArgument, "%s: the arguments are not valid JSON: %v", f.Label(), err)), nil
			} else if _, isObject := probe.(map[string]any); !isObject {
				return toolFailure(errcode.New(errcode.InvalidArgument, "%s: the arguments must be a JSON object", f.Label())), nil
			}
			code := "return " + path + "(json.decode(" + luaconv.Quote(string(args)) + "))"
			env := h.Run(ctx, code, luahost.RunOptions{Name: f.ToolName()})
			if !env.Success {
				return envelopeResult(env), nil
			}
			var result any
			if len(env.Result) > 0 {
				result = env.Result[0]
			}
			text, _ := json.Marshal(result)
			res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(text)}}}
			if m, ok := result.(map[string]any); ok {
				res.StructuredContent = m
			}
			return res, nil
		})
}

// decodeArgs reads a tool's arguments object (absent means empty).
func decodeArgs(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// toolTimeout reads lua_execute's timeout: seconds or a duration string.
func toolTimeout(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var secs float64
	if err := json.Unmarshal(raw, &secs); err == nil {
		return parseDuration(strconv.FormatFloat(secs, 'f', -1, 64))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("want seconds (a number) or a duration string such as \"90s\"")
	}
	return parseDuration(s)
}

// envelopeResult returns a run's envelope as the tool result: the JSON
// text for the model, the same object as structured content, and isError
// when the run failed.
func envelopeResult(env *luahost.Envelope) *mcp.CallToolResult {
	text, err := json.Marshal(env)
	if err != nil {
		return toolFailure(errcode.New(errcode.LuaRuntimeError, "kosmo could not encode the envelope: %v", err))
	}
	var structured map[string]any
	_ = json.Unmarshal(text, &structured)
	return &mcp.CallToolResult{
		Content:           []mcp.Content{&mcp.TextContent{Text: string(text)}},
		StructuredContent: structured,
		IsError:           !env.Success,
	}
}

// toolFailure reports an error found before any run started.
func toolFailure(e *errcode.Error) *mcp.CallToolResult {
	env := &luahost.Envelope{Result: []any{}, IntegrationCalls: []luahost.CallRecord{}, Meta: luahost.Meta{Version: versionString()}}
	env.Error = &luahost.ErrorInfo{Code: string(e.Code), Message: e.Message, Hint: e.Hint, Details: e.Details}
	return envelopeResult(env)
}
