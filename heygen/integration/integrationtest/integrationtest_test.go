package integrationtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/heygen/integration/integrationtest"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Every generated function accepts the arguments built from its
// declaration, in every variant of its union.
func TestExampleArgsValidate(t *testing.T) {
	n := 0
	for _, f := range integration.New().Functions {
		if !f.Generated {
			continue
		}
		n++
		_, err := f.Validate(integrationtest.ExampleArgs(f))
		assert.NoError(t, err, f.Name)
		for _, v := range f.Variants {
			_, err := f.Validate(integrationtest.ExampleVariantArgs(f, v.Value))
			assert.NoError(t, err, "%s, variant %s", f.Name, v.Value)
		}
	}
	assert.Greater(t, n, 70, "the generated functions")
}

// Lua renders values that the VM reads back unchanged, whatever the keys
// and bytes of the strings.
func TestLuaRoundTrips(t *testing.T) {
	v := map[string]any{
		"name":      "quote \" backslash \\ newline \n tab \t é",
		"end":       true,
		"two words": int64(-3),
		"ratio":     0.25,
		"list":      []any{"a", int64(2), map[string]any{"nested": []any{false}}},
	}
	src := integrationtest.Lua(v)
	assert.Equal(t, `{["end"] = true, list = {"a", 2, {nested = {false}}}, name = "quote \" backslash \\ newline \010 tab \009 \195\169", ratio = 0.25, ["two words"] = -3}`, src)
	h, err := luahost.New(luahost.Options{Version: "test"})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	env := h.Run(context.Background(), "return "+src, luahost.RunOptions{})
	require.Nil(t, env.Error)
	assert.Equal(t, v, env.Result[0])
}

// A suite covers the generated functions by their declarations and must
// write arguments for the hand-written ones; stale entries are named too.
func TestUncovered(t *testing.T) {
	ig := &registry.Integration{Name: "demo", Functions: []*registry.Function{
		{Name: "by_hand"},
		{Name: "written"},
		{Name: "generated", Generated: true, Params: []registry.Param{{Name: "id", Type: registry.String, Required: true}}},
	}}
	written := map[string]string{"written": "{}", "gone": "{}"}
	assert.Equal(t, []string{
		"by_hand is written by hand: give it arguments",
		"gone has arguments but demo has no such function",
	}, integrationtest.Uncovered(ig, written))
	assert.Equal(t, `{id = "sample text"}`, integrationtest.CallArgs(ig.Functions[2], written))
	assert.Equal(t, "{}", integrationtest.CallArgs(ig.Functions[1], written))
	assert.Empty(t, integrationtest.CallArgs(ig.Functions[0], written))
}
