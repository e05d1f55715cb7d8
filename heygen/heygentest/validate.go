package heygentest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// This file holds a small declarative checker for JSON request bodies. It
// covers what the request schemas of the sandbox's endpoints use: types,
// nullability, enums, numeric and length bounds, required fields, nested
// objects, arrays and unions chosen by a discriminator field. Fields a spec
// does not name are ignored, as the real API does.

type kind int

const (
	kString kind = iota + 1
	kNumber
	kInteger
	kBool
	kObject
	kArray
)

type spec struct {
	kind     kind
	nullable bool
	enum     []string
	min, max *float64 // value bounds for numbers, length bounds for arrays
	minExcl  bool     // min is exclusive
	props    map[string]*spec
	required []string
	items    *spec
	disc     string           // for unions: the discriminator field
	variants map[string]*spec // for unions: one object spec per discriminator value

	// Unions read from the endpoint facts: the discriminator must take one
	// of discValues and the object must match at least one branch.
	anyOf      []*spec
	discValues []string
}

func str() *spec                 { return &spec{kind: kString} }
func num() *spec                 { return &spec{kind: kNumber} }
func integer() *spec             { return &spec{kind: kInteger} }
func boolean() *spec             { return &spec{kind: kBool} }
func oneOfStr(v ...string) *spec { return &spec{kind: kString, enum: v} }

func object(required []string, props map[string]*spec) *spec {
	return &spec{kind: kObject, required: required, props: props}
}

func array(items *spec) *spec { return &spec{kind: kArray, items: items} }

func union(disc string, variants map[string]*spec) *spec {
	return &spec{kind: kObject, disc: disc, variants: variants}
}

// null marks the spec nullable. Specs are built fresh by every helper, so
// modifying them in place is safe.
func (s *spec) null() *spec { s.nullable = true; return s }

func (s *spec) between(lo, hi float64) *spec { s.min, s.max = &lo, &hi; return s }

func (s *spec) above(lo, hi float64) *spec {
	s.between(lo, hi)
	s.minExcl = true
	return s
}

// decodeObject parses a request body that must be a JSON object. Numbers
// stay json.Number so that integers can be told from fractions.
func decodeObject(body []byte) (map[string]any, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, invalidParam("", "The request body is empty; a JSON object is required.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, invalidParam("", "The request body is not valid JSON: %v.", err)
	}
	if dec.More() {
		return nil, invalidParam("", "The request body has data after its JSON value.")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, invalidParam("", "The request body must be a JSON object.")
	}
	return m, nil
}

func joinPath(base, field string) string {
	if base == "" {
		return field
	}
	return base + "." + field
}

