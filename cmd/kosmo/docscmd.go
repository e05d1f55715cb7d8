package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	kosmodocs "github.com/kosmo-dev/kosmo/docs"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// docsHost builds a host that only serves documentation: no accounts are
// needed to read docs.
func docsHost() (*luahost.Host, error) {
	var bindings []luahost.Binding
	for _, ig := range builtinIntegrations() {
		bindings = append(bindings, luahost.Binding{Integration: ig})
	}
	return luahost.New(luahost.Options{Integrations: bindings, Version: versionString(), Pages: kosmodocs.Guides()})
}

func docsCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:      "integrations:docs",
		Usage:     "print a docs page as markdown: an integration (heygen), a function (heygen.list_videos) or a guide (overview, examples, errors, context); no PAGE: the overview and page list",
		ArgsUsage: "[PAGE]",
		Action: func(c *cli.Context) error {
			h, err := docsHost()
			if err != nil {
				return errcode.Wrap(errcode.ConfigError, err, "")
			}
			if c.Args().Len() > 1 {
				return errcode.New(errcode.UsageError, "integrations:docs takes one PAGE, got %d", c.Args().Len())
			}
			if c.Args().Len() == 0 {
				fmt.Fprint(st.Stdout, h.ListDocsText(""))
				fmt.Fprintln(st.Stdout, "\nRead one with: kosmo integrations:docs PAGE")
				return nil
			}
			body, ok := h.ReadDoc(c.Args().First())
			if !ok {
				fmt.Fprintln(st.Stderr, body)
				return reported{code: errcode.ExitScript}
			}
			fmt.Fprint(st.Stdout, body)
			if !strings.HasSuffix(body, "\n") {
				fmt.Fprintln(st.Stdout)
			}
			return nil
		},
	}
}
