package mcpclient

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// argValidator checks a tool's arguments against its input schema. The
// schema is resolved on first use, once per tool; a schema kosmo cannot
// resolve (remote $refs, a regex dialect Go lacks, a draft other than
// 06, 07 or 2020-12) is not enforced here, and the server still
// validates what it receives.
type argValidator struct {
	label  string // mcp.<server>.<tool>
	server string
	tool   string
	raw    map[string]any

	compiled func() *compiledSchema
}

// compiledSchema is a resolved input schema and the dialect it is in.
type compiledSchema struct {
	rs *jsonschema.Resolved
	// draft7 schemas (and draft-06 ones, read as draft-07) treat "format"
	// as an assertion; from 2019-09 on it is only an annotation.
	draft7 bool
	// formats is set when a draft-07 schema names a format anywhere, so
	// that arguments jsonschema-go accepts are checked for formats too.
	formats bool
}

func newArgValidator(server, tool string, schema map[string]any) *argValidator {
	v := &argValidator{label: "mcp." + server + "." + tool, server: server, tool: tool, raw: schema}
	v.compiled = sync.OnceValue(v.compile)
	return v
}

// The "$schema" values jsonschema-go knows. Draft-06 is read as draft-07,
// which only adds keywords to it.
const (
	draft7URI    = "http://json-schema.org/draft-07/schema#"
	draft2020URI = "https://json-schema.org/draft/2020-12/schema"
)

func dialect(s string) (uri string, draft7, ok bool) {
	switch strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "http://"), "https://"), "#") {
	case "":
		return "", false, true
	case "json-schema.org/draft-07/schema", "json-schema.org/draft-06/schema":
		return draft7URI, true, true
	case "json-schema.org/draft/2020-12/schema":
		return draft2020URI, false, true
	}
	return "", false, false
}

