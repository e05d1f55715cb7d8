package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/callargs"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// mcpCallControl are mcp:call's own flags; every other --name is a tool
// argument.
var mcpCallControl = map[string]bool{
	"json": false, "force": false, "dry-run": false, "help": false,
	"timeout": true, "mcp-config": true,
}

// mcpPromptControl are mcp:prompt's own flags.
var mcpPromptControl = map[string]bool{
	"json": false, "help": false, "timeout": true, "mcp-config": true,
}

// controlFlags parses argv once without a parameter list, to find the
// command's own flags (and syntax errors) before any server starts.
func controlFlags(argv []string, control map[string]bool, target string) (*callargs.Parsed, error) {
	return callargs.Parse(argv, callargs.Options{Control: control, Target: target})
}

// schemaParams are the argument names a tool's schema declares; nil (any
// name) when it declares none or admits others.
func schemaParams(schema map[string]any) []string {
	props, ok := schema["properties"].(map[string]any)
	if !ok || len(props) == 0 {
		return nil
	}
	if extra, ok := schema["additionalProperties"]; ok && extra != false {
		return nil
	}
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	return names
}

// mcpCall is `kosmo mcp:call SERVER.TOOL [PAYLOAD] [flags]` (and the
// mcp:<server> <tool> shortcut): the arguments are read like those of
// integrations:call, validated against the tool's schema, checked against
// the MCP permission policy, and sent; the servers are stopped after.
func mcpCall(st *State, c *cli.Context, command string, argv []string) error {
	if len(argv) == 0 || strings.HasPrefix(argv[0], "-") {
		for _, a := range argv {
			if a == "--help" || a == "-h" {
				return showHelp(c)
			}
		}
		return errcode.New(errcode.UsageError, "%s: want SERVER.TOOL first", command).
			WithHint("for example kosmo mcp:call files.read_text_file --path notes.md, or kosmo mcp:files read_text_file --path notes.md")
	}
	server, tool, err := splitToolTarget(command, argv[0])
	if err != nil {
		return err
	}
	target := "mcp." + server + "." + tool
	pre, err := controlFlags(argv[1:], mcpCallControl, target)
	if err != nil {
		return err
	}
	if pre.Bool("help") {
		return showHelp(c)
	}
	e, err := newMCPEnv(st, pre.Bool("json"), pre.String("mcp-config"), pre.String("timeout"))
	if err != nil {
		return err
	}
	conn, done, err := e.connect(server)
	if err != nil {
		return err
	}
	defer done()
	dryRun := pre.Bool("dry-run")
	env := callEnvelope{Function: target, Meta: callMeta{Account: server, DryRun: dryRun, Version: versionString()}}
	started := time.Now()
	var res *mcpapi.ToolResult
	// finish writes the call envelope (or the human rendering) once the
	// call succeeded or failed with failure.
	finish := func(failure *errcode.Error) error {
		env.Success = failure == nil
		env.DurationMs = float64(time.Since(started).Microseconds()) / 1000
		if failure != nil {
			env.Error = newCallError(failure)
		}
		if dryRun && env.PlannedRequests == nil {
			env.PlannedRequests = &[]luahost.PlannedRequest{}
		}
		if e.json {
			writeJSON(st.Stdout, env)
		} else {
			if res != nil && failure == nil {
				printToolResult(st.Stdout, res)
			}
			if failure != nil {
				printRunError(st.Stderr, &luahost.ErrorInfo{Code: string(failure.Code), Message: failure.Message, Hint: failure.Hint})
			}
			if env.PlannedRequests != nil {
				printPlan(st, *env.PlannedRequests)
			}
		}
		if failure != nil {
			return reported{code: failure.ExitCode()}
		}
		return nil
	}

	t, ce := e.findTool(conn, server, tool)
	if ce != nil {
		return finish(ce)
	}
	env.Meta.Op = string(t.Op())
	var stdin io.Reader
	if !st.StdinTTY {
		stdin = st.Stdin
	}
	parsed, err := callargs.Parse(argv[1:], callargs.Options{Control: mcpCallControl, Params: schemaParams(t.InputSchema), Target: target, Stdin: stdin})
	if err != nil {
		return finish(errcode.From(err, errcode.InvalidArgument))
	}
	args := parsed.Args
	if t.Validate != nil {
		validated, err := t.Validate(args)
		if err != nil {
			return finish(errcode.From(err, errcode.InvalidArgument))
		}
		args = validated
	}
	path := "app.mcp." + server + "." + t.Name
	permission, pe := e.authorize(server, t, path, pre.Bool("force"), pre.Bool("json") || parsed.PayloadFromStdin)
	if dryRun && (pe != nil || t.Op() == registry.Write) {
		env.PlannedRequests = &[]luahost.PlannedRequest{planned(path, server, t.Name, args, permission)}
	}
	if pe != nil {
		return finish(pe)
	}
	env.Meta.PermissionBypassed = permission == "bypassed"
	if dryRun && t.Op() == registry.Write {
		return finish(nil)
	}

	res, err = conn.CallTool(e.ctx, server, t.Name, args)
	if err != nil {
		return finish(e.code(err, path))
	}
	env.Data = luahost.ToolResultMap(res)
	if res.IsError {
		return finish(luahost.ToolError(server, t.Name, res))
	}
	return finish(nil)
}

