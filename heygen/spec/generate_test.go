package spec_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/spec"
)

const root = "../.."

func readSpec(t *testing.T) ([]byte, []byte) {
	t.Helper()
	specJSON, table, _ := readInputs(t)
	return specJSON, table
}

func readInputs(t *testing.T) ([]byte, []byte, []byte) {
	t.Helper()
	rules, err := os.ReadFile(filepath.Join(root, spec.RulesPath))
	require.NoError(t, err)
	specJSON, err := os.ReadFile(filepath.Join(root, spec.SpecPath))
	require.NoError(t, err, "the v3 endpoint list must sit beside the repository")
	table, err := os.ReadFile(filepath.Join(root, spec.TablePath))
	require.NoError(t, err)
	return specJSON, table, rules
}

// TestGeneratedFilesUpToDate fails when `go generate ./heygen/spec` would
// change a committed file.
func TestGeneratedFilesUpToDate(t *testing.T) {
	specJSON, table, rules := readInputs(t)
	files, err := spec.Generate(specJSON, table, rules)
	require.NoError(t, err)
	require.Len(t, files, 2)
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s is stale: run go generate ./heygen/spec", name)
	}
}

// TestGeneratedCodeHoldsNoSpecProse checks that no description, summary
// or example of the spec reached the generated files: every string
// literal of more than three words must come from functions.txt.
func TestGeneratedCodeHoldsNoSpecProse(t *testing.T) {
	specJSON, table := readSpec(t)
	var raw []any
	require.NoError(t, json.Unmarshal(specJSON, &raw))
	var prose []string
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && (k == "description" || k == "summary" || k == "title" || k == "example") {
					if len(strings.Fields(s)) > 3 {
						prose = append(prose, s)
					}
					continue
				}
				collect(e)
			}
		case []any:
			for _, e := range x {
				collect(e)
			}
		}
	}
	collect(raw)
	require.NotEmpty(t, prose)
	files, err := spec.Generate(specJSON, table, nil)
	require.NoError(t, err)
	_, _, rules := readInputs(t)
	files["functions.txt"], files["rules.txt"] = table, rules
	for name, src := range files {
		for _, p := range prose {
			assert.NotContains(t, string(src), p, "%s copies the spec's text", name)
		}
	}
	// no sentence of the spec either, even inside a longer text
	for _, p := range prose {
		for _, sentence := range strings.Split(p, ". ") {
			if len(strings.Fields(sentence)) < 6 {
				continue
			}
			assert.NotContains(t, string(table), sentence, "functions.txt copies a sentence of the spec")
		}
	}
}

func TestTableCoversEverySpecEndpointOnce(t *testing.T) {
	specJSON, table := readSpec(t)
	eps, err := spec.ParseSpec(specJSON)
	require.NoError(t, err)
	entries, err := spec.ParseTable(table)
	require.NoError(t, err)
	assert.Len(t, eps, 85)
	assert.Len(t, entries, len(eps))
	count := map[string]int{}
	for _, e := range entries {
		count[e.Request()]++
	}
	for _, ep := range eps {
		assert.Equal(t, 1, count[ep.Request()], ep.Request())
	}
}

func TestTableRejectsMistakes(t *testing.T) {
	for name, line := range map[string]string{
		"columns":  "GET /v3/x | list_x | videos | -",
		"name":     "GET /v3/x | ListX | videos | - | text",
		"reserved": "GET /v3/x | download_all | videos | - | text\nGET /v3/y | upload_asset | assets | - | text",
		"dup":      "GET /v3/x | list_x | videos | - | text\nGET /v3/x | list_y | videos | - | text",
	} {
		_, err := spec.ParseTable([]byte(line))
		assert.Error(t, err, name)
	}
}

func TestGenerateRefusesAMismatchedTable(t *testing.T) {
	specJSON, table := readSpec(t)
	lines := strings.Split(string(table), "\n")
	var kept []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "GET /v3/brand-kits ") {
			kept = append(kept, l)
		}
	}
	_, err := spec.Generate(specJSON, []byte(strings.Join(kept, "\n")), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GET /v3/brand-kits has no line in functions.txt")
}

func TestRulesAreCheckedAndApplied(t *testing.T) {
	specJSON, table, _ := readInputs(t)
	_, err := spec.Generate(specJSON, table, []byte("POST /v3/voices/speech | txt | chars 1..5000"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "match no parameter")

	_, err = spec.Generate(specJSON, table, []byte("POST /v3/voices/speech | text | range 1..5000"))
	require.Error(t, err, "a range rule does not apply to a string")

	for _, bad := range []string{"POST /v3/x | a | chars", "POST /v3/x | a | size 1..2", "POST /v3/x | a | items 1.5..2", "POST /v3/x | a"} {
		_, err := spec.ParseRules([]byte(bad))
		assert.Error(t, err, bad)
	}

	files, err := spec.Generate(specJSON, table, []byte("POST /v3/voices/speech | text | chars 1..5000\nPOST /v3/voices/speech | speed | range 0.5..2"))
	require.NoError(t, err)
	src := string(files[spec.IntegrationFile])
	assert.Contains(t, src, `{Name: "text", Type: registry.String, Required: true, MinLen: 1, MaxLen: 5000}`)
	assert.Contains(t, src, `{Name: "speed", Type: registry.Number, ServerDefault: 1.0, Min: registry.Ptr(0.5), Max: registry.Ptr(2)}`)
}
