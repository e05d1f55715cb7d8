package registry

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Page is one docs page: the whole integration reference, or one function.
type Page struct {
	Name    string // "heygen", "heygen.list_videos"
	Title   string
	Summary string
	Body    string // markdown
}

// Pages returns the integration's reference page followed by one page per
// function, in declaration order.
func (ig *Integration) Pages() []Page {
	pages := []Page{{
		Name:    ig.Name,
		Title:   ig.Title + " — Lua API Reference",
		Summary: ig.Summary,
		Body:    ig.RenderReference(),
	}}
	for _, f := range ig.Functions {
		pages = append(pages, Page{
			Name:    ig.Name + "." + f.Name,
			Title:   ig.Title + " — " + f.Name,
			Summary: f.Summary,
			Body:    ig.RenderFunctionPage(f),
		})
	}
	return pages
}

// RenderReference renders the whole integration reference as markdown.
func (ig *Integration) RenderReference() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s — Lua API Reference\n\n", ig.Title)
	if ig.Summary != "" {
		b.WriteString(ig.Summary + "\n\n")
	}
	fmt.Fprintf(&b, "Call each function as `app.integrations.%s.<function>({...})` with one table of named parameters "+
		"(`{}` or no argument when it takes none). `docs.read(\"%s.<function>\")` shows one function.\n\n", ig.Name, ig.Name)
	for _, area := range ig.Areas() {
		if area != "" {
			fmt.Fprintf(&b, "### %s\n\n", area)
		}
		b.WriteString("| Function | Operation | Request | Summary |\n|----------|-----------|---------|---------|\n")
		for _, f := range ig.Functions {
			if f.Area == area {
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Name, f.Op, requestCell(f), cell(f.Summary))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("---\n\n")
	for _, area := range ig.Areas() {
		for _, f := range ig.Functions {
			if f.Area == area {
				ig.renderFunction(&b, f, "##")
				b.WriteString("---\n\n")
			}
		}
	}
	ig.renderAccounts(&b)
	return b.String()
}

// Areas returns the functions' areas in order of first declaration.
func (ig *Integration) Areas() []string {
	var areas []string
	for _, f := range ig.Functions {
		if !slices.Contains(areas, f.Area) {
			areas = append(areas, f.Area)
		}
	}
	return areas
}

func requestCell(f *Function) string {
	if f.Request == "" {
		return "—"
	}
	return "`" + f.Request + "`"
}

// RenderFunctionPage renders one function's page.
func (ig *Integration) RenderFunctionPage(f *Function) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s — %s\n\n", ig.Title, f.Name)
	ig.renderFunction(&b, f, "")
	fmt.Fprintf(&b, "The whole %s reference: `docs.read(%q)`.\n", ig.Title, ig.Name)
	return b.String()
}

func (ig *Integration) renderFunction(b *strings.Builder, f *Function, heading string) {
	sub := "###"
	if heading != "" {
		fmt.Fprintf(b, "%s %s\n\n", heading, f.Name)
	} else {
		sub = "##"
	}
	b.WriteString(f.Summary + "\n\n")
	if f.Description != "" && f.Description != f.Summary {
		b.WriteString(f.Description + "\n\n")
	}
	fmt.Fprintf(b, "- Lua path: `app.integrations.%s.%s`\n- Full name: `%s`\n- Operation: %s",
		ig.Name, f.Name, f.FullName, f.Op)
	if f.Op == Write {
		b.WriteString(" (needs `--force` or a policy that allows writes)")
	}
	if f.Request != "" {
		fmt.Fprintf(b, "\n- Request: `%s`", f.Request)
	}
	if f.Area != "" {
		fmt.Fprintf(b, "\n- Area: %s", f.Area)
	}
	b.WriteString("\n\n")

	fmt.Fprintf(b, "%s Parameters\n\n", sub)
	if len(f.Params) == 0 && len(f.Variants) == 0 {
		b.WriteString("None.\n\n")
	} else {
		if len(f.Params) > 0 {
			renderParamTable(b, f.Params, "")
			for i := range f.Params {
				renderNested(b, &f.Params[i], "`"+f.Params[i].Name+"`", 1)
			}
		}
		renderVariants(b, f.Discriminator, f.Variants, "", 0)
		renderExclusive(b, f.Exclusive, "")
	}
	if f.Returns != "" || f.Flat {
		fmt.Fprintf(b, "%s Returns\n\n", sub)
		if f.Returns != "" {
			b.WriteString(strings.TrimSpace(f.Returns) + "\n\n")
		}
		if f.Flat {
			b.WriteString("This function does not raise when the service fails: a service error, a non-2xx answer, " +
				"a rate limit or a request timeout returns `{success = false, error = \"<message>\"}` instead. " +
				"Invalid arguments, missing credentials and permission refusals still raise.\n\n")
		}
	}
	for _, s := range f.Sections {
		fmt.Fprintf(b, "%s %s\n\n%s\n\n", sub, s.Title, strings.TrimSpace(s.Body))
	}
	if len(f.Examples) > 0 {
		title := "Example"
		if len(f.Examples) > 1 || f.Examples[0].Title != "" {
			title = "Examples"
		}
		fmt.Fprintf(b, "%s %s\n\n", sub, title)
		for _, ex := range f.Examples {
			b.WriteString("```lua\n")
			if ex.Title != "" {
				b.WriteString("-- " + ex.Title + "\n")
			}
			b.WriteString(strings.TrimSpace(ex.Code) + "\n```\n\n")
		}
	}
}

