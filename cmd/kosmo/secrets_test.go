package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kosmo-dev/kosmo/luahost/mcpclient"
)

// looksSecret is written out by hand; it must agree with the regexp it
// replaced on every name.
func TestLooksSecretMatchesTheRegexp(t *testing.T) {
	re := regexp.MustCompile(`(?i)(^|[_-])(api[_-]?key|key|token|secret|password|passwd|credentials?|authorization)s?($|[_-])`)
	names := []string{
		"HEYGEN_API_KEY", "HEYGEN_API_KEY_WORK", "GITHUB_TOKEN", "DB_PASSWORD", "Authorization", "X-Api-Key",
		"APIKEY", "API-KEY", "MY_APIKEYS", "KEYS", "TOKENS_", "_SECRET_", "SECRETS", "SECRETSS", "CREDENTIAL",
		"CREDENTIALS", "CREDENTIALSS", "AWS_CREDENTIALS_FILE", "PASSWD", "PASSWDS", "KEYBOARD", "MONKEY",
		"TOKENIZER", "HOME", "PATH", "LANG", "SSH_AUTH_SOCK", "TERM", "KEY_", "-KEY-", "A__KEY", "API__KEY",
		"API_KEYX", "XAPI_KEY", "ApiKey", "api_Key_s", "SECRET-S", "authorizations", "unauthorization", "",
		"K", "_", "S", "KEYSS", "PASSWORD1", "PASSWORD_1", "API_KEYS", "my-token-s",
	}
	for _, n := range names {
		assert.Equal(t, re.MatchString(n), looksSecret(n), n)
	}
}

// MCP settings hand over the values they take from the environment and
// what they spell out themselves, token after "Bearer " included.
func TestMCPSecrets(t *testing.T) {
	mc := &mcpclient.Config{Servers: map[string]mcpclient.ServerConfig{
		"docs":  {Headers: map[string]string{"Authorization": "Bearer ${DOCS_TOKEN}", "Accept": "${NOT_SECRET}"}},
		"notes": {Env: map[string]string{"NOTES_TOKEN": "written-out-1234", "HOME": "/home/x"}},
	}}
	got := mcpSecrets(mc, map[string]string{"DOCS_TOKEN": "from-env-5678", "NOT_SECRET": "plain"})
	assert.Contains(t, got, "from-env-5678")
	assert.Contains(t, got, "written-out-1234")
	assert.NotContains(t, got, "plain")
	assert.NotContains(t, got, "/home/x")
	for _, s := range got {
		assert.NotContains(t, s, "${", "references are removed from what is kept")
	}
}
