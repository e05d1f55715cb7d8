package mcpclient

import (
	"encoding/json"
	"math"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// failure is one rule of a schema that arguments break.
type failure struct {
	loc     []string       // instance location: property names and 0-based indexes
	keyword string         // the keyword that failed; "" when only reason is known
	schema  map[string]any // the schema object holding the keyword
	names   []string       // required: the missing names; additionalProperties: the unknown ones
	reason  string         // jsonschema-go's words, when the explainer found nothing
}

// explainer walks a schema beside the arguments and collects the rules
// they break. It knows the keywords tool schemas use; jsonschema-go
// decides validity, so a failure it cannot explain is reported in
// jsonschema-go's words instead.
type explainer struct {
	root    map[string]any
	draft7  bool
	formats bool
	out     []failure
}

// maxExplainDepth bounds the walk (and $ref chains that consume nothing).
const maxExplainDepth = 64

// first picks the failure to report: the one nearest the root of the
// arguments (then the first found), as the most useful single message.
func (x *explainer) first() (failure, bool) {
	if len(x.out) == 0 {
		return failure{}, false
	}
	best := 0
	for i := 1; i < len(x.out); i++ {
		if strings.Join(x.out[i].loc, "/") < strings.Join(x.out[best].loc, "/") {
			best = i
		}
	}
	return x.out[best], true
}

func (x *explainer) keepOnly(keyword string) {
	kept := x.out[:0]
	for _, f := range x.out {
		if f.keyword == keyword {
			kept = append(kept, f)
		}
	}
	x.out = kept
}

// breaks reports whether v breaks schema s, without recording anything.
func (x *explainer) breaks(s any, v any, loc []string, depth int) bool {
	sub := &explainer{root: x.root, draft7: x.draft7, formats: x.formats}
	sub.walk(s, v, loc, depth)
	return len(sub.out) > 0
}

func (x *explainer) fail(s map[string]any, loc []string, keyword string, names ...string) {
	x.out = append(x.out, failure{loc: append([]string(nil), loc...), keyword: keyword, schema: s, names: names})
}

// walk checks v against schema node s (an object or a boolean). The order
// of the checks follows the keywords' usual evaluation: type, const, enum
// and format end the walk at this location, as does $ref in draft-07.
func (x *explainer) walk(node any, v any, loc []string, depth int) {
	if depth > maxExplainDepth {
		return
	}
	s, ok := node.(map[string]any)
	if !ok {
		if b, isBool := node.(bool); isBool && !b {
			x.out = append(x.out, failure{loc: append([]string(nil), loc...), reason: "nothing is allowed here"})
		}
		return
	}
	if t, ok := s["type"]; ok && !matchesType(v, t) {
		x.fail(s, loc, "type")
		return
	}
	if c, ok := s["const"]; ok && !jsonEqual(v, c) {
		x.fail(s, loc, "const")
		return
	}
	if e, ok := s["enum"].([]any); ok && !containsJSON(e, v) {
		x.fail(s, loc, "enum")
		return
	}
	if name, ok := s["format"].(string); ok && x.formats {
		if str, isStr := v.(string); isStr && !formatOK(name, str) {
			x.fail(s, loc, "format")
			return
		}
	}
	if ref, ok := s["$ref"].(string); ok && x.draft7 {
		// draft-07 ignores the keywords beside $ref
		if target := x.deref(ref); target != nil {
			x.walk(target, v, loc, depth+1)
		}
		return
	}
	switch val := v.(type) {
	case map[string]any:
		x.object(s, val, loc, depth)
	case []any:
		x.array(s, val, loc, depth)
	case string:
		x.str(s, val, loc)
	case int64, float64, int, json.Number:
		x.number(s, v, loc)
	}
	if ref, ok := s["$ref"].(string); ok {
		if target := x.deref(ref); target != nil {
			x.walk(target, v, loc, depth+1)
		}
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, sub := range all {
			x.walk(sub, v, loc, depth+1)
		}
	}
	if anyOf, ok := s["anyOf"].([]any); ok && len(anyOf) > 0 {
		passed := false
		for _, sub := range anyOf {
			if !x.breaks(sub, v, loc, depth+1) {
				passed = true
				break
			}
		}
		if !passed {
			x.fail(s, loc, "anyOf")
		}
	}
	if oneOf, ok := s["oneOf"].([]any); ok && len(oneOf) > 0 {
		passed := 0
		for _, sub := range oneOf {
			if !x.breaks(sub, v, loc, depth+1) {
				passed++
			}
		}
		if passed != 1 {
			x.fail(s, loc, "oneOf")
		}
	}
}

func (x *explainer) object(s map[string]any, obj map[string]any, loc []string, depth int) {
	if n, ok := s["minProperties"]; ok && len(obj) < intOf(n) {
		x.fail(s, loc, "minProperties")
	}
	if n, ok := s["maxProperties"]; ok && len(obj) > intOf(n) {
		x.fail(s, loc, "maxProperties")
	}
	if req, ok := s["required"].([]any); ok {
		var missing []string
		for _, r := range req {
			if name, ok := r.(string); ok {
				if _, has := obj[name]; !has {
					missing = append(missing, name)
				}
			}
		}
		if len(missing) > 0 {
			x.fail(s, loc, "required", missing...)
		}
	}
	props, _ := s["properties"].(map[string]any)
	patterns, _ := s["patternProperties"].(map[string]any)
	addl, hasAddl := s["additionalProperties"]
	var unknown []string
	for _, name := range sortedKeys(obj) {
		val := obj[name]
		at := append(loc[:len(loc):len(loc)], name)
		matched := false
		if sub, ok := props[name]; ok {
			matched = true
			x.walk(sub, val, at, depth+1)
		}
		for p, sub := range patterns {
			if re, err := regexp.Compile(p); err == nil && re.MatchString(name) {
				matched = true
				x.walk(sub, val, at, depth+1)
			}
		}
		if matched || !hasAddl {
			continue
		}
		if b, ok := addl.(bool); ok {
			if !b {
				unknown = append(unknown, name)
			}
			continue
		}
		x.walk(addl, val, at, depth+1)
	}
	if len(unknown) > 0 {
		x.fail(s, loc, "additionalProperties", unknown...)
	}
}

func (x *explainer) array(s map[string]any, arr []any, loc []string, depth int) {
	if n, ok := s["minItems"]; ok && len(arr) < intOf(n) {
		x.fail(s, loc, "minItems")
	}
	if n, ok := s["maxItems"]; ok && len(arr) > intOf(n) {
		x.fail(s, loc, "maxItems")
	}
	if u, _ := s["uniqueItems"].(bool); u && hasDuplicates(arr) {
		x.fail(s, loc, "uniqueItems")
	}
	item := func(i int, sub any) {
		x.walk(sub, arr[i], append(loc[:len(loc):len(loc)], strconv.Itoa(i)), depth+1)
	}
	// draft-07 spells tuples items: [...] plus additionalItems; 2020-12
	// spells them prefixItems plus items.
	prefix, _ := s["prefixItems"].([]any)
	rest, hasRest := s["items"]
	if x.draft7 {
		prefix, hasRest = nil, false
		switch items := s["items"].(type) {
		case []any:
			prefix = items
			rest, hasRest = s["additionalItems"]
		case nil:
		default:
			rest, hasRest = items, true
		}
	}
	for i := 0; i < len(prefix) && i < len(arr); i++ {
		item(i, prefix[i])
	}
	if hasRest {
		for i := len(prefix); i < len(arr); i++ {
			item(i, rest)
		}
	}
}

func (x *explainer) str(s map[string]any, str string, loc []string) {
	n := utf8.RuneCountInString(str)
	if m, ok := s["minLength"]; ok && n < intOf(m) {
		x.fail(s, loc, "minLength")
	}
	if m, ok := s["maxLength"]; ok && n > intOf(m) {
		x.fail(s, loc, "maxLength")
	}
	if p, ok := s["pattern"].(string); ok {
		if re, err := regexp.Compile(p); err == nil && !re.MatchString(str) {
			x.fail(s, loc, "pattern")
		}
	}
}

func (x *explainer) number(s map[string]any, v any, loc []string) {
	n, _ := floatOf(v)
	if m, ok := floatOf(s["minimum"]); ok && n < m {
		x.fail(s, loc, "minimum")
	}
	if m, ok := floatOf(s["maximum"]); ok && n > m {
		x.fail(s, loc, "maximum")
	}
	if m, ok := floatOf(s["exclusiveMinimum"]); ok && n <= m {
		x.fail(s, loc, "exclusiveMinimum")
	}
	if m, ok := floatOf(s["exclusiveMaximum"]); ok && n >= m {
		x.fail(s, loc, "exclusiveMaximum")
	}
	if m, ok := floatOf(s["multipleOf"]); ok && m > 0 {
		if _, frac := math.Modf(n / m); frac != 0 {
			x.fail(s, loc, "multipleOf")
		}
	}
}

// deref follows a $ref inside the schema itself ("#", "#/$defs/x");
// anything else is left to jsonschema-go's words.
func (x *explainer) deref(ref string) any {
	if !strings.HasPrefix(ref, "#") {
		return nil
	}
	var cur any = x.root
	ptr := strings.TrimPrefix(ref, "#")
	if ptr == "" {
		return cur
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil // an anchor name
	}
	for _, part := range strings.Split(ptr[1:], "/") {
		if p, err := url.PathUnescape(part); err == nil {
			part = p
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// instanceType is v's JSON type; numbers with no fraction are "integer".
func instanceType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case int64, int:
		return "integer"
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return "integer"
		}
		return "number"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
}

func matchesType(v any, t any) bool {
	got := instanceType(v)
	ok := func(want string) bool { return got == want || (want == "number" && got == "integer") }
	switch t := t.(type) {
	case string:
		return ok(t)
	case []any:
		for _, w := range t {
			if s, _ := w.(string); ok(s) {
				return true
			}
		}
		return false
	}
	return true
}

func floatOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

func intOf(v any) int {
	f, _ := floatOf(v)
	return int(f)
}

// numString writes a schema's number as JSON would: 5, 1.5.
func numString(v any) string {
	f, ok := floatOf(v)
	if !ok {
		return "?"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// jsonEqual compares JSON values; numbers compare by value.
func jsonEqual(a, b any) bool {
	if fa, ok := floatOf(a); ok {
		fb, ok := floatOf(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !jsonEqual(xv, yv) {
				return false
			}
		}
		return true
	}
	return a == b
}

func containsJSON(list []any, v any) bool {
	for _, w := range list {
		if jsonEqual(w, v) {
			return true
		}
	}
	return false
}

func hasDuplicates(arr []any) bool {
	for i := range arr {
		for j := i + 1; j < len(arr); j++ {
			if jsonEqual(arr[i], arr[j]) {
				return true
			}
		}
	}
	return false
}

// hasKeyword reports whether the keyword appears in any schema object of
// the document (a property named like it counts too, which only costs a
// format walk).
func hasKeyword(v any, keyword string, depth int) bool {
	if depth > maxExplainDepth {
		return false
	}
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x[keyword]; ok {
			return true
		}
		for _, k := range sortedKeys(x) {
			if hasKeyword(x[k], keyword, depth+1) {
				return true
			}
		}
	case []any:
		for _, item := range x {
			if hasKeyword(item, keyword, depth+1) {
				return true
			}
		}
	}
	return false
}

// formatOK checks the formats draft-07 schemas commonly assert. Formats
// it does not know pass, as the specification allows.
func formatOK(name, s string) bool {
	switch name {
	case "date-time":
		_, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
		return err == nil
	case "date":
		_, err := time.Parse(time.DateOnly, s)
		return err == nil
	case "time":
		_, err := time.Parse("15:04:05Z07:00", strings.ToUpper(s))
		if err != nil {
			_, err = time.Parse("15:04:05.999999999Z07:00", strings.ToUpper(s))
		}
		return err == nil
	case "email", "idn-email":
		at := strings.LastIndexByte(s, '@')
		return at > 0 && at < len(s)-1 && at <= 64 && len(s) <= 254
	case "hostname":
		h := strings.TrimSuffix(s, ".")
		if h == "" || len(h) > 253 {
			return false
		}
		for _, label := range strings.Split(h, ".") {
			if !hostLabel(label) {
				return false
			}
		}
		return true
	case "ipv4":
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4()
	case "ipv6":
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is6() && a.Zone() == ""
	case "uri", "iri":
		u, err := url.Parse(s)
		return err == nil && u.IsAbs()
	case "uri-reference", "iri-reference":
		_, err := url.Parse(s)
		return err == nil && !strings.Contains(s, `\`)
	case "uuid":
		return isUUID(s)
	case "regex":
		_, err := regexp.Compile(s)
		return err == nil
	case "json-pointer":
		return s == "" || strings.HasPrefix(s, "/")
	}
	return true
}

// hostLabel: 1 to 63 letters, digits and hyphens, no hyphen at either end.
func hostLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// isUUID: 8-4-4-4-12 hexadecimal digits.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
				return false
			}
		}
	}
	return true
}
