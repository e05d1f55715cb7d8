package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/heygen/integration/integrationtest"
)

// leakKey is the key of the key-leak suite. Every 8-byte piece of it is
// searched for in everything kosmo writes.
const leakKey = "hgk_LeakSuite_7Qm2Zp9Xw4Rt6Yb1Nc8Vd3"

// leakCalls are the arguments of the hand-written HeyGen functions for
// the suite; the generated ones take the arguments built from their
// declaration (integrationtest.ExampleArgs).
// TestKeyLeakSuiteCoversEveryFunction keeps it complete.
var leakCalls = func() map[string]string {
	calls := integrationtest.SeedCalls(3)
	maps.Copy(calls, map[string]string{
		// The CLI runs read leakFile from their --allow-read directory and
		// write under their own --output-dir. mcp:serve reads no files, so
		// there the uploads stop at permission_denied before any request.
		"upload_asset":  `{path = "` + leakFile + `"}`,
		"upload_assets": `{paths = {"` + leakFile + `"}}`,
		// Answers of some modes carry file URLs off this machine; the
		// thumbnail, which those answers lack, keeps download from fetching
		// them, so it reports what it got (in the failed_video mode, the
		// failure message holding the key) instead of going to the network.
		"download": `{video_id = "v1", asset = "thumbnail", path = "v1.jpg"}`,
	})
	return calls
}()

// leakFile is the file the upload functions send: a PNG by its content.
const leakFile = "face.png"

// leakShard is how many functions one CLI process calls. Most of a
// process's time is spent in the client's retry pauses (about 3 s per call
// when the answer is retryable), so the functions are spread over a few
// processes per mode that sleep side by side.
const leakShard = 12

// leakCall is one function of the suite with its Lua arguments.
type leakCall struct{ name, args string }

// leakFunctions returns every HeyGen function with its arguments, by name.
func leakFunctions() []leakCall {
	ig := integration.New()
	out := make([]leakCall, 0, len(ig.Functions))
	for _, f := range ig.Functions {
		out = append(out, leakCall{f.Name, integrationtest.CallArgs(f, leakCalls)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func TestKeyLeakSuiteCoversEveryFunction(t *testing.T) {
	assert.Empty(t, integrationtest.Uncovered(integration.New(), leakCalls), "leakCalls")
}

// leakFragment returns the first 8-byte piece of key found in text.
func leakFragment(text, key string) string {
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(text, key[i:i+8]) {
			return key[i : i+8]
		}
	}
	return ""
}

// leakScript calls every function of calls but the last under pcall and
// dumps what each returned or raised; the last one is called as a script
// normally would, so that kosmo itself reports its result or its error.
// Each function prints "call NAME" first.
func leakScript(calls []leakCall) string {
	var b strings.Builder
	b.WriteString("local h = app.integrations.heygen\nlocal outcomes = {}\n")
	for i, c := range calls {
		fmt.Fprintf(&b, "print(%q)\n", "call "+c.name)
		if i == len(calls)-1 {
			fmt.Fprintf(&b, "dump(outcomes)\nreturn h.%s(%s)\n", c.name, c.args)
			break
		}
		fmt.Fprintf(&b, "do local ok, r = pcall(h.%s, %s) outcomes[#outcomes + 1] = {name = %q, ok = ok, value = r} end\n", c.name, c.args, c.name)
	}
	return b.String()
}

// TestKeyLeakCLI runs every HeyGen function against a hostile HeyGen in
// every leak mode, through the real CLI binary (JSON and human output), and
// searches stdout and stderr for the key and every 8-byte piece of it. Each
// process calls a shard of the functions in one script (leakScript); the
// processes run side by side.
func TestKeyLeakCLI(t *testing.T) {
	kosmo, err := exec.LookPath("kosmo")
	if err != nil {
		t.Skip("the kosmo test command is not on PATH")
	}
	calls := leakFunctions()
	var shards [][]leakCall
	for i := 0; i < len(calls); i += leakShard {
		shards = append(shards, calls[i:min(i+leakShard, len(calls))])
	}
	in := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(in, leakFile), append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 56)...), 0o600))
	type outcome struct {
		what, out string
		shard     []leakCall
		json      bool
		stdout    string
	}
	var mu sync.Mutex
	var results []outcome
	var wg sync.WaitGroup
	sem := make(chan struct{}, 96)
	home := t.TempDir()
	outDirs := t.TempDir()
	for _, mode := range heygentest.LeakModes() {
		srv, err := heygentest.StartLeaky(leakKey, mode)
		require.NoError(t, err)
		t.Cleanup(srv.Close)
		for si, shard := range shards {
			for _, jsonOut := range []bool{true, false} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					out, err := os.MkdirTemp(outDirs, "out")
					if err != nil {
						panic(err)
					}
					args := []string{"integrations:lua", "--force", "--allow-read", in, "--output-dir", out, "-e", leakScript(shard)}
					if jsonOut {
						args = append(args, "--json")
					}
					cmd := exec.Command(kosmo, args...)
					cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
						"CI=1", "HEYGEN_API_KEY=" + leakKey, "HEYGEN_API_BASE=" + srv.URL}
					var stdout, stderr strings.Builder
					cmd.Stdout, cmd.Stderr = &stdout, &stderr
					err = cmd.Run()
					mu.Lock()
					results = append(results, outcome{fmt.Sprintf("%s/shard %d (%s..%s)/json=%t (%v)", mode, si, shard[0].name, shard[len(shard)-1].name, jsonOut, err),
						stdout.String() + "\n" + stderr.String(), shard, jsonOut, stdout.String()})
					mu.Unlock()
				}()
			}
		}
	}
	wg.Wait()
	redacted := 0
	for _, r := range results {
		if frag := leakFragment(r.out, leakKey); frag != "" {
			t.Errorf("%s: the key leaked (%q):\n%s", r.what, frag, r.out)
		}
		if strings.Contains(r.out, "[REDACTED]") {
			redacted++
		}
		if r.json {
			assertCallsReachedServer(t, r.what, r.stdout, r.shard)
			continue
		}
		for _, c := range r.shard {
			if !assert.Contains(t, r.stdout, "call "+c.name+"\n", "%s: the script did not reach %s", r.what, c.name) {
				break
			}
		}
	}
	assert.Len(t, results, len(heygentest.LeakModes())*len(shards)*2)
	assert.Greater(t, redacted, len(results)/2, "the hostile server must really echo the key")
}

