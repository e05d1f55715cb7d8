package mcpclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpapi"
	"github.com/kosmo-dev/kosmo/testdata/mcpserver/mcptestserver"
)

// The test binary doubles as the test MCP server: started with
// MCPCLIENT_TEST_SERVER=1 it runs mcptestserver instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("MCPCLIENT_TEST_SERVER") == "1" {
		os.Exit(mcptestserver.Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func testServer(args ...string) ServerConfig {
	return ServerConfig{Type: Stdio, Command: os.Args[0], Args: args, Env: map[string]string{"MCPCLIENT_TEST_SERVER": "1"}, Source: "test.json"}
}

func newTestProvider(t *testing.T, servers map[string]ServerConfig, mod func(*Options)) (*Provider, string) {
	t.Helper()
	dir := t.TempDir()
	for name, s := range servers {
		s.Name = name
		s.Dir = dir
		servers[name] = s
	}
	opts := Options{Dir: dir, StartTimeout: 10 * time.Second, StopTimeout: time.Second}
	if mod != nil {
		mod(&opts)
	}
	return New(&Config{Servers: servers}, opts), dir
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func codeOf(err error) errcode.Code {
	return errcode.CodeOf(err)
}

func TestStdioServerEndToEnd(t *testing.T) {
	p, dir := newTestProvider(t, map[string]ServerConfig{"notes": testServer()}, nil)
	assert.Equal(t, []string{"notes"}, p.Servers())
	s := p.Session()
	defer s.Close()
	ctx := ctxT(t, 20*time.Second)

	tools, err := s.Tools(ctx, "notes")
	require.NoError(t, err)
	byName := map[string]*mcpapi.Tool{}
	for _, tool := range tools {
		byName[tool.Name] = tool
	}
	require.Contains(t, byName, "echo")
	assert.True(t, byName["echo"].ReadOnly)
	assert.Equal(t, "Echo", byName["echo"].Title)
	assert.False(t, byName["write_note"].ReadOnly)
	assert.Equal(t, []any{"text"}, byName["echo"].InputSchema["required"])

	args, err := byName["echo"].Validate(map[string]any{"text": "hey", "times": int64(2)})
	require.NoError(t, err)
	res, err := s.CallTool(ctx, "notes", "echo", args)
	require.NoError(t, err)
	assert.Equal(t, "hey hey", res.Text())
	assert.Equal(t, []map[string]any{{"type": "text", "text": "hey hey"}}, res.Content)
	assert.Equal(t, map[string]any{"echoed": "hey hey", "times": float64(2)}, res.Structured)

	_, err = byName["echo"].Validate(map[string]any{"text": int64(1)})
	assert.Equal(t, errcode.InvalidArgument, codeOf(err))

	res, err = s.CallTool(ctx, "notes", "write_note", map[string]any{"title": "t1", "tags": []any{"a"}})
	require.NoError(t, err)
	assert.Equal(t, "saved t1", res.Text())
	notes, err := os.ReadFile(filepath.Join(dir, "notes.log"))
	require.NoError(t, err, "the server runs in Options.Dir")
	assert.Equal(t, "t1|||a\n", string(notes))

	res, err = s.CallTool(ctx, "notes", "fail", map[string]any{})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Equal(t, "the archive is offline", res.Text())

	resources, err := s.Resources(ctx, "notes")
	require.NoError(t, err)
	require.Len(t, resources, 2)
	contents, err := s.ReadResource(ctx, "notes", "note://logo")
	require.NoError(t, err)
	assert.Equal(t, []*mcpapi.ResourceContents{{URI: "note://logo", MIMEType: "image/png", Blob: "iVBORw=="}}, contents)
	_, err = s.ReadResource(ctx, "notes", "note://missing")
	assert.Equal(t, errcode.APIError, codeOf(err))

	prompts, err := s.Prompts(ctx, "notes")
	require.NoError(t, err)
	require.Len(t, prompts, 1)
	assert.Equal(t, []mcpapi.PromptArgument{{Name: "topic", Description: "what to summarize", Required: true}, {Name: "style", Description: "brief or detailed"}}, prompts[0].Arguments)
	pr, err := s.GetPrompt(ctx, "notes", "summarize", map[string]string{"topic": "moss"})
	require.NoError(t, err)
	assert.Equal(t, []mcpapi.PromptMessage{{Role: "user", Content: map[string]any{"type": "text", "text": "Summarize moss in a brief style."}}}, pr.Messages)

	_, err = s.Tools(ctx, "nope")
	assert.Equal(t, errcode.UnknownFunction, codeOf(err))
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	var data []byte
	require.Eventually(t, func() bool {
		var err error
		data, err = os.ReadFile(path)
		return err == nil && len(data) > 0
	}, 10*time.Second, 10*time.Millisecond, "waiting for %s", path)
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	require.NoError(t, err)
	return pid
}

func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}

// A call cancelled by the run returns promptly, and closing the session
// kills the server and the child it started (its process group).
func TestCancelledCallAndProcessGroupShutdown(t *testing.T) {
	p, dir := newTestProvider(t, map[string]ServerConfig{"notes": testServer()}, nil)
	s := p.Session()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.CallTool(ctx, "notes", "hang", map[string]any{"pid_dir": dir})
		done <- err
	}()
	server := readPid(t, filepath.Join(dir, "server.pid"))
	child := readPid(t, filepath.Join(dir, "child.pid"))
	assert.True(t, alive(server))
	assert.True(t, alive(child))
	cancel()
	select {
	case err := <-done:
		assert.Equal(t, errcode.Timeout, codeOf(err))
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled call did not return")
	}
	start := time.Now()
	require.NoError(t, s.Close())
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Eventually(t, func() bool { return !alive(server) && !alive(child) }, 5*time.Second, 20*time.Millisecond,
		"server %d and child %d must be gone", server, child)

	_, err := s.Tools(context.Background(), "notes")
	assert.Error(t, err, "a closed session starts nothing")
}

