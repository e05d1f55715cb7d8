package heygentest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The request and response schemas of every endpoint come from HeyGen's
// endpoint catalogue beside the repository (specPath); only the error
// envelope, which the catalogue does not describe, is kept in
// testdata/schemas/error.json.

const schemaDir = "testdata/schemas"

// schemaFileName names an endpoint's schemas for loadSchema.
func schemaFileName(method, pattern string) string { return method + " " + pattern }

var (
	specOnce  sync.Once
	specByKey map[string]map[string]any
)

// specEndpoint returns the catalogue entry of "METHOD /path".
func specEndpoint(t testing.TB, key string) map[string]any {
	t.Helper()
	specOnce.Do(func() {
		raw, err := os.ReadFile(specPath)
		if err != nil {
			return
		}
		var eps []map[string]any
		if json.Unmarshal(raw, &eps) != nil {
			return
		}
		specByKey = map[string]map[string]any{}
		for _, e := range eps {
			specByKey[e["method"].(string)+" "+e["path"].(string)] = e
		}
	})
	require.NotNil(t, specByKey, "the HeyGen endpoint catalogue must be readable at %s", specPath)
	e := specByKey[key]
	require.NotNil(t, e, "%s is not in the catalogue", key)
	return e
}

// toJSONSchema turns the OpenAPI 3.0 flavour of the catalogue into plain
// JSON Schema: "nullable: true" becomes a union with null, discriminated
// oneOfs become anyOfs (their branches are told apart only by the
// discriminator, which JSON Schema cannot express), and, when strict is
// set, objects that declare properties reject undeclared ones, so that the
// sandbox cannot invent field names. "properties": {} stays free-form.
func toJSONSchema(v any, strict bool) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toJSONSchema(e, strict)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			switch k {
			case "nullable", "discriminator", "description":
			case "properties":
				props := map[string]any{}
				for name, ps := range val.(map[string]any) {
					props[name] = toJSONSchema(ps, strict)
				}
				out[k] = props
			case "enum", "default", "required":
				out[k] = val
			default:
				out[k] = toJSONSchema(val, strict)
			}
		}
		if _, disc := x["discriminator"]; disc {
			if branches, has := out["oneOf"]; has {
				delete(out, "oneOf")
				out["anyOf"] = branches
			}
		}
		if props, has := out["properties"].(map[string]any); has && strict && len(props) > 0 {
			out["additionalProperties"] = false
		}
		if x["nullable"] == true {
			if t, isStr := out["type"].(string); isStr {
				out["type"] = []any{t, "null"}
				if e, hasEnum := out["enum"].([]any); hasEnum {
					out["enum"] = append(append([]any{}, e...), nil)
				}
			} else {
				return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, out}}
			}
		}
		return out
	}
	return v
}

var (
	schemaMu    sync.Mutex
	schemaCache = map[string]*jsonschema.Schema{}
)

// loadSchema compiles one schema from testdata: part is "request_schema"
// or "response_schema" of an endpoint file, or "" for a whole file (the
// error envelope).
func loadSchema(t testing.TB, file, part string, strict bool) *jsonschema.Schema {
	t.Helper()
	key := fmt.Sprintf("%s#%s#%v", file, part, strict)
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if sch, has := schemaCache[key]; has {
		return sch
	}
	var doc any
	if part == "" {
		f, err := os.Open(filepath.Join(schemaDir, file))
		require.NoError(t, err)
		defer f.Close()
		doc, err = jsonschema.UnmarshalJSON(f)
		require.NoError(t, err)
	} else {
		// Round-trip through the schema library's decoder so numbers are
		// what it expects.
		b, err := json.Marshal(specEndpoint(t, file)[part])
		require.NoError(t, err)
		doc, err = jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err)
		require.NotNil(t, doc, "%s has no %s", file, part)
	}
	c := jsonschema.NewCompiler()
	url := "file:///" + strings.NewReplacer("#", "/", " ", "_", "{", "", "}", "").Replace(key)
	require.NoError(t, c.AddResource(url, toJSONSchema(doc, strict)))
	sch, err := c.Compile(url)
	require.NoError(t, err)
	schemaCache[key] = sch
	return sch
}

// validateJSON checks a JSON document against a compiled schema.
func validateJSON(t testing.TB, sch *jsonschema.Schema, body []byte, what string) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	require.NoError(t, err, "%s: body is not JSON: %s", what, body)
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s does not match its schema: %v\nbody: %s", what, err, truncate(body, 2000))
	}
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// TestRoutesCoverCatalogue checks that the sandbox serves exactly the
// endpoints of the catalogue, each with compilable schemas and with facts.
func TestRoutesCoverCatalogue(t *testing.T) {
	s := New(Options{})
	served := map[string]bool{}
	for _, rt := range s.routes {
		key := schemaFileName(rt.method, rt.pattern)
		require.False(t, served[key], "%s is routed twice", key)
		served[key] = true
		e := specEndpoint(t, key)
		require.NotNil(t, apiFacts()[key], "%s has no facts", key)
		if e["response_schema"] != nil {
			loadSchema(t, key, "response_schema", true)
		}
		if e["request_schema"] != nil {
			loadSchema(t, key, "request_schema", false)
		}
	}
	for _, key := range endpointKeys() {
		assert.True(t, served[key], "%s is not served", key)
	}
	require.Len(t, served, 85)
	entries, err := os.ReadDir(schemaDir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only error.json stays in testdata/schemas")
}