// assertCallsReachedServer checks in a --json envelope that every
// function of calls sent at least one request to the hostile server, so
// that the suite tests what kosmo makes of its answers rather than an
// argument error.
func assertCallsReachedServer(t *testing.T, what, stdout string, calls []leakCall) {
	t.Helper()
	var env struct {
		IntegrationCalls []struct {
			Path         string `json:"path"`
			HTTPRequests int64  `json:"http_requests"`
		} `json:"integration_calls"`
	}
	if !assert.NoError(t, json.Unmarshal([]byte(stdout), &env), "%s: %s", what, stdout) {
		return
	}
	sent := map[string]int64{}
	for _, c := range env.IntegrationCalls {
		sent[c.Path] += c.HTTPRequests
	}
	for _, c := range calls {
		assert.Positive(t, sent["app.integrations.heygen."+c.name], "%s: %s sent no request: %s", what, c.name, stdout)
	}
}

// teeWriter copies what mcp:serve writes to the client pipe into a buffer.
type teeWriter struct {
	w   io.Writer
	buf *lockedBuffer
}

func (t teeWriter) Write(p []byte) (int, error) {
	_, _ = t.buf.Write(p)
	return t.w.Write(p)
}

// TestKeyLeakMCPServe runs every HeyGen tool, and lua_execute, against the
// hostile HeyGen in every mode through mcp:serve, and searches every byte
// the server wrote (stdout and stderr) for the key. The modes run side by
// side: most of the time is spent in the client's retry pauses.
func TestKeyLeakMCPServe(t *testing.T) {
	calls := leakFunctions()
	args := map[string]map[string]any{}
	for _, c := range calls {
		args[c.name] = toolArgs(t, c.args)
	}
	modes := heygentest.LeakModes()
	outs := make([]string, len(modes))
	errs := make([]error, len(modes))
	var wg sync.WaitGroup
	for i, mode := range modes {
		wg.Add(1)
		started := make(chan struct{})
		go func() {
			defer wg.Done()
			outs[i], errs[i] = leakThroughServe(t, mode, calls, args, started)
		}()
		// One server at a time parses its flags (urfave/cli's flag parsing
		// shares global state); the calls then run side by side.
		<-started
	}
	wg.Wait()
	for i, mode := range modes {
		if !assert.NoError(t, errs[i], mode) {
			continue
		}
		if frag := leakFragment(outs[i], leakKey); frag != "" {
			t.Errorf("%s: the key leaked (%q):\n%s", mode, frag, outs[i])
		}
		assert.Contains(t, outs[i], "heygen_list_videos: ", mode)
	}
}

