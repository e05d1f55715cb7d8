package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
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

// hasFlag reports whether `kosmo mcp:serve --help` mentions a flag, so the
// benchmark works across versions of the command.
func hasFlag(kosmo, flag string) bool {
	out, _ := exec.Command(kosmo, "mcp:serve", "--help").CombinedOutput()
	return strings.Contains(string(out), "--"+flag)
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

// rssBytes reads the resident set size of a process from /proc.
func rssBytes(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, errors.New("no VmRSS")
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
		s, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: endpoint, DisableStandaloneSSE: true}, nil)
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
	p99 := percentile(lr.latencies, 99)
	res := result{kosmo: fmt.Sprintf("%.0f calls/s, p99 %.0f ms, %d errors of %d", rate, p99, lr.errors, lr.calls)}
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

func mcpSessions(ctx context.Context, b *bench) result {
	var extra []string
	note := "no session timeout flag: sessions live until the server stops"
	if hasFlag(b.t.kosmo, "session-timeout") {
		extra = append(extra, "--session-timeout", "1s")
		note = "served with --session-timeout 1s; 1.5 s pause between waves"
	}
	srv, err := startMCPServer(ctx, b.t.kosmo, extra...)
	if err != nil {
		return result{err: err}
	}
	defer srv.stop()
	total, wave := 10000, 1000
	if b.quick {
		total, wave = 20, 10
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var rss []int64
	for done := 0; done < total; done += wave {
		for i := 0; i < wave; i++ {
			if err := abandonSession(ctx, client, srv.endpoint); err != nil {
				return result{err: err}
			}
		}
		if len(extra) > 0 {
			time.Sleep(1500 * time.Millisecond)
		}
		r, err := rssBytes(srv.cmd.Process.Pid)
		if err != nil {
			return result{err: err}
		}
		rss = append(rss, r)
	}
	half := len(rss) / 2
	growth := float64(rss[len(rss)-1]-rss[half]) / float64(total-(half+1)*wave) / 1024
	if b.quick || half == 0 {
		growth = 0
	}
	res := result{
		kosmo: fmt.Sprintf("RSS %.0f MB after %d sessions, %.0f MB after %d; %.2f KB per session in the second half",
			float64(rss[half])/(1<<20), (half+1)*wave, float64(rss[len(rss)-1])/(1<<20), total, growth),
		note: note,
	}
	res.met = verdict(growth < 0.5)
	return res
}
