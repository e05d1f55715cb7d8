package mcpapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

func TestToolOp(t *testing.T) {
	assert.Equal(t, registry.Read, (&mcpapi.Tool{ReadOnly: true}).Op())
	assert.Equal(t, registry.Write, (&mcpapi.Tool{}).Op(), "a tool without readOnlyHint is a write")
}

func TestResultText(t *testing.T) {
	r := &mcpapi.ToolResult{Content: []map[string]any{
		{"type": "text", "text": "one"},
		{"type": "image", "data": "AAE=", "mimeType": "image/png"},
		{"type": "text", "text": "two"},
	}}
	assert.Equal(t, "one\ntwo", r.Text())
	assert.Equal(t, "", (&mcpapi.ToolResult{}).Text())
}
