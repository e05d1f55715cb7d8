package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/mcpserver"
)

// mcpServer is a `kosmo mcp:serve --http` child process on loopback.
type mcpServer struct {
	cmd      *exec.Cmd
	endpoint string
	stderr   bytes.Buffer
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

func startMCPServer(ctx context.Context, kosmo string, extra ...string) (*mcpServer, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	args := append([]string{"mcp:serve", "--http", addr, "--sandbox"}, extra...)
	s := &mcpServer{endpoint: "http://" + addr + "/mcp"}
	s.cmd = exec.CommandContext(ctx, kosmo, args...)
	s.cmd.Stderr = &s.stderr
	s.cmd.Env = append(os.Environ(), "HEYGEN_API_KEY=")
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("mcp:serve did not listen on %s: %s", addr, tail(s.stderr.Bytes()))
}

func (s *mcpServer) stop() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
}

// loadResult is what a concurrent load measured.
type loadResult struct {
	calls, errors int
	elapsed       time.Duration
	latencies     []float64 // ms
	firstErr      error
}

// concurrentCalls connects `clients` MCP sessions and has each make
// `perClient` calls of the tool picked by choose, all at once.
func concurrentCalls(ctx context.Context, endpoint string, clients, perClient int, choose func([]*mcp.Tool) (string, map[string]any, error)) (*loadResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	sessions := make([]*mcp.ClientSession, clients)
	defer func() {
		for _, s := range sessions {
			if s != nil {
				s.Close()
			}
		}
	}()
	var name string
	var args map[string]any
	for i := range sessions {
		c := mcp.NewClient(&mcp.Implementation{Name: "kosmo-bench", Version: "1"}, nil)
		// Each client has its own connection pool, as separate agents do.
		// Sharing http.DefaultTransport (two idle connections per host)
		// made 198 of the 200 clients dial a new connection for every call,
		// so the row measured TCP churn in both processes.
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		defer hc.CloseIdleConnections()
		s, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc, DisableStandaloneSSE: true}, nil)
		if err != nil {
			return nil, fmt.Errorf("connecting client %d: %w", i, err)
		}
		sessions[i] = s
		if i == 0 {
			tools, err := s.ListTools(ctx, nil)
			if err != nil {
				return nil, err
			}
			if name, args, err = choose(tools.Tools); err != nil {
				return nil, err
			}
		}
	}
	// One untimed call per client first, all at once: the server fills its
	// pools of Lua states and connections and builds what it makes on
	// first use, so the timed calls measure a server that is running, as
	// the sessions already set up are.
	var warm sync.WaitGroup
	for _, s := range sessions {
		warm.Go(func() { s.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args}) })
	}
	warm.Wait()
	res := &loadResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < perClient; j++ {
				t0 := time.Now()
				r, err := s.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
				lat := ms(time.Since(t0))
				mu.Lock()
				res.calls++
				res.latencies = append(res.latencies, lat)
				if err == nil && r.IsError {
					err = fmt.Errorf("tool error: %s", contentText(r))
				}
				if err != nil {
					res.errors++
					if res.firstErr == nil {
						res.firstErr = err
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, nil
}

func contentText(r *mcp.CallToolResult) string {
	var sb strings.Builder
	for _, c := range r.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			sb.WriteString(t.Text)
		}
	}
	s := sb.String()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// pickTool returns the first tool of names the server offers.
func pickTool(tools []*mcp.Tool, names ...string) (string, error) {
	have := map[string]bool{}
	for _, t := range tools {
		have[t.Name] = true
	}
	for _, n := range names {
		if have[n] {
			return n, nil
		}
	}
	return "", fmt.Errorf("the server offers none of %v", names)
}

func loadRow(ctx context.Context, b *bench, minRate, maxP99 float64, zeroErrors bool,
	choose func([]*mcp.Tool) (string, map[string]any, error)) result {
	srv, err := startMCPServer(ctx, b.t.kosmo)
	if err != nil {
		return result{err: err}
	}
	defer srv.stop()
	per := 10
	if b.quick {
		per = 1
	}
	lr, err := concurrentCalls(ctx, srv.endpoint, 200, per, choose)
	if err != nil {
		return result{err: err}
	}
	rate := float64(lr.calls) / lr.elapsed.Seconds()
	p50, p99 := percentile(lr.latencies, 50), percentile(lr.latencies, 99)
	res := result{kosmo: fmt.Sprintf("%.0f calls/s, p50 %.0f ms, p99 %.0f ms, %d errors of %d", rate, p50, p99, lr.errors, lr.calls)}
	ok := rate >= minRate && p99 <= maxP99
	if zeroErrors {
		ok = ok && lr.errors == 0
	}
	res.met = verdict(ok)
	if lr.firstErr != nil {
		res.note = "first error: " + strings.ReplaceAll(lr.firstErr.Error(), "\n", " ")
	}
	return res
}

func mcpExecute(ctx context.Context, b *bench) result {
	return loadRow(ctx, b, 3000, 100, true, func(tools []*mcp.Tool) (string, map[string]any, error) {
		name, err := pickTool(tools, "lua_execute", "execute_lua")
		return name, map[string]any{"code": "return 1"}, err
	})
}

func mcpList(ctx context.Context, b *bench) result {
	return loadRow(ctx, b, 600, 500, false, func(tools []*mcp.Tool) (string, map[string]any, error) {
		name, err := pickTool(tools, "integration__heygen__list_videos", "heygen_list_videos")
		return name, map[string]any{"limit": 100}, err
	})
}

// abandonSession initialises an MCP session over raw HTTP and walks away
// without closing it, as a crashed or careless client does.
func abandonSession(ctx context.Context, client *http.Client, endpoint string) error {
	post := func(body, session string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, "POST", endpoint, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
			req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		}
		return client.Do(req)
	}
	resp, err := post(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"kosmo-bench","version":"1"}}}`, "")
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	id := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || id == "" {
		return fmt.Errorf("initialize: HTTP %d, session %q", resp.StatusCode, id)
	}
	resp, err = post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`, id)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil
}

