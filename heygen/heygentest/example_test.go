package heygentest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
)

func get(url, key string) (int, map[string]any) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("X-Api-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

// A sandbox on a loopback listener, with one injected rate limit.
func Example() {
	sandbox := heygentest.New(heygentest.Options{Clock: func() time.Time { return time.Unix(1780000000, 0) }})
	ts := httptest.NewServer(sandbox)
	defer ts.Close()

	status, body := get(ts.URL+"/v3/videos/"+heygentest.SampleVideoID, "my-test-key")
	fmt.Println(status, body["data"].(map[string]any)["status"])

	sandbox.Inject(heygentest.Fault{Kind: heygentest.RateLimit, RetryAfter: "2", Times: 1})
	status, body = get(ts.URL+"/v3/users/me", "my-test-key")
	fmt.Println(status, body["error"].(map[string]any)["code"])

	status, body = get(ts.URL+"/v3/users/me", "my-test-key")
	fmt.Println(status, body["data"].(map[string]any)["billing_type"])

	for _, r := range sandbox.Requests() {
		fmt.Println(r.Method, r.Path, r.Status, r.RequestID)
	}
	// Output:
	// 200 completed
	// 429 rate_limit_exceeded
	// 200 subscription
	// GET /v3/videos/abc123 200 req-000001
	// GET /v3/users/me 429 req-000002
	// GET /v3/users/me 200 req-000003
}
