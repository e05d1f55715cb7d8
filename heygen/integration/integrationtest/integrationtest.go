// Package integrationtest builds call arguments for HeyGen functions from
// their declarations, for the suites that must call every function (the
// round trip against the simulator, the fault matrix, the key-leak
// suite). It has no Lua VM import: Lua renders an argument table as Lua
// source for the suites that run scripts.
package integrationtest

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// ExampleArgs returns a valid argument table for f built from its
// declaration alone: its required parameters only, each with the first
// enum value, the lower bound of a range, at least the minimum number of
// array items, nested objects filled the same way, and the last variant
// of a union ("url" sorts after "asset_id" and "base64", and needs nothing
// that must exist first). Strings are chosen by parameter name so that the
// simulator's own checks (URLs, languages, MIME types) pass.
//
// It knows nothing a declaration does not say: a function whose valid
// calls depend on a rule of its handler (download wants one of three ids)
// needs arguments written by hand.
func ExampleArgs(f *registry.Function) map[string]any {
	return ExampleVariantArgs(f, "")
}

// ExampleVariantArgs is ExampleArgs taking the union variant whose
// discriminator value is variant (the last one when none is).
func ExampleVariantArgs(f *registry.Function, variant string) map[string]any {
	return exampleObject(f.Params, f.Discriminator, f.Variants, variant)
}

// ExampleValue returns a valid value for the parameter p named name, as
// ExampleArgs fills each parameter.
func ExampleValue(name string, p *registry.Param) any {
	switch p.Type {
	case registry.String:
		if len(p.Enum) > 0 {
			return p.Enum[0]
		}
		s := "sample text"
		switch {
		case strings.HasSuffix(name, "url"):
			s = "https://example.invalid/in.mp4"
		case strings.Contains(name, "language"):
			s = "Spanish"
		case name == "content_type":
			s = "image/png"
		case name == "filename":
			s = "face.png"
		}
		for len(s) < p.MinLen {
			s += " " + s
		}
		if p.MaxLen > 0 && len(s) > p.MaxLen {
			s = s[:p.MaxLen]
		}
		return s
	case registry.Integer:
		if p.Min != nil {
			return int64(math.Ceil(*p.Min))
		}
		if name == "size_bytes" {
			return int64(64)
		}
		if p.Max != nil && *p.Max < 1 {
			return int64(math.Floor(*p.Max))
		}
		return int64(1)
	case registry.Number:
		if p.Min != nil {
			return *p.Min
		}
		if p.Max != nil && *p.Max < 1 {
			return *p.Max
		}
		return 1.0
	case registry.Boolean:
		return true
	case registry.Array:
		out := make([]any, max(p.MinLen, 1))
		for i := range out {
			if p.Items == nil {
				out[i] = "sample text"
				continue
			}
			out[i] = ExampleValue(name, p.Items)
		}
		return out
	case registry.Object:
		return exampleObject(p.Fields, p.Discriminator, p.Variants, "")
	}
	return nil
}

// exampleObject fills the required fields of an object; of a union it
// takes the variant named want, else the last one.
func exampleObject(fields []registry.Param, disc string, variants []registry.Variant, want string) map[string]any {
	out := map[string]any{}
	all := fields
	if len(variants) > 0 {
		v := variants[len(variants)-1]
		for _, c := range variants {
			if c.Value == want {
				v = c
			}
		}
		all = append(append([]registry.Param{}, fields...), v.Fields...)
		out[disc] = v.Value
	}
	for i := range all {
		if all[i].Required {
			if _, set := out[all[i].Name]; !set {
				out[all[i].Name] = ExampleValue(all[i].Name, &all[i])
			}
		}
	}
	return out
}

// CallArgs returns the Lua argument table a suite passes to f: written's
// entry for it when the suite wrote one (the hand-written functions, whose
// arguments carry meaning or depend on rules of their handlers), else, for
// a generated function, ExampleArgs rendered as Lua. It returns "" for a
// hand-written function without an entry.
func CallArgs(f *registry.Function, written map[string]string) string {
	if a, ok := written[f.Name]; ok {
		return a
	}
	if f.Generated {
		return Lua(ExampleArgs(f))
	}
	return ""
}

// Uncovered lists what keeps a suite's written arguments from covering ig:
// each hand-written function without an entry, and each entry naming a
// function ig does not have. A suite asserts it is empty, so a new
// hand-written function cannot go untested; generated ones are covered
// by their declarations.
func Uncovered(ig *registry.Integration, written map[string]string) []string {
	var out []string
	for _, f := range ig.Functions {
		if CallArgs(f, written) == "" {
			out = append(out, fmt.Sprintf("%s is written by hand: give it arguments", f.Name))
		}
	}
	for name := range written {
		if _, ok := ig.Function(name); !ok {
			out = append(out, fmt.Sprintf("%s has arguments but %s has no such function", name, ig.Name))
		}
	}
	sort.Strings(out)
	return out
}

var luaName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// luaKeywords cannot be bare table keys.
var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true, "false": true,
	"for": true, "function": true, "if": true, "in": true, "local": true, "nil": true, "not": true,
	"or": true, "repeat": true, "return": true, "then": true, "true": true, "until": true, "while": true,
}

// Lua renders v (nil, bool, string, integers, floats, []any and
// map[string]any, nested) as a Lua expression: maps become table
// constructors with their keys sorted, slices lists. It panics on any
// other type, which no argument table holds.
func Lua(v any) string {
	var b strings.Builder
	writeLua(&b, v)
	return b.String()
}

func writeLua(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("nil")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		b.WriteString(luaString(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			panic(fmt.Sprintf("integrationtest: %v has no Lua literal", x))
		}
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case []any:
		b.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeLua(b, e)
		}
		b.WriteByte('}')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if luaName.MatchString(k) && !luaKeywords[k] {
				b.WriteString(k)
			} else {
				b.WriteString("[" + luaString(k) + "]")
			}
			b.WriteString(" = ")
			writeLua(b, x[k])
		}
		b.WriteByte('}')
	default:
		panic(fmt.Sprintf("integrationtest: cannot render %T as Lua", v))
	}
}

// luaString quotes s for Lua 5.1: printable ASCII as is, everything else
// as a decimal byte escape.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// SeedCalls returns arguments for the functions of the seeds, whose
// handlers need more than their declarations say (a video to act on, a
// scene with an avatar), with wait_for_video given up to waitSeconds. A
// suite adds its own entries (the file functions) to the map it gets; each
// call returns a new map.
func SeedCalls(waitSeconds int) map[string]string {
	return map[string]string{
		"list_videos":                `{limit = 5}`,
		"get_video":                  `{video_id = "v1"}`,
		"create_video":               `{video_inputs = {{character = {avatar_id = "a1", voice_id = "v1"}, script = "hi"}}}`,
		"list_avatars":               `{}`,
		"list_voices":                `{}`,
		"get_current_user":           `{}`,
		"list_templates":             `{}`,
		"create_talking_photo":       `{talking_photo_id = "tp1", text = "hi", voice_id = "v1"}`,
		"create_video_from_template": `{template_id = "t1"}`,
		"list_custom_events_options": `{}`,
		"list_voice_id_options":      `{}`,
		"retrieve_video_link":        `{video_id = "v1"}`,
		"wait_for_video":             fmt.Sprintf(`{video_id = "v1", timeout = %d, interval = 0.05}`, waitSeconds),
		"delete_video":               `{video_id = "v1"}`,
		"list_all_videos":            `{}`,
	}
}
