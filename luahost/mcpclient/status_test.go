package mcpclient

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

func TestDisabledServers(t *testing.T) {
	cfg, err := Parse("/proj/.mcp.json", []byte(`{"mcpServers": {
  "on": {"command": "srv"},
  "off": {"command": "srv", "disabled": true},
  "web": {"type": "http", "url": "https://example.com/mcp", "disabled": false}
}}`))
	require.NoError(t, err)
	assert.True(t, cfg.Servers["off"].Disabled)
	assert.Equal(t, []string{"on", "web"}, cfg.Names(), "Names lists the servers in use")
	assert.Equal(t, []string{"off", "on", "web"}, cfg.All())

	_, err = Parse("f.json", []byte(`{"mcpServers": {"x": {"command": "srv", "disabled": "yes"}}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mcpServers.x.disabled must be true or false, got a string")

	// A disabled server is never started.
	p := New(cfg, Options{})
	s := p.Session()
	defer s.Close()
	_, err = s.Tools(context.Background(), "off")
	require.Error(t, err)
	assert.Equal(t, errcode.ConfigError, errcode.CodeOf(err))
	assert.Contains(t, err.Error(), `MCP server "off" is disabled in /proj/.mcp.json`)
}

func TestStatusStartsNothing(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "srv")
	require.NoError(t, os.WriteFile(exe, []byte("#!/bin/sh\necho started > "+filepath.Join(dir, "ran")+"\n"), 0o755))
	cfg := &Config{Servers: map[string]ServerConfig{
		"ok":      {Name: "ok", Type: Stdio, Command: "srv", Source: "f.json"},
		"missing": {Name: "missing", Type: Stdio, Command: "nope", Source: "f.json"},
		"vars":    {Name: "vars", Type: HTTP, URL: "https://example.com/mcp?key=${API_KEY}", Source: "f.json"},
		"off":     {Name: "off", Type: Stdio, Command: "srv", Disabled: true, Source: "f.json"},
	}}
	p := New(cfg, Options{Env: map[string]string{"PATH": dir}})
	byName := map[string]Status{}
	for _, s := range p.Status() {
		byName[s.Name] = s
	}
	assert.Equal(t, "configured", byName["ok"].State)
	assert.Equal(t, "error", byName["missing"].State)
	assert.Contains(t, byName["missing"].Problem, `cannot start "nope"`)
	assert.Equal(t, "error", byName["vars"].State)
	assert.Contains(t, byName["vars"].Problem, "API_KEY")
	assert.Equal(t, "https://example.com/mcp?key=${API_KEY}", byName["vars"].Target, "the file's words, not the secret")
	assert.Equal(t, "disabled", byName["off"].State)
	assert.NoFileExists(t, filepath.Join(dir, "ran"))

	assert.Equal(t, "https://example.com/mcp?…", Target(ServerConfig{Type: HTTP, URL: "https://example.com/mcp?token=abc"}))
	assert.Equal(t, `srv -x "a b"`, Target(ServerConfig{Type: Stdio, Command: "srv", Args: []string{"-x", "a b"}}))
}
