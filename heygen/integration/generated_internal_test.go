package integration

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/heygen/spec"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// TestEverySpecEndpointHasExactlyOneFunction: each v3 endpoint is served
// either by one generated function or by the hand-written function the
// table names, never by both and never by none.
func TestEverySpecEndpointHasExactlyOneFunction(t *testing.T) {
	ig := New()
	generated := map[string][]string{}
	for _, f := range generatedFunctions() {
		generated[f.Request] = append(generated[f.Request], f.Name)
	}
	eps := heygen.Endpoints()
	require.Len(t, eps, 85)
	for _, ep := range eps {
		req := ep.String()
		cover, covered := coveredEndpoints[req]
		switch {
		case covered:
			assert.Empty(t, generated[req], "%s is covered by %s and must not also be generated", req, cover)
			_, ok := ig.Function(cover)
			assert.True(t, ok, "%s is covered by %s, which does not exist", req, cover)
		default:
			assert.Len(t, generated[req], 1, "%s needs exactly one generated function", req)
		}
	}
	assert.Len(t, generatedFunctions(), 85-len(coveredEndpoints))
	for _, name := range spec.Reserved {
		_, ok := ig.Function(name)
		assert.True(t, ok, "the reserved name %s belongs to a hand-written function", name)
	}
}

// TestGeneratedFunctionsFollowTheSpec spot-checks the facts carried over:
// read for GET and write otherwise, path parameters required, query
// ranges and enums, body fields with their required flags.
func TestGeneratedFunctionsFollowTheSpec(t *testing.T) {
	ig := New()
	for _, f := range generatedFunctions() {
		if f.Request[:4] == "GET " {
			assert.Equal(t, "read", string(f.Op), f.Name)
		} else {
			assert.Equal(t, "write", string(f.Op), f.Name)
		}
	}
	f, ok := ig.Function("search_assets")
	require.True(t, ok)
	names := f.ParamNames()
	assert.Equal(t, []string{"query", "limit", "token", "type", "scope"}, names)
	assert.True(t, f.Params[0].Required)
	assert.Equal(t, 50.0, *f.Params[1].Max)
	assert.Equal(t, []string{"image", "icon"}, f.Params[3].Enum)
	assert.Equal(t, "public", f.Params[4].ServerDefault)

	f, ok = ig.Function("get_lipsync")
	require.True(t, ok)
	assert.Equal(t, "GET /v3/lipsyncs/{lipsync_id}", f.Request)
	assert.Equal(t, "lipsync", f.Area)
	require.Len(t, f.Params, 1)
	assert.True(t, f.Params[0].Required)

	f, ok = ig.Function("create_lipsync")
	require.True(t, ok)
	assert.Equal(t, []string{"video", "audio"}, f.ParamNames()[:2])
	assert.Equal(t, "type", f.Params[0].Discriminator)
	values := []string{}
	for _, v := range f.Params[0].Variants {
		values = append(values, v.Value)
	}
	assert.Equal(t, []string{"asset_id", "url"}, values)

	f, ok = ig.Function("create_avatar")
	require.True(t, ok)
	assert.Equal(t, "type", f.Discriminator)
	require.Len(t, f.Variants, 3)
	assert.Equal(t, "prompt", f.Variants[2].Value)
	assert.True(t, slices.ContainsFunc(f.Variants[2].Fields, func(p registry.Param) bool { return p.Name == "prompt" && p.Required }))
}
