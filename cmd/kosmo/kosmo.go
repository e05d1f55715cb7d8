package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/redact"
)

// reported means the command already wrote its result (an envelope or a
// message); Main only has to exit with the code.
type reported struct{ code int }

func (r reported) Error() string { return fmt.Sprintf("exit %d", r.code) }

// Main runs kosmo and returns the process exit code. It never calls
// os.Exit, so tests can run it in-process. Everything it writes goes
// through the redactor; a result that cannot be written (closed stdout,
// full disk) is reported on stderr with a non-zero exit.
func Main(st *State) int {
	protectStreams(st)
	code := mainRun(st)
	return finishStreams(st, code)
}

func mainRun(st *State) int {
	app := newApp(st)
	st.Args = mcpShortcut(st, app, st.Args)
	args := normalizeArgs(app, st.Args)
	err := app.RunContext(st.Context, args)
	if err == nil {
		return errcode.ExitOK
	}
	var r reported
	if errors.As(err, &r) {
		return r.code
	}
	e, ok := errcode.As(err)
	if !ok {
		// urfave/cli's own complaints (unknown command, bad flag value).
		e = errcode.Wrap(errcode.UsageError, err, "").WithHint("run 'kosmo --help' for usage")
	}
	if wantsJSON(args) {
		env := &luahost.Envelope{Result: []any{}, IntegrationCalls: []luahost.CallRecord{}, Meta: luahost.Meta{Version: versionString()}}
		env.Error = &luahost.ErrorInfo{Code: string(e.Code), Message: e.Message, Hint: e.Hint, Details: e.Details}
		writeJSON(st.Stdout, env)
	} else {
		printError(st, e)
	}
	return e.ExitCode()
}

func newApp(st *State) *cli.App {
	onUsage := func(_ *cli.Context, err error, _ bool) error {
		return errcode.Wrap(errcode.UsageError, err, "").WithHint("run with --help for usage")
	}
	app := &cli.App{
		Name:                 "kosmo",
		Usage:                "run Lua scripts against kosmo's integrations (HeyGen) in a sandboxed VM",
		Version:              versionString(),
		Writer:               st.Stdout,
		ErrWriter:            st.Stderr,
		OnUsageError:         onUsage,
		ExitErrHandler:       func(*cli.Context, error) {},
		EnableBashCompletion: false,
		HideVersion:          true,
		CommandNotFound: func(c *cli.Context, name string) {
			// Reported through the returned error below.
		},
		Commands: []*cli.Command{
			luaCommand(st, "integrations:lua", luahost.ScopeIntegrations,
				"run a Lua script with app.integrations.*, app.mcp.*, docs, json, regex"),
			luaCommand(st, "mcp:lua", luahost.ScopeMCP,
				"run a Lua script with only MCP servers (mcp.*, app.mcp.*), docs, json, regex"),
			docsCommand(st),
			listCommand(st),
			sandboxCommand(st),
			mcpServeCommand(st),
			versionCommand(st),
		},
	}
	app.Commands = append(app.Commands, headlessCommands(st)...)
	app.Commands = append(app.Commands, mcpCommands(st)...)
	for _, c := range app.Commands {
		c.OnUsageError = onUsage
	}
	app.Action = func(c *cli.Context) error {
		if c.Args().Len() > 0 {
			return unknownCommand(app, c.Args().First())
		}
		return cli.ShowAppHelp(c)
	}
	return app
}

func unknownCommand(app *cli.App, name string) error {
	var names []string
	for _, c := range app.Commands {
		names = append(names, c.Name)
	}
	e := errcode.New(errcode.UsageError, "unknown command %q", name)
	if s := suggest(name, names); len(s) > 0 {
		e.Message += ". Did you mean: " + strings.Join(s, ", ")
	}
	return e.WithHint("commands: %s", strings.Join(names, ", "))
}

// wantsJSON reports whether --json was given, so that even errors found
// before a command runs are reported as one JSON document on stdout.
func wantsJSON(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch a {
		case "--json", "-json", "--json=true", "-json=true":
			return true
		}
	}
	return false
}

// printError writes a human-readable error to stderr.
func printError(st *State, e *errcode.Error) {
	fmt.Fprintf(st.Stderr, "kosmo: %s (%s)\n", e.Message, e.Code)
	if e.Hint != "" {
		fmt.Fprintf(st.Stderr, "hint: %s\n", e.Hint)
	}
}

// protectStreams creates the redactor from the environment's secrets and
// routes stdout and stderr through it. Later steps (config file, MCP
// settings) teach it more secrets.
func protectStreams(st *State) {
	if st.Redactor == nil {
		st.Redactor = redact.New()
	}
	st.Redactor.Add(envSecrets(st.Env)...)
	if _, done := st.Stdout.(*redact.Writer); !done {
		st.rawStdout = st.Stdout
		st.Stdout = st.Redactor.Writer(st.Stdout)
	}
	if _, done := st.Stderr.(*redact.Writer); !done {
		st.rawStderr = st.Stderr
		st.Stderr = st.Redactor.Writer(st.Stderr)
	}
}

// finishStreams flushes what the redacting writers hold and turns a failed
// write of stdout into write_error (exit 1 unless the run already failed).
func finishStreams(st *State, code int) int {
	_ = redact.Flush(st.Stderr)
	err := redact.Flush(st.Stdout)
	if err == nil {
		return code
	}
	e := errcode.New(errcode.WriteError, "cannot write the result to standard output: %s", st.Redactor.Error(err)).
		WithHint("check that stdout is open and its disk has room; the run itself may have completed")
	w := st.rawStderr
	if w == nil {
		w = st.Stderr
	}
	fmt.Fprintf(w, "kosmo: %s (%s)\nhint: %s\n", e.Message, e.Code, e.Hint)
	if code == errcode.ExitOK {
		return e.ExitCode()
	}
	return code
}
