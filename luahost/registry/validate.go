package registry

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// Label is the name users see in messages: heygen.list_videos.
func (f *Function) Label() string {
	if i := strings.IndexByte(f.FullName, '.'); i > 0 {
		return f.FullName[:i] + "." + f.Name
	}
	return f.Name
}

// ParamNames returns the declared parameter names in declaration order.
func (f *Function) ParamNames() []string {
	names := make([]string, len(f.Params))
	for i, p := range f.Params {
		names[i] = p.Name
	}
	return names
}

// Validate checks args against the declared parameters and returns a new
// map holding the validated values with defaults applied. Integers given
// as whole floats become int64; numbers become float64. Every failure is an
// *errcode.Error with code invalid_argument that names the function, the
// parameter, what was expected and what was given.
func (f *Function) Validate(args map[string]any) (map[string]any, error) {
	shape := objectShape{fields: f.Params, disc: f.Discriminator, variants: f.Variants, exclusive: f.Exclusive}
	return validateObject(f, "", shape, args, false)
}

// objectShape is what an object (or a function's argument table) accepts.
type objectShape struct {
	fields    []Param
	open      bool
	disc      string
	variants  []Variant
	exclusive [][]string
}

func (p *Param) shape() objectShape {
	return objectShape{fields: p.Fields, open: p.Open, disc: p.Discriminator, variants: p.Variants, exclusive: p.Exclusive}
}

// discriminatorParam describes the field that picks a union's variant.
func (s objectShape) discriminatorParam() *Param {
	values := make([]string, len(s.variants))
	for i, v := range s.variants {
		values[i] = v.Value
	}
	return &Param{Name: s.disc, Type: String, Required: true, Enum: values}
}

// resolve picks the variant named by the discriminator field of obj and
// returns every field the object accepts and its exclusive groups.
func (s objectShape) resolve(f *Function, path string, obj map[string]any) ([]Param, [][]string, error) {
	if len(s.variants) == 0 {
		return s.fields, s.exclusive, nil
	}
	dp := s.discriminatorParam()
	dpath := joinPath(path, s.disc)
	v, ok := obj[s.disc]
	if !ok || v == nil {
		return nil, nil, missing(f, dpath, dp)
	}
	if _, err := validateValue(f, dpath, dp, v); err != nil {
		return nil, nil, err
	}
	for _, variant := range s.variants {
		if variant.Value != v.(string) {
			continue
		}
		fields := make([]Param, 0, len(s.fields)+len(variant.Fields))
		fields = append(fields, s.fields...)
		for _, vf := range variant.Fields {
			if !slices.ContainsFunc(fields, func(p Param) bool { return p.Name == vf.Name }) {
				fields = append(fields, vf)
			}
		}
		return fields, append(slices.Clone(s.exclusive), variant.Exclusive...), nil
	}
	return nil, nil, invalid(f, dpath, dp, v, expectation(dp))
}

// validateObject validates the named fields of obj (a nested object, or a
// function's arguments when path is "").
func validateObject(f *Function, path string, s objectShape, obj map[string]any, keepExtra bool) (map[string]any, error) {
	fields, exclusive, err := s.resolve(f, path, obj)
	if err != nil {
		return nil, err
	}
	if !s.open {
		if err := checkUnknown(f, path, obj, fields); err != nil {
			return nil, err
		}
	}
	out := make(map[string]any, len(obj))
	if keepExtra {
		for k, v := range obj {
			out[k] = v // open objects keep their extra fields
		}
	}
	for i := range fields {
		fp := &fields[i]
		fpath := joinPath(path, fp.Name)
		fv, present := obj[fp.Name]
		if !present || fv == nil {
			if fp.Required {
				return nil, missing(f, fpath, fp)
			}
			if fp.Default != nil {
				out[fp.Name] = cloneValue(fp.Default)
			}
			continue
		}
		nv, err := validateValue(f, fpath, fp, fv)
		if err != nil {
			return nil, err
		}
		out[fp.Name] = nv
	}
	if err := checkExclusive(f, path, exclusive, obj); err != nil {
		return nil, err
	}
	return out, nil
}

// checkExclusive refuses objects that give more than one field of a group
// the declaration calls mutually exclusive.
func checkExclusive(f *Function, path string, groups [][]string, obj map[string]any) error {
	for _, group := range groups {
		var given []string
		for _, name := range group {
			if v, ok := obj[name]; ok && v != nil {
				given = append(given, name)
			}
		}
		if len(given) < 2 {
			continue
		}
		paths := make([]string, len(given))
		for i, g := range given {
			paths[i] = "'" + joinPath(path, g) + "'"
		}
		return errcode.New(errcode.InvalidArgument, "%s: parameters %s cannot be given together", f.Label(), strings.Join(paths, " and ")).
			WithDetail("function", f.Label()).WithDetail("param", joinPath(path, given[1])).
			WithDetail("exclusive", given).
			WithHint("give only one of %s; see docs.read(%q)", strings.Join(group, ", "), docPage(f))
	}
	return nil
}