// leakThroughServe serves mcp:serve in-process against a Leaky server in
// mode, calls every tool and lua_execute for every function, and returns
// everything that came out: tool results, the bytes on the wire, stderr.
func leakThroughServe(t *testing.T, mode heygentest.LeakMode, calls []leakCall, toolArgs map[string]map[string]any, started chan<- struct{}) (string, error) {
	once := sync.OnceFunc(func() { close(started) })
	defer once()
	srv, err := heygentest.StartLeaky(leakKey, mode)
	if err != nil {
		return "", err
	}
	defer srv.Close()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var wire lockedBuffer
	st, stderr := cliState(t, map[string]string{"HEYGEN_API_KEY": leakKey, "HEYGEN_API_BASE": srv.URL}, inR,
		teeWriter{outW, &wire}, "mcp:serve", "--write", "allow", "--force",
		// Every call at once: most of them sleep in retry pauses.
		"--max-concurrent", "256", "--queue-wait", "5m")
	exit := make(chan int, 1)
	go func() {
		code := Main(st)
		_ = outW.Close()
		exit <- code
	}()
	client := mcp.NewClient(&mcp.Implementation{Name: "leak-test", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cs, err := client.Connect(ctx, &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		return "", fmt.Errorf("connect: %v; stderr: %s", err, stderr)
	}
	once()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var texts []string
	call := func(name string, args map[string]any) {
		defer wg.Done()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			texts = append(texts, name+": "+err.Error())
			return
		}
		b, _ := json.Marshal(res)
		texts = append(texts, name+": "+string(b))
	}
	for _, c := range calls {
		wg.Add(2)
		go call("lua_execute", map[string]any{"code": "return app.integrations.heygen." + c.name + "(" + c.args + ")"})
		go call("heygen_"+c.name, toolArgs[c.name])
	}
	wg.Wait()
	_ = cs.Close()
	_ = inW.Close()
	select {
	case <-exit:
	case <-time.After(20 * time.Second):
		return "", fmt.Errorf("mcp:serve did not stop")
	}
	if len(texts) != 2*len(calls) {
		return "", fmt.Errorf("%d results, want %d", len(texts), 2*len(calls))
	}
	return strings.Join(texts, "\n") + "\n" + wire.String() + "\n" + stderr.String(), nil
}

// toolArgs turns a Lua argument table into the JSON arguments of the
// function's tool, through kosmo itself.
func toolArgs(t *testing.T, luaArgs string) map[string]any {
	t.Helper()
	var stdout lockedBuffer
	st, _ := cliState(t, nil, nil, &stdout, "integrations:lua", "--json", "-e", "return "+luaArgs)
	require.Equal(t, 0, Main(st), stdout.String())
	var env struct{ Result []any }
	require.NoError(t, json.Unmarshal([]byte(stdout.String()), &env))
	m, _ := env.Result[0].(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// A config file whose parse error would quote the key, and MCP servers
// that print keys and crash, are covered by TestConfigParseErrorNeverQuotesTheKey
// and the mcp-leak testscript; this checks the whole CLI with a server
// that prints every variable it has.
func TestKeyLeakMCPServerStderr(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "leaky-server.sh")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\nenv >&2\necho \"given: $GIVEN\" >&2\nexit 7\n"), 0o755))
	cfg := fmt.Sprintf(`{"mcpServers": {"leaky": {"command": %q, "env": {"GIVEN": "${HEYGEN_API_KEY}", "SERVICE_TOKEN": "tok_%s"}}}}`, script, leakKey[4:20])
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mcp.json"), []byte(cfg), 0o600))
	for _, jsonOut := range []bool{true, false} {
		args := []string{"integrations:lua", "--mcp-config", filepath.Join(dir, "mcp.json"), "-e", "return app.mcp.leaky.anything({})"}
		if jsonOut {
			args = append(args, "--json")
		}
		var stdout lockedBuffer
		st, stderr := cliState(t, map[string]string{"HEYGEN_API_KEY": leakKey, "HEYGEN_API_KEY_WORK": "hgk_work_" + leakKey[10:]}, nil, &stdout, args...)
		assert.NotEqual(t, 0, Main(st))
		out := stdout.String() + stderr.String()
		assert.Contains(t, out, "given: [REDACTED]", "the server's stderr is quoted, redacted")
		assert.NotContains(t, out, "HEYGEN_API_KEY", "no kosmo key variable reaches the server")
		if frag := leakFragment(out, leakKey); frag != "" {
			t.Fatalf("the key leaked (%q):\n%s", frag, out)
		}
	}
}
