package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
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
