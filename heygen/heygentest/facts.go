package heygentest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// apifacts.json holds the facts of every v3 endpoint that the sandbox needs
// to check requests: method, path, whether it pages, its query parameters
// (name, type, required, enum, bounds) and its request body schema reduced
// to types, nullability, enums, required fields, items and discriminated
// unions. It carries no descriptions or examples. It is generated from
// ../shared/heygen-api/v3-endpoints.json by
//
//	UPDATE_APIFACTS=1 go test -run TestAPIFactsNoDrift ./heygen/heygentest/
//
// and a test fails when regenerating would change it.
//
//go:embed apifacts.json
var apiFactsJSON []byte

type endpointFacts struct {
	Method    string          `json:"method"`
	Path      string          `json:"path"`
	Paginated bool            `json:"paginated,omitempty"`
	Multipart bool            `json:"multipart,omitempty"`
	Query     []queryFact     `json:"query,omitempty"`
	Request   json.RawMessage `json:"request,omitempty"`

	body *spec // compiled Request
}

type queryFact struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"` // int, float64 or string
	Required bool     `json:"required,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	Default  string   `json:"default,omitempty"`
}

// factSchema is the reduced JSON schema of apifacts.json.
type factSchema struct {
	Type       string                 `json:"type,omitempty"`
	Nullable   bool                   `json:"nullable,omitempty"`
	Enum       []any                  `json:"enum,omitempty"`
	Required   []string               `json:"required,omitempty"`
	Properties map[string]*factSchema `json:"properties,omitempty"`
	Items      *factSchema            `json:"items,omitempty"`
	OneOf      []*factSchema          `json:"oneOf,omitempty"`
	Disc       string                 `json:"discriminator,omitempty"`
	DiscValues []string               `json:"discriminator_values,omitempty"`
}

// apiFacts is decoded on first use, not at init: every kosmo process links
// the simulator (for --sandbox and dry runs), and most never start it.
var apiFacts = sync.OnceValue(mustLoadFacts)

func mustLoadFacts() map[string]*endpointFacts {
	var list []*endpointFacts
	if err := json.Unmarshal(apiFactsJSON, &list); err != nil {
		panic("heygentest: apifacts.json: " + err.Error())
	}
	out := make(map[string]*endpointFacts, len(list))
	for _, e := range list {
		if len(e.Request) > 0 && string(e.Request) != "null" {
			var fs factSchema
			if err := json.Unmarshal(e.Request, &fs); err != nil {
				panic("heygentest: apifacts.json: " + e.Method + " " + e.Path + ": " + err.Error())
			}
			e.body = fs.spec()
		}
		out[e.Method+" "+e.Path] = e
	}
	return out
}

// spec turns a reduced schema into the checker of validate.go.
func (f *factSchema) spec() *spec {
	if len(f.OneOf) > 0 {
		s := &spec{kind: kObject, disc: f.Disc, nullable: f.Nullable, discValues: f.DiscValues}
		for _, b := range f.OneOf {
			s.anyOf = append(s.anyOf, b.spec())
		}
		return s
	}
	s := &spec{nullable: f.Nullable}
	switch f.Type {
	case "string":
		s.kind = kString
		for _, e := range f.Enum {
			if str, isStr := e.(string); isStr {
				s.enum = append(s.enum, str)
			}
		}
	case "number":
		s.kind = kNumber
	case "integer":
		s.kind = kInteger
	case "boolean":
		s.kind = kBool
	case "array":
		s.kind = kArray
		if f.Items != nil {
			s.items = f.Items.spec()
		} else {
			s.items = &spec{}
		}
	case "object", "":
		if f.Type == "" && len(f.Properties) == 0 {
			return s // anything goes
		}
		s.kind = kObject
		s.required = f.Required
		s.props = map[string]*spec{}
		for name, p := range f.Properties {
			s.props[name] = p.spec()
		}
	}
	return s
}

// checkQuery validates the query parameters of a request against the
// endpoint's facts: required ones present, integers and numbers well
// formed and within bounds, enums respected.
func (e *endpointFacts) checkQuery(c *call) *apiError {
	for _, q := range e.Query {
		raw, has := c.query[q.Name]
		v := ""
		if has {
			v = strings.TrimSpace(raw[0])
		}
		if v == "" {
			if q.Required {
				return invalidParam(q.Name, "The query parameter %s is required.", q.Name)
			}
			continue
		}
		var n float64
		switch q.Type {
		case "int":
			i, err := strconv.Atoi(v)
			if err != nil {
				return invalidParam(q.Name, "%s must be an integer%s, got %q.", q.Name, boundsText(q), raw[0])
			}
			n = float64(i)
		case "float64":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return invalidParam(q.Name, "%s must be a number%s, got %q.", q.Name, boundsText(q), raw[0])
			}
			n = f
		}
		if q.Type != "string" && (q.Min != nil && n < *q.Min || q.Max != nil && n > *q.Max) {
			return invalidParam(q.Name, "%s must be%s, got %s.", q.Name, boundsText(q), v)
		}
		if len(q.Enum) > 0 && !contains(q.Enum, v) {
			return invalidParam(q.Name, "%s must be one of %s, got %q.", q.Name, quoteList(q.Enum), v)
		}
	}
	return nil
}

func boundsText(q queryFact) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	switch {
	case q.Min != nil && q.Max != nil:
		return fmt.Sprintf(" between %s and %s", f(*q.Min), f(*q.Max))
	case q.Min != nil:
		return " of at least " + f(*q.Min)
	case q.Max != nil:
		return " of at most " + f(*q.Max)
	}
	return ""
}

// pageBounds returns the default and maximum limit of a paged endpoint.
func (e *endpointFacts) pageBounds() (int, int) {
	def, max := 10, 100
	for _, q := range e.Query {
		if q.Name != "limit" {
			continue
		}
		if d, err := strconv.Atoi(q.Default); err == nil {
			def = d
		}
		if q.Max != nil {
			max = int(*q.Max)
		}
	}
	return def, max
}

// endpointKeys lists "METHOD /path" of every endpoint, sorted.
func endpointKeys() []string {
	keys := make([]string, 0, len(apiFacts()))
	for k := range apiFacts() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