// callLabel is the function name mcp:call's envelope gives a command line
// ("mcp.notes.echo"), for errors found before the call could be made.
func callLabel(argv []string) string {
	if len(argv) > 0 {
		if server, tool, ok := strings.Cut(argv[0], "."); ok && server != "" && tool != "" {
			return "mcp." + server + "." + tool
		}
	}
	return "mcp"
}

// authorize applies the MCP policy to one tool call: allowed, bypassed
// with --force, asked at a terminal, or denied.
func (e *mcpEnv) authorize(server string, t *mcpapi.Tool, path string, force, jsonOut bool) (string, *errcode.Error) {
	op := t.Op()
	decision := e.provider.Policy(server).Decide(op)
	if decision == registry.Allow {
		return "allow", nil
	}
	if force {
		return "bypassed", nil
	}
	if decision == registry.Ask && !jsonOut && e.st.StdinTTY && e.st.StderrTTY && e.st.Getenv("CI") == "" {
		if terminalPrompter(e.st)(fmt.Sprintf("Allow %s (%s, MCP server %s)?", path, op, server)) {
			return "allow", nil
		}
		return string(decision), errcode.New(errcode.PermissionDenied, "permission denied: you declined %s", path).
			WithDetail("op", string(op))
	}
	pe := errcode.New(errcode.PermissionDenied, "permission denied: %s is a %s operation and the mcp %s policy is %q", path, op, op, decision).
		WithDetail("op", string(op)).WithDetail("policy", string(decision))
	if decision == registry.Ask {
		pe.Message += ", which means denied when nobody can be asked (non-interactive run)"
	}
	return string(decision), pe.WithHint("rerun with --force to allow it for this call, or set %s = \"allow\" under [integrations.mcp.permissions] in the config file", op)
}

func planned(path, server, tool string, args map[string]any, permission string) luahost.PlannedRequest {
	return luahost.PlannedToolCall(path, server, tool, args, permission)
}

// printToolResult prints a result for a person: its text, else its
// structured content as indented JSON, else each content item.
func printToolResult(w io.Writer, res *mcpapi.ToolResult) {
	if text := res.Text(); text != "" {
		fmt.Fprintln(w, text)
		return
	}
	if res.Structured != nil {
		b, _ := json.MarshalIndent(res.Structured, "", "  ")
		fmt.Fprintln(w, string(b))
		return
	}
	for _, c := range res.Content {
		fmt.Fprintf(w, "(%v content", c["type"])
		if m, ok := c["mimeType"].(string); ok {
			fmt.Fprintf(w, ", %s", m)
		}
		fmt.Fprintln(w, "; use --json to get it)")
	}
}

