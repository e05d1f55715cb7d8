package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// cliReference renders docs/cli.md, the reference of every command, from
// the command definitions themselves (TestCLIDocNoDrift keeps the file
// equal to it).
func cliReference() string {
	app := newApp(&State{Stdout: io.Discard, Stderr: io.Discard, Env: map[string]string{}})
	var b strings.Builder
	b.WriteString("# kosmo command reference\n\n")
	b.WriteString("Generated from the command definitions (`UPDATE_DOCS=1 go test ./cmd/kosmo -run TestCLIDocNoDrift`); do not edit by hand.\n\n")
	b.WriteString("Flags may come before or after a command's FILE or arguments. `--json` prints one JSON document on stdout; " +
		"without it, results go to stdout and errors (with a hint) to stderr.\n\n")
	b.WriteString("| Command | What it does |\n|---|---|\n")
	for _, c := range app.Commands {
		if c.Hidden {
			continue
		}
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s |\n", c.Name, anchor(c.Name), mdCell(c.Usage))
	}
	b.WriteString("\n## Exit codes\n\n| Exit | Meaning |\n|---|---|\n")
	for code := errcode.ExitOK; code <= errcode.ExitPermission; code++ {
		fmt.Fprintf(&b, "| %d | %s |\n", code, exitText[code])
	}
	b.WriteString("\nA script that calls `os.exit(code)` exits with that code.\n")
	for _, c := range app.Commands {
		if c.Hidden {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n%s.\n\n", c.Name, sentence(c.Usage))
		usage := "kosmo " + c.Name
		if len(c.Flags) > 0 {
			usage += " [flags]"
		}
		if c.ArgsUsage != "" {
			usage += " " + c.ArgsUsage
		}
		fmt.Fprintf(&b, "```\n%s\n```\n", usage)
		if c.Description != "" {
			fmt.Fprintf(&b, "\n%s\n", c.Description)
		}
		if len(c.Flags) == 0 {
			continue
		}
		b.WriteString("\n| Flag | Default | Meaning |\n|---|---|---|\n")
		for _, f := range c.Flags {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", flagNames(f), flagDefault(f), mdCell(flagUsage(f)))
		}
	}
	return b.String()
}

var exitText = map[int]string{
	errcode.ExitOK:         "success",
	errcode.ExitScript:     "script or call error: Lua error, integration error, invalid argument, unknown function",
	errcode.ExitUsage:      "usage error: bad command line",
	errcode.ExitAuthConfig: "authentication or configuration error: missing or refused key, unknown account, bad config file",
	errcode.ExitLimit:      "timeout or resource limit",
	errcode.ExitPermission: "permission denied by the policy (rerun with --force, or change the policy)",
}

func anchor(name string) string {
	return strings.NewReplacer(":", "", " ", "-").Replace(strings.ToLower(name))
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func flagNames(f cli.Flag) string {
	var parts []string
	placeholder := ""
	if df, ok := f.(cli.DocGenerationFlag); ok && df.TakesValue() {
		placeholder, _ = unquoteUsage(df.GetUsage())
		if placeholder == "" {
			placeholder = "VALUE"
		}
	}
	for _, n := range f.Names() {
		dash := "--"
		if len(n) == 1 {
			dash = "-"
		}
		p := dash + n
		if placeholder != "" {
			p += " " + placeholder
		}
		parts = append(parts, "`"+p+"`")
	}
	return strings.Join(parts, ", ")
}

func flagUsage(f cli.Flag) string {
	if df, ok := f.(cli.DocGenerationFlag); ok {
		_, usage := unquoteUsage(df.GetUsage())
		return usage
	}
	return ""
}

func flagDefault(f cli.Flag) string {
	df, ok := f.(cli.DocGenerationFlag)
	if !ok || !df.TakesValue() {
		return ""
	}
	if _, generic := f.(*cli.GenericFlag); generic {
		return ""
	}
	if v := df.GetValue(); v != "" && v != "0" {
		return "`" + v + "`"
	}
	return ""
}

// unquoteUsage splits a flag's usage into its `PLACEHOLDER` and the text
// without the backquotes, as urfave/cli's help does.
func unquoteUsage(usage string) (string, string) {
	start := strings.IndexByte(usage, '`')
	if start < 0 {
		return "", usage
	}
	end := strings.IndexByte(usage[start+1:], '`')
	if end < 0 {
		return "", usage
	}
	name := usage[start+1 : start+1+end]
	return name, usage[:start] + name + usage[start+1+end+1:]
}

// sentence capitalises a command's usage line for the reference.
func sentence(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
