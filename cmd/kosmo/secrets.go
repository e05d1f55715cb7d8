package main

import (
	"regexp"
	"strings"
	"sync"

	"github.com/kosmo-dev/kosmo/luahost/mcpclient"
)

// secretWords mark environment variable (and header) names whose values
// are credentials when one of them stands as a whole word between '_' or
// '-' (case-insensitive, optionally plural): HEYGEN_API_KEY,
// HEYGEN_API_KEY_WORK, GITHUB_TOKEN, DB_PASSWORD, Authorization,
// X-Api-Key, ... Written out rather than as a regexp, which every start
// would compile to test every variable.
var secretWords = [...]string{"api_key", "api-key", "apikey", "key", "token", "secret", "password", "passwd", "credentials", "credential", "authorization"}

// minGuessed is the shortest value kept from a variable that only its name
// marks as secret: short values (true, 1234, en) are settings, not keys,
// and hiding them would garble ordinary output.
const minGuessed = 8

// looksSecret reports whether a variable or header named name holds a
// credential.
func looksSecret(name string) bool {
	lower := strings.ToLower(name)
	sep := func(i int) bool { return i < 0 || i >= len(lower) || lower[i] == '_' || lower[i] == '-' }
	for i := 0; i < len(lower); i++ {
		if !sep(i - 1) {
			continue
		}
		for _, w := range secretWords {
			if !strings.HasPrefix(lower[i:], w) {
				continue
			}
			end := i + len(w)
			if sep(end) || (lower[end] == 's' && sep(end+1)) {
				return true
			}
		}
	}
	return false
}

// envSecrets returns the values of the environment variables that hold
// credentials: every variable an integration declares for its keys (its
// credential variable, alone or with an _ACCOUNT suffix), and the others
// whose names mark them as secret.
func envSecrets(env map[string]string) []string {
	var keyVars []string
	for _, ig := range builtinIntegrations() {
		if v := ig.Credential.EnvVar; v != "" {
			keyVars = append(keyVars, v)
		}
	}
	declared := func(k string) bool {
		for _, v := range keyVars {
			if strings.HasPrefix(k, v) {
				return true
			}
		}
		return false
	}
	var out []string
	for k, v := range env {
		switch {
		case declared(k):
			out = append(out, v)
		case looksSecret(k) && len(strings.TrimSpace(v)) >= minGuessed:
			out = append(out, v)
		default:
			continue
		}
		if _, token, ok := strings.Cut(v, " "); ok {
			out = append(out, token) // "Bearer xyz": xyz alone
		}
	}
	return out
}

// configSecretLine finds credential-looking assignments in a config file
// that failed to parse, so that the parser's message (which may quote the
// line) can be redacted: api_key = "...", token = '...', password = ...
// (compiled on first use: only a broken config file needs it).
var configSecretLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?im)^\s*[^=\n]*(?:key|token|secret|password|passwd|credential)[^=\n]*=\s*["']{0,3}([^"'\n#]+)`)
})

func configTextSecrets(data string) []string {
	var out []string
	for _, m := range configSecretLine().FindAllStringSubmatch(data, -1) {
		if v := strings.TrimSpace(m[1]); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// mcpSecrets returns the credentials in MCP server settings: the values of
// "env" entries and "headers" whose names look secret, written out or
// taken from kosmo's environment through ${VAR}.
func mcpSecrets(mc *mcpclient.Config, env map[string]string) []string {
	var out []string
	add := func(v string) {
		vars, rest := mcpclient.References(v)
		for _, name := range vars {
			out = append(out, env[name])
		}
		v = rest
		out = append(out, v)
		if _, token, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
			out = append(out, token)
		}
	}
	for _, s := range mc.Servers {
		for k, v := range s.Env {
			if looksSecret(k) {
				add(v)
			}
		}
		for k, v := range s.Headers {
			if looksSecret(k) || strings.EqualFold(k, "Authorization") {
				add(v)
			}
		}
	}
	return out
}