// mcpSessions serves the gateway in process (so the heap can be read
// after a collection) with a one-second session timeout, abandons 10,000
// sessions in waves, and reports the live heap after each wave.
func mcpSessions(ctx context.Context, b *bench) result {
	h, err := luahost.New(luahost.Options{})
	if err != nil {
		return result{err: err}
	}
	defer h.Close()
	g, err := mcpserver.New(ctx, mcpserver.Options{Host: h})
	if err != nil {
		return result{err: err}
	}
	defer g.Close()
	srv := httptest.NewServer(g.HTTPHandler(mcpserver.HTTPOptions{SessionTimeout: time.Second}))
	defer srv.Close()
	endpoint := srv.URL + mcpserver.Endpoint

	total, wave := 10000, 1000
	if b.quick {
		total, wave = 20, 10
	}
	client := &http.Client{Timeout: 10 * time.Second}
	liveHeap := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc)
	}
	base := liveHeap()
	var heaps []float64
	for done := 0; done < total; done += wave {
		for i := 0; i < wave; i++ {
			if err := abandonSession(ctx, client, endpoint); err != nil {
				return result{err: err}
			}
		}
		time.Sleep(1500 * time.Millisecond) // past the session timeout
		heaps = append(heaps, liveHeap())
	}
	client.CloseIdleConnections()
	half := (len(heaps) - 1) / 2 // the wave that ends the first half
	growth := (heaps[len(heaps)-1] - heaps[half]) / float64(total-(half+1)*wave) / 1024
	kb := func(x float64) float64 { return (x - base) / 1024 }
	res := result{
		kosmo: fmt.Sprintf("live heap +%.0f KB after %d sessions, +%.0f KB after %d; %.2f KB per session in the second half",
			kb(heaps[half]), (half+1)*wave, kb(heaps[len(heaps)-1]), total, growth),
		note: "gateway in process, --session-timeout 1s, 1.5 s pause between waves of abandoned sessions",
	}
	res.met = verdict(growth < 0.1)
	return res
}
