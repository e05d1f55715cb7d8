package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// luaOptions are the parsed flags of integrations:lua and mcp:lua.
type luaOptions struct {
	scope     luahost.Scope
	eval      string
	evalSet   bool
	file      string
	json      bool
	force     bool
	sandbox   bool
	account   string
	cpu       string
	memory    string
	timeout   string
	repl      bool
	mcpConfig string
	allowRead []string // directories scripts may read files under
	outputDir string   // directory scripts may write files under ("" = current)
}

func luaFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "eval", Aliases: []string{"e"}, Usage: "run `CODE` instead of a file"},
		&cli.BoolFlag{Name: "json", Usage: "print one JSON envelope on stdout (output, result, error, audit)"},
		&cli.BoolFlag{Name: "force", Usage: "bypass the permission policy for this run (writes run without asking)"},
		&cli.BoolFlag{Name: "sandbox", Usage: "use the built-in simulated HeyGen (no API key, nothing is charged)"},
		&cli.StringFlag{Name: "account", Usage: "make `NAME` the default account for this run"},
		&cli.StringFlag{Name: "cpu-limit", Usage: "bound Lua execution time to `SECONDS` (default 30)"},
		&cli.StringFlag{Name: "memory-limit", Usage: "bound the run's memory to `MB` (default 32)"},
		&cli.StringFlag{Name: "timeout", Usage: "bound the whole run to `DURATION` (e.g. 90s, 10m; default none)"},
		&cli.BoolFlag{Name: "repl", Usage: "start an interactive prompt"},
		&cli.StringFlag{Name: "mcp-config", Usage: "read MCP servers from `FILE` ({\"mcpServers\": {...}})"},
		&cli.StringSliceFlag{Name: "allow-read", Usage: "let scripts read files under `DIR` (repeatable; default: none)"},
		&cli.StringFlag{Name: "output-dir", Usage: "let scripts write files under `DIR` only (default: the current directory)"},
	}
}

func luaCommand(st *State, name string, scope luahost.Scope, usage string) *cli.Command {
	return &cli.Command{
		Name:      name,
		Usage:     usage,
		ArgsUsage: "[FILE|-]",
		Flags:     luaFlags(),
		Action: func(c *cli.Context) error {
			o := luaOptions{
				scope:     scope,
				eval:      c.String("eval"),
				evalSet:   c.IsSet("eval"),
				json:      c.Bool("json"),
				force:     c.Bool("force"),
				sandbox:   c.Bool("sandbox"),
				account:   c.String("account"),
				cpu:       c.String("cpu-limit"),
				memory:    c.String("memory-limit"),
				timeout:   c.String("timeout"),
				repl:      c.Bool("repl"),
				mcpConfig: c.String("mcp-config"),
				allowRead: c.StringSlice("allow-read"),
				outputDir: c.String("output-dir"),
			}
			switch c.Args().Len() {
			case 0:
			case 1:
				o.file = c.Args().First()
			default:
				return errcode.New(errcode.UsageError, "%s takes at most one FILE, got %d arguments: %s",
					name, c.Args().Len(), strings.Join(c.Args().Slice(), " ")).
					WithHint("quote the code of --eval, or pass one script file")
			}
			return runLua(st, o)
		},
	}
}

// newLuaHost builds the host the flags, the config file and the
// environment describe (limits, accounts, sandbox, MCP servers). closeHost
// releases it and stops whatever it started.
func newLuaHost(st *State, o luaOptions) (host *luahost.Host, closeHost func(), err error) {
	limits, err := o.limits()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := loadConfig(st)
	if err != nil {
		return nil, nil, err
	}
	limits = limits.withConfig(cfg)
	hostOpts, cleanup, err := buildHostOptions(st, cfg, o)
	if err != nil {
		return nil, nil, err
	}
	hostOpts.Limits = limits.Limits
	host, err = luahost.New(hostOpts)
	if err != nil {
		cleanup()
		return nil, nil, errcode.Wrap(errcode.ConfigError, err, "")
	}
	return host, func() { host.Close(); cleanup() }, nil
}

// runLua is the behaviour of the lua commands once flags are parsed.
func runLua(st *State, o luaOptions) error {
	host, closeHost, err := newLuaHost(st, o)
	if err != nil {
		return err
	}
	defer closeHost()

	if o.repl {
		return runREPL(st, host, o)
	}
	code, name, err := readCode(st, o)
	if err != nil {
		return err
	}
	ro := luahost.RunOptions{Name: name}
	if !o.json {
		ro.Live = st.Stdout
		ro.RenderResults = true
	}
	if canPrompt(st, o) {
		ro.Prompt = terminalPrompter(st)
	}
	env := host.Run(st.Context, code, ro)
	return report(st, o, env)
}