func renderParamTable(b *strings.Builder, params []Param, prefix string) {
	b.WriteString("| Name | Type | Required | Description |\n|------|------|----------|-------------|\n")
	for i := range params {
		p := &params[i]
		req := "no"
		if p.Required {
			req = "yes"
		}
		fmt.Fprintf(b, "| `%s%s` | %s | %s | %s |\n", prefix, p.Name, typeName(p), req, cell(ParamDoc(p)))
	}
	b.WriteString("\n")
}

// maxDocDepth bounds how deep the docs describe nested objects; the MCP
// JSON Schema (integrations:schema) always has every level.
const maxDocDepth = 4

// renderNested documents the fields of object parameters and of the
// objects inside array parameters, one table per level.
func renderNested(b *strings.Builder, p *Param, label string, depth int) {
	if depth > maxDocDepth {
		if (p.Type == Object && (len(p.Fields) > 0 || len(p.Variants) > 0)) || (p.Type == Array && p.Items != nil && p.Items.Type == Object) {
			fmt.Fprintf(b, "%s has further nested fields: see the function's JSON Schema.\n\n", label)
		}
		return
	}
	switch {
	case p.Type == Object && (len(p.Fields) > 0 || len(p.Variants) > 0):
		if len(p.Fields) > 0 {
			fmt.Fprintf(b, "Fields of %s:\n\n", label)
			renderParamTable(b, p.Fields, "")
			for i := range p.Fields {
				renderNested(b, &p.Fields[i], label+"."+"`"+p.Fields[i].Name+"`", depth+1)
			}
		}
		renderVariants(b, p.Discriminator, p.Variants, label, depth)
		renderExclusive(b, p.Exclusive, label)
	case p.Type == Array && p.Items != nil && p.Items.Type == Object && (len(p.Items.Fields) > 0 || len(p.Items.Variants) > 0):
		if len(p.Items.Fields) > 0 {
			fmt.Fprintf(b, "Fields of each %s item:\n\n", label)
			renderParamTable(b, p.Items.Fields, "")
			for i := range p.Items.Fields {
				renderNested(b, &p.Items.Fields[i], label+" item ."+"`"+p.Items.Fields[i].Name+"`", depth+1)
			}
		}
		renderVariants(b, p.Items.Discriminator, p.Items.Variants, "each "+label+" item", depth)
		renderExclusive(b, p.Items.Exclusive, "each "+label+" item")
	}
}

