package luahost

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// codeMeaning explains each error code on the lua page. TestCodesAreDocumented
// fails when a registered code is missing here.
var codeMeaning = map[errcode.Code]string{
	errcode.LuaSyntaxError:   "the script does not parse; `line` says where",
	errcode.LuaRuntimeError:  "a Lua error: `error(...)`, indexing nil, calling a non-function, ...",
	errcode.InvalidArgument:  "an argument has the wrong type, range or name, or a required one is missing",
	errcode.UnknownFunction:  "no such integration, function or MCP server (the message suggests the nearest names)",
	errcode.UnknownAccount:   "no such account subtable (`app.integrations.heygen.<account>`)",
	errcode.AuthMissing:      "no API key for the account: the hint names the variable to set",
	errcode.PermissionDenied: "the permission policy refused the call (writes are `ask` by default)",
	errcode.APIError:         "the service answered with an error; `status`, `request_id` and the service's code are in the details",
	errcode.RateLimited:      "the service kept answering 429 after the retries",
	errcode.NetworkError:     "the service could not be reached",
	errcode.Timeout:          "the run's `--timeout`, or a request's own timeout, ran out",
	errcode.CPULimit:         "the script executed Lua for longer than `--cpu-limit` (waiting on services does not count)",
	errcode.MemoryLimit:      "the script grew memory past `--memory-limit`, or recursed too deep",
	errcode.OutputLimit:      "print/dump wrote more than the output limit",
	errcode.UsageError:       "the command line was wrong (CLI only)",
	errcode.ConfigError:      "the configuration file or a setting is invalid (CLI only)",
	errcode.ScriptExit:       "the script called `os.exit(code)` with a code other than 0; the process exits with that code",
	errcode.Interrupted:      "the run was stopped by Ctrl-C/SIGINT (exit 130) or SIGTERM (exit 143); `details.created` lists what it created",
	errcode.ResultLimit:      "the returned values encode to more than the result limit (the output limit, 16 MB by default)",
	errcode.ErrorLimit:       "an error message was longer than 64 KB; its start is kept and `details.original_code` has its code",
	errcode.InputLimit:       "the script on standard input is longer than 64 MB (CLI only)",
	errcode.InvalidResult:    "a returned number is NaN or infinite, which JSON cannot hold; it is reported as null",
	errcode.WriteError:       "kosmo could not write its result to stdout (closed pipe, full disk); reported on stderr (CLI only)",
}

var exitMeaning = map[int]string{
	errcode.ExitOK:          "success",
	errcode.ExitScript:      "script error: Lua error, integration error, invalid argument",
	errcode.ExitUsage:       "usage error: bad flags or no code to run",
	errcode.ExitAuthConfig:  "authentication or configuration error (also HeyGen answering 401/403)",
	errcode.ExitLimit:       "timeout or resource limit",
	errcode.ExitPermission:  "permission denied",
	errcode.ExitInterrupted: "interrupted by Ctrl-C (SIGINT)",
	errcode.ExitTerminated:  "stopped by SIGTERM",
}

// LuaPage is the docs page describing the host itself: globals, modules,
// limits and errors. It is generated so that limits and codes cannot drift
// from the code.
func LuaPage() registry.Page {
	var b strings.Builder
	b.WriteString(luaPageIntro)
	fmt.Fprintf(&b, "\n## Limits\n\n| Limit | Default | Flag | Error code |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| Lua execution time (waits on integrations excluded) | %s | `--cpu-limit SECONDS` | `cpu_limit` |\n", DefaultCPULimit)
	fmt.Fprintf(&b, "| Wall-clock time of the whole run | none | `--timeout DURATION` | `timeout` |\n")
	fmt.Fprintf(&b, "| Lua data the run holds (and its returned values) | %s | `--memory-limit SIZE` (bytes, `64MB`, or megabytes below 1 MiB) | `memory_limit` |\n", humanBytes(DefaultMemoryLimit))
	fmt.Fprintf(&b, "| Output of print/dump (and rendered results) | %s | — | `output_limit` |\n", humanBytes(DefaultOutputLimit))
	fmt.Fprintf(&b, "| Returned values, as JSON | %s (the output limit) | — | `result_limit` |\n", humanBytes(DefaultOutputLimit))
	fmt.Fprintf(&b, "| Error message | %s | — | `error_limit` |\n", humanBytes(MaxErrorMessage))
	fmt.Fprintf(&b, "| Nested calls | %d | — | `memory_limit` |\n", callStackSize)
	fmt.Fprintf(&b, "| Nesting of brackets, blocks and functions in the source | %d | — | `lua_syntax_error` |\n", maxNesting)
	fmt.Fprintf(&b, "| Depth of expressions and statements in the source | %d | — | `lua_syntax_error` |\n", maxExprDepth)
	fmt.Fprintf(&b, "| Pattern items nested in one match (string.find, match, gmatch, gsub) | %d | — | `lua_runtime_error` |\n", maxMatchDepth)
	b.WriteString("\nA limit ends the run even if the script catches the error with `pcall`. " +
		"The memory limit counts the run's own data: what it can still reach from its globals and the stacks of its " +
		"coroutines (tables, their entries, strings, functions, coroutines), so garbage does not count and the same " +
		"script passes or fails the same way every time, whatever else the process runs. Built-ins that can build a " +
		"large value in one call (string.rep, string.format, gsub, table.concat, os.date, json, regex, coroutine.create) " +
		"reserve its size first; the data is measured again every few thousand VM instructions, more often near the limit, " +
		"so a plain Lua loop that keeps building data is stopped somewhat past the limit (up to about half of it again). Converting the returned values " +
		"counts against the memory limit and the CPU limit too. Lua's pattern functions are kosmo's own implementation " +
		"of Lua 5.1 patterns, which the CPU limit, the timeout and cancellation stop. See docs/limits.md for the details.\n")
	b.WriteString("\n## Error codes\n\n| Code | Exit | Meaning |\n|---|---|---|\n")
	for _, c := range errcode.All() {
		e := &errcode.Error{Code: c}
		fmt.Fprintf(&b, "| `%s` | %d | %s |\n", c, e.ExitCode(), codeMeaning[c])
	}
	b.WriteString("\n## Exit codes\n\n| Exit | Meaning |\n|---|---|\n")
	for _, code := range []int{errcode.ExitOK, errcode.ExitScript, errcode.ExitUsage, errcode.ExitAuthConfig,
		errcode.ExitLimit, errcode.ExitPermission, errcode.ExitInterrupted, errcode.ExitTerminated} {
		fmt.Fprintf(&b, "| %d | %s |\n", code, exitMeaning[code])
	}
	return registry.Page{
		Name:    "lua",
		Title:   "kosmo Lua host",
		Summary: "The Lua environment: globals, json, regex, docs, dump/print, limits, errors.",
		Body:    b.String(),
	}
}

// luaPageIntro is the hand-written part of the page: globals, calling
// conventions, errors, json and regex.
//
//go:embed luapage.md
var luaPageIntro string
