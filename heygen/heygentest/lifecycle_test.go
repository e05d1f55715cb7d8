package heygentest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVideoLifecycle(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	start := clock.Now()
	r := e.post("/v3/videos", avatarBody(map[string]any{"title": "Lifecycle", "caption": map[string]any{}}))
	require.Equal(t, http.StatusOK, r.status)
	id := r.data(t)["video_id"].(string)
	assert.Len(t, id, 32)

	v := e.get("/v3/videos/" + id).data(t)
	assert.Equal(t, "pending", v["status"])
	assert.Equal(t, "Lifecycle", v["title"])
	assert.Equal(t, float64(start.Unix()), v["created_at"])
	assert.Nil(t, v["video_url"])

	clock.Advance(1999 * time.Millisecond)
	assert.Equal(t, "pending", e.get("/v3/videos/" + id).data(t)["status"])
	clock.Advance(time.Millisecond)
	v = e.get("/v3/videos/" + id).data(t)
	assert.Equal(t, "processing", v["status"])
	assert.Nil(t, v["completed_at"])

	clock.Advance(8 * time.Second)
	v = e.get("/v3/videos/" + id).data(t)
	require.Equal(t, "completed", v["status"])
	assert.Equal(t, float64(start.Add(10*time.Second).Unix()), v["completed_at"])
	assert.NotNil(t, v["video_url"])
	assert.NotNil(t, v["thumbnail_url"])
	assert.NotNil(t, v["gif_url"])
	assert.NotNil(t, v["video_page_url"])
	assert.NotNil(t, v["subtitle_url"], "a caption object yields a sidecar file")
	assert.Nil(t, v["captioned_video_url"], "no style, so nothing is burned in")
	assert.Nil(t, v["failure_code"])

	// The list shows the same state.
	items, _, _ := e.get("/v3/videos?limit=1").list(t)
	assert.Equal(t, id, items[0]["id"])
	assert.Equal(t, "completed", items[0]["status"])
}

func TestVideoFailMarker(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now})
	bodies := []map[string]any{
		avatarBody(map[string]any{"script": "This one will [fail] on purpose."}),
		{"type": "image", "image": imageInput(), "script": "[FAIL]", "voice_id": SampleVoiceID},
		{"type": "studio", "scenes": []any{
			map[string]any{"type": "image", "source": imageInput(), "duration": 2},
			map[string]any{"type": "image", "source": imageInput(), "script": "bye [fail]", "voice_id": SampleVoiceID},
		}},
	}
	for _, b := range bodies {
		r := e.post("/v3/videos", b)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		id := r.data(t)["video_id"].(string)
		assert.Equal(t, "pending", r.data(t)["status"])
		clock.Advance(5 * time.Second)
		assert.Equal(t, "processing", e.get("/v3/videos/" + id).data(t)["status"])
		clock.Advance(5 * time.Second)
		v := e.get("/v3/videos/" + id).data(t)
		assert.Equal(t, "failed", v["status"])
		assert.Equal(t, "sandbox_forced_failure", v["failure_code"])
		assert.Contains(t, v["failure_message"], FailMarker)
		assert.Nil(t, v["video_url"])
	}
}

func TestLifecycleOptions(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Options{Clock: clock.Now, ProcessingAfter: time.Minute, CompleteAfter: time.Hour})
	id := e.post("/v3/videos", avatarBody(nil)).data(t)["video_id"].(string)
	clock.Advance(59 * time.Second)
	assert.Equal(t, "pending", e.get("/v3/videos/" + id).data(t)["status"])
	clock.Advance(time.Second)
	assert.Equal(t, "processing", e.get("/v3/videos/" + id).data(t)["status"])
	clock.Advance(58 * time.Minute)
	assert.Equal(t, "processing", e.get("/v3/videos/" + id).data(t)["status"])
	clock.Advance(time.Minute)
	assert.Equal(t, "completed", e.get("/v3/videos/" + id).data(t)["status"])

	// Negative durations mean "at once".
	now := newEnv(t, Options{ProcessingAfter: -1, CompleteAfter: -1})
	r := now.post("/v3/videos", avatarBody(nil))
	assert.Equal(t, "completed", r.data(t)["status"])
	assert.Equal(t, "completed", now.get("/v3/videos/" + r.data(t)["video_id"].(string)).data(t)["status"])

	// Defaults.
	s := New(Options{})
	assert.Equal(t, 2*time.Second, s.opts.ProcessingAfter)
	assert.Equal(t, 10*time.Second, s.opts.CompleteAfter)
	assert.NotNil(t, s.opts.Clock)
	// CompleteAfter is never shorter than ProcessingAfter.
	assert.Equal(t, 5*time.Second, New(Options{ProcessingAfter: 5 * time.Second, CompleteAfter: time.Second}).opts.CompleteAfter)
}

func TestPerKeyIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	const a, b = "key-alice-111111", "key-bob-222222"
	id := e.do("POST", "/v3/videos", a, avatarBody(nil)).data(t)["video_id"].(string)
	require.Equal(t, http.StatusOK, e.do("DELETE", "/v3/videos/"+SampleVideoID, a, nil).status)

	assert.Equal(t, http.StatusOK, e.do("GET", "/v3/videos/"+id, a, nil).status)
	e.do("GET", "/v3/videos/"+id, b, nil).expectError(t, http.StatusNotFound, "video_not_found", "video_id")
	assert.Equal(t, http.StatusOK, e.do("GET", "/v3/videos/"+SampleVideoID, b, nil).status, "b still has the seed video a deleted")
	e.do("GET", "/v3/videos/"+SampleVideoID, a, nil).expectError(t, http.StatusNotFound, "video_not_found", "video_id")

	itemsB, _, _ := e.do("GET", "/v3/videos?limit=1", b, nil).list(t)
	assert.Equal(t, SampleVideoID, itemsB[0]["id"])
	itemsA, _, _ := e.do("GET", "/v3/videos?limit=1", a, nil).list(t)
	assert.Equal(t, id, itemsA[0]["id"])

	// The same key twice sees the same state.
	assert.Equal(t, http.StatusOK, e.do("GET", "/v3/videos/"+id, a, nil).status)
	// Ids are deterministic per key and differ between keys.
	idB := e.do("POST", "/v3/videos", b, avatarBody(nil)).data(t)["video_id"].(string)
	assert.NotEqual(t, id, idB)
	other := newEnv(t, Options{})
	assert.Equal(t, id, other.do("POST", "/v3/videos", a, avatarBody(nil)).data(t)["video_id"])
}

func TestConcurrentKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	const keys, perKey = 8, 6
	type sent struct {
		method, path string
		body         []byte
		res          result
		err          error
	}
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		log []sent
	)
	send := func(key, method, path string, body []byte) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, _ := http.NewRequest(method, e.ts.URL+path, rd)
		req.Header.Set("X-Api-Key", key)
		s := sent{method: method, path: path, body: body}
		resp, err := e.client.Do(req)
		if err == nil {
			s.res.status, s.res.header = resp.StatusCode, resp.Header
			s.res.body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		s.err = err
		mu.Lock()
		log = append(log, s)
		mu.Unlock()
	}
	body, err := json.Marshal(avatarBody(nil))
	require.NoError(t, err)
	for k := 0; k < keys; k++ {
		wg.Add(1)
		go func(key string) {
			defer wg.Done()
			for i := 0; i < perKey; i++ {
				send(key, "POST", "/v3/videos", body)
				send(key, "GET", "/v3/videos?limit=3", nil)
			}
		}(fmt.Sprintf("concurrent-key-%d", k))
	}
	wg.Wait()
	// Check the responses here, on the test goroutine.
	require.Len(t, log, keys*perKey*2)
	for _, s := range log {
		require.NoError(t, s.err)
		require.Equal(t, http.StatusOK, s.res.status, "%s", s.res.body)
		checkConformance(t, e.srv, s.method, s.path, s.body, s.res)
	}
	for k := 0; k < keys; k++ {
		all, _ := e.walk("/v3/videos?limit=100", fmt.Sprintf("concurrent-key-%d", k))
		assert.Len(t, all, SeedVideoCount+perKey)
	}
	assert.Len(t, e.srv.Requests(), keys*perKey*2+keys*3)
}