// renderVariants documents a union: one table per value of the
// discriminator. label names the union's owner; "" is the function's own
// argument table.
func renderVariants(b *strings.Builder, disc string, variants []Variant, label string, depth int) {
	if len(variants) == 0 {
		return
	}
	values := make([]string, len(variants))
	for i, v := range variants {
		values[i] = "`" + v.Value + "`"
	}
	if label == "" {
		fmt.Fprintf(b, "`%s` picks the shape of the arguments, one of %s.\n\n", disc, strings.Join(values, ", "))
	} else {
		fmt.Fprintf(b, "%s: `%s` picks the shape, one of %s.\n\n", upperFirst(label), disc, strings.Join(values, ", "))
	}
	for _, v := range variants {
		when := fmt.Sprintf("`%s = %q`", disc, v.Value)
		if label == "" {
			fmt.Fprintf(b, "When %s:\n\n", when)
		} else {
			fmt.Fprintf(b, "When %s in %s:\n\n", when, label)
		}
		renderParamTable(b, v.Fields, "")
		renderExclusive(b, v.Exclusive, "")
		for i := range v.Fields {
			child := "`" + v.Fields[i].Name + "` (" + when + ")"
			if label != "" {
				child = label + " (" + when + ") .`" + v.Fields[i].Name + "`"
			}
			renderNested(b, &v.Fields[i], child, depth+1)
		}
	}
}

func renderExclusive(b *strings.Builder, groups [][]string, label string) {
	for _, g := range groups {
		names := make([]string, len(g))
		for i, n := range g {
			names[i] = "`" + n + "`"
		}
		where := ""
		if label != "" {
			where = " (in " + label + ")"
		}
		fmt.Fprintf(b, "Give at most one of %s%s.\n\n", strings.Join(names, ", "), where)
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func typeName(p *Param) string {
	if p.Type == Array && p.Items != nil && p.Items.Type != "" && p.Items.Type != Object {
		return "array of " + string(p.Items.Type)
	}
	if p.Type == "" {
		return "any"
	}
	return string(p.Type)
}

// ParamDoc is the description shown in docs tables: the declared text plus
// the constraints that come from the declaration itself (default, range,
// allowed values), so the two can never disagree.
func ParamDoc(p *Param) string {
	var extra []string
	if p.Default != nil {
		extra = append(extra, "default: "+LuaLiteral(p.Default))
	} else if p.ServerDefault != nil {
		extra = append(extra, "service default: "+LuaLiteral(p.ServerDefault))
	}
	if p.Min != nil && showMin(p) {
		extra = append(extra, "min: "+fmtNum(*p.Min))
	}
	if p.Max != nil {
		extra = append(extra, "max: "+fmtNum(*p.Max))
	}
	if len(p.Enum) > 0 {
		extra = append(extra, "one of: "+strings.Join(p.Enum, ", "))
	}
	if p.Type == Array && p.MaxLen > 0 {
		extra = append(extra, fmt.Sprintf("at most %d items", p.MaxLen))
	}
	d := strings.TrimSpace(p.Description)
	if len(extra) == 0 {
		return d
	}
	if d == "" {
		return upperFirst(strings.Join(extra, ", "))
	}
	return strings.TrimSuffix(d, ".") + " (" + strings.Join(extra, ", ") + ")"
}

// showMin hides the natural lower bound of counts (0 for offsets, 1 for
// limits) that every reader assumes anyway.
func showMin(p *Param) bool {
	return !(p.Type == Integer && (*p.Min == 0 || *p.Min == 1))
}

// LuaLiteral renders a Go value as Lua source: 10, false, "text", {a = 1}.
func LuaLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return fmtNum(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = LuaLiteral(e)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + " = " + LuaLiteral(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

func (ig *Integration) renderAccounts(b *strings.Builder) {
	n := ig.Name
	fmt.Fprintf(b, "## Multi-Account Usage\n\n")
	b.WriteString("If you have multiple " + ig.Title + " accounts configured, use account-specific namespaces:\n\n")
	fmt.Fprintf(b, "```lua\n-- Default account (always works)\napp.integrations.%s.function_name({...})\n\n"+
		"-- Explicit default (portable across setups)\napp.integrations.%s.default.function_name({...})\n\n"+
		"-- Named accounts\napp.integrations.%s.work.function_name({...})\napp.integrations.%s.personal.function_name({...})\n```\n\n",
		n, n, n, n)
	b.WriteString("All functions are identical across accounts — only the credentials differ.")
	if c := ig.Credential; c.EnvVar != "" {
		fmt.Fprintf(b, " The default account's %s comes from `%s`; `%s_<NAME>` adds the account `<name>` "+
			"(lower-cased), and the config file can declare more. `--account NAME` makes another account the default for a run.",
			c.Label, c.EnvVar, c.EnvVar)
	}
	b.WriteString("\n")
}
