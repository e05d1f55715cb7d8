package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// normalizeArgs moves a command's flags in front of its positional
// arguments. urfave/cli stops reading flags at the first positional
// argument, but users (and the seed documents) write
// `kosmo integrations:lua workflow.lua --force --json`.
func normalizeArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	cmd := app.Command(args[1])
	if cmd == nil || cmd.SkipFlagParsing {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range plainFlagNames(f) {
			takesValue[n] = !isBool
		}
	}
	var flags, positional, after []string
	dashes := false
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--" && scriptArgCommands[cmd.Name]:
			// kept, so the command can tell its FILE from the words after --
			dashes, after = true, rest[i+1:]
			i = len(rest)
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case a == "-" || !strings.HasPrefix(a, "-"):
			positional = append(positional, a)
		default:
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			if takesValue[name] && i+1 < len(rest) {
				i++
				flags = append(flags, rest[i])
			}
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	if len(positional) > 0 || dashes {
		out = append(out, "--")
		out = append(out, positional...)
	}
	if dashes {
		out = append(append(out, "--"), after...)
	}
	return out
}

// plainFlagNames is f.Names() without its cost: urfave/cli runs a regexp over
// every name on each call, and this runs at every start.
func plainFlagNames(f cli.Flag) []string {
	switch f := f.(type) {
	case *cli.StringFlag:
		return append([]string{f.Name}, f.Aliases...)
	case *cli.BoolFlag:
		return append([]string{f.Name}, f.Aliases...)
	}
	return f.Names()
}

// scriptArgCommands pass the words after "--" to the script (arg, ...).
var scriptArgCommands = map[string]bool{"integrations:lua": true, "mcp:lua": true}

func suggest(name string, candidates []string) []string {
	return registry.Suggest(name, candidates)
}
