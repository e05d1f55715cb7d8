package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/testdata/mcpserver/mcptestserver"
)

// lockedBuffer is a bytes.Buffer safe for the server's writes and the
// test's reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveState is a State for running `kosmo mcp:serve` in-process, in a
// fresh home directory (with config as its config.toml), with no HeyGen
// key in the environment.
func serveState(t *testing.T, ctx context.Context, config string, stdin io.Reader, stdout io.Writer, args ...string) (*State, *lockedBuffer) {
	t.Helper()
	dir := t.TempDir()
	if config != "" {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, ".config", "kosmo"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, ".config", "kosmo", "config.toml"), []byte(config), 0o600))
	}
	stderr := &lockedBuffer{}
	return &State{
		Args:     append([]string{"kosmo", "mcp:serve"}, args...),
		Env:      map[string]string{"HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, ".config"), "CI": "1", "PATH": os.Getenv("PATH")},
		Stdin:    stdin,
		Stdout:   stdout,
		Stderr:   stderr,
		Dir:      dir,
		Home:     dir,
		ReadFile: os.ReadFile,
		Stat:     os.Stat,
		Context:  ctx,
	}, stderr
}

// denyWrites is a config that refuses writes (in --sandbox, writes the
// policy would ask about are allowed).
const denyWrites = "[integrations.heygen.permissions]\nwrite = \"deny\"\n"

// startServe runs `kosmo mcp:serve ARGS` on pipes and returns a client
// session connected to it. Cleanup closes the session and waits for Main
// to return.
func startServe(t *testing.T, config string, args ...string) *mcp.ClientSession {
	t.Helper()
	cs, _, _, _ := startServeIn(t, config, nil, args...)
	return cs
}

// startServeIn is startServe with files written to the working directory
// first (.mcp.json, ...); it also returns stderr and a function that
// interrupts the server (as SIGTERM does) and waits for it to exit, and
// the working directory.
func startServeIn(t *testing.T, config string, files map[string]string, args ...string) (*mcp.ClientSession, *lockedBuffer, string, func()) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	st, stderr := serveState(t, ctx, config, inR, outW, args...)
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(st.Dir, name), []byte(body), 0o644))
	}
	exit := make(chan int, 1)
	go func() {
		code := Main(st)
		_ = outW.Close()
		exit <- code
	}()
	client := mcp.NewClient(&mcp.Implementation{Name: "kosmo-test", Version: "1"}, nil)
	cctx, ccancel := context.WithTimeout(ctx, 20*time.Second)
	defer ccancel()
	cs, err := client.Connect(cctx, &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	require.NoError(t, err, "stderr: %s", stderr)
	var once sync.Once
	wait := func(why string) {
		select {
		case code := <-exit:
			assert.Equal(t, 0, code, "mcp:serve exit code; stderr: %s", stderr)
		case <-time.After(20 * time.Second):
			t.Errorf("mcp:serve did not stop %s", why)
		}
	}
	interrupt := func() {
		once.Do(func() {
			cancel()
			wait("when interrupted")
			_ = cs.Close()
			_ = inW.Close()
		})
	}
	t.Cleanup(func() {
		once.Do(func() {
			_ = cs.Close()
			_ = inW.Close()
			wait("when its input closed")
			cancel()
		})
	})
	return cs, stderr, st.Dir, interrupt
}

func callTool(t *testing.T, cs *mcp.ClientSession, name string, args any) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err)
	return res
}

func resultText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// envelopeOf decodes the envelope a tool returned as text, and checks the
// structured content says the same.
func envelopeOf(t *testing.T, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(resultText(res)), &env), resultText(res))
	structured, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	text, err := json.Marshal(env)
	require.NoError(t, err)
	assert.JSONEq(t, string(text), string(structured))
	return env
}

func listServeTools(t *testing.T, cs *mcp.ClientSession) map[string]*mcp.Tool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tools := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(ctx, nil) {
		require.NoError(t, err)
		tools[tool.Name] = tool
	}
	return tools
}

