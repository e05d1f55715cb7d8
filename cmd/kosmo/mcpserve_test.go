package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	st, stderr := serveState(t, ctx, config, inR, outW, args...)
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
	t.Cleanup(func() {
		_ = cs.Close()
		_ = inW.Close()
		select {
		case code := <-exit:
			assert.Equal(t, 0, code, "mcp:serve exit code; stderr: %s", stderr)
		case <-time.After(10 * time.Second):
			t.Error("mcp:serve did not stop when its input closed")
		}
		cancel()
	})
	return cs
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

func TestMCPServeListsTools(t *testing.T) {
	cs := startServe(t, "", "--sandbox")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tools := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(ctx, nil) {
		require.NoError(t, err)
		tools[tool.Name] = tool
	}
	for _, name := range []string{"lua_execute", "lua_read_doc", "heygen_list_videos", "heygen_get_video", "heygen_create_video"} {
		require.Contains(t, tools, name)
	}
	assert.True(t, tools["heygen_list_videos"].Annotations.ReadOnlyHint)
	assert.False(t, tools["heygen_create_video"].Annotations.ReadOnlyHint)
	assert.True(t, tools["lua_read_doc"].Annotations.ReadOnlyHint)
	assert.False(t, tools["lua_execute"].Annotations.ReadOnlyHint)

	schema, ok := tools["heygen_get_video"].InputSchema.(map[string]any)
	require.True(t, ok)
	assert.Equal(t, "object", schema["type"])
	assert.Equal(t, []any{"video_id"}, schema["required"])
	props := schema["properties"].(map[string]any)
	assert.Equal(t, "string", props["video_id"].(map[string]any)["type"])
	assert.Contains(t, tools["lua_execute"].InputSchema.(map[string]any)["required"], "code")
	assert.Contains(t, cs.InitializeResult().Instructions, "lua_read_doc('integrations.heygen')")
}

func TestMCPServeLuaExecute(t *testing.T) {
	cs := startServe(t, denyWrites, "--sandbox")
	res := callTool(t, cs, "lua_execute", map[string]any{"code": `print("hi") return 1 + 1, {a = true}`})
	assert.False(t, res.IsError)
	env := envelopeOf(t, res)
	assert.Equal(t, true, env["success"])
	assert.Equal(t, "hi\n", env["output"])
	assert.Equal(t, []any{float64(2), map[string]any{"a": true}}, env["result"])
	assert.Equal(t, true, env["meta"].(map[string]any)["sandbox"])

	// A failing run is a tool error holding the envelope.
	res = callTool(t, cs, "lua_execute", map[string]any{"code": `error("boom")`})
	assert.True(t, res.IsError)
	env = envelopeOf(t, res)
	assert.Equal(t, "lua_runtime_error", env["error"].(map[string]any)["code"])

	// Writes follow the policy; an agent cannot ask for force per call.
	res = callTool(t, cs, "lua_execute", map[string]any{"code": `return app.integrations.heygen.delete_video({video_id = "abc123"})`})
	assert.True(t, res.IsError)
	assert.Equal(t, "permission_denied", envelopeOf(t, res)["error"].(map[string]any)["code"])
	res = callTool(t, cs, "lua_execute", map[string]any{"code": `return 1`, "force": true})
	assert.True(t, res.IsError, "an unknown force argument must be refused")

	// The timeout argument bounds the run.
	res = callTool(t, cs, "lua_execute", map[string]any{"code": `while true do end`, "timeout": 0.3})
	assert.True(t, res.IsError)
	assert.Contains(t, []any{"timeout", "cpu_limit"}, envelopeOf(t, res)["error"].(map[string]any)["code"])
	res = callTool(t, cs, "lua_execute", map[string]any{"code": `return 1`, "timeout": "soon"})
	assert.True(t, res.IsError)
	assert.Equal(t, "invalid_argument", envelopeOf(t, res)["error"].(map[string]any)["code"])

	// Bad arguments.
	res = callTool(t, cs, "lua_execute", map[string]any{})
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "missing required parameter 'code'")
	res = callTool(t, cs, "lua_execute", map[string]any{"code": "return 1", "cod": 1})
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "invalid_argument")
}

func TestMCPServeReadDoc(t *testing.T) {
	cs := startServe(t, "")
	res := callTool(t, cs, "lua_read_doc", map[string]any{"page": "integrations.heygen"})
	assert.False(t, res.IsError)
	assert.Contains(t, resultText(res), "# HeyGen — Lua API Reference")
	res = callTool(t, cs, "lua_read_doc", map[string]any{"page": "mcp"})
	assert.Contains(t, resultText(res), "kosmo mcp:serve")
	res = callTool(t, cs, "lua_read_doc", map[string]any{"page": "heygen.list_vidoes"})
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "No integration docs found for 'heygen.list_vidoes'.")
}

