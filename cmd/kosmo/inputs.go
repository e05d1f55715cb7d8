package main

import (
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/callargs"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

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
