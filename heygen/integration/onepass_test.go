package integration_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// oddPage is a page as HeyGen might send it: fields kosmo does not know,
// numbers in unusual spellings, a value of the wrong type, a null item,
// and an item that is not an object.
const oddPage = `{"data":[
	{"id":"v1","status":"completed","created_at":1735689600.0,"duration":"long","brand_new":{"nested":[1,2.50]},"big":12345678901234567890},
	null,
	"not an object",
	{"id":7,"video_id":"kept","status":"failed"}
],"has_more":false,"next_token":null}`

func oddHost(t *testing.T, body string) *luahost.Host {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	h, err := luahost.New(luahost.Options{Integrations: []luahost.Binding{{
		Integration: integration.New(),
		Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: srv.URL}},
	}}})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h
}

// Host.Call hands back every field HeyGen sent, numbers as written, with
// video_id added only where HeyGen left it out.
func TestListVideosKeepsEverythingForHostCall(t *testing.T) {
	res := oddHost(t, oddPage).Call(context.Background(), "heygen", "list_videos", map[string]any{"limit": int64(10)}, luahost.CallOptions{})
	require.Nil(t, res.Error)
	out, err := json.Marshal(res.Data)
	require.NoError(t, err)
	var got struct {
		Data struct {
			Videos []map[string]json.RawMessage `json:"videos"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(out, &got))
	vs := got.Data.Videos
	require.Len(t, vs, 3, "the item that is not an object is skipped, the null one is kept")
	assert.JSONEq(t, `"v1"`, string(vs[0]["video_id"]))
	assert.Equal(t, `1735689600.0`, string(vs[0]["created_at"]), "numbers keep their spelling")
	assert.Equal(t, `12345678901234567890`, string(vs[0]["big"]))
	assert.JSONEq(t, `"long"`, string(vs[0]["duration"]), "a misfit value is still there")
	assert.JSONEq(t, `{"nested":[1,2.50]}`, string(vs[0]["brand_new"]))
	assert.JSONEq(t, `""`, string(vs[1]["video_id"]), "a null item becomes an empty video")
	assert.JSONEq(t, `"kept"`, string(vs[2]["video_id"]), "HeyGen's own video_id wins")
	assert.JSONEq(t, `7`, string(vs[2]["id"]))
}

// Lua sees the same values as tables.
func TestListVideosKeepsEverythingForLua(t *testing.T) {
	env := oddHost(t, oddPage).Run(context.Background(), `
local v = app.integrations.heygen.list_videos({limit = 10}).data.videos
return #v, v[1].video_id, v[1].created_at, v[1].brand_new.nested[2], v[1].duration, v[2].video_id, v[3].video_id, v[3].id`, luahost.RunOptions{})
	require.True(t, env.Success, "%+v", env.Error)
	assert.Equal(t, []any{int64(3), "v1", int64(1735689600), 2.5, "long", "", "kept", int64(7)}, env.Result)
}

// A body that is not JSON fails the call with the same code as before.
func TestListVideosMalformedBody(t *testing.T) {
	for _, body := range []string{`{"data":[`, `<html>`, `{"data":{"id":"x"}}`, `{"data":[],"has_more":"yes"}`} {
		res := oddHost(t, body).Call(context.Background(), "heygen", "list_videos", map[string]any{"limit": int64(10)}, luahost.CallOptions{})
		require.NotNil(t, res.Error, body)
		assert.Equal(t, "api_error", string(res.Error.Code), body)
		assert.Equal(t, "malformed_response", res.Error.Details["heygen_code"], body)
	}
}
