package luahost

import (
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
}

var exitMeaning = map[int]string{
	errcode.ExitOK:         "success",
	errcode.ExitScript:     "script error: Lua error, integration error, invalid argument",
	errcode.ExitUsage:      "usage error: bad flags or no code to run",
	errcode.ExitAuthConfig: "authentication or configuration error (also HeyGen answering 401/403)",
	errcode.ExitLimit:      "timeout or resource limit",
	errcode.ExitPermission: "permission denied",
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
	fmt.Fprintf(&b, "| Lua data the run holds (and its returned values) | %s | `--memory-limit MB` | `memory_limit` |\n", humanBytes(DefaultMemoryLimit))
	fmt.Fprintf(&b, "| Output of print/dump (and rendered results) | %s | — | `output_limit` |\n", humanBytes(DefaultOutputLimit))
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
	for code := errcode.ExitOK; code <= errcode.ExitPermission; code++ {
		fmt.Fprintf(&b, "| %d | %s |\n", code, exitMeaning[code])
	}
	return registry.Page{
		Name:    "lua",
		Title:   "kosmo Lua host",
		Summary: "The Lua environment: globals, json, regex, docs, dump/print, limits, errors.",
		Body:    b.String(),
	}
}

const luaPageIntro = "# kosmo Lua host\n\n" +
	"Scripts run in a sandboxed Lua 5.1 VM (gopher-lua). A chunk may `return` values: they become the envelope's `result`.\n\n" +
	"## Globals\n\n" +
	"| Global | What it is |\n|---|---|\n" +
	"| `app.integrations.<name>.<function>(params)` | call an integration function with one table of named parameters; `app.integrations.<name>.<account>.<function>` uses a named account |\n" +
	"| `app.mcp.<server>.<tool>(args)` | call a tool of a configured MCP server |\n" +
	"| `mcp` | `mcp.servers()` and the other MCP helpers: servers, tools, resources, prompts (see `docs.read(\"mcp\")`) |\n" +
	"| `docs` | `docs.list()`, `docs.search(query)`, `docs.read(page)` |\n" +
	"| `lua_read_doc(page)` | same as `docs.read`; `lua_read_doc(\"integrations.heygen\")` reads the `heygen` page |\n" +
	"| `json` | `json.encode(v [, {pretty = true}])`, `json.decode(s)`, `json.null`, `json.array(t)`, `json.object(t)` |\n" +
	"| `regex` | `regex.match`, `regex.match_all`, `regex.gsub`, `regex.split` with PCRE-style patterns |\n" +
	"| `print(...)` | writes its arguments (tostring, tab-separated) and a newline to the output |\n" +
	"| `dump(v)` | writes a readable, deterministic rendering of `v` (sorted keys) and returns `v` |\n\n" +
	"The standard library is limited to what cannot touch the host: base functions (no `load`, `loadstring`, " +
	"`dofile`, `loadfile`, `require`, `module`, `getfenv`, `setfenv`, `newproxy`; `collectgarbage` only without " +
	"arguments; `getmetatable` returns nil for strings), `string` (no `dump`), `table`, `math`, `coroutine`, and " +
	"`os.time`, `os.clock`, `os.date`, `os.difftime`. There is no `io`, `debug` or `package`, and no file, " +
	"process or network access except through integrations.\n\n" +
	"## Calling integrations\n\n" +
	"Each function takes one table of named parameters (`{}` or no argument when it takes none) and returns one value. " +
	"Arguments are checked against the function's declaration: a wrong type, an out-of-range number, a missing required " +
	"parameter or an unknown name raises `invalid_argument`. Functions are `read` or `write`: writes need `--force` " +
	"or a policy that allows them.\n\n" +
	"## Errors\n\n" +
	"Errors raised by kosmo are tables with `code`, `message` and, where they apply, `hint`, `status`, `request_id`, " +
	"`param`. `tostring(err)` gives `code: message`, and `\"text \" .. err` works. Catch them with `pcall`:\n\n" +
	"```lua\nlocal ok, err = pcall(app.integrations.heygen.get_video, {video_id = \"missing\"})\n" +
	"if not ok then print(err.code, err.status, err.message) end\n```\n\n" +
	"## json\n\n" +
	"`json.decode` turns objects into tables with named fields (a `null` field is absent) and arrays into lists (a `null` " +
	"element becomes `json.null`, keeping positions). `json.encode` keeps arrays as arrays and objects as objects; an empty " +
	"table encodes as `{}` unless it came from a JSON array or was made with `json.array()`. Integers print without a " +
	"decimal point; NaN and infinities are an error. Invalid JSON raises `invalid_argument` naming the byte offset.\n\n" +
	"## regex\n\n" +
	"Patterns are PCRE-style, plain (`\\\\d+`) or delimited with flags (`/\\\\d+/i`). `regex.match(p, s)` returns nil or " +
	"an array: `[1]` the whole match, `[2]`... the groups, named groups also by name. `regex.match_all` returns an array of " +
	"those. `regex.gsub(p, s, repl)` returns the new string and the count (`$1`, `${name}` in `repl`, or a function of the " +
	"match array). `regex.split(p, s)` returns an array. Every match runs under a time limit, so no pattern can hang the host.\n"
