package mcpclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// argValidator checks a tool's arguments against its input schema. The
// schema is compiled on first use; a schema kosmo cannot compile (remote
// $refs, a regex dialect Go lacks) is not enforced here, and the server
// still validates what it receives.
type argValidator struct {
	label  string // mcp.<server>.<tool>
	server string
	tool   string
	raw    map[string]any

	once     sync.Once
	compiled *jsonschema.Schema
}

func newArgValidator(server, tool string, schema map[string]any) *argValidator {
	return &argValidator{label: "mcp." + server + "." + tool, server: server, tool: tool, raw: schema}
}

// refuseLoader keeps schema compilation off the network and the file
// system: only the schema itself and the embedded metaschemas are used.
type refuseLoader struct{}

func (refuseLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("kosmo does not load external schemas (%s)", u)
}

func (v *argValidator) schema() *jsonschema.Schema {
	v.once.Do(func() {
		if v.raw == nil {
			return
		}
		b, err := json.Marshal(v.raw)
		if err != nil {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return
		}
		c := jsonschema.NewCompiler()
		c.UseLoader(refuseLoader{})
		loc := "urn:kosmo:mcp:" + url.PathEscape(v.server) + ":" + url.PathEscape(v.tool)
		if err := c.AddResource(loc, doc); err != nil {
			return
		}
		if s, err := c.Compile(loc); err == nil {
			v.compiled = s
		}
	})
	return v.compiled
}

// Validate returns args normalised to the schema (an empty Lua table is
// an empty array to the converter; it becomes an object where the schema
// wants one), or an invalid_argument error.
func (v *argValidator) Validate(args map[string]any) (map[string]any, error) {
	if args == nil {
		args = map[string]any{}
	}
	norm, _ := normalize(args, v.raw, 0).(map[string]any)
	if norm == nil {
		norm = args
	}
	s := v.schema()
	if s == nil {
		return norm, nil
	}
	err := s.Validate(norm)
	if err == nil {
		return norm, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, errcode.New(errcode.InvalidArgument, "%s: %v", v.label, err).WithDetail("function", v.label)
	}
	return nil, v.describe(ve, norm)
}

// normalize settles what an empty Lua table is: an empty object where the
// schema wants an object, an empty array where it wants an array.
func normalize(val any, schema map[string]any, depth int) any {
	if schema == nil || depth > 64 {
		return val
	}
	switch x := val.(type) {
	case []any:
		if len(x) == 0 && wants(schema, "object") && !wants(schema, "array") {
			return map[string]any{}
		}
		items, _ := schema["items"].(map[string]any)
		if items == nil {
			return x
		}
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = normalize(item, items, depth+1)
		}
		return out
	case map[string]any:
		if len(x) == 0 && wants(schema, "array") && !wants(schema, "object") {
			return []any{}
		}
		props, _ := schema["properties"].(map[string]any)
		addl, _ := schema["additionalProperties"].(map[string]any)
		out := make(map[string]any, len(x))
		for k, item := range x {
			sub, _ := props[k].(map[string]any)
			if sub == nil {
				sub = addl
			}
			out[k] = normalize(item, sub, depth+1)
		}
		return out
	}
	return val
}

// wants reports whether the schema's "type" allows t.
func wants(schema map[string]any, t string) bool {
	switch typ := schema["type"].(type) {
	case string:
		return typ == t
	case []any:
		for _, x := range typ {
			if x == t {
				return true
			}
		}
	}
	return false
}

var printer = message.NewPrinter(language.English)

