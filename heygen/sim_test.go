package heygen_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/heygen/heygentest"
)

// The client against the simulated HeyGen: every endpoint the integration
// uses, end to end over HTTP.
func TestClientAgainstSimulator(t *testing.T) {
	sim := heygentest.New(heygentest.Options{ProcessingAfter: 20 * time.Millisecond, CompleteAfter: 60 * time.Millisecond})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := heygen.NewClient("sk-sim-test", heygen.WithBaseURL(srv.URL), heygen.WithBackoff(0, 0))
	require.NoError(t, err)
	ctx := context.Background()

	n := 0
	for v, err := range c.Videos.All(ctx, heygen.VideoListParams{Limit: 100}) {
		require.NoError(t, err)
		require.NotEmpty(t, v.ID)
		n++
	}
	assert.Equal(t, heygentest.SeedVideoCount, n)

	v, err := c.Videos.Get(ctx, "abc123")
	require.NoError(t, err)
	assert.Equal(t, "completed", v.Status)
	assert.NotEmpty(t, v.VideoURL)

	created, err := c.Videos.CreateRaw(ctx, map[string]any{"type": "avatar", "avatar_id": "avatar-abc123", "voice_id": "voice-xyz789", "script": "hi"})
	require.NoError(t, err)
	done, err := c.Videos.Wait(ctx, created.VideoID, heygen.WaitOptions{Interval: 10 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, "completed", done.Status)
	require.NoError(t, c.Videos.Delete(ctx, created.VideoID))
	_, err = c.Videos.Get(ctx, created.VideoID)
	var apiErr *heygen.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.NotEmpty(t, apiErr.RequestID)

	looks := 0
	for _, err := range c.Avatars.AllLooks(ctx, heygen.LookListParams{Limit: 50}) {
		require.NoError(t, err)
		looks++
	}
	assert.Equal(t, 80, looks)
	voices, err := c.Voices.List(ctx, heygen.VoiceListParams{Limit: 100})
	require.NoError(t, err)
	assert.Len(t, voices.Data, 60)
	me, err := c.Users.Me(ctx)
	require.NoError(t, err)
	assert.Equal(t, "subscription", me.BillingType)
	tpl, err := c.Templates.Get(ctx, "template-abc123")
	require.NoError(t, err)
	assert.Contains(t, tpl.Variables, "headline")
	gen, err := c.Templates.GenerateRaw(ctx, "template-abc123", map[string]any{"variables": map[string]any{}})
	require.NoError(t, err)
	assert.Equal(t, "pending", gen.Status)
	events, err := c.Webhooks.EventTypes(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, events)

	// faults: a 500 on GET is retried, a 500 on POST is not
	sim.Inject(heygentest.Fault{Method: "GET", Path: "/v3/users/me", Kind: heygentest.Status, Status: 500, Times: 1})
	_, err = c.Users.Me(ctx)
	require.NoError(t, err)
	sim.Inject(heygentest.Fault{Method: "POST", Path: "/v3/videos", Kind: heygentest.Status, Status: 500, Times: 1})
	sim.ResetRequests()
	_, err = c.Videos.CreateRaw(ctx, map[string]any{"type": "avatar", "avatar_id": "avatar-abc123", "voice_id": "voice-xyz789", "script": "hi"})
	require.Error(t, err)
	assert.Len(t, sim.Requests(), 1, "a failed POST must not be sent twice")
}