func TestMCPServeIntegrationTools(t *testing.T) {
	cs := startServe(t, denyWrites, "--sandbox")
	res := callTool(t, cs, "heygen_list_videos", map[string]any{"limit": 2})
	require.False(t, res.IsError, resultText(res))
	data := res.StructuredContent.(map[string]any)["data"].(map[string]any)
	videos := data["videos"].([]any)
	assert.Len(t, videos, 2)
	assert.NotEmpty(t, videos[0].(map[string]any)["video_id"])
	var fromText map[string]any
	require.NoError(t, json.Unmarshal([]byte(resultText(res)), &fromText))
	assert.Equal(t, res.StructuredContent, fromText)

	res = callTool(t, cs, "heygen_get_video", map[string]any{"video_id": "abc123"})
	require.False(t, res.IsError, resultText(res))

	// No arguments at all is an empty table.
	res = callTool(t, cs, "heygen_list_videos", nil)
	require.False(t, res.IsError, resultText(res))

	// Validation happens as for scripts.
	res = callTool(t, cs, "heygen_list_videos", map[string]any{"limit": "ten"})
	assert.True(t, res.IsError)
	env := envelopeOf(t, res)
	assert.Equal(t, "invalid_argument", env["error"].(map[string]any)["code"])
	assert.Contains(t, env["error"].(map[string]any)["message"], "limit")

	// Writes are denied when the policy says so.
	res = callTool(t, cs, "heygen_create_video", testVideo)
	assert.True(t, res.IsError)
	env = envelopeOf(t, res)
	assert.Equal(t, "permission_denied", env["error"].(map[string]any)["code"])
	assert.Contains(t, env["error"].(map[string]any)["message"], "app.integrations.heygen.create_video is a write operation")
	calls := env["integration_calls"].([]any)
	require.Len(t, calls, 1)
	assert.Equal(t, "app.integrations.heygen.create_video", calls[0].(map[string]any)["path"])
}

// Against the real API (no --sandbox), writes are "ask" by default, which
// nobody can answer over MCP: denied before any key is needed.
func TestMCPServeWritesAskMeansDenied(t *testing.T) {
	cs := startServe(t, "")
	res := callTool(t, cs, "heygen_create_video", testVideo)
	assert.True(t, res.IsError)
	env := envelopeOf(t, res)
	assert.Equal(t, "permission_denied", env["error"].(map[string]any)["code"])
	assert.Contains(t, env["error"].(map[string]any)["hint"], "--force")

	// Reads need a key.
	res = callTool(t, cs, "heygen_list_videos", map[string]any{})
	assert.True(t, res.IsError)
	assert.Equal(t, "auth_missing", envelopeOf(t, res)["error"].(map[string]any)["code"])
}

var testVideo = map[string]any{"video_inputs": []any{map[string]any{
	"character": map[string]any{"avatar_id": "avatar-abc123", "voice_id": "voice-xyz789"},
	"script":    "Hello from the test",
}}, "test": true}

func TestMCPServeForceAllowsWrites(t *testing.T) {
	cs := startServe(t, denyWrites, "--sandbox", "--force")
	res := callTool(t, cs, "heygen_create_video", testVideo)
	require.False(t, res.IsError, resultText(res))
	data := res.StructuredContent.(map[string]any)["data"].(map[string]any)
	assert.NotEmpty(t, data["video_id"])
}

func TestMCPServeConcurrentCalls(t *testing.T) {
	cs := startServe(t, "", "--sandbox")
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

func TestMCPServeHTTP(t *testing.T) {
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	st, stderr := serveState(t, ctx, "", strings.NewReader(""), outW, "--http", "127.0.0.1:0")
	exit := make(chan int, 1)
	go func() {
		code := Main(st)
		_ = outW.Close()
		exit <- code
	}()
	defer func() {
		cancel()
		select {
		case code := <-exit:
			assert.Equal(t, 0, code, "stderr: %s", stderr)
		case <-time.After(10 * time.Second):
			t.Error("mcp:serve --http did not stop on cancel")
		}
	}()
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(outR).ReadString('\n')
		lines <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, outR)
	}()
	var endpoint string
	select {
	case endpoint = <-lines:
	case <-time.After(10 * time.Second):
		t.Fatalf("no endpoint printed; stderr: %s", stderr)
	}
	require.True(t, strings.HasPrefix(endpoint, "http://127.0.0.1:"), endpoint)
	require.True(t, strings.HasSuffix(endpoint, "/mcp"), endpoint)

	client := mcp.NewClient(&mcp.Implementation{Name: "kosmo-test", Version: "1"}, nil)
	cctx, ccancel := context.WithTimeout(ctx, 20*time.Second)
	defer ccancel()
	cs, err := client.Connect(cctx, &mcp.StreamableClientTransport{Endpoint: endpoint, DisableStandaloneSSE: true}, nil)
	require.NoError(t, err)
	defer cs.Close()
	res := callTool(t, cs, "lua_execute", map[string]any{"code": "return 40 + 2"})
	require.False(t, res.IsError, resultText(res))
	assert.Equal(t, []any{float64(42)}, envelopeOf(t, res)["result"])
}

func TestMCPServeRejectsArguments(t *testing.T) {
	var out bytes.Buffer
	st, stderr := serveState(t, context.Background(), "", strings.NewReader(""), &out, "extra")
	assert.Equal(t, 2, Main(st))
	assert.Contains(t, stderr.String(), "mcp:serve takes no arguments")
}
