package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/callargs"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// callControl are the control flags of a direct call; every other --flag
// is a parameter of the function.
var callControl = map[string]bool{
	"account": true, "force": false, "dry-run": false, "json": false, "sandbox": false, "timeout": true, "help": false,
}

// callFlags document the direct-call flags (the commands parse their own
// command line with callargs, so these drive help and docs/cli.md).
func callFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "json", Usage: "print one call envelope (function, success, data, error, meta, duration_ms, http_requests)"},
		&cli.StringFlag{Name: "account", Usage: "call with account `NAME` instead of the default one"},
		&cli.BoolFlag{Name: "force", Usage: "bypass the permission policy for this call (writes run without asking)"},
		&cli.BoolFlag{Name: "dry-run", Usage: "send reads, hold writes back: each is listed in planned_requests and answered by the simulator"},
		&cli.BoolFlag{Name: "sandbox", Usage: "use the built-in simulated service (no API key, nothing is charged)"},
		&cli.StringFlag{Name: "timeout", Usage: "bound the call to `DURATION` (e.g. 90s, 10m)"},
		&cli.GenericFlag{Name: "arg", Value: &pairList{}, Usage: "set parameter `KEY=VALUE` (repeatable; values are coerced like --name value)"},
	}
}

const callArgsHelp = `Arguments: a JSON object as PAYLOAD (or piped on standard input), and/or
--some-name value / --some-name=value (sets some_name), --arg key=value,
--key:json '{"a":1}'. Flags override payload keys. Values are coerced:
true/false, null, integers, decimals, otherwise strings (numbers with leading
zeros stay strings). Standard input is read for the payload only when no
PAYLOAD is given and it is not a terminal (give '{}' to skip it).

--json prints one envelope: {function, success, data, error{code, message,
hint, details}, meta{account, op, dry_run, permission_bypassed, sandbox,
version}, duration_ms, http_requests}, plus planned_requests in a dry run.
Without it a string result is printed raw, a list as a table, anything else
as indented JSON. Exit codes are those of integrations:lua.`

func callCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:            "integrations:call",
		Usage:           "call one integration function directly (no Lua), e.g. heygen.get_video --video-id ID",
		ArgsUsage:       "INTEGRATION.FUNCTION [PAYLOAD] [--name value ...]",
		Description:     callArgsHelp,
		Flags:           callFlags(),
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			argv := c.Args().Slice()
			if helpAsked(argv) {
				return showHelp(c)
			}
			target, rest := splitTarget(argv)
			if target == "" {
				return callFailure(st, argv, "", errcode.New(errcode.UsageError, "integrations:call needs INTEGRATION.FUNCTION, e.g. heygen.get_video").
					WithHint("list the functions with: kosmo integrations:list"))
			}
			ig, fn, _ := strings.Cut(target, ".")
			return directCall(st, ig, fn, rest)
		},
	}
}

// providerCommands are the integrations:<name> shortcuts, one per built-in
// integration.
func providerCommands(st *State) []*cli.Command {
	var out []*cli.Command
	for _, ig := range builtinIntegrations() {
		name := ig.Name
		out = append(out, &cli.Command{
			Name:            "integrations:" + name,
			Usage:           "call a " + ig.Title + " function directly (no FUNCTION: print the " + ig.Title + " docs page)",
			ArgsUsage:       "[FUNCTION] [PAYLOAD] [--name value ...]",
			Description:     callArgsHelp,
			Flags:           callFlags(),
			SkipFlagParsing: true,
			Action: func(c *cli.Context) error {
				argv := c.Args().Slice()
				if helpAsked(argv) {
					return showHelp(c)
				}
				fn, rest := splitTarget(argv)
				if fn == "" {
					return providerDocs(st, name, rest)
				}
				return directCall(st, name, strings.TrimPrefix(fn, name+"."), rest)
			},
		})
	}
	return out
}

func helpAsked(argv []string) bool {
	for _, a := range argv {
		if a == "--" {
			return false
		}
		if a == "--help" || a == "-h" {
			return true
		}
	}
	return false
}

// splitTarget takes the first word that is not a flag (nor the value of a
// control flag) out of argv.
func splitTarget(argv []string) (string, []string) {
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			return "", argv
		}
		if strings.HasPrefix(a, "--") {
			name, _, hasValue := strings.Cut(a[2:], "=")
			takesValue, control := callControl[name]
			switch {
			case hasValue:
			case control && takesValue:
				i++
			case !control && i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "--") && !knownTarget(argv[i+1]):
				i++ // a parameter's value: --video-id abc heygen.get_video
			}
			continue
		}
		if strings.HasPrefix(a, "{") {
			return "", argv
		}
		rest := append(append([]string{}, argv[:i]...), argv[i+1:]...)
		return a, rest
	}
	return "", argv
}