// canPrompt: permission "ask" prompts only when a person is at a terminal
// and no machine is reading the output.
func canPrompt(st *State, o luaOptions) bool {
	return !o.json && st.StdinTTY && st.StderrTTY && st.Getenv("CI") == "" && o.file != "-"
}

// terminalPrompter asks on stderr and reads the answer from stdin.
func terminalPrompter(st *State) luahost.Prompter {
	in := bufio.NewReader(st.Stdin)
	return func(question string) bool {
		fmt.Fprintf(st.Stderr, "%s [y/N] ", question)
		line, _ := in.ReadString('\n')
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true
		}
		return false
	}
}

// readCode finds the chunk: --eval, else FILE ("-" is stdin), else stdin
// when it is not a terminal. No code, or empty code, is a usage error.
func readCode(st *State, o luaOptions) (code, name string, err error) {
	switch {
	case o.evalSet && o.file != "":
		return "", "", errcode.New(errcode.UsageError, "give either --eval CODE or FILE, not both")
	case o.evalSet:
		code, name = o.eval, "eval"
	case o.file == "-":
		code, err = readAll(st.Stdin)
		name = "stdin"
	case o.file != "":
		path := o.file
		if !filepath.IsAbs(path) {
			path = filepath.Join(st.Dir, path)
		}
		var data []byte
		data, err = st.ReadFile(path)
		if err != nil {
			return "", "", errcode.New(errcode.UsageError, "cannot read script %s: %v", o.file, unwrapPathError(err)).
				WithHint("check the path, or pass code with --eval")
		}
		code, name = string(data), filepath.Base(o.file)
	case !st.StdinTTY && st.Stdin != nil:
		code, err = readAll(st.Stdin)
		name = "stdin"
	}
	if err != nil {
		return "", "", errcode.New(errcode.UsageError, "cannot read the script from standard input: %v", err)
	}
	if strings.TrimSpace(code) == "" {
		return "", "", errcode.New(errcode.UsageError, "no Lua code to run").
			WithHint("pass --eval 'CODE', a FILE, '-' or pipe the script on standard input; --repl starts a prompt")
	}
	return code, name, nil
}

func readAll(r io.Reader) (string, error) {
	if r == nil {
		return "", nil
	}
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	return string(b), err
}

func unwrapPathError(err error) error {
	if u, ok := err.(interface{ Unwrap() error }); ok && u.Unwrap() != nil {
		return u.Unwrap()
	}
	return err
}

// cliLimits are the limits from flags, before the config file fills gaps.
type cliLimits struct {
	luahost.Limits
	cpuSet, memSet, timeoutSet bool
}

func (o luaOptions) limits() (cliLimits, error) {
	var l cliLimits
	if o.cpu != "" {
		secs, err := strconv.ParseFloat(o.cpu, 64)
		if err != nil || secs <= 0 || math.IsInf(secs, 0) || math.IsNaN(secs) {
			return l, errcode.New(errcode.UsageError, "--cpu-limit %q: want a positive number of seconds, e.g. 30 or 0.5", o.cpu)
		}
		l.CPU, l.cpuSet = time.Duration(secs*float64(time.Second)), true
	}
	if o.memory != "" {
		mb, err := strconv.ParseFloat(o.memory, 64)
		if err != nil || mb <= 0 || mb > 1<<20 {
			return l, errcode.New(errcode.UsageError, "--memory-limit %q: want a positive number of megabytes, e.g. 64", o.memory)
		}
		l.Memory, l.memSet = int64(mb*(1<<20)), true
	}
	if o.timeout != "" {
		d, err := parseDuration(o.timeout)
		if err != nil {
			return l, errcode.New(errcode.UsageError, "--timeout %q: %v", o.timeout, err)
		}
		l.Timeout, l.timeoutSet = d, true
	}
	return l, nil
}

func (l cliLimits) withConfig(cfg *Config) cliLimits {
	pl, _ := cfg.limits() // validated when loaded
	if !l.cpuSet && pl.cpu > 0 {
		l.CPU = pl.cpu
	}
	if !l.timeoutSet && pl.timeout > 0 {
		l.Timeout = pl.timeout
	}
	if !l.memSet && pl.memory > 0 {
		l.Memory = pl.memory
	}
	if pl.output > 0 {
		l.Output = pl.output
	}
	return l
}

// parseDuration accepts Go durations ("90s", "10m", "1h30m") and plain
// numbers of seconds ("90").
func parseDuration(s string) (time.Duration, error) {
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if secs <= 0 || math.IsInf(secs, 0) || math.IsNaN(secs) {
			return 0, fmt.Errorf("want a positive duration")
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a positive duration such as 90s, 10m or 1h")
	}
	return d, nil
}