func errorOf(t *testing.T, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	e, ok := envelopeOf(t, res)["error"].(map[string]any)
	require.True(t, ok, resultText(res))
	return e
}

func TestMCPServeListsTools(t *testing.T) {
	cs := startServe(t, "", "--sandbox")
	tools := listServeTools(t, cs)
	for _, name := range []string{"execute_lua", "lua_execute", "lua_read_doc", "lua_search_docs", "lua_list_docs",
		"integration__heygen__list_videos", "integration__heygen__get_video"} {
		require.Contains(t, tools, name)
	}
	// --write deny is the default: no write tool is listed.
	for name, tool := range tools {
		if strings.HasPrefix(name, "integration__") {
			assert.True(t, tool.Annotations.ReadOnlyHint, "%s is a write tool", name)
		}
	}
	assert.NotContains(t, tools, "integration__heygen__create_video")
	assert.NotContains(t, tools, "integration__heygen__delete_video")
	assert.True(t, tools["lua_read_doc"].Annotations.ReadOnlyHint)
	assert.False(t, tools["execute_lua"].Annotations.ReadOnlyHint)

	schema, ok := tools["integration__heygen__get_video"].InputSchema.(map[string]any)
	require.True(t, ok)
	assert.Equal(t, "object", schema["type"])
	assert.Equal(t, []any{"video_id"}, schema["required"])
	props := schema["properties"].(map[string]any)
	assert.Equal(t, "string", props["video_id"].(map[string]any)["type"])
	assert.Contains(t, tools["execute_lua"].InputSchema.(map[string]any)["required"], "code")
	assert.Contains(t, cs.InitializeResult().Instructions, "lua_read_doc('integrations.heygen')")

	all := listServeTools(t, startServe(t, "", "--sandbox", "--write", "allow"))
	assert.Contains(t, all, "integration__heygen__create_video")
	assert.False(t, all["integration__heygen__create_video"].Annotations.ReadOnlyHint)
}

func TestMCPServeIntegrationSelection(t *testing.T) {
	tools := listServeTools(t, startServe(t, "", "--sandbox", "--integration", "heygen"))
	assert.Contains(t, tools, "integration__heygen__list_videos")

	var out bytes.Buffer
	st, stderr := serveState(t, context.Background(), "", strings.NewReader(""), &out, "--integrations=heygne")
	assert.Equal(t, 2, Main(st))
	assert.Contains(t, stderr.String(), `--integration "heygne": no such integration. Did you mean: heygen`)
}

func TestMCPServeLuaExecute(t *testing.T) {
	cs := startServe(t, "", "--sandbox")
	res := callTool(t, cs, "lua_execute", map[string]any{"code": `print("hi") return 1 + 1, {a = true}`})
	assert.False(t, res.IsError)
	env := envelopeOf(t, res)
	assert.Equal(t, true, env["success"])
	assert.Equal(t, "hi\n", env["output"])
	assert.Equal(t, []any{float64(2), map[string]any{"a": true}}, env["result"])
	assert.Equal(t, true, env["meta"].(map[string]any)["sandbox"])

	// A failing run is a tool error holding the envelope.
	res = callTool(t, cs, "execute_lua", map[string]any{"code": `error("boom")`})
	assert.True(t, res.IsError)
	assert.Equal(t, "lua_runtime_error", errorOf(t, res)["code"])

	// With --write deny, scripts cannot write either (even in the sandbox,
	// which otherwise allows writes); an agent cannot ask for force.
	res = callTool(t, cs, "execute_lua", map[string]any{"code": `return app.integrations.heygen.delete_video({video_id = "abc123"})`})
	assert.True(t, res.IsError)
	assert.Equal(t, "permission_denied", errorOf(t, res)["code"])
	res = callTool(t, cs, "lua_execute", map[string]any{"code": `return 1`, "force": true})
	assert.True(t, res.IsError, "an unknown force argument must be refused")

	// The timeout and cpuLimit arguments bound the run.
	res = callTool(t, cs, "lua_execute", map[string]any{"code": `while true do end`, "timeout": 0.3})
	assert.True(t, res.IsError)
	assert.Contains(t, []any{"timeout", "cpu_limit"}, errorOf(t, res)["code"])
	res = callTool(t, cs, "execute_lua", map[string]any{"code": `while true do end`, "cpuLimit": 0.2})
	assert.Equal(t, "cpu_limit", errorOf(t, res)["code"])
	res = callTool(t, cs, "lua_execute", map[string]any{"code": `return 1`, "timeout": "soon"})
	assert.Equal(t, "invalid_argument", errorOf(t, res)["code"])

	// Bad arguments.
	res = callTool(t, cs, "lua_execute", map[string]any{})
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "missing required parameter 'code'")
	res = callTool(t, cs, "lua_execute", map[string]any{"code": "return 1", "cod": 1})
	assert.Equal(t, "invalid_argument", errorOf(t, res)["code"])
}

