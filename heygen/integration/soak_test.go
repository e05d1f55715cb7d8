package integration_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// soakScripts are the runs of the soak test: pure Lua, successful calls,
// calls that fail, limits and caught errors.
var soakScripts = []string{
	`local t = {} for i = 1, 200 do t[i] = i * 2 end return #t`,
	`return app.integrations.heygen.list_videos({limit = 3})`,
	`return app.integrations.heygen.get_current_user({})`,
	`local ok, e = pcall(app.integrations.heygen.get_video, {video_id = "missing"}) return ok, e.code`,
	`return app.integrations.heygen.list_voice_id_options({})`,
	`error("boom")`,
	`local s = string.rep("x", 1000) return #s`,
	`return json.encode({a = {1, 2, 3}})`,
	`while true do end`, // cpu_limit
}

// resources is what a run could leak.
type resources struct {
	goroutines int
	fds        int
	heap       uint64
}

func measure(transport *http.Transport) resources {
	transport.CloseIdleConnections()
	var r resources
	// Goroutines of finished runs and closed connections take a moment
	// to return; settle before reading.
	for i := 0; i < 50; i++ {
		runtime.GC()
		r.goroutines = runtime.NumGoroutine()
		time.Sleep(10 * time.Millisecond)
		if runtime.NumGoroutine() == r.goroutines {
			break
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.heap = ms.HeapAlloc
	if entries, err := os.ReadDir("/proc/self/fd"); err == nil {
		r.fds = len(entries)
	}
	return r
}

// TestSoak runs many scripts on one Host, in sequence and then all at
// once with faults injected, and checks that goroutines, open file
// descriptors and the heap come back to where they started. The short
// variant (default) runs 500 + 100 runs; KOSMO_SOAK=full runs 10,000 +
// 500:
//
//	KOSMO_SOAK=full go test ./heygen/integration ./cmd/kosmo -run 'TestSoak' -v -timeout 30m
func TestSoak(t *testing.T) {
	sequential, concurrent := 500, 100
	if os.Getenv("KOSMO_SOAK") == "full" {
		sequential, concurrent = 10000, 500
	}
	sim := heygentest.New(heygentest.Options{ProcessingAfter: -1, CompleteAfter: -1})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	transport := &http.Transport{MaxIdleConnsPerHost: 16}
	h, err := luahost.New(luahost.Options{
		Integrations: []luahost.Binding{{
			Integration: integration.New(),
			Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: srv.URL}},
			Policy:      registry.DefaultPolicy(),
		}},
		Sandbox:   true,
		Transport: transport,
		// 500 runs at once share the process: memory is not what this
		// test measures.
		Limits:  luahost.Limits{CPU: 20 * time.Millisecond, Memory: 1 << 30},
		Version: "test",
	})
	require.NoError(t, err)
	defer h.Close()
	run := func(i int) *luahost.Envelope {
		return h.Run(context.Background(), soakScripts[i%len(soakScripts)], luahost.RunOptions{Name: "soak"})
	}
	// Warm up: fill the state pool (8 states) and the compile cache, which
	// are bounded and meant to stay.
	var warm sync.WaitGroup
	for i := 0; i < 4*len(soakScripts); i++ {
		warm.Add(1)
		go func() { defer warm.Done(); run(i) }()
	}
	warm.Wait()
	sim.ResetRequests() // the simulator's own request log is not kosmo's memory
	// Pooled states keep what their Lua stacks grew to (a bounded amount,
	// at most PoolSize states): they are released before each measurement,
	// so that only what runs leave behind elsewhere is compared.
	h.Close()
	before := measure(transport)

	codes := map[string]int{}
	for i := 0; i < sequential; i++ {
		env := run(i)
		code := "ok"
		if env.Error != nil {
			code = env.Error.Code
		}
		codes[code]++
	}
	// The endless loop always ends on cpu_limit; on a loaded machine a
	// short script may too (the limit is 20 ms of Lua time).
	assert.GreaterOrEqual(t, codes["cpu_limit"], sequential/len(soakScripts), "codes: %v", codes)
	assert.Equal(t, sequential, codes["ok"]+codes["cpu_limit"]+codes["lua_runtime_error"], "codes: %v", codes)

	// Faults for part of the concurrent runs: errors, resets, slowness.
	for _, f := range []heygentest.Fault{
		{Kind: heygentest.Status, Status: 500, Times: concurrent / 10},
		{Kind: heygentest.Reset, Times: concurrent / 10},
		{Kind: heygentest.RateLimit, RetryAfter: "0", Times: concurrent / 10},
		{Kind: heygentest.Slow, Delay: 50 * time.Millisecond, Times: concurrent / 10},
		{Kind: heygentest.Malformed, Times: concurrent / 10},
	} {
		sim.Inject(f)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	enveloped := 0
	for i := 0; i < concurrent; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if env := run(i); env != nil {
				mu.Lock()
				enveloped++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, concurrent, enveloped)
	sim.ClearFaults()

	sim.ResetRequests()
	pooled := measure(transport)
	h.Close()
	after := measure(transport)
	t.Logf("heap with the pool full: %d KB", pooled.heap>>10)
	t.Logf("before: %+v after: %+v (codes of the sequential runs: %v)", before, after, codes)
	assert.LessOrEqual(t, after.goroutines, before.goroutines+2, "goroutines leaked")
	assert.LessOrEqual(t, after.fds, before.fds+2, "file descriptors leaked")
	assert.Less(t, after.heap, before.heap+4<<20, "heap grew by %d bytes", int64(after.heap)-int64(before.heap))
	fmt.Fprintf(os.Stderr, "soak: %d sequential + %d concurrent runs; goroutines %d -> %d, fds %d -> %d, heap %d KB -> %d KB\n",
		sequential, concurrent, before.goroutines, after.goroutines, before.fds, after.fds, before.heap>>10, after.heap>>10)
}
