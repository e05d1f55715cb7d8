package main

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// discoveryCommands find functions and show their schemas and examples.
func discoveryCommands(st *State) []*cli.Command {
	return []*cli.Command{searchCommand(st), schemaCommand(st), examplesCommand(st)}
}

func jsonFlag() cli.Flag { return &cli.BoolFlag{Name: "json", Usage: "print as JSON"} }

type searchHit struct {
	Function string `json:"function"`
	Op       string `json:"op"`
	Summary  string `json:"summary"`
	Score    int    `json:"score"`
}

func searchCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:      "integrations:search",
		Usage:     "find integration functions by name, title and description",
		ArgsUsage: "QUERY",
		Flags:     []cli.Flag{jsonFlag(), &cli.IntFlag{Name: "limit", Value: 10, Usage: "show at most `N` functions"}},
		Action: func(c *cli.Context) error {
			query := strings.TrimSpace(strings.Join(c.Args().Slice(), " "))
			if query == "" {
				return errcode.New(errcode.UsageError, "integrations:search needs a QUERY, e.g. kosmo integrations:search video status")
			}
			hits := searchFunctions(query)
			if n := c.Int("limit"); n > 0 && len(hits) > n {
				hits = hits[:n]
			}
			if c.Bool("json") {
				writeJSON(st.Stdout, map[string]any{"query": query, "results": hits})
				return nil
			}
			if len(hits) == 0 {
				fmt.Fprintf(st.Stdout, "No function matches %q. List them all with: kosmo integrations:list\n", query)
				return nil
			}
			tw := tabwriter.NewWriter(st.Stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "FUNCTION\tOP\tSUMMARY")
			for _, h := range hits {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", h.Function, h.Op, h.Summary)
			}
			_ = tw.Flush()
			return nil
		},
	}
}

// searchFunctions ranks every function against the query's words: a word
// in the name counts most, then in the summary, the description and the
// parameter names; a near miss of a name part (one typo) counts too.
func searchFunctions(query string) []searchHit {
	words := strings.Fields(strings.ToLower(query))
	hits := []searchHit{}
	for _, ig := range builtinIntegrations() {
		for _, f := range ig.Functions {
			name := strings.ToLower(f.Name)
			summary, desc := strings.ToLower(f.Summary), strings.ToLower(f.Description)
			score := 0
			for _, w := range words {
				w = strings.TrimPrefix(w, ig.Name+".")
				switch {
				case name == w:
					score += 100
				case strings.Contains(name, w):
					// the more of the name the word covers, the better
					score += 40 + 30*len(w)/len(name)
				case nearPart(name, w):
					score += 15
				}
				if strings.Contains(summary, w) {
					score += 20
				}
				if strings.Contains(desc, w) {
					score += 10
				}
				for _, p := range f.Params {
					if strings.Contains(p.Name, w) {
						score += 5
						break
					}
				}
				if w == ig.Name {
					score++
				}
			}
			if score > 0 && !f.Generated {
				score += 10 // the seed workflows' functions, among near-equals
			}
			if score > 0 {
				hits = append(hits, searchHit{Function: f.Label(), Op: string(f.Op), Summary: f.Summary, Score: score})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Function < hits[j].Function
	})
	return hits
}

func nearPart(name, w string) bool {
	if len(w) < 4 {
		return false
	}
	for _, part := range strings.Split(name, "_") {
		if registry.Distance(part, w) <= 1 || registry.Distance(strings.TrimSuffix(part, "s"), w) <= 1 {
			return true
		}
	}
	return false
}

// targetFunction reads INTEGRATION.FUNCTION.
func targetFunction(arg string) (*registry.Integration, *registry.Function, *errcode.Error) {
	ig, fn, ok := strings.Cut(arg, ".")
	if !ok {
		return nil, nil, errcode.New(errcode.UsageError, "want INTEGRATION.FUNCTION (e.g. heygen.get_video), got %q", arg)
	}
	return resolveFunction(ig, fn)
}

func schemaCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:      "integrations:schema",
		Usage:     "print a function's input JSON Schema (the one MCP tools publish) and what it returns",
		ArgsUsage: "INTEGRATION.FUNCTION",
		Flags:     []cli.Flag{jsonFlag()},
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return errcode.New(errcode.UsageError, "integrations:schema takes one INTEGRATION.FUNCTION, e.g. heygen.create_video")
			}
			_, f, e := targetFunction(c.Args().First())
			if e != nil {
				return e
			}
			result := map[string]any{"description": f.Returns}
			if f.Flat {
				result["model"] = "flat: remote failures come back as {success = false, error = \"...\"} instead of raising"
			}
			doc := map[string]any{
				"function": f.Label(), "tool": f.ToolName(), "op": string(f.Op),
				"input_schema": f.InputSchema(), "result": result,
			}
			if c.Bool("json") {
				writeJSON(st.Stdout, doc)
				return nil
			}
			fmt.Fprintf(st.Stdout, "%s (%s) — %s\n\nInput (JSON Schema):\n%s\n", f.Label(), f.Op, f.Summary, indentJSON(f.InputSchema()))
			if f.Returns != "" {
				fmt.Fprintf(st.Stdout, "\nResult: %s\n", f.Returns)
			}
			return nil
		},
	}
}