func TestMCPServeDocsTools(t *testing.T) {
	cs := startServe(t, "")
	res := callTool(t, cs, "lua_read_doc", map[string]any{"page": "integrations.heygen"})
	assert.False(t, res.IsError)
	assert.Contains(t, resultText(res), "# HeyGen — Lua API Reference")
	res = callTool(t, cs, "lua_read_doc", map[string]any{"page": "integrations.heygen.list_videos"})
	assert.False(t, res.IsError, resultText(res))
	res = callTool(t, cs, "lua_read_doc", map[string]any{"page": "mcp"})
	assert.Contains(t, resultText(res), "kosmo mcp:serve")
	res = callTool(t, cs, "lua_read_doc", map[string]any{"page": "heygen.list_vidoes"})
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "No integration docs found for 'heygen.list_vidoes'.")

	res = callTool(t, cs, "lua_list_docs", map[string]any{"namespace": "integrations.heygen"})
	assert.False(t, res.IsError)
	assert.Contains(t, resultText(res), "heygen.create_video - Generate a new AI video")
	res = callTool(t, cs, "lua_search_docs", map[string]any{"query": "avatar", "limit": 3})
	assert.False(t, res.IsError)
	assert.Len(t, res.StructuredContent.(map[string]any)["results"], 3)
}

func TestMCPServeIntegrationTools(t *testing.T) {
	cs := startServe(t, "", "--sandbox")
	res := callTool(t, cs, "integration__heygen__list_videos", map[string]any{"limit": 2})
	require.False(t, res.IsError, resultText(res))
	data := res.StructuredContent.(map[string]any)["data"].(map[string]any)
	videos := data["videos"].([]any)
	assert.Len(t, videos, 2)
	assert.NotEmpty(t, videos[0].(map[string]any)["video_id"])
	var fromText map[string]any
	require.NoError(t, json.Unmarshal([]byte(resultText(res)), &fromText))
	assert.Equal(t, res.StructuredContent, fromText)

	res = callTool(t, cs, "integration__heygen__get_video", map[string]any{"video_id": "abc123"})
	require.False(t, res.IsError, resultText(res))

	// No arguments at all is an empty table.
	res = callTool(t, cs, "integration__heygen__list_videos", nil)
	require.False(t, res.IsError, resultText(res))

	// Validation happens as for scripts, and the failure carries the audit.
	res = callTool(t, cs, "integration__heygen__list_videos", map[string]any{"limit": "ten"})
	assert.True(t, res.IsError)
	env := envelopeOf(t, res)
	assert.Equal(t, "invalid_argument", env["error"].(map[string]any)["code"])
	assert.Contains(t, env["error"].(map[string]any)["message"], "limit")
	calls := env["integration_calls"].([]any)
	require.Len(t, calls, 1)
	assert.Equal(t, "app.integrations.heygen.list_videos", calls[0].(map[string]any)["path"])

	// A write tool is not offered: a client that calls it anyway is refused.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "integration__heygen__create_video", Arguments: testVideo})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown tool")
}