func checkUnknown(f *Function, prefix string, args map[string]any, params []Param) error {
	if len(args) == 0 {
		return nil
	}
	known := make(map[string]bool, len(params))
	names := make([]string, len(params))
	for i, p := range params {
		known[p.Name] = true
		names[i] = p.Name
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if known[k] {
			continue
		}
		path := joinPath(prefix, k)
		e := errcode.New(errcode.InvalidArgument, "%s: unknown parameter '%s'", f.Label(), path).
			WithDetail("function", f.Label()).WithDetail("param", path)
		if s := Suggest(k, names); len(s) > 0 {
			e.Message += ". Did you mean: " + strings.Join(s, ", ")
			e.WithDetail("suggestions", s)
		}
		switch {
		case len(names) == 0 && prefix == "":
			e.WithHint("%s takes no parameters: call it with {} or no argument", f.Label())
		case len(names) > 0:
			e.WithHint("accepted here: %s (see docs.read(%q))", strings.Join(names, ", "), docPage(f))
		}
		return e
	}
	return nil
}

func docPage(f *Function) string {
	return f.Label()
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func missing(f *Function, path string, p *Param) *errcode.Error {
	return errcode.New(errcode.InvalidArgument, "%s: missing required parameter '%s' (%s)", f.Label(), path, expectation(p)).
		WithDetail("function", f.Label()).WithDetail("param", path).WithDetail("expected", expectation(p)).
		WithHint("pass %s = <%s>; see docs.read(%q)", lastSegment(path), p.Type, docPage(f))
}

func lastSegment(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && i+1 < len(path) {
		return path[i+1:]
	}
	return path
}

func invalid(f *Function, path string, p *Param, v any, want string) *errcode.Error {
	got := Describe(v)
	return errcode.New(errcode.InvalidArgument, "%s: parameter '%s' must be %s, got %s", f.Label(), path, want, got).
		WithDetail("function", f.Label()).WithDetail("param", path).
		WithDetail("expected", want).WithDetail("got", got)
}

// validateValue checks one value against p and returns it normalised.
func validateValue(f *Function, path string, p *Param, v any) (any, error) {
	switch p.Type {
	case Integer:
		n, ok := asInteger(v)
		if !ok {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		if !inRange(float64(n), p) {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		return n, nil
	case Number:
		x, ok := asNumber(v)
		if !ok || math.IsNaN(x) || math.IsInf(x, 0) || !inRange(x, p) {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		return x, nil
	case String:
		s, ok := v.(string)
		if !ok {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		n := utf8.RuneCountInString(s)
		if n < p.MinLen || (p.MaxLen > 0 && n > p.MaxLen) {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		if len(p.Enum) > 0 && !contains(p.Enum, s) {
			e := invalid(f, path, p, v, expectation(p))
			if s := Suggest(s, p.Enum); len(s) > 0 {
				e.Message += ". Did you mean: " + strings.Join(s, ", ")
			}
			return nil, e
		}
		return s, nil
	case Boolean:
		b, ok := v.(bool)
		if !ok {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		return b, nil
	case Array:
		arr, ok := asArray(v)
		if !ok {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		if len(arr) < p.MinLen || (p.MaxLen > 0 && len(arr) > p.MaxLen) {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		out := make([]any, len(arr))
		for i, item := range arr {
			ip := fmt.Sprintf("%s[%d]", path, i+1)
			if p.Items == nil {
				out[i] = item
				continue
			}
			if item == nil {
				return nil, invalid(f, ip, p.Items, nil, expectation(p.Items))
			}
			nv, err := validateValue(f, ip, p.Items, item)
			if err != nil {
				return nil, err
			}
			out[i] = nv
		}
		return out, nil
	case Object:
		obj, ok := asObject(v)
		if !ok {
			return nil, invalid(f, path, p, v, expectation(p))
		}
		if len(p.Fields) == 0 && len(p.Variants) == 0 {
			if !p.Open && len(obj) > 0 {
				return nil, checkUnknown(f, path, obj, nil)
			}
			if err := checkExclusive(f, path, p.Exclusive, obj); err != nil {
				return nil, err
			}
			return obj, nil
		}
		return validateObject(f, path, p.shape(), obj, p.Open)
	case "":
		return v, nil
	}
	return nil, fmt.Errorf("registry: parameter %s has unknown type %q", path, p.Type)
}

// asInteger accepts int64/int and whole float64 values within ±2^53, the
// range where a Lua number is an exact integer.
func asInteger(v any) (int64, bool) {
	const maxExact = 1 << 53
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > maxExact {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

func asNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	}
	return 0, false
}

// asArray accepts []any, and an empty object, because an empty Lua table
// cannot say which of the two it is.
func asArray(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case map[string]any:
		if len(a) == 0 {
			return []any{}, true
		}
	}
	return nil, false
}

func asObject(v any) (map[string]any, bool) {
	switch o := v.(type) {
	case map[string]any:
		return o, true
	case []any:
		if len(o) == 0 {
			return map[string]any{}, true
		}
	}
	return nil, false
}

func inRange(x float64, p *Param) bool {
	if p.Min != nil && x < *p.Min {
		return false
	}
	if p.Max != nil && x > *p.Max {
		return false
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// expectation describes what p accepts, in the words of the error messages:
// "an integer between 1 and 100", "one of: square, circle".
func expectation(p *Param) string {
	switch p.Type {
	case Integer, Number:
		noun := "an integer"
		if p.Type == Number {
			noun = "a number"
		}
		switch {
		case p.Min != nil && p.Max != nil:
			return fmt.Sprintf("%s between %s and %s", noun, fmtNum(*p.Min), fmtNum(*p.Max))
		case p.Min != nil:
			return fmt.Sprintf("%s >= %s", noun, fmtNum(*p.Min))
		case p.Max != nil:
			return fmt.Sprintf("%s <= %s", noun, fmtNum(*p.Max))
		}
		return noun
	case String:
		switch {
		case len(p.Enum) > 0:
			return "one of: " + strings.Join(p.Enum, ", ")
		case p.MinLen > 0 && p.MaxLen > 0:
			return fmt.Sprintf("a string of %d to %d characters", p.MinLen, p.MaxLen)
		case p.MinLen == 1:
			return "a non-empty string"
		case p.MinLen > 1:
			return fmt.Sprintf("a string of at least %d characters", p.MinLen)
		case p.MaxLen > 0:
			return fmt.Sprintf("a string of at most %d characters", p.MaxLen)
		}
		return "a string"
	case Boolean:
		return "a boolean"
	case Array:
		switch {
		case p.MinLen > 0 && p.MaxLen > 0:
			return fmt.Sprintf("an array of %d to %d items", p.MinLen, p.MaxLen)
		case p.MinLen > 0:
			return fmt.Sprintf("an array of at least %d item(s)", p.MinLen)
		case p.MaxLen > 0:
			return fmt.Sprintf("an array of at most %d items", p.MaxLen)
		}
		return "an array"
	case Object:
		return "a table of named fields"
	}
	return "a value"
}

func fmtNum(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// Describe renders a Go value the way error messages show what was given:
// string "abc", integer 5, number 2.5, boolean true, array of 3, table, nil.
func Describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		if utf8.RuneCountInString(x) > 40 {
			r := []rune(x)
			x = string(r[:40]) + "..."
		}
		return "string " + strconv.Quote(x)
	case int64:
		return "integer " + strconv.FormatInt(x, 10)
	case int:
		return "integer " + strconv.Itoa(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return "number " + strconv.FormatFloat(x, 'f', -1, 64)
		}
		return "number " + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case []any:
		return fmt.Sprintf("an array of %d item(s)", len(x))
	case map[string]any:
		if len(x) == 0 {
			return "an empty table"
		}
		return "a table with fields " + strings.Join(sortedKeys(x, 5), ", ")
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any, max int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > max {
		keys = append(keys[:max], "...")
	}
	return keys
}

// cloneValue deep-copies a default so that a handler mutating its
// arguments cannot change the declaration.
func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	case int:
		return int64(x)
	}
	return v
}

// Ptr returns a pointer to x; declarations use it for Min and Max.
func Ptr(x float64) *float64 { return &x }

// shapeProblems reports union and exclusive-group mistakes in a
// declaration: variants without a discriminator, repeated or empty
// variant values, and exclusive groups naming fields that do not exist.
func shapeProblems(at string, fields []Param, disc string, variants []Variant, exclusive [][]string) []string {
	var out []string
	if len(variants) > 0 && disc == "" {
		out = append(out, at+": variants without a discriminator")
	}
	names := map[string]bool{}
	for _, p := range fields {
		names[p.Name] = true
	}
	seen := map[string]bool{}
	for _, v := range variants {
		if v.Value == "" || seen[v.Value] {
			out = append(out, fmt.Sprintf("%s: variant value %q is empty or repeated", at, v.Value))
		}
		seen[v.Value] = true
		for _, p := range v.Fields {
			names[p.Name] = true
		}
		out = append(out, shapeProblems(at+"<"+v.Value+">", v.Fields, "", nil, v.Exclusive)...)
	}
	for _, g := range exclusive {
		for _, n := range g {
			if !names[n] {
				out = append(out, fmt.Sprintf("%s: exclusive group names unknown field %s", at, n))
			}
		}
	}
	for i := range fields {
		p := &fields[i]
		switch {
		case p.Type == Object:
			out = append(out, shapeProblems(at+"."+p.Name, p.Fields, p.Discriminator, p.Variants, p.Exclusive)...)
		case p.Type == Array && p.Items != nil && p.Items.Type == Object:
			out = append(out, shapeProblems(at+"."+p.Name+"[]", p.Items.Fields, p.Items.Discriminator, p.Items.Variants, p.Items.Exclusive)...)
		}
	}
	return out
}