// mcpPrompt is `kosmo mcp:prompt SERVER NAME [--arg k=v | --name value]`.
func mcpPrompt(st *State, c *cli.Context, argv []string) error {
	var words []string
	for _, a := range argv {
		if a == "--help" || a == "-h" {
			return showHelp(c)
		}
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
	}
	if len(words) < 2 {
		return errcode.New(errcode.UsageError, "mcp:prompt: want SERVER NAME, then the prompt's arguments").
			WithHint("for example kosmo mcp:prompt notes summarize --arg topic=lua (kosmo mcp:prompts SERVER lists them)")
	}
	server, name := words[0], words[1]
	target := "mcp." + server + " prompt " + name
	pre, err := controlFlags(argv[2:], mcpPromptControl, target)
	if err != nil {
		return err
	}
	e, err := newMCPEnv(st, pre.Bool("json"), pre.String("mcp-config"), pre.String("timeout"))
	if err != nil {
		return err
	}
	conn, done, err := e.connect(server)
	if err != nil {
		return err
	}
	defer done()
	prompts, err := conn.Prompts(e.ctx, server)
	if err != nil {
		return e.fail(e.code(err, "listing the prompts of "+server))
	}
	var prompt *mcpapi.Prompt
	var names []string
	for _, p := range prompts {
		names = append(names, p.Name)
		if p.Name == name {
			prompt = p
		}
	}
	if prompt == nil {
		ue := errcode.New(errcode.UnknownFunction, "Unknown prompt %q of MCP server %s.", name, server)
		if s := registry.Suggest(name, names); len(s) > 0 {
			ue.Message += " Did you mean: " + strings.Join(s, ", ")
			ue.WithDetail("suggestions", s)
		}
		return e.fail(ue.WithHint("prompts of %s: %s", server, orNone(names)))
	}
	params := make([]string, 0, len(prompt.Arguments))
	for _, a := range prompt.Arguments {
		params = append(params, a.Name)
	}
	var stdin io.Reader
	if !st.StdinTTY {
		stdin = st.Stdin
	}
	parsed, err := callargs.Parse(argv[2:], callargs.Options{Control: mcpPromptControl, Params: params, Target: target, Stdin: stdin})
	if err != nil {
		return e.fail(errcode.From(err, errcode.InvalidArgument))
	}
	args, ae := promptStrings(target, parsed.Args)
	if ae != nil {
		return e.fail(ae)
	}
	for _, a := range prompt.Arguments {
		if _, ok := args[a.Name]; a.Required && !ok {
			return e.fail(errcode.New(errcode.InvalidArgument, "%s: missing required argument '%s'", target, a.Name).
				WithHint("give it as --%s VALUE or --arg %s=VALUE", strings.ReplaceAll(a.Name, "_", "-"), a.Name))
		}
	}
	res, err := conn.GetPrompt(e.ctx, server, name, args)
	if err != nil {
		return e.fail(e.code(err, target))
	}
	rendered := luahost.PromptResultMap(res)
	rendered["server"], rendered["prompt"] = server, name
	return e.report(rendered, nil, func(w io.Writer) {
		for _, m := range res.Messages {
			text, _ := m.Content["text"].(string)
			if text == "" {
				text = fmt.Sprintf("(%v content; use --json to get it)", m.Content["type"])
			}
			fmt.Fprintf(w, "%s: %s\n", m.Role, text)
		}
	})
}

// promptStrings converts parsed arguments to the strings MCP prompts take.
func promptStrings(target string, in map[string]any) (map[string]string, *errcode.Error) {
	out := make(map[string]string, len(in))
	for k, v := range in {
		switch x := v.(type) {
		case string:
			out[k] = x
		case bool:
			out[k] = strconv.FormatBool(x)
		case int64:
			out[k] = strconv.FormatInt(x, 10)
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			return nil, errcode.New(errcode.InvalidArgument, "%s: argument '%s' must be a string, got %s", target, k, kindOf(v))
		}
	}
	return out, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
