package main

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/luahost/mcpclient"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// mcpConfigFiles lists where MCP servers are read from, lowest priority
// first: the user's file, then the project's .mcp.json (which wins for a
// server declared in both). --mcp-config FILE replaces both.
func mcpConfigFiles(st *State, explicit string) (files []string, mustExist bool) {
	if explicit != "" {
		if !filepath.IsAbs(explicit) {
			explicit = filepath.Join(st.Dir, explicit)
		}
		return []string{explicit}, true
	}
	return []string{
		filepath.Join(configDir(st), "mcp.json"),
		filepath.Join(st.Dir, ".mcp.json"),
	}, false
}

// loadMCPConfig reads and merges the MCP server files. Missing default
// files are fine; a missing --mcp-config file, bad JSON, unknown keys or a
// server without command/url are config errors (exit 3).
func loadMCPConfig(st *State, explicit string) (*mcpclient.Config, error) {
	files, mustExist := mcpConfigFiles(st, explicit)
	merged := &mcpclient.Config{Servers: map[string]mcpclient.ServerConfig{}}
	seen := map[string]bool{}
	for _, path := range files {
		if seen[path] {
			continue // the working directory is the config directory
		}
		seen[path] = true
		data, err := st.ReadFile(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && !mustExist {
				continue
			}
			return nil, errcode.New(errcode.ConfigError, "MCP config %s: cannot read it: %v", path, unwrapPathError(err)).
				WithHint("check the path given to --mcp-config")
		}
		cfg, err := mcpclient.Parse(path, data)
		if err != nil {
			return nil, err
		}
		merged = mcpclient.Merge(merged, cfg)
	}
	return merged, nil
}

// mcpProvider builds the MCP provider for a host: the configured servers,
// started with kosmo's environment, under the [integrations.mcp.permissions]
// policy of the config file. nil when no server is configured.
func mcpProvider(st *State, cfg *Config, explicit string) (mcpapi.Provider, error) {
	mc, err := loadMCPConfig(st, explicit)
	if err != nil {
		return nil, err
	}
	if len(mc.Servers) == 0 {
		return nil, nil
	}
	policy, err := resolvePolicy(cfg, "mcp", cfg.Integrations["mcp"].Permissions)
	if err != nil {
		return nil, err
	}
	return newMCPClient(st, mc, policy), nil
}

// newMCPClient is the one place kosmo builds an MCP client (for scripts,
// the mcp:* commands and the gateway's upstreams): servers get kosmo's
// environment and directories, under policy, and their secrets are known
// to the redactor.
func newMCPClient(st *State, mc *mcpclient.Config, policy registry.Policy) *mcpclient.Provider {
	st.Redactor.Add(mcpSecrets(mc, st.Env)...)
	return mcpclient.New(mc, mcpclient.Options{
		Redactor: st.Redactor,
		Env:      st.Env,
		Dir:      st.Dir,
		Home:     st.Home,
		Policy:   policy,
		Version:  versionString(),
	})
}