func TestCrashNamesServerAndStderr(t *testing.T) {
	p, _ := newTestProvider(t, map[string]ServerConfig{"notes": testServer()}, nil)
	s := p.Session()
	defer s.Close()
	ctx := ctxT(t, 20*time.Second)
	_, err := s.CallTool(ctx, "notes", "crash", map[string]any{})
	require.Error(t, err)
	e, _ := errcode.As(err)
	assert.Equal(t, errcode.NetworkError, e.Code)
	assert.Contains(t, e.Message, `MCP server "notes" exited (exit status 3) during tools/call crash`)
	assert.Contains(t, e.Details["stderr"], "panic: index out of range [7] with length 3")

	// Not restarted: later requests fail at once with the reason.
	_, err = s.Tools(ctx, "notes")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `MCP server "notes" exited (exit status 3) earlier in this run`)
}

func TestStartFailures(t *testing.T) {
	p, _ := newTestProvider(t, map[string]ServerConfig{
		"broken":  testServer("-fail-start"),
		"silent":  testServer("sleep"),
		"missing": {Type: Stdio, Command: "kosmo-no-such-server", Source: "test.json"},
		"baddir":  {Type: Stdio, Command: os.Args[0], Cwd: "/nonexistent/dir", Source: "test.json"},
		"needenv": {Type: Stdio, Command: os.Args[0], Args: []string{"${KOSMO_TEST_UNSET_VAR}"}, Source: "test.json"},
	}, func(o *Options) { o.StartTimeout = 500 * time.Millisecond })
	s := p.Session()
	defer s.Close()
	ctx := ctxT(t, 20*time.Second)

	_, err := s.Tools(ctx, "broken")
	e, _ := errcode.As(err)
	require.NotNil(t, e)
	assert.Equal(t, errcode.NetworkError, e.Code)
	assert.Contains(t, e.Message, `MCP server "broken"`)
	assert.Contains(t, e.Message, "exited (exit status 2) before completing the MCP handshake")
	assert.Equal(t, "mcptestserver: cannot open the database: permission denied", e.Details["stderr"])
	_, err2 := s.Tools(ctx, "broken")
	assert.Equal(t, err, err2, "a failed server is not retried")

	start := time.Now()
	_, err = s.Tools(ctx, "silent")
	assert.Equal(t, errcode.Timeout, codeOf(err))
	assert.Contains(t, err.Error(), `MCP server "silent"`)
	assert.Contains(t, err.Error(), "did not complete the MCP handshake within 500ms")
	assert.Less(t, time.Since(start), 5*time.Second)

	for _, name := range []string{"missing", "baddir", "needenv"} {
		_, err = s.Tools(ctx, name)
		assert.Equal(t, errcode.ConfigError, codeOf(err), name)
		assert.Contains(t, err.Error(), `MCP server "`+name+`"`)
	}
}