type listedExample struct {
	Function string `json:"function"`
	Title    string `json:"title"`
	Code     string `json:"code"`
	Command  string `json:"command"`
}

func examplesCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:      "integrations:examples",
		Usage:     "print a function's (or a whole integration's) examples as commands to run",
		ArgsUsage: "INTEGRATION[.FUNCTION]",
		Flags:     []cli.Flag{jsonFlag()},
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return errcode.New(errcode.UsageError, "integrations:examples takes one INTEGRATION or INTEGRATION.FUNCTION, e.g. heygen.list_videos")
			}
			target := c.Args().First()
			var fns []*registry.Function
			if strings.Contains(target, ".") {
				_, f, e := targetFunction(target)
				if e != nil {
					return e
				}
				fns = []*registry.Function{f}
			} else {
				ig, e := findIntegration(target)
				if e != nil {
					return e
				}
				fns = ig.Functions
			}
			out := []listedExample{}
			for _, f := range fns {
				for _, ex := range f.Examples {
					title := ex.Title
					if title == "" {
						title = f.Summary
					}
					out = append(out, listedExample{Function: f.Label(), Title: title, Code: ex.Code,
						Command: "kosmo integrations:lua --eval " + shellQuote(ex.Code)})
				}
			}
			if c.Bool("json") {
				writeJSON(st.Stdout, map[string]any{"examples": out})
				return nil
			}
			if len(out) == 0 {
				fmt.Fprintf(st.Stdout, "%s has no examples; see kosmo integrations:docs %s\n", target, target)
				return nil
			}
			for i, ex := range out {
				if i > 0 {
					fmt.Fprintln(st.Stdout)
				}
				fmt.Fprintf(st.Stdout, "# %s: %s\n%s\n", ex.Function, ex.Title, ex.Command)
			}
			return nil
		},
	}
}

func findIntegration(name string) (*registry.Integration, *errcode.Error) {
	var names []string
	for _, ig := range builtinIntegrations() {
		if ig.Name == name {
			return ig, nil
		}
		names = append(names, ig.Name)
	}
	e := errcode.New(errcode.UnknownFunction, "Unknown integration: %s.", name)
	if s := registry.Suggest(name, names); len(s) > 0 {
		e.Message += " Did you mean: " + strings.Join(s, ", ")
	}
	return nil, e.WithHint("integrations: %s", strings.Join(names, ", "))
}

// shellQuote quotes s for a POSIX shell: single quotes, with each single
// quote written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