// compile resolves the schema without loading anything: jsonschema-go
// refuses remote references when it is given no loader.
func (v *argValidator) compile() *compiledSchema {
	if v.raw == nil {
		return nil
	}
	b, err := json.Marshal(v.raw)
	if err != nil {
		return nil
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		return nil
	}
	uri, draft7, ok := dialect(s.Schema)
	if !ok {
		return nil
	}
	s.Schema = uri
	rs, err := s.Resolve(nil)
	if err != nil {
		return nil
	}
	return &compiledSchema{rs: rs, draft7: draft7, formats: draft7 && hasKeyword(v.raw, "format", 0)}
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
	c := v.compiled()
	if c == nil {
		return norm, nil
	}
	err := c.rs.Validate(norm)
	if err == nil && !c.formats {
		return norm, nil
	}
	// jsonschema-go decides whether the arguments are valid; the explainer
	// finds which rule they break, for a message in kosmo's own words.
	x := &explainer{root: v.raw, formats: c.formats, draft7: c.draft7}
	x.walk(v.raw, norm, nil, 0)
	if err == nil {
		x.keepOnly("format") // jsonschema-go leaves formats alone
	}
	f, found := x.first()
	switch {
	case found:
		return nil, v.describe(f, norm)
	case err == nil:
		return norm, nil
	}
	return nil, v.describe(failure{reason: innermost(err)}, norm)
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

// describe words a failure the way integration validation errors are
// worded.
func (v *argValidator) describe(f failure, args map[string]any) *errcode.Error {
	loc := f.loc
	param := paramPath(loc)
	e := func(format string, a ...any) *errcode.Error {
		return errcode.New(errcode.InvalidArgument, "%s: "+format, append([]any{v.label}, a...)...).
			WithDetail("function", v.label).WithDetail("server", v.server).WithDetail("tool", v.tool)
	}
	hint := fmt.Sprintf("mcp.schema(%q, %q) shows the arguments %s accepts", v.server, v.tool, v.label)
	value, _ := valueAt(args, loc)
	switch f.keyword {
	case "required":
		missing := f.names[0]
		full := joinParam(param, missing)
		props, _ := f.schema["properties"].(map[string]any)
		sub, _ := props[missing].(map[string]any)
		want := typeOf(sub)
		err := e("missing required parameter '%s'", full).WithDetail("param", full)
		if want != "" {
			err.Message += " (" + want + ")"
			err.WithDetail("expected", want)
		}
		return err.WithHint("%s", hint)
	case "additionalProperties":
		name := f.names[0]
		full := joinParam(param, name)
		known := propertyNames(f.schema)
		err := e("unknown parameter '%s'", full).WithDetail("param", full)
		if s := registry.Suggest(name, known); len(s) > 0 {
			err.Message += ". Did you mean: " + strings.Join(s, ", ")
			err.WithDetail("suggestions", s)
		}
		if len(known) > 0 {
			return err.WithHint("accepted here: %s; %s", strings.Join(known, ", "), hint)
		}
		return err.WithHint("%s", hint)
	case "type":
		want := typeOf(f.schema)
		got := registry.Describe(value)
		if param == "" {
			return e("arguments must be %s, got %s", want, got).WithHint("%s", hint)
		}
		return e("parameter '%s' must be %s, got %s", param, want, got).
			WithDetail("param", param).WithDetail("expected", want).WithDetail("got", got).WithHint("%s", hint)
	case "enum":
		values, _ := f.schema["enum"].([]any)
		want := make([]string, len(values))
		var opts []string
		for i, w := range values {
			b, _ := json.Marshal(w)
			want[i] = string(b)
			if ws, ok := w.(string); ok {
				opts = append(opts, ws)
			}
		}
		expected := "one of " + strings.Join(want, ", ")
		err := e("parameter '%s' must be %s, got %s", param, expected, registry.Describe(value)).
			WithDetail("param", param).WithDetail("expected", expected).WithDetail("got", registry.Describe(value))
		if s, ok := value.(string); ok {
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
	if want := expectation(f); want != "" {
		err = e("%s must be %s, got %s", what, want, got).WithDetail("expected", want)
	} else {
		err = e("%s is not valid (%s), got %s", what, f.reason, got).WithDetail("expected", f.reason)
	}
	err.WithDetail("got", got)
	if param != "" {
		err.WithDetail("param", param)
	}
	return err.WithHint("%s", hint)
}

// expectation words the common constraints; "" for the others.
func expectation(f failure) string {
	want := f.schema[f.keyword]
	switch f.keyword {
	case "minimum":
		return "at least " + numString(want)
	case "maximum":
		return "at most " + numString(want)
	case "exclusiveMinimum":
		return "greater than " + numString(want)
	case "exclusiveMaximum":
		return "less than " + numString(want)
	case "multipleOf":
		return "a multiple of " + numString(want)
	case "minLength":
		return fmt.Sprintf("a string of at least %d character(s)", intOf(want))
	case "maxLength":
		return fmt.Sprintf("a string of at most %d character(s)", intOf(want))
	case "minItems":
		return fmt.Sprintf("an array of at least %d item(s)", intOf(want))
	case "maxItems":
		return fmt.Sprintf("an array of at most %d item(s)", intOf(want))
	case "minProperties":
		return fmt.Sprintf("a table with at least %d field(s)", intOf(want))
	case "maxProperties":
		return fmt.Sprintf("a table with at most %d field(s)", intOf(want))
	case "pattern":
		p, _ := want.(string)
		return "a string matching " + strconv.Quote(p)
	case "const":
		b, _ := json.Marshal(want)
		return "exactly " + string(b)
	case "format":
		name, _ := want.(string)
		return "a valid " + name
	case "uniqueItems":
		return "an array without duplicates"
	case "anyOf", "oneOf":
		return "one of the shapes its schema allows"
	}
	return ""
}

// innermost is the last reason in jsonschema-go's chain of
// "validating <schema>: " prefixes, on one line.
func innermost(err error) string {
	msg := err.Error()
	for strings.HasPrefix(msg, "validating ") {
		_, rest, ok := strings.Cut(msg, ": ")
		if !ok {
			break
		}
		msg = rest
	}
	msg, _, _ = strings.Cut(msg, "\n")
	return msg
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