// --write allow answers the policy's "ask" (nobody can be asked over MCP),
// but an explicit deny in the config still refuses.
func TestMCPServeWriteAllow(t *testing.T) {
	cs := startServe(t, "", "--write", "allow")
	res := callTool(t, cs, "integration__heygen__create_video", testVideo)
	assert.True(t, res.IsError)
	assert.Equal(t, "auth_missing", errorOf(t, res)["code"], "the policy let it through; the key is missing")

	cs = startServe(t, denyWrites, "--sandbox", "--write", "allow")
	res = callTool(t, cs, "integration__heygen__create_video", testVideo)
	assert.True(t, res.IsError)
	e := errorOf(t, res)
	assert.Equal(t, "permission_denied", e["code"])
	assert.Contains(t, e["message"], "app.integrations.heygen.create_video is a write operation")
}

var testVideo = map[string]any{"video_inputs": []any{map[string]any{
	"character": map[string]any{"avatar_id": "avatar-abc123", "voice_id": "voice-xyz789"},
	"script":    "Hello from the test",
}}, "test": true}

func TestMCPServeForceAllowsWrites(t *testing.T) {
	cs := startServe(t, denyWrites, "--sandbox", "--write", "allow", "--force")
	res := callTool(t, cs, "integration__heygen__create_video", testVideo)
	require.False(t, res.IsError, resultText(res))
	data := res.StructuredContent.(map[string]any)["data"].(map[string]any)
	assert.NotEmpty(t, data["video_id"])

	var out bytes.Buffer
	st, stderr := serveState(t, context.Background(), "", strings.NewReader(""), &out, "--force")
	assert.Equal(t, 2, Main(st))
	assert.Contains(t, stderr.String(), "--force has no effect with --write deny")
}