// knownTarget reports whether word names a built-in integration's
// function as INTEGRATION.FUNCTION.
func knownTarget(word string) bool {
	ig, fn, ok := strings.Cut(word, ".")
	if !ok {
		return false
	}
	_, _, e := resolveFunction(ig, fn)
	return e == nil
}

// providerDocs prints an integration's docs page.
func providerDocs(st *State, name string, argv []string) error {
	p, err := callargs.Parse(argv, callargs.Options{Control: callControl, Params: []string{}, Target: "integrations:" + name})
	if err != nil {
		return err
	}
	h, herr := docsHost()
	if herr != nil {
		return errcode.Wrap(errcode.ConfigError, herr, "")
	}
	body, _ := h.ReadDoc(name)
	if p.Bool("json") {
		writeJSON(st.Stdout, map[string]any{"page": name, "markdown": body})
		return nil
	}
	fmt.Fprint(st.Stdout, body)
	if !strings.HasSuffix(body, "\n") {
		fmt.Fprintln(st.Stdout)
	}
	return nil
}

// resolveFunction finds a built-in integration's function by its name or
// its tool name (heygen_get_video), with suggestions when it is unknown.
func resolveFunction(igName, fnName string) (*registry.Integration, *registry.Function, *errcode.Error) {
	var names []string
	for _, ig := range builtinIntegrations() {
		names = append(names, ig.Name)
		if ig.Name != igName {
			continue
		}
		for _, f := range ig.Functions {
			if f.Name == fnName || f.ToolName() == fnName {
				return ig, f, nil
			}
		}
		fnames := ig.FunctionNames()
		e := errcode.New(errcode.UnknownFunction, "Unknown function: %s.%s.", igName, fnName)
		if fnName == "" {
			e.Message = fmt.Sprintf("No function named: %s. needs a function after the dot.", igName)
		}
		if s := registry.Suggest(fnName, fnames); len(s) > 0 {
			e.Message += " Did you mean: " + strings.Join(s, ", ")
			e.WithDetail("suggestions", s)
		}
		return nil, nil, e.WithHint("%s functions: %s (kosmo integrations:search QUERY finds them by topic)", ig.Title, strings.Join(fnames, ", "))
	}
	e := errcode.New(errcode.UnknownFunction, "Unknown integration: %s.", igName)
	if s := registry.Suggest(igName, names); len(s) > 0 {
		e.Message += " Did you mean: " + strings.Join(s, ", ")
		e.WithDetail("suggestions", s)
	}
	return nil, nil, e.WithHint("integrations: %s; call a function as INTEGRATION.FUNCTION, e.g. heygen.get_video", strings.Join(names, ", "))
}

func paramNames(f *registry.Function) []string {
	names := make([]string, 0, len(f.Params))
	for _, p := range f.Params {
		names = append(names, p.Name)
	}
	return names
}

// callEnvelope is the --json output of a direct call.
type callEnvelope struct {
	Function        string                    `json:"function"`
	Success         bool                      `json:"success"`
	Data            any                       `json:"data"`
	Error           *callError                `json:"error"`
	Meta            callMeta                  `json:"meta"`
	DurationMs      float64                   `json:"duration_ms"`
	HTTPRequests    int64                     `json:"http_requests"`
	PlannedRequests *[]luahost.PlannedRequest `json:"planned_requests,omitempty"`
}

type callError struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Hint    string         `json:"hint"`
	Details map[string]any `json:"details"`
}

type callMeta struct {
	Account            string `json:"account"`
	Op                 string `json:"op"`
	DryRun             bool   `json:"dry_run"`
	PermissionBypassed bool   `json:"permission_bypassed"`
	Sandbox            bool   `json:"sandbox"`
	Version            string `json:"version"`
}

func newCallError(e *errcode.Error) *callError {
	d := e.Details
	if d == nil {
		d = map[string]any{}
	}
	return &callError{Code: string(e.Code), Message: e.Message, Hint: e.Hint, Details: d}
}

// jsonAsked scans argv for --json before the command line is parsed, so
// that even a bad command line is reported as a call envelope.
func jsonAsked(argv []string) bool {
	for _, a := range argv {
		if a == "--" {
			return false
		}
		if a == "--json" || a == "--json=true" {
			return true
		}
	}
	return false
}

// callFailure reports an error found before the call was made.
func callFailure(st *State, argv []string, function string, e *errcode.Error) error {
	if jsonAsked(argv) {
		env := callEnvelope{Function: function, Error: newCallError(e), Meta: callMeta{Version: versionString(), DryRun: dryRunAsked(argv)}}
		writeJSON(st.Stdout, env)
	} else {
		printError(st, e)
	}
	return reported{code: e.ExitCode()}
}

