package heygen

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

const fuzzKey = "hgk_fuzz_Q7w8E9r0T1y2U3i4O5p6"

// FuzzResponseDecoding feeds arbitrary responses, with the API key spliced
// into the body and a header at arbitrary places, through every decoding
// path of the client (success parsing, error parsing, malformed-body
// reports, transport errors). It must never panic, always give a code and
// a message, and never let any 8-byte piece of the key through.
func FuzzResponseDecoding(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
		at     uint16
	}{
		{200, `{"data":{"id":"x"}}`, 5},
		{200, `{"data":[],"has_more":true,"next_token":"KEY"}`, 0},
		{400, `{"error":{"code":"c","message":"m","param":"p","doc_url":"d"}}`, 30},
		{401, `{"code":400112,"message":"Unauthorized"}`, 27},
		{502, `<html><body>Bad Gateway</body></html>`, 12},
		{200, strings.Repeat("#", 110), 105},
		{500, ``, 0},
		{200, `{"error":{"message":"`, 21},
		{429, `{"error":{"code":"rate_limit_exceeded","message":"slow"}}`, 48},
	} {
		f.Add(s.status, []byte(s.body), s.at, "req-1")
	}
	c, err := NewClient(fuzzKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, at uint16, header string) {
		pos := int(at) % (len(body) + 1)
		withKey := append(append(append([]byte{}, body[:pos]...), fuzzKey...), body[pos:]...)
		hpos := len(header) / 2
		resp := &response{status: status, header: http.Header{}, body: withKey}
		resp.header.Set("X-Request-Id", header[:hpos]+fuzzKey+header[hpos:])
		check := func(what, msg string) {
			for i := 0; i+8 <= len(fuzzKey); i++ {
				if strings.Contains(msg, fuzzKey[i:i+8]) {
					t.Fatalf("%s leaks %q: %q", what, fuzzKey[i:i+8], msg)
				}
			}
		}
		e := c.errorFromResponse("GET", "/v3/videos", resp)
		if e.Code == "" || e.Message == "" {
			t.Fatalf("empty code or message: %+v", e)
		}
		check("errorFromResponse", e.Error())
		if utf8.Valid(withKey) && !utf8.ValidString(e.Message) {
			t.Fatalf("message became invalid UTF-8: %q", e.Message)
		}
		if top, err := c.parseSuccess("GET", "/v3/videos", resp); err != nil {
			check("parseSuccess", err.Error())
		} else if top == nil {
			t.Fatal("nil body without an error")
		}
		check("malformed", c.malformed("POST", "/v3/videos", resp, "x").Error())
		ne := &NetworkError{Method: "GET", Path: "/v3/videos", Err: &stringError{string(withKey)}, scrub: c.scrub}
		check("NetworkError", ne.Error())
		check("NetworkError.Reason", ne.Reason())
	})
}

type stringError struct{ s string }

func (e *stringError) Error() string { return e.s }