func TestMCPServeConcurrentCalls(t *testing.T) {
	cs := startServe(t, "", "--sandbox", "--max-concurrent", "16")
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "lua_execute", Arguments: map[string]any{
				"code": fmt.Sprintf(`local n = 0 for i = 1, 20000 do n = n + i end return %d, n`, i),
			}})
			if err != nil {
				errs <- err.Error()
				return
			}
			var env struct {
				Success bool  `json:"success"`
				Result  []any `json:"result"`
			}
			if err := json.Unmarshal([]byte(resultText(res)), &env); err != nil || !env.Success || env.Result[0] != float64(i) {
				errs <- resultText(res)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

const notesConfig = `{"mcpServers": {
  "notes": {"command": "mcptestserver", "args": ["-pidfile", "notes.pid"]},
  "myself": {"command": "kosmo", "args": ["mcp:serve", "--sandbox"]}
}}`

// Upstream servers are proxied as mcp__<server>__<tool>; kosmo's own
// mcp:serve is skipped; interrupting the gateway stops the upstream.
func TestMCPServeUpstream(t *testing.T) {
	cs, stderr, dir, interrupt := startServeIn(t, "", map[string]string{".mcp.json": notesConfig}, "--upstream", "notes,myself")
	tools := listServeTools(t, cs)
	assert.Contains(t, tools, "mcp__notes__echo")
	assert.Contains(t, tools, "mcp__notes__fail")
	assert.NotContains(t, tools, "mcp__notes__write_note", "write tools are hidden with --write deny")
	assert.NotContains(t, tools, "mcp__notes__crash")
	assert.Equal(t, "Echo", tools["mcp__notes__echo"].Title)
	assert.True(t, tools["mcp__notes__echo"].Annotations.ReadOnlyHint)
	assert.Equal(t, []any{"text"}, tools["mcp__notes__echo"].InputSchema.(map[string]any)["required"])
	for name := range tools {
		assert.False(t, strings.HasPrefix(name, "mcp__myself__"), name)
	}
	assert.Contains(t, stderr.String(), "upstream myself is kosmo's own mcp:serve")

	res := callTool(t, cs, "mcp__notes__echo", map[string]any{"text": "hi", "times": 2})
	require.False(t, res.IsError, resultText(res))
	assert.Equal(t, "hi hi", resultText(res))
	assert.Equal(t, map[string]any{"echoed": "hi hi", "times": float64(2)}, res.StructuredContent)

	res = callTool(t, cs, "mcp__notes__echo", map[string]any{"text": "hi", "tmes": 2})
	assert.True(t, res.IsError)
	assert.Contains(t, errorOf(t, res)["message"], "Did you mean: times")

	// execute_lua sees the upstream as app.mcp.notes.
	res = callTool(t, cs, "execute_lua", map[string]any{"code": `return app.mcp.notes.echo({text = "lua"}).text`})
	require.False(t, res.IsError, resultText(res))
	assert.Equal(t, []any{"lua"}, envelopeOf(t, res)["result"])

	require.FileExists(t, filepath.Join(dir, "notes.pid"))
	interrupt()
	assert.Equal(t, 0, mcptestserver.Main([]string{"gone", filepath.Join(dir, "notes.pid")}), "the upstream server outlived the gateway")
	assert.Contains(t, stderr.String(), "shutting down")
}

// startHTTP runs `kosmo mcp:serve ARGS` (with --http) and returns the
// endpoint it prints; env is added to its environment. Cleanup interrupts
// it and checks it exits 0.
func startHTTP(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	st, stderr := serveState(t, ctx, "", strings.NewReader(""), outW, args...)
	for k, v := range env {
		st.Env[k] = v
	}
	exit := make(chan int, 1)
	go func() {
		code := Main(st)
		_ = outW.Close()
		exit <- code
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-exit:
			assert.Equal(t, 0, code, "stderr: %s", stderr)
		case <-time.After(20 * time.Second):
			t.Error("mcp:serve --http did not stop on cancel")
		}
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(outR).ReadString('\n')
		lines <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, outR)
	}()
	select {
	case endpoint := <-lines:
		require.True(t, strings.HasSuffix(endpoint, "/mcp"), "%q; stderr: %s", endpoint, stderr)
		return endpoint
	case <-time.After(10 * time.Second):
		t.Fatalf("no endpoint printed; stderr: %s", stderr)
	}
	return ""
}

func TestMCPServeHTTP(t *testing.T) {
	endpoint := startHTTP(t, nil, "--http", "127.0.0.1:0")
	require.True(t, strings.HasPrefix(endpoint, "http://127.0.0.1:"), endpoint)
	client := mcp.NewClient(&mcp.Implementation{Name: "kosmo-test", Version: "1"}, nil)
	cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer ccancel()
	cs, err := client.Connect(cctx, &mcp.StreamableClientTransport{Endpoint: endpoint, DisableStandaloneSSE: true}, nil)
	require.NoError(t, err)
	defer cs.Close()
	res := callTool(t, cs, "lua_execute", map[string]any{"code": "return 40 + 2"})
	require.False(t, res.IsError, resultText(res))
	assert.Equal(t, []any{float64(42)}, envelopeOf(t, res)["result"])

	// A browser page from another origin is refused (DNS rebinding).
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	require.NoError(t, err)
	req.Header.Set("Origin", "http://attacker.example")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// Over HTTP nothing redacts on the way out but the host itself, so the
// gateway's host must know the process's secrets: a script that returns
// the API key gets it back masked, in the text and the structured content.
func TestMCPServeHTTPRedactsSecrets(t *testing.T) {
	const key = "hg-live-key-8f3a61c2d9e04b7"
	endpoint := startHTTP(t, map[string]string{"HEYGEN_API_KEY": key}, "--http", "127.0.0.1:0", "--sandbox")
	client := mcp.NewClient(&mcp.Implementation{Name: "kosmo-test", Version: "1"}, nil)
	cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer ccancel()
	cs, err := client.Connect(cctx, &mcp.StreamableClientTransport{Endpoint: endpoint, DisableStandaloneSSE: true}, nil)
	require.NoError(t, err)
	defer cs.Close()
	res := callTool(t, cs, "lua_execute", map[string]any{"code": "print('" + key + "') return '" + key + "'"})
	require.False(t, res.IsError, resultText(res))
	structured, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	for _, text := range []string{resultText(res), string(structured)} {
		assert.NotContains(t, text, key[:12])
		assert.Contains(t, text, "[REDACTED]")
	}
}

func TestMCPServeHTTPToken(t *testing.T) {
	endpoint := startHTTP(t, map[string]string{"KOSMO_MCP_TOKEN": "tok-123456"}, "--http", ":0", "--token-env", "KOSMO_MCP_TOKEN")
	require.True(t, strings.HasPrefix(endpoint, "http://127.0.0.1:"), "a bare :PORT binds loopback: %s", endpoint)
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	for _, auth := range []string{"", "Bearer wrong", "Bearer tok-123456"} {
		req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(initialize))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		want := http.StatusUnauthorized
		if auth == "Bearer tok-123456" {
			want = http.StatusOK
		}
		assert.Equal(t, want, resp.StatusCode, "Authorization %q", auth)
	}
}

