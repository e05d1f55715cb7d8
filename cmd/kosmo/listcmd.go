package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
)

type listedAccount struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	BaseURL string `json:"base_url,omitempty"`
	HasKey  bool   `json:"has_key"`
	Default bool   `json:"default"`
}

type listedFunction struct {
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	Path     string `json:"path"`
	Op       string `json:"op"`
	Policy   string `json:"policy"`
	Summary  string `json:"summary"`
}

type listedIntegration struct {
	Name      string            `json:"name"`
	Title     string            `json:"title"`
	Accounts  []listedAccount   `json:"accounts"`
	Policy    map[string]string `json:"policy"`
	Functions []listedFunction  `json:"functions"`
}

func listCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:  "integrations:list",
		Usage: "list integrations, accounts, functions, read/write class and policy",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print as JSON"}},
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(st)
			if err != nil {
				return err
			}
			bindings, err := buildBindings(st, cfg, "")
			if err != nil {
				return err
			}
			var out []listedIntegration
			for _, b := range bindings {
				ig := b.Integration
				li := listedIntegration{Name: ig.Name, Title: ig.Title, Accounts: []listedAccount{},
					Policy: map[string]string{"read": string(b.Policy.Read), "write": string(b.Policy.Write)}}
				for _, a := range b.Accounts {
					li.Accounts = append(li.Accounts, listedAccount{Name: a.Name, Source: a.Source, BaseURL: a.BaseURL,
						HasKey: a.Secret != "", Default: a.Name == b.Default})
				}
				for _, f := range ig.Functions {
					li.Functions = append(li.Functions, listedFunction{Name: f.Name, FullName: f.FullName,
						Path: "app.integrations." + ig.Name + "." + f.Name, Op: string(f.Op),
						Policy: string(b.Policy.Decide(f.Op)), Summary: f.Summary})
				}
				out = append(out, li)
			}
			if c.Bool("json") {
				if out == nil {
					out = []listedIntegration{}
				}
				writeJSON(st.Stdout, map[string]any{"integrations": out})
				return nil
			}
			for _, li := range out {
				fmt.Fprintf(st.Stdout, "%s (%s) — policy: read=%s write=%s\n", li.Name, li.Title, li.Policy["read"], li.Policy["write"])
				if len(li.Accounts) == 0 {
					fmt.Fprintf(st.Stdout, "  accounts: none configured (set the API key variable, or use --sandbox)\n")
				}
				for _, a := range li.Accounts {
					mark := ""
					if a.Default {
						mark = " (default)"
					}
					key := "key set"
					if !a.HasKey {
						key = "NO KEY"
					}
					fmt.Fprintf(st.Stdout, "  account %s%s: %s, %s\n", a.Name, mark, key, a.Source)
				}
				tw := tabwriter.NewWriter(st.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "  FUNCTION\tOP\tPOLICY\tSUMMARY")
				for _, f := range li.Functions {
					fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Name, f.Op, f.Policy, f.Summary)
				}
				_ = tw.Flush()
			}
			return nil
		},
	}
}