// describe picks the most useful failure in the error tree and words it
// the way integration validation errors are worded.
func (v *argValidator) describe(ve *jsonschema.ValidationError, args map[string]any) *errcode.Error {
	leaf := pickLeaf(ve)
	loc := leaf.InstanceLocation
	param := paramPath(loc)
	e := func(format string, a ...any) *errcode.Error {
		return errcode.New(errcode.InvalidArgument, "%s: "+format, append([]any{v.label}, a...)...).
			WithDetail("function", v.label).WithDetail("server", v.server).WithDetail("tool", v.tool)
	}
	hint := fmt.Sprintf("mcp.schema(%q, %q) shows the arguments %s accepts", v.server, v.tool, v.label)
	value, _ := valueAt(args, loc)
	switch k := leaf.ErrorKind.(type) {
	case *kind.Required:
		missing := k.Missing[0]
		full := joinParam(param, missing)
		want := typeOf(schemaAt(v.raw, append(append([]string{}, loc...), missing)))
		err := e("missing required parameter '%s'", full).WithDetail("param", full)
		if want != "" {
			err.Message += " (" + want + ")"
			err.WithDetail("expected", want)
		}
		return err.WithHint("%s", hint)
	case *kind.AdditionalProperties:
		name := k.Properties[0]
		full := joinParam(param, name)
		known := propertyNames(schemaAt(v.raw, loc))
		err := e("unknown parameter '%s'", full).WithDetail("param", full)
		if s := registry.Suggest(name, known); len(s) > 0 {
			err.Message += ". Did you mean: " + strings.Join(s, ", ")
			err.WithDetail("suggestions", s)
		}
		if len(known) > 0 {
			return err.WithHint("accepted here: %s; %s", strings.Join(known, ", "), hint)
		}
		return err.WithHint("%s", hint)
	case *kind.Type:
		want := strings.Join(k.Want, " or ")
		got := registry.Describe(value)
		if param == "" {
			return e("arguments must be %s, got %s", want, got).WithHint("%s", hint)
		}
		return e("parameter '%s' must be %s, got %s", param, want, got).
			WithDetail("param", param).WithDetail("expected", want).WithDetail("got", got).WithHint("%s", hint)
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			b, _ := json.Marshal(w)
			want[i] = string(b)
		}
		expected := "one of " + strings.Join(want, ", ")
		err := e("parameter '%s' must be %s, got %s", param, expected, registry.Describe(value)).
			WithDetail("param", param).WithDetail("expected", expected).WithDetail("got", registry.Describe(value))
		if s, ok := value.(string); ok {
			var opts []string
			for _, w := range k.Want {
				if ws, ok := w.(string); ok {
					opts = append(opts, ws)
				}
			}
			if sug := registry.Suggest(s, opts); len(sug) > 0 {
				err.Message += ". Did you mean: " + strings.Join(sug, ", ")
			}
		}
		return err.WithHint("%s", hint)
	}
	what := "arguments"
	if param != "" {
		what = "parameter '" + param + "'"
	}
	got := registry.Describe(value)
	var err *errcode.Error
	if want := expectation(leaf.ErrorKind); want != "" {
		err = e("%s must be %s, got %s", what, want, got).WithDetail("expected", want)
	} else {
		msg := leaf.ErrorKind.LocalizedString(printer)
		err = e("%s is not valid (%s), got %s", what, msg, got).WithDetail("expected", msg)
	}
	err.WithDetail("got", got)
	if param != "" {
		err.WithDetail("param", param)
	}
	return err.WithHint("%s", hint)
}

// expectation words the common constraints; "" for the others.
func expectation(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Minimum:
		return "at least " + ratString(k.Want)
	case *kind.Maximum:
		return "at most " + ratString(k.Want)
	case *kind.ExclusiveMinimum:
		return "greater than " + ratString(k.Want)
	case *kind.ExclusiveMaximum:
		return "less than " + ratString(k.Want)
	case *kind.MultipleOf:
		return "a multiple of " + ratString(k.Want)
	case *kind.MinLength:
		return fmt.Sprintf("a string of at least %d character(s)", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("a string of at most %d character(s)", k.Want)
	case *kind.MinItems:
		return fmt.Sprintf("an array of at least %d item(s)", k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("an array of at most %d item(s)", k.Want)
	case *kind.MinProperties:
		return fmt.Sprintf("a table with at least %d field(s)", k.Want)
	case *kind.MaxProperties:
		return fmt.Sprintf("a table with at most %d field(s)", k.Want)
	case *kind.Pattern:
		return "a string matching " + strconv.Quote(k.Want)
	case *kind.Const:
		b, _ := json.Marshal(k.Want)
		return "exactly " + string(b)
	case *kind.Format:
		return "a valid " + k.Want
	case *kind.UniqueItems:
		return "an array without duplicates"
	case *kind.AnyOf, *kind.OneOf:
		return "one of the shapes its schema allows"
	}
	return ""
}

func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.RatString()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// pickLeaf descends to the first concrete failure, in a deterministic
// order. A failed anyOf/oneOf is reported as such: its branches' failures
// would each be misleading alone.
func pickLeaf(e *jsonschema.ValidationError) *jsonschema.ValidationError {
	for {
		switch e.ErrorKind.(type) {
		case *kind.AnyOf, *kind.OneOf:
			return e
		}
		if len(e.Causes) == 0 {
			return e
		}
		causes := append([]*jsonschema.ValidationError(nil), e.Causes...)
		sort.SliceStable(causes, func(i, j int) bool {
			return strings.Join(causes[i].InstanceLocation, "/") < strings.Join(causes[j].InstanceLocation, "/")
		})
		e = causes[0]
	}
}

// paramPath renders an instance location the Lua way: items[1].name.
func paramPath(loc []string) string {
	var b strings.Builder
	for _, part := range loc {
		if n, err := strconv.Atoi(part); err == nil && n >= 0 {
			fmt.Fprintf(&b, "[%d]", n+1)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

func joinParam(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func valueAt(v any, loc []string) (any, bool) {
	for _, part := range loc {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// schemaAt follows properties/items (not $ref) to the schema of a location.
func schemaAt(s map[string]any, loc []string) map[string]any {
	for _, part := range loc {
		if s == nil {
			return nil
		}
		if _, err := strconv.Atoi(part); err == nil {
			if items, ok := s["items"].(map[string]any); ok {
				s = items
				continue
			}
		}
		props, _ := s["properties"].(map[string]any)
		next, _ := props[part].(map[string]any)
		s = next
	}
	return s
}

func typeOf(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		parts := make([]string, 0, len(t))
		for _, x := range t {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, " or ")
	}
	return ""
}

func propertyNames(s map[string]any) []string {
	props, _ := s["properties"].(map[string]any)
	return sortedKeys(props)
}
