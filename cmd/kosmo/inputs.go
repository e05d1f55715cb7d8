package main

import (
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/callargs"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// luaInputsHelp documents script inputs and dry runs in the lua commands'
// help (and so in docs/cli.md).
const luaInputsHelp = `The code comes from --eval, else FILE ("-" is standard input), else standard
input when it is not a terminal. The script receives its inputs as data,
never as source: --arg key=value sets args.key (coerced: true/false, null,
integers, decimals, otherwise strings), --input FILE|- decodes one JSON
document into input, and the words after -- are arg[1..n] and the chunk's
... (arg[0] is the script's name). os.exit([code]) ends the run with that
exit status; sleep(seconds) pauses without using the CPU budget.

--dry-run sends integration reads as usual but holds every write back: each
is listed in the envelope's planned_requests {path, account, method, url,
body, permission} and answered by the integration's simulator, so the script
goes on with ids marked dryrun_...; later reads of those ids are answered by
the simulator too. A write the policy would refuse or ask about fails the
dry run unless --force is given. MCP read tools are called; MCP write tools
are planned the same way (method tools/call) and answer {dry_run = true,
planned = true} without being called.

Without --json, printed output streams to stdout and each returned value
follows: a string raw, anything else as indented JSON.`

// scriptInputs builds the script's args, input and arg values from
// --arg, --input and the words after --. They travel as data: nothing
// here becomes Lua source.
func scriptInputs(st *State, o luaOptions) (*luahost.ScriptInputs, error) {
	in := &luahost.ScriptInputs{Args: map[string]any{}, Argv: o.scriptArgs}
	for _, a := range o.args {
		k, v, err := callargs.ParsePair(a)
		if err != nil {
			return nil, err
		}
		in.Args[k] = v
	}
	if o.input == "" {
		return in, nil
	}
	var data []byte
	if o.input == "-" {
		if o.file == "-" || (o.file == "" && !o.evalSet) {
			return nil, errcode.New(errcode.UsageError, "--input - reads standard input, which already holds the script").
				WithHint("pass the script as a FILE or with --eval, or put the input in a file")
		}
		s, err := readAll(st.Stdin)
		if err != nil {
			return nil, errcode.New(errcode.UsageError, "--input -: cannot read standard input: %v", err)
		}
		data = []byte(s)
	} else {
		path := o.input
		if !filepath.IsAbs(path) {
			path = filepath.Join(st.Dir, path)
		}
		b, err := st.ReadFile(path)
		if err != nil {
			return nil, errcode.New(errcode.UsageError, "--input %s: cannot read it: %v", o.input, unwrapPathError(err)).
				WithHint("check the path; use --input - to read standard input")
		}
		data = b
	}
	v, err := callargs.DecodeJSON(data, "--input "+o.input)
	if err != nil {
		return nil, err
	}
	in.Input, in.HasInput = v, true
	return in, nil
}

// pairList is a repeatable flag that keeps each value whole (urfave's
// slice flags would split "title=a, b" at the comma).
type pairList []string

func (p *pairList) Set(v string) error { *p = append(*p, v); return nil }

func (p *pairList) String() string {
	if p == nil {
		return ""
	}
	return strings.Join(*p, " ")
}

func pairsOf(c *cli.Context, name string) []string {
	if p, ok := c.Generic(name).(*pairList); ok && p != nil {
		return *p
	}
	return nil
}