// check validates v against s. path names v in error params ("" for the
// body itself).
func (s *spec) check(v any, path string) *apiError {
	if v == nil {
		if s.nullable {
			return nil
		}
		return invalidParam(path, "%s must not be null.", label(path))
	}
	switch s.kind {
	case kString:
		x, ok := v.(string)
		if !ok {
			return invalidParam(path, "%s must be a string.", label(path))
		}
		if len(s.enum) > 0 && !contains(s.enum, x) {
			return invalidParam(path, "%s must be one of %s, got %q.", label(path), quoteList(s.enum), x)
		}
	case kNumber, kInteger:
		n, ok := v.(json.Number)
		if !ok {
			return invalidParam(path, "%s must be a number.", label(path))
		}
		f, err := n.Float64()
		if err != nil {
			return invalidParam(path, "%s must be a number.", label(path))
		}
		if s.kind == kInteger && f != math.Trunc(f) {
			return invalidParam(path, "%s must be an integer.", label(path))
		}
		if s.min != nil && (f < *s.min || (s.minExcl && f == *s.min)) || s.max != nil && f > *s.max {
			return invalidParam(path, "%s must be %s.", label(path), s.rangeText())
		}
	case kBool:
		if _, ok := v.(bool); !ok {
			return invalidParam(path, "%s must be a boolean.", label(path))
		}
	case kArray:
		a, ok := v.([]any)
		if !ok {
			return invalidParam(path, "%s must be an array.", label(path))
		}
		if s.min != nil && float64(len(a)) < *s.min || s.max != nil && float64(len(a)) > *s.max {
			return invalidParam(path, "%s must have %s items.", label(path), s.rangeText())
		}
		for i, it := range a {
			if err := s.items.check(it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case 0: // free-form
	case kObject:
		m, ok := v.(map[string]any)
		if !ok {
			return invalidParam(path, "%s must be an object.", label(path))
		}
		if len(s.anyOf) > 0 {
			return s.checkAnyOf(m, path)
		}
		if s.disc != "" {
			return s.checkUnion(m, path)
		}
		return s.checkObject(m, path)
	}
	return nil
}

func (s *spec) checkObject(m map[string]any, path string) *apiError {
	for _, r := range s.required {
		if _, ok := m[r]; !ok {
			return invalidParam(joinPath(path, r), "%s is required.", joinPath(path, r))
		}
	}
	names := make([]string, 0, len(s.props))
	for name := range s.props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if v, ok := m[name]; ok {
			if err := s.props[name].check(v, joinPath(path, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *spec) checkUnion(m map[string]any, path string) *apiError {
	dp := joinPath(path, s.disc)
	keys := make([]string, 0, len(s.variants))
	for k := range s.variants {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	raw, ok := m[s.disc]
	if !ok {
		return invalidParam(dp, "%s is required (one of %s).", dp, quoteList(keys))
	}
	d, ok := raw.(string)
	if !ok {
		return invalidParam(dp, "%s must be a string (one of %s).", dp, quoteList(keys))
	}
	variant, ok := s.variants[d]
	if !ok {
		return invalidParam(dp, "%s must be one of %s, got %q.", dp, quoteList(keys), d)
	}
	return variant.checkObject(m, path)
}

// checkAnyOf accepts an object that matches one of the branches. When
// none matches, the error comes from the branch that names a field after
// the discriminator value (asset_id, url, ...), else from the first.
func (s *spec) checkAnyOf(m map[string]any, path string) *apiError {
	if s.disc != "" {
		dp := joinPath(path, s.disc)
		raw, has := m[s.disc]
		if !has {
			return invalidParam(dp, "%s is required (one of %s).", dp, quoteList(s.discValues))
		}
		d, isStr := raw.(string)
		if !isStr {
			return invalidParam(dp, "%s must be a string (one of %s).", dp, quoteList(s.discValues))
		}
		if len(s.discValues) > 0 && !contains(s.discValues, d) {
			return invalidParam(dp, "%s must be one of %s, got %q.", dp, quoteList(s.discValues), d)
		}
	}
	var first, named *apiError
	d, _ := m[s.disc].(string)
	for _, b := range s.anyOf {
		err := b.check(m, path)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
		if _, has := b.props[d]; has && named == nil {
			named = err
		}
	}
	if named != nil {
		return named
	}
	return first
}

func (s *spec) rangeText() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	switch {
	case s.min != nil && s.max != nil && s.minExcl:
		return fmt.Sprintf("greater than %s and at most %s", f(*s.min), f(*s.max))
	case s.min != nil && s.max != nil:
		return fmt.Sprintf("between %s and %s", f(*s.min), f(*s.max))
	case s.min != nil:
		return "at least " + f(*s.min)
	case s.max != nil:
		return "at most " + f(*s.max)
	}
	return "in range"
}

func label(path string) string {
	if path == "" {
		return "The request body"
	}
	return path
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// Accessors for already validated bodies.

func getString(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func getObject(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

func getNumber(m map[string]any, key string) (float64, bool) {
	n, ok := m[key].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func getBool(m map[string]any, key string) bool {
	b, _ := m[key].(bool)
	return b
}

func present(m map[string]any, key string) bool {
	v, ok := m[key]
	return ok && v != nil
}
