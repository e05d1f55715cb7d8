package main

import (
	"path/filepath"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/fsroot"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// buildHostOptions wires configuration, accounts, the sandbox and MCP into
// host options. cleanup stops whatever was started (the simulated HeyGen).
func buildHostOptions(st *State, cfg *Config, o luaOptions) (luahost.Options, func(), error) {
	opts := luahost.Options{
		Scope:   o.scope,
		Force:   o.force,
		Sandbox: o.sandbox,
		Version: versionString(),
		Stderr:  st.Stderr,
	}
	cleanup := func() {}
	files, err := fileRoots(st, o)
	if err != nil {
		return opts, cleanup, err
	}
	opts.Files = files
	cleanup = func() { files.Close() }
	mcp, err := mcpProvider(st, cfg, o.mcpConfig)
	if err != nil {
		return opts, cleanup, err
	}
	opts.MCP = mcp
	if o.scope == luahost.ScopeIntegrations {
		bindings, err := buildBindings(st, cfg, o.account)
		if err != nil {
			return opts, cleanup, err
		}
		if o.sandbox {
			url, stop, err := startSandbox()
			if err != nil {
				return opts, cleanup, err
			}
			cleanup = func() { stop(); files.Close() }
			bindings = sandboxBindings(bindings, url)
		}
		opts.Integrations = bindings
	}
	return opts, cleanup, nil
}

// sandboxBindings points every account at the simulated service with a
// stand-in key, so that no real key is sent anywhere in sandbox mode. An
// integration without accounts gets a default one.
func sandboxBindings(bindings []luahost.Binding, url string) []luahost.Binding {
	out := make([]luahost.Binding, len(bindings))
	for i, b := range bindings {
		accounts := make([]registry.Account, 0, len(b.Accounts)+1)
		hasDefault := false
		for _, a := range b.Accounts {
			hasDefault = hasDefault || a.Name == "default"
			accounts = append(accounts, registry.Account{Name: a.Name, Secret: "sandbox-" + a.Name, BaseURL: url, Source: "sandbox"})
		}
		if !hasDefault {
			accounts = append(accounts, registry.Account{Name: "default", Secret: "sandbox-default", BaseURL: url, Source: "sandbox"})
		}
		b.Accounts = accounts
		// Nothing real happens in the sandbox, so writes the policy would
		// ask about are allowed; an explicit deny still applies.
		if b.Policy.Write == registry.Ask {
			b.Policy.Write = registry.Allow
		}
		out[i] = b
	}
	return out
}

// fileRoots confines the files scripts may touch: reads under the
// --allow-read directories, writes under --output-dir (default: the
// current directory). Relative directories are taken from the working
// directory.
func fileRoots(st *State, o luaOptions) (*fsroot.Roots, error) {
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(st.Dir, p)
	}
	read := make([]string, len(o.allowRead))
	for i, d := range o.allowRead {
		read[i] = abs(d)
	}
	out := st.Dir
	if o.outputDir != "" {
		out = abs(o.outputDir)
	}
	return fsroot.New(read, out)
}
