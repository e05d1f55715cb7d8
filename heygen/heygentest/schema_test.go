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
	"github.com/stretchr/testify/require"
)

// The files in testdata/schemas hold the request and response schemas of
// every endpoint the sandbox serves, copied from the HeyGen v3 endpoint
// catalogue. Regenerate them with
//
//	HEYGENTEST_ENDPOINTS_JSON=/path/to/v3-endpoints.json go test -run TestGenerateSchemas ./heygen/heygentest/
//
// Normal test runs only read testdata.

const schemaDir = "testdata/schemas"

func schemaFileName(method, pattern string) string {
	p := strings.NewReplacer("{", "", "}", "", "/", "_").Replace(strings.TrimPrefix(pattern, "/"))
	return method + "_" + p + ".json"
}

func TestGenerateSchemas(t *testing.T) {
	src := os.Getenv("HEYGENTEST_ENDPOINTS_JSON")
	if src == "" {
		t.Skip("set HEYGENTEST_ENDPOINTS_JSON to regenerate testdata/schemas")
	}
	raw, err := os.ReadFile(src)
	require.NoError(t, err)
	var endpoints []map[string]any
	require.NoError(t, json.Unmarshal(raw, &endpoints))
	s := New(Options{})
	for _, rt := range s.routes {
		var found map[string]any
		for _, e := range endpoints {
			if e["method"] == rt.method && e["path"] == rt.pattern {
				found = e
			}
		}
		require.NotNil(t, found, "%s %s is not in the catalogue", rt.method, rt.pattern)
		out := map[string]any{
			"method":          found["method"],
			"path":            found["path"],
			"query_params":    found["query_params"],
			"request_schema":  found["request_schema"],
			"response_schema": found["response_schema"],
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(out))
		require.NoError(t, os.WriteFile(filepath.Join(schemaDir, schemaFileName(rt.method, rt.pattern)), buf.Bytes(), 0o644))
	}
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
	f, err := os.Open(filepath.Join(schemaDir, file))
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	if part != "" {
		doc = doc.(map[string]any)[part]
		require.NotNil(t, doc, "%s has no %s", file, part)
	}
	c := jsonschema.NewCompiler()
	url := "file:///" + strings.ReplaceAll(key, "#", "/")
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

// TestSchemaFilesCoverRoutes checks that testdata has exactly one schema
// file per route, each naming its route, with a response schema.
func TestSchemaFilesCoverRoutes(t *testing.T) {
	s := New(Options{})
	want := map[string]bool{}
	for _, rt := range s.routes {
		name := schemaFileName(rt.method, rt.pattern)
		want[name] = true
		raw, err := os.ReadFile(filepath.Join(schemaDir, name))
		require.NoError(t, err, "missing schema file for %s %s", rt.method, rt.pattern)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(raw, &doc))
		require.Equal(t, rt.method, doc["method"])
		require.Equal(t, rt.pattern, doc["path"])
		require.NotNil(t, doc["response_schema"])
		loadSchema(t, name, "response_schema", true)
		if doc["request_schema"] != nil {
			loadSchema(t, name, "request_schema", false)
		}
	}
	entries, err := os.ReadDir(schemaDir)
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() != "error.json" {
			require.True(t, want[e.Name()], "stray schema file %s", e.Name())
		}
	}
	require.Len(t, want, 15)
}
