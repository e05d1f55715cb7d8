package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
)

// serveResources is what a served run could leak in the server process.
type serveResources struct {
	goroutines, fds int
	heap            uint64
}

func measureServe() serveResources {
	// Keep-alive connections to the simulated HeyGen are not leaks.
	if tr, ok := http.DefaultTransport.(*http.Transport); ok {
		tr.CloseIdleConnections()
	}
	var r serveResources
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

// TestSoakMCPServe sends many lua_execute calls at once to one mcp:serve,
// against a simulated HeyGen with faults (errors, resets, slowness,
// malformed bodies), and checks that goroutines, file descriptors and the
// heap of the process come back to their level before the burst. 100
// calls by default; KOSMO_SOAK=full sends 500:
//
//	KOSMO_SOAK=full go test ./heygen/integration ./cmd/kosmo -run 'TestSoak' -v -timeout 30m
func TestSoakMCPServe(t *testing.T) {
	calls := 100
	if os.Getenv("KOSMO_SOAK") == "full" {
		calls = 500
	}
	sim := heygentest.New(heygentest.Options{ProcessingAfter: -1, CompleteAfter: -1})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	st, stderr := cliState(t, map[string]string{"HEYGEN_API_KEY": "hgk_soak_key_0123456789", "HEYGEN_API_BASE": srv.URL}, inR, outW,
		"mcp:serve", "--memory-limit", "1024")
	exit := make(chan int, 1)
	go func() {
		code := Main(st)
		_ = outW.Close()
		exit <- code
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "soak", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	require.NoError(t, err, "stderr: %s", stderr)

	scripts := []string{
		`return app.integrations.heygen.list_videos({limit = 3})`,
		`local ok, e = pcall(app.integrations.heygen.get_video, {video_id = "missing"}) return ok, e.code`,
		`return app.integrations.heygen.get_current_user({})`,
		`local t = {} for i = 1, 500 do t[i] = tostring(i) end return #table.concat(t)`,
		`error("boom")`,
	}
	burst := func(n int) map[string]int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		outcomes := map[string]int{}
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "lua_execute", Arguments: map[string]any{"code": scripts[i%len(scripts)]}})
				key := "transport error"
				if err == nil {
					key = fmt.Sprintf("isError=%t", res.IsError)
				}
				mu.Lock()
				outcomes[key]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		return outcomes
	}
	burst(2 * len(scripts)) // warm the pool and the compile cache
	before := measureServe()
	for _, f := range []heygentest.Fault{
		{Kind: heygentest.Status, Status: 500, Times: calls / 10},
		{Kind: heygentest.Reset, Times: calls / 10},
		{Kind: heygentest.Slow, Delay: 50 * time.Millisecond, Times: calls / 10},
		{Kind: heygentest.Malformed, Times: calls / 10},
	} {
		sim.Inject(f)
	}
	outcomes := burst(calls)
	sim.ClearFaults()
	sim.ResetRequests()
	after := measureServe()
	assert.Zero(t, outcomes["transport error"], "outcomes: %v", outcomes)
	assert.Equal(t, calls, outcomes["isError=true"]+outcomes["isError=false"], "outcomes: %v", outcomes)
	t.Logf("outcomes %v; before %+v after %+v", outcomes, before, after)
	assert.LessOrEqual(t, after.goroutines, before.goroutines+2, "goroutines leaked")
	assert.LessOrEqual(t, after.fds, before.fds+2, "file descriptors leaked")
	assert.Less(t, after.heap, before.heap+32<<20, "heap grew by %d bytes", int64(after.heap)-int64(before.heap))

	_ = cs.Close()
	_ = inW.Close()
	select {
	case code := <-exit:
		assert.Equal(t, 0, code)
	case <-time.After(20 * time.Second):
		t.Fatal("mcp:serve did not stop")
	}
}