func dryRunAsked(argv []string) bool {
	for _, a := range argv {
		if a == "--dry-run" || a == "--dry-run=true" {
			return true
		}
	}
	return false
}

// directCall runs integration.function with the arguments of argv.
func directCall(st *State, igName, fnName string, argv []string) error {
	label := igName + "." + fnName
	ig, f, e := resolveFunction(igName, fnName)
	if e != nil {
		return callFailure(st, argv, label, e)
	}
	label = ig.Name + "." + f.Name
	o := callargs.Options{Control: callControl, Params: paramNames(f), Target: label}
	if !st.StdinTTY && st.Stdin != nil {
		o.Stdin = st.Stdin
	}
	p, err := callargs.Parse(argv, o)
	if err != nil {
		ce, _ := errcode.As(err)
		return callFailure(st, argv, label, ce)
	}
	lo := luaOptions{scope: luahost.ScopeIntegrations, json: p.Bool("json"), force: p.Bool("force"),
		sandbox: p.Bool("sandbox"), account: p.String("account"), timeout: p.String("timeout")}
	if p.Has("account") && lo.account == "" {
		return callFailure(st, argv, label, errcode.New(errcode.UsageError, "--account needs a NAME"))
	}
	host, closeHost, err := newLuaHost(st, lo)
	if err != nil {
		ce, ok := errcode.As(err)
		if !ok {
			ce = errcode.Wrap(errcode.ConfigError, err, "")
		}
		return callFailure(st, argv, label, ce)
	}
	defer closeHost()

	co := luahost.CallOptions{DryRun: p.Bool("dry-run")}
	if canPrompt(st, lo) && !p.PayloadFromStdin {
		co.Prompt = terminalPrompter(st)
	}
	started := time.Now()
	res := host.Call(st.Context, ig.Name, f.Name, p.Args, co)
	env := callEnvelope{
		Function: label, Success: res.Error == nil, Data: res.Data,
		Meta: callMeta{Account: res.Record.Account, Op: string(f.Op), DryRun: co.DryRun,
			PermissionBypassed: res.PermissionBypassed, Sandbox: lo.sandbox, Version: versionString()},
		DurationMs:   float64(time.Since(started).Microseconds()) / 1000,
		HTTPRequests: res.Record.HTTPRequests,
	}
	if res.Error != nil {
		env.Error = newCallError(res.Error)
	}
	if co.DryRun {
		planned := res.Planned
		if planned == nil {
			planned = []luahost.PlannedRequest{}
		}
		env.PlannedRequests = &planned
	}
	if lo.json {
		writeJSON(st.Stdout, env)
	} else {
		if res.Error == nil {
			renderResult(st.Stdout, f, res.Data)
		} else {
			printRunError(st.Stderr, &luahost.ErrorInfo{Code: string(res.Error.Code), Message: res.Error.Message, Hint: res.Error.Hint})
		}
		if co.DryRun {
			printPlan(st, res.Planned)
		}
	}
	if res.Error != nil {
		return reported{code: res.Error.ExitCode()}
	}
	return reported{code: errcode.ExitOK}
}

// printPlan lists a dry run's held-back writes on stderr, so stdout keeps
// the result alone.
func printPlan(st *State, planned []luahost.PlannedRequest) {
	if len(planned) == 0 {
		fmt.Fprintln(st.Stderr, "dry run: no writes were planned")
		return
	}
	fmt.Fprintf(st.Stderr, "dry run: %d write(s) planned, not sent:\n", len(planned))
	for _, p := range planned {
		fmt.Fprintf(st.Stderr, "  %s %s  (%s, account %s, permission %s)\n", p.Method, p.URL, p.Path, p.Account, p.Permission)
		if p.Body != nil {
			fmt.Fprintf(st.Stderr, "    body: %s\n", compactJSON(p.Body))
		}
	}
}

// headlessCommands are the direct-call and discovery commands.
func headlessCommands(st *State) []*cli.Command {
	cmds := []*cli.Command{callCommand(st)}
	cmds = append(cmds, providerCommands(st)...)
	cmds = append(cmds, discoveryCommands(st)...)
	return append(cmds, setupCommands(st)...)
}

// showHelp prints a command's help from inside its action (commands that
// parse their own flags see --help as an argument).
func showHelp(c *cli.Context) error {
	if l := c.Lineage(); len(l) > 1 {
		return cli.ShowCommandHelp(l[1], c.Command.Name)
	}
	return cli.ShowCommandHelp(c, c.Command.Name)
}
