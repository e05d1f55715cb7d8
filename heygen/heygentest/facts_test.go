package heygentest

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// specPath is HeyGen's endpoint catalogue, always beside the repository.
const specPath = "../../../shared/heygen-api/v3-endpoints.json"

type rawEndpoint struct {
	Method       string         `json:"method"`
	Path         string         `json:"path"`
	Paginated    bool           `json:"paginated"`
	BodyEncoding *string        `json:"body_encoding"`
	Query        []rawQuery     `json:"query_params"`
	Request      map[string]any `json:"request_schema"`
	Response     map[string]any `json:"response_schema"`
}

type rawQuery struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Default  *string  `json:"default"`
	Enum     []string `json:"enum"`
	Min      *float64 `json:"min"`
	Max      *float64 `json:"max"`
}

func readSpec(t testing.TB) []rawEndpoint {
	t.Helper()
	raw, err := os.ReadFile(specPath)
	require.NoError(t, err, "the HeyGen endpoint catalogue must be at %s", specPath)
	var eps []rawEndpoint
	require.NoError(t, json.Unmarshal(raw, &eps))
	return eps
}

// reduceSchema keeps only the facts of a schema: no descriptions, titles,
// examples or defaults.
func reduceSchema(v map[string]any) *factSchema {
	if v == nil {
		return nil
	}
	f := &factSchema{}
	f.Type, _ = v["type"].(string)
	f.Nullable, _ = v["nullable"].(bool)
	if e, has := v["enum"].([]any); has {
		f.Enum = e
	}
	if r, has := v["required"].([]any); has {
		for _, x := range r {
			f.Required = append(f.Required, x.(string))
		}
	}
	if p, has := v["properties"].(map[string]any); has && len(p) > 0 {
		f.Properties = map[string]*factSchema{}
		for name, ps := range p {
			f.Properties[name] = reduceSchema(ps.(map[string]any))
		}
	}
	if it, has := v["items"].(map[string]any); has {
		f.Items = reduceSchema(it)
	}
	if branches, has := v["oneOf"].([]any); has {
		for _, b := range branches {
			f.OneOf = append(f.OneOf, reduceSchema(b.(map[string]any)))
		}
	}
	if d, has := v["discriminator"].(map[string]any); has {
		f.Disc, _ = d["propertyName"].(string)
		if m, has := d["mapping"].(map[string]any); has {
			for k := range m {
				f.DiscValues = append(f.DiscValues, k)
			}
			sort.Strings(f.DiscValues)
		}
	}
	return f
}

func generateFacts(t testing.TB) []byte {
	var out []*endpointFacts
	for _, e := range readSpec(t) {
		ef := &endpointFacts{Method: e.Method, Path: e.Path, Paginated: e.Paginated,
			Multipart: e.BodyEncoding != nil && *e.BodyEncoding == "multipart"}
		for _, q := range e.Query {
			qf := queryFact{Name: q.Name, Type: q.Type, Required: q.Required, Enum: q.Enum, Min: q.Min, Max: q.Max}
			if q.Default != nil {
				qf.Default = *q.Default
			}
			ef.Query = append(ef.Query, qf)
		}
		if e.Request != nil && !ef.Multipart {
			b, err := json.Marshal(reduceSchema(e.Request))
			require.NoError(t, err)
			ef.Request = b
		}
		out = append(out, ef)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(out))
	return buf.Bytes()
}

// TestAPIFactsNoDrift fails when apifacts.json differs from what the
// catalogue gives; UPDATE_APIFACTS=1 rewrites it.
func TestAPIFactsNoDrift(t *testing.T) {
	got := generateFacts(t)
	if os.Getenv("UPDATE_APIFACTS") == "1" {
		require.NoError(t, os.WriteFile("apifacts.json", got, 0o644))
		return
	}
	want, err := os.ReadFile("apifacts.json")
	require.NoError(t, err)
	require.Equal(t, string(got), string(want), "apifacts.json is stale: run UPDATE_APIFACTS=1 go test -run TestAPIFactsNoDrift ./heygen/heygentest/")
}
