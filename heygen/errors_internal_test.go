package heygen

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestParseErrorBody(t *testing.T) {
	tests := []struct {
		status                     int
		body                       string
		code, message, param, docs string
	}{
		{400, `{"error":{"code":"invalid_parameter","message":"m","param":"p","doc_url":"d"}}`, "invalid_parameter", "m", "p", "d"},
		{401, `{"code":400112,"message":"Unauthorized"}`, "400112", "Unauthorized", "", ""},
		{400, `{"error":{"code":123,"message":"num"}}`, "123", "num", "", ""},
		{400, `{"error":{"code":1.5e3,"message":"float"}}`, "1.5e3", "float", "", ""},
		{400, `{"error":{"message":"inner"},"code":77}`, "77", "inner", "", ""},
		{400, `{"error":{"code":"c"},"message":"outer"}`, "c", "outer", "", ""},
		{400, `{"error":"flat"}`, "validation_error", "flat", "", ""},
		{400, `{"error":null,"code":"x","message":"y"}`, "x", "y", "", ""},
		{400, `{"msg":"legacy msg"}`, "validation_error", "legacy msg", "", ""},
		{500, `{"error":{"code":"ERROR","message":"m"}}`, "unclassified_server_error", "m", "", ""},
		{404, `<!doctype html><title>404</title>`, "not_found", "Not Found", "", ""},
		{429, ``, "rate_limit_exceeded", "Too Many Requests", "", ""},
		{402, `null`, "insufficient_credit", "Payment Required", "", ""},
		{200, `{"error":{}}`, "unclassified_error", "the response reports an error without a message", "", ""},
		{302, ``, "unclassified_error", "Found", "", ""},
		{0, ``, "unclassified_error", "HTTP status 0", "", ""},
	}
	for _, tc := range tests {
		e := parseErrorBody(tc.status, []byte(tc.body))
		assert.Equal(t, tc.status, e.StatusCode, tc.body)
		assert.Equal(t, tc.code, e.Code, tc.body)
		assert.Equal(t, tc.message, e.Message, tc.body)
		assert.Equal(t, tc.param, e.Param, tc.body)
		assert.Equal(t, tc.docs, e.DocURL, tc.body)
	}
}

func TestDerivedCodes(t *testing.T) {
	want := map[int]string{
		400: "validation_error", 401: "unauthorized", 402: "insufficient_credit", 403: "forbidden",
		404: "not_found", 409: "conflict", 413: "payload_too_large", 429: "rate_limit_exceeded",
		500: "unclassified_server_error", 502: "unclassified_server_error", 503: "unclassified_server_error",
		504: "unclassified_server_error", 599: "unclassified_server_error",
		405: "unclassified_client_error", 410: "unclassified_client_error", 451: "unclassified_client_error",
		200: "unclassified_error", 0: "unclassified_error",
	}
	for status, code := range want {
		assert.Equal(t, code, derivedCode(status), "status %d", status)
	}
}

func TestEmbeddedError(t *testing.T) {
	tests := map[string]bool{
		`{"data":{"id":"x"}}`:                         false,
		`{"data":[],"has_more":false}`:                false,
		`{"data":{"id":"x"},"error":null}`:            false,
		`{"data":{"id":"x"},"code":100}`:              false,
		`{"code":0,"message":"ok"}`:                   false,
		`{"code":"0","message":"ok"}`:                 false,
		`{"error":{}}`:                                false,
		`{"error":""}`:                                false,
		`{"error":false}`:                             false,
		`{"id":"x"}`:                                  false,
		`{"error":{"code":"x","message":"y"}}`:        true,
		`{"error":"boom"}`:                            true,
		`{"data":{"id":"x"},"error":{"message":"y"}}`: true,
		`{"code":400112,"message":"Unauthorized"}`:    true,
		`{"code":"40001","data":null}`:                true,
	}
	for body, want := range tests {
		v, err := parseJSON([]byte(body))
		if assert.NoError(t, err) {
			assert.Equal(t, want, embeddedError(v.(map[string]any)), body)
		}
		var top map[string]json.RawMessage
		if assert.NoError(t, json.Unmarshal([]byte(body), &top)) {
			assert.Equal(t, want, hasEmbeddedError(top), body)
		}
	}
}

func TestJSONText(t *testing.T) {
	assert.Equal(t, "abc", jsonText(json.RawMessage(`" abc "`)))
	assert.Equal(t, "12345678901234567890", jsonText(json.RawMessage(`12345678901234567890`)))
	assert.Equal(t, "false", jsonText(json.RawMessage(`false`)))
	assert.Equal(t, "", jsonText(json.RawMessage(`null`)))
	assert.Equal(t, "", jsonText(json.RawMessage(`{"a":1}`)))
	assert.Equal(t, "", jsonText(json.RawMessage(`[1]`)))
	assert.Equal(t, "", jsonText(json.RawMessage(`"unterminated`)))
	assert.Equal(t, "", jsonText(nil))
}

func TestRedact(t *testing.T) {
	assert.Equal(t, "a [REDACTED] b", redactKey("a k3y! b", "k3y!"))
	assert.Equal(t, "nothing", redactKey("nothing", "k3y!"))
	assert.Equal(t, "x", redactKey("x", ""))
	assert.Equal(t, "cut: [REDACTED]", redactKey("cut: sk_live_0123", "sk_live_0123456789abcdef"), "a piece of the key is hidden too")
}

// FuzzParseError feeds arbitrary bodies and statuses to the error parser:
// it must never panic and must always produce a code and a message.
func FuzzParseError(f *testing.F) {
	seeds := []struct {
		status int
		body   string
	}{
		{400, `{"error":{"code":"invalid_parameter","message":"m","param":"p","doc_url":"d"}}`},
		{401, `{"code":400112,"message":"Unauthorized"}`},
		{400, `{"error":{"code":123,"message":"num"}}`},
		{400, `{"error":"flat"}`},
		{502, `<html><body>Bad Gateway</body></html>`},
		{500, ``},
		{200, `{"error":{}}`},
		{429, `{"error":{"code":{"nested":[1,2]},"message":["x"]}}`},
		{404, `{"code":1e400}`},
		{418, "\xff\xfe"},
		{-1, `{`},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := parseErrorBody(status, body)
		if e == nil {
			t.Fatal("nil error")
		}
		if e.Code == "" || e.Message == "" {
			t.Fatalf("empty code or message: %+v", e)
		}
		if e.StatusCode != status {
			t.Fatalf("status changed: %d -> %d", status, e.StatusCode)
		}
		_ = e.Error()
		if utf8.Valid(body) && !utf8.ValidString(e.Message) {
			t.Fatalf("message became invalid UTF-8: %q", e.Message)
		}
		if v, err := parseJSON(body); err == nil {
			if top, ok := v.(map[string]any); ok {
				_ = embeddedError(top)
			}
		}
	})
}