func TestMCPServeHTTPNeedsTokenOffLoopback(t *testing.T) {
	var out bytes.Buffer
	st, stderr := serveState(t, context.Background(), "", strings.NewReader(""), &out, "--http", "0.0.0.0:0")
	assert.Equal(t, 2, Main(st))
	assert.Contains(t, stderr.String(), "a bearer token is required")

	st, stderr = serveState(t, context.Background(), "", strings.NewReader(""), &out, "--http", "0.0.0.0:0", "--token-env", "NOT_SET_ANYWHERE")
	assert.Equal(t, 3, Main(st))
	assert.Contains(t, stderr.String(), "--token-env NOT_SET_ANYWHERE: the variable is not set")

	st, stderr = serveState(t, context.Background(), "", strings.NewReader(""), &out, "--token-env", "HOME")
	assert.Equal(t, 2, Main(st))
	assert.Contains(t, stderr.String(), "apply to --http only")
}

func TestMCPServeRejectsArguments(t *testing.T) {
	var out bytes.Buffer
	st, stderr := serveState(t, context.Background(), "", strings.NewReader(""), &out, "extra")
	assert.Equal(t, 2, Main(st))
	assert.Contains(t, stderr.String(), "mcp:serve takes no arguments")
}

// The HTTP gateway raises the GC target under a soft memory limit derived
// from its run budgets, leaves a GOGC or GOMEMLIMIT from the environment
// alone, and undoes what it set.
func TestTuneGatewayGC(t *testing.T) {
	pct := debug.SetGCPercent(100)
	defer debug.SetGCPercent(pct)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(limit)
	current := func() (int, int64) {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		return p, debug.SetMemoryLimit(-1) // a negative limit only reads it
	}

	st := &State{Env: map[string]string{}}
	undo := tuneGatewayGC(st, 4, luahost.Limits{Memory: 32 << 20, Output: 16 << 20})
	p, l := current()
	assert.Equal(t, gatewayGCPercent, p)
	assert.Equal(t, int64(2*(64<<20+2*4*48<<20)), l)
	undo()
	p, l = current()
	assert.Equal(t, 100, p)
	assert.Equal(t, int64(math.MaxInt64), l)

	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		st := &State{Env: map[string]string{v: "200"}}
		undo := tuneGatewayGC(st, 4, luahost.Limits{})
		p, l := current()
		assert.Equal(t, 100, p, v)
		assert.Equal(t, int64(math.MaxInt64), l, v)
		undo()
	}
}
