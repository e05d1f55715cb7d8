package main

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// buildBindings resolves, for every built-in integration, its accounts
// (environment first, then the config file), default account and policy.
//
// Accounts: <ENV> is the default account; <ENV>_<NAME> adds account
// <name> (lower-cased); [integrations.<name>.accounts.<acct>] in the config
// adds or completes accounts. The base URL is the account's base_url, else
// <BASE_ENV> (HEYGEN_API_BASE), else the integration's default.
func buildBindings(st *State, cfg *Config, account string) ([]luahost.Binding, error) {
	var out []luahost.Binding
	found := account == ""
	for _, ig := range builtinIntegrations() {
		ic := cfg.Integrations[ig.Name]
		accounts, err := resolveAccounts(st, cfg, ig, ic)
		if err != nil {
			return nil, err
		}
		policy, err := resolvePolicy(cfg, ig.Name, ic.Permissions)
		if err != nil {
			return nil, err
		}
		b := luahost.Binding{Integration: ig, Accounts: accounts, Policy: policy, Default: "default"}
		if ic.DefaultAccount != "" {
			b.Default = ic.DefaultAccount
		}
		if account != "" && hasAccount(accounts, account) {
			b.Default = account
			found = true
		}
		if ic.DefaultAccount != "" && !hasAccount(accounts, b.Default) {
			return nil, errcode.New(errcode.ConfigError, "config file %s: default_account %q of %s is not configured (accounts: %s)",
				cfg.path, b.Default, ig.Name, strings.Join(namesOf(accounts), ", "))
		}
		out = append(out, b)
	}
	if !found {
		var all []string
		for _, b := range out {
			all = append(all, namesOf(b.Accounts)...)
		}
		return nil, errcode.New(errcode.UnknownAccount, "--account %s: no such account (configured: %s)", account, listOr(all, "none")).
			WithHint("%s", accountHint(account))
	}
	return out, nil
}

func resolveAccounts(st *State, cfg *Config, ig *registry.Integration, ic IntegrationConfig) ([]registry.Account, error) {
	byName := map[string]*registry.Account{}
	var order []string
	add := func(a registry.Account) {
		if cur, ok := byName[a.Name]; ok {
			if a.Secret != "" {
				cur.Secret, cur.Source = a.Secret, a.Source
			}
			if a.BaseURL != "" {
				cur.BaseURL = a.BaseURL
			}
			return
		}
		byName[a.Name] = &a
		order = append(order, a.Name)
	}
	cred := ig.Credential
	// The config file first, so the environment can override its keys.
	names := make([]string, 0, len(ic.Accounts))
	for n := range ic.Accounts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ac := ic.Accounts[n]
		a := registry.Account{Name: n, BaseURL: ac.BaseURL, Source: "config " + cfg.path}
		switch {
		case ac.APIKeyEnv != "":
			a.Secret = st.Getenv(ac.APIKeyEnv)
			a.Source = "env " + ac.APIKeyEnv + " (config)"
		case ac.APIKey != "":
			a.Secret = ac.APIKey
		}
		add(a)
	}
	if cred.EnvVar != "" {
		if k := st.Getenv(cred.EnvVar); k != "" {
			add(registry.Account{Name: "default", Secret: k, Source: "env " + cred.EnvVar})
		}
		prefix := cred.EnvVar + "_"
		var envNames []string
		for k := range st.Env {
			if strings.HasPrefix(k, prefix) && st.Env[k] != "" {
				envNames = append(envNames, k)
			}
		}
		sort.Strings(envNames)
		for _, k := range envNames {
			name := strings.ToLower(strings.TrimPrefix(k, prefix))
			if _, clash := ig.Function(name); clash || !validAccountName(name) {
				return nil, errcode.New(errcode.ConfigError, "%s: %q is not usable as an account name", k, name).
					WithHint("account names are Lua identifiers (letters, digits, _) and cannot be function names")
			}
			add(registry.Account{Name: name, Secret: st.Env[k], Source: "env " + k})
		}
	}
	base := ""
	if cred.BaseURLEnv != "" {
		base = st.Getenv(cred.BaseURLEnv)
	}
	out := make([]registry.Account, 0, len(order))
	for _, n := range order {
		a := *byName[n]
		if a.BaseURL == "" {
			a.BaseURL = base
		}
		if err := checkBaseURL(st, a.BaseURL, ig.Credential.AllowHTTPEnv); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// checkBaseURL refuses a plain-http URL to a non-loopback host: the API key
// would cross the network in clear text. The integration's AllowHTTPEnv
// variable (HEYGEN_ALLOW_HTTP for HeyGen), when set, allows it.
func checkBaseURL(st *State, raw, allowEnv string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return errcode.New(errcode.ConfigError, "base URL %q is not an http(s) URL", raw).
			WithHint("use an https URL such as https://api.example.com")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) && (allowEnv == "" || st.Getenv(allowEnv) == "") {
		e := errcode.New(errcode.ConfigError, "base URL %q uses plain http to a remote host: the API key would travel unencrypted", raw)
		if allowEnv != "" {
			return e.WithHint("use https, or set %s=1 if you really mean it", allowEnv)
		}
		return e.WithHint("use https")
	}
	return nil
}

// accountHint tells how to add the named account to each integration.
func accountHint(account string) string {
	var ways []string
	for _, ig := range builtinIntegrations() {
		if env := ig.Credential.EnvVar; env != "" {
			ways = append(ways, fmt.Sprintf("set %s_%s", env, strings.ToUpper(account)))
		}
		ways = append(ways, fmt.Sprintf("declare [integrations.%s.accounts.%s] in the config file", ig.Name, account))
	}
	return strings.Join(ways, " or ")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validAccountName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func resolvePolicy(cfg *Config, name string, pc PermissionsConfig) (registry.Policy, error) {
	p := registry.DefaultPolicy()
	for _, item := range []struct {
		key string
		val string
		dst *registry.Decision
	}{{"read", pc.Read, &p.Read}, {"write", pc.Write, &p.Write}} {
		if item.val == "" {
			continue
		}
		d, err := registry.ParseDecision(item.val)
		if err != nil {
			return p, errcode.New(errcode.ConfigError, "config file %s: integrations.%s.permissions.%s: %v", cfg.path, name, item.key, err)
		}
		*item.dst = d
	}
	return p, nil
}

func hasAccount(accounts []registry.Account, name string) bool {
	for _, a := range accounts {
		if a.Name == name {
			return true
		}
	}
	return false
}

func namesOf(accounts []registry.Account) []string {
	out := make([]string, len(accounts))
	for i, a := range accounts {
		out[i] = a.Name
	}
	return out
}

func listOr(names []string, none string) string {
	if len(names) == 0 {
		return none
	}
	return strings.Join(names, ", ")
}
