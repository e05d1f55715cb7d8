package heygen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oldListPage is how a list page was decoded before the one-pass parser:
// the body into raw members, data into raw items, each item on its own.
func oldListPage(c *Client, resp *response) (*Page[Video], error) {
	const method, path = http.MethodGet, "/v3/videos"
	var top map[string]json.RawMessage
	if err := json.Unmarshal(resp.body, &top); err != nil || top == nil {
		var probe any
		what := "response body is not a JSON object"
		if len(bytes.TrimSpace(resp.body)) == 0 {
			what = "response body is empty"
		} else if perr := json.Unmarshal(resp.body, &probe); perr != nil {
			what = fmt.Sprintf("response body is not valid JSON (%v)", perr)
		}
		return nil, c.malformed(method, path, resp, what)
	}
	if hasEmbeddedError(top) {
		return nil, c.errorFromResponse(method, path, resp)
	}
	data, ok := top["data"]
	if !ok {
		return nil, c.malformed(method, path, resp, `response has no "data" member`)
	}
	page := &Page[Video]{Data: []Video{}}
	if !isJSONNull(data) {
		if firstByte(data) != '[' {
			return nil, c.malformed(method, path, resp, `response "data" is not an array`)
		}
		var items []json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil {
			return nil, err
		}
		for _, raw := range items {
			var v Video
			if string(raw) == "null" {
				page.Data = append(page.Data, v)
				continue
			}
			type plain Video
			var p plain
			m, err := oldUnmarshalWithRaw(raw, &p)
			if err != nil {
				continue
			}
			v = Video(p)
			v.Raw = m
			page.Data = append(page.Data, v)
		}
	}
	if raw, ok := top["has_more"]; ok && !isJSONNull(raw) {
		if err := json.Unmarshal(raw, &page.HasMore); err != nil {
			return nil, c.malformed(method, path, resp, `response "has_more" is not a boolean`)
		}
	}
	if raw, ok := top["next_token"]; ok && !isJSONNull(raw) {
		if err := json.Unmarshal(raw, &page.NextToken); err != nil {
			return nil, c.malformed(method, path, resp, `response "next_token" is not a string`)
		}
	}
	return page, nil
}

func newListPage(c *Client, resp *response) (*Page[Video], error) {
	top, err := c.parseSuccess(http.MethodGet, "/v3/videos", resp)
	if err != nil {
		return nil, err
	}
	return pageFrom[Video](c, http.MethodGet, "/v3/videos", resp, top)
}

var pageSamples = []string{
	`{"data":[{"id":"a","status":"completed","created_at":1.7e9,"brand_new":[1,{"x":null}]},null,"odd",7,{"id":5,"duration":"long"}],"has_more":true,"next_token":"t"}`,
	`{"data":null,"has_more":false,"next_token":null}`,
	`{"data":[],"has_more":"yes"}`, `{"data":[],"next_token":5}`, `{"data":{"id":"x"}}`, `{"has_more":false}`,
	`{"error":{"code":"rate_limited","message":"slow"}}`, `{"code":40001,"message":"bad"}`, `{"code":0,"data":[]}`,
	`{"data":[{"id":"\u00e9\ud800","title":"bad \xff utf8","ID":"dup"}],"data":[{"id":"last wins"}]}`,
	`{"data":[{"id":"a"}]`, `[]`, `null`, ``,
}

// comparePages runs one body through the old and the new decoding: the
// same pages, the same error codes and messages.
func comparePages(t *testing.T, body []byte) {
	t.Helper()
	if foldClashInItems(body) {
		return
	}
	c, err := NewClient("hgk_test_0123456789abcdef")
	require.NoError(t, err)
	resp := &response{status: 200, header: http.Header{"X-Request-Id": {"req-1"}}, body: body}
	want, wantErr := oldListPage(c, resp)
	got, gotErr := newListPage(c, resp)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q: old error %v, new error %v", body, wantErr, gotErr)
	}
	if wantErr != nil {
		var we, ge *APIError
		require.ErrorAs(t, wantErr, &we)
		require.ErrorAs(t, gotErr, &ge)
		if !reflect.DeepEqual(we, ge) {
			t.Fatalf("%q:\nold %#v\nnew %#v", body, we, ge)
		}
		return
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%q:\nold %#v\nnew %#v", body, want, got)
	}
}

// foldClashInItems skips pages with an item that spells one key twice
// with different case (see foldClash).
func foldClashInItems(body []byte) bool {
	var top struct{ Data []json.RawMessage }
	if json.Unmarshal(body, &top) != nil {
		return false
	}
	for _, it := range top.Data {
		if foldClash(it) {
			return true
		}
	}
	return false
}

func TestListPageMatchesTheOldDecoding(t *testing.T) {
	for _, s := range pageSamples {
		comparePages(t, []byte(s))
	}
}

func FuzzListPage(f *testing.F) {
	for _, s := range pageSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { comparePages(t, body) })
}

// A page keeps every field HeyGen sent, numbers as written, and a null
// item as an empty video.
func TestListPageKeepsEverything(t *testing.T) {
	c, err := NewClient("hgk_test_0123456789abcdef")
	require.NoError(t, err)
	body := `{"data":[{"id":"a","size":12345678901234567890,"ratio":1.50,"new":{"deep":[true]}},null],"has_more":false}`
	page, err := newListPage(c, &response{status: 200, header: http.Header{}, body: []byte(body)})
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	raw := page.Data[0].Raw
	assert.Equal(t, json.Number("12345678901234567890"), raw["size"])
	assert.Equal(t, json.Number("1.50"), raw["ratio"])
	assert.Equal(t, map[string]any{"deep": []any{true}}, raw["new"])
	assert.Equal(t, Video{}, page.Data[1])
	assert.Equal(t, "a", fmt.Sprint(raw["id"]))
}

// hasEmbeddedError is how a 2xx body on raw members was checked for an
// error in disguise before the one-pass parser (embeddedError now), kept
// as the reference the new check is compared with. A body is an error
// when it has a non-empty "error" member, or a non-zero "code" and no
// "data".
func hasEmbeddedError(top map[string]json.RawMessage) bool {
	if raw, ok := top["error"]; ok && !emptyJSON(raw) {
		return true
	}
	if data, ok := top["data"]; ok && !isJSONNull(data) {
		return false
	}
	raw, ok := top["code"]
	if !ok || emptyJSON(raw) {
		return false
	}
	code := jsonText(raw)
	return code != "" && code != "0"
}

// emptyJSON reports whether raw is null, false, 0, "", {} or [].
func emptyJSON(raw json.RawMessage) bool {
	t := string(bytes.TrimSpace(raw))
	switch t {
	case "", "null", "false", "0", `""`, "{}", "[]":
		return true
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	switch x := v.(type) {
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case float64:
		return x == 0
	}
	return false
}
