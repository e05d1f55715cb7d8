package integration

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

func simRequest(t *testing.T, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("X-Api-Key", "dryrun-key")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// A dry run's writes name a real account's avatars, voices, templates and
// videos: the tolerant simulator answers them with plausible results.
func TestSimulatorAcceptsForeignIDs(t *testing.T) {
	strict := New().Simulator(registry.SimulatorOptions{ProcessingAfter: -1, CompleteAfter: -1})
	tolerant := New().Simulator(registry.SimulatorOptions{ProcessingAfter: -1, CompleteAfter: -1, ForeignIDs: true})
	video := `{"type":"avatar","avatar_id":"real-account-avatar","voice_id":"real-account-voice","script":"hi"}`

	assert.Equal(t, http.StatusNotFound, simRequest(t, strict, "POST", "/v3/videos", video).Code)
	rec := simRequest(t, tolerant, "POST", "/v3/videos", video)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"video_id"`)

	rec = simRequest(t, tolerant, "POST", "/v3/templates/real-template", `{"title":"x","variables":{"real_var":{"name":"real_var","type":"text","properties":{"content":"v"}}}}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	rec = simRequest(t, tolerant, "DELETE", "/v3/videos/real-video", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"deleted":true`)

	// what the simulator does not know and cannot stand in for still fails
	rec = simRequest(t, tolerant, "POST", "/v3/videos", `{"type":"avatar"}`)
	assert.GreaterOrEqual(t, rec.Code, 400)
	// reads are the simulator's own
	assert.Equal(t, http.StatusNotFound, simRequest(t, tolerant, "GET", "/v3/videos/real-video", "").Code)
}