func TestHTTPServerWithHeaders(t *testing.T) {
	var mu sync.Mutex
	var auth []string
	handler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return mcptestserver.New() }, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		handler.ServeHTTP(w, r)
	}))
	defer srv.Close()

	p, _ := newTestProvider(t, map[string]ServerConfig{
		"remote": {Type: HTTP, URL: "${REMOTE_BASE}/mcp", Headers: map[string]string{"Authorization": "Bearer ${REMOTE_TOKEN}"}, Source: "test.json"},
		"down":   {Type: HTTP, URL: "http://127.0.0.1:1/mcp", Source: "test.json"},
	}, func(o *Options) {
		o.Env = map[string]string{"REMOTE_BASE": srv.URL, "REMOTE_TOKEN": "s3cret"}
	})
	s := p.Session()
	ctx := ctxT(t, 20*time.Second)
	tools, err := s.Tools(ctx, "remote")
	require.NoError(t, err)
	assert.Len(t, tools, 5)
	res, err := s.CallTool(ctx, "remote", "echo", map[string]any{"text": "over http"})
	require.NoError(t, err)
	assert.Equal(t, "over http", res.Text())

	_, err = s.Tools(ctx, "down")
	assert.Equal(t, errcode.NetworkError, codeOf(err))
	assert.Contains(t, err.Error(), `MCP server "down" (http http://127.0.0.1:1/mcp) failed to start`)
	require.NoError(t, s.Close())

	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, auth)
	for _, a := range auth {
		assert.Equal(t, "Bearer s3cret", a)
	}
}

func TestRedactURL(t *testing.T) {
	assert.Equal(t, "https://h/mcp?…", redactURL("https://user:pw@h/mcp?token=x"))
	assert.Equal(t, "http://h:1/x", redactURL("http://h:1/x"))
}

func TestTailBuffer(t *testing.T) {
	b := newTailBuffer(10)
	_, _ = b.Write([]byte("line1\nline2\n"))
	assert.Equal(t, "…\nne1\nline2", b.Tail(5))
	b = newTailBuffer(100)
	_, _ = b.Write([]byte("a\nb\nc\n"))
	assert.Equal(t, "a\nb\nc", b.Tail(5))
	assert.Equal(t, "…\nb\nc", b.Tail(2))
	_, _ = b.Write([]byte(strings.Repeat("x", 300)))
	assert.Equal(t, "…\n"+strings.Repeat("x", 100), b.Tail(5))
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "srv")
	require.NoError(t, os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plain"), []byte("x"), 0o644))

	got, err := lookPath("srv", "/nonexistent"+string(filepath.ListSeparator)+dir, "", "")
	require.NoError(t, err)
	assert.Equal(t, exe, got)
	got, err = lookPath("./srv", "", "", dir)
	require.NoError(t, err)
	assert.Equal(t, exe, got)
	_, err = lookPath("plain", dir, "", "")
	assert.Error(t, err)
	_, err = lookPath("./plain", "", dir, "")
	assert.ErrorContains(t, err, "not executable")
	_, err = lookPath("srv", "", "", "")
	assert.ErrorContains(t, err, "not found")
}
