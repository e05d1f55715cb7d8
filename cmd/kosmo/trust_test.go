package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const trustKey = "hg_trust_key_0a1b2c3d4e5f6a7b8c9d"

// createScript creates a video and waits for it: the wait never ends on
// the fake HeyGen, so the run is interrupted with a write behind it.
const createScript = `local heygen = app.integrations.heygen
local v = heygen.create_video({video_inputs = {{character = {avatar_id = "a1", voice_id = "v1"}, script = "hi"}}})
heygen.wait_for_video({video_id = v.data.video_id})`

// hangingHeyGen creates videos and never finishes them: a GET of a video
// calls onWait (once) and then blocks until the client goes away.
func hangingHeyGen(t *testing.T, onWait func()) string {
	t.Helper()
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v3/videos":
			_, _ = io.WriteString(w, `{"data":{"video_id":"vid-created-1","status":"pending"}}`)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v3/videos/"):
			once.Do(onWait)
			<-r.Context().Done()
		default:
			w.WriteHeader(404)
			_, _ = io.WriteString(w, `{"error":{"code":"not_found","message":"no"}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// cliState is a State for running Main in-process with the given
// environment additions, standard input and arguments.
func cliState(t *testing.T, env map[string]string, stdin io.Reader, stdout io.Writer, args ...string) (*State, *lockedBuffer) {
	t.Helper()
	dir := t.TempDir()
	e := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, ".config"), "CI": "1", "PATH": os.Getenv("PATH")}
	for k, v := range env {
		e[k] = v
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	t.Cleanup(func() { cancel(nil) })
	stderr := &lockedBuffer{}
	return &State{
		Args: append([]string{"kosmo"}, args...), Env: e, Stdin: stdin, Stdout: stdout, Stderr: stderr,
		Dir: dir, Home: dir, ReadFile: os.ReadFile, Stat: os.Stat, Context: ctx, stop: cancel,
	}, stderr
}

func decodeEnvelope(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var env map[string]any
	require.NoError(t, json.Unmarshal(b, &env), "stdout: %s", b)
	return env
}

func TestInterruptEndsRunWithEnvelopeAndCreated(t *testing.T) {
	for _, tc := range []struct {
		sig  os.Signal
		name string
		exit int
	}{{os.Interrupt, "SIGINT", 130}, {syscall.SIGTERM, "SIGTERM", 143}} {
		t.Run(tc.name, func(t *testing.T) {
			var st *State
			base := hangingHeyGen(t, func() { st.signal(tc.sig) })
			var stdout lockedBuffer
			st, stderr := cliState(t, map[string]string{"HEYGEN_API_KEY": trustKey, "HEYGEN_API_BASE": base}, nil, &stdout,
				"integrations:lua", "--json", "--force", "-e", createScript)
			code := Main(st)
			assert.Equal(t, tc.exit, code, "stderr: %s\nstdout: %s", stderr.String(), stdout.String())
			env := decodeEnvelope(t, []byte(stdout.String()))
			e := env["error"].(map[string]any)
			assert.Equal(t, "interrupted", e["code"])
			details := e["details"].(map[string]any)
			assert.Equal(t, tc.name, details["signal"])
			created := details["created"].([]any)
			require.Len(t, created, 1)
			assert.Equal(t, "vid-created-1", created[0].(map[string]any)["video_id"])
			calls := env["integration_calls"].([]any)
			assert.Equal(t, map[string]any{"video_id": "vid-created-1"}, calls[0].(map[string]any)["created"])
		})
	}
}

func TestInterruptHumanOutputNamesCreated(t *testing.T) {
	var st *State
	base := hangingHeyGen(t, func() { st.signal(os.Interrupt) })
	var stdout lockedBuffer
	st, stderr := cliState(t, map[string]string{"HEYGEN_API_KEY": trustKey, "HEYGEN_API_BASE": base}, nil, &stdout,
		"integrations:lua", "--force", "-e", createScript)
	assert.Equal(t, 130, Main(st))
	assert.Contains(t, stderr.String(), "error: interrupted: run interrupted by Ctrl-C (SIGINT)\n")
	assert.Contains(t, stderr.String(), "created before the run ended: video_id=vid-created-1 (app.integrations.heygen.create_video)\n")
}

// The real binary, a real signal: kosmo installed its handler, so SIGINT
// yields the envelope and exit 130 instead of killing the process.
func TestRealSIGINTExits130(t *testing.T) {
	if _, err := exec.LookPath("kosmo"); err != nil {
		t.Skip("the kosmo test command is not on PATH")
	}
	waiting := make(chan struct{})
	base := hangingHeyGen(t, func() { close(waiting) })
	cmd := exec.Command("kosmo", "integrations:lua", "--json", "--force", "-e", createScript)
	cmd.Env = append(os.Environ(), "HEYGEN_API_KEY="+trustKey, "HEYGEN_API_BASE="+base, "CI=1", "HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	select {
	case <-waiting:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("kosmo never polled the video; stderr: %s", stderr.String())
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "exit: %v", err)
	assert.Equal(t, 130, exitErr.ExitCode(), "stderr: %s", stderr.String())
	env := decodeEnvelope(t, stdout.Bytes())
	assert.Equal(t, "interrupted", env["error"].(map[string]any)["code"])
	assert.NotContains(t, stdout.String()+stderr.String(), trustKey[:12])
}

// A closed stdout (the reader went away) is reported, not a silent death.
func TestClosedStdoutIsWriteError(t *testing.T) {
	if _, err := exec.LookPath("kosmo"); err != nil {
		t.Skip("the kosmo test command is not on PATH")
	}
	r, w, err := os.Pipe()
	require.NoError(t, err)
	require.NoError(t, r.Close())
	defer w.Close()
	cmd := exec.Command("kosmo", "integrations:lua", "--json", "-e", "return 1")
	cmd.Env = append(os.Environ(), "CI=1", "HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "exit: %v", err)
	assert.Equal(t, 1, exitErr.ExitCode(), "stderr: %s", stderr.String())
	assert.Contains(t, stderr.String(), "cannot write the result to standard output")
	assert.Contains(t, stderr.String(), "(write_error)")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestFailedEnvelopeWriteExitsNonZero(t *testing.T) {
	st, stderr := cliState(t, nil, nil, failingWriter{}, "integrations:lua", "--json", "-e", "return 1")
	assert.Equal(t, 1, Main(st))
	assert.Contains(t, stderr.String(), "cannot write the result to standard output: no space left on device (write_error)")

	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	st, stderr = cliState(t, nil, nil, full, "integrations:lua", "-e", "print('hello')")
	assert.Equal(t, 1, Main(st))
	assert.Contains(t, stderr.String(), "(write_error)")

	// A run that failed keeps its own exit code.
	st, _ = cliState(t, nil, nil, full, "integrations:lua", "--json", "-e", "error('boom')")
	assert.Equal(t, 1, Main(st))
	st, _ = cliState(t, nil, nil, full, "integrations:lua", "--json", "--cpu-limit", "0.05", "-e", "while true do end")
	assert.Equal(t, 4, Main(st))
}

func TestStdinPastLimitIsAnError(t *testing.T) {
	old := maxStdin
	maxStdin = 1 << 10
	defer func() { maxStdin = old }()
	var stdout lockedBuffer
	code := "return 1 --" + strings.Repeat("x", 2<<10)
	st, _ := cliState(t, nil, strings.NewReader(code), &stdout, "integrations:lua", "--json", "-")
	assert.Equal(t, 4, Main(st))
	env := decodeEnvelope(t, []byte(stdout.String()))
	assert.Equal(t, "input_limit", env["error"].(map[string]any)["code"])

	var stdout2 lockedBuffer
	st, _ = cliState(t, nil, strings.NewReader("return 7"), &stdout2, "integrations:lua", "--json", "-")
	assert.Equal(t, 0, Main(st))
}

func TestNaNResultKeepsEnvelope(t *testing.T) {
	var stdout lockedBuffer
	st, _ := cliState(t, nil, nil, &stdout, "integrations:lua", "--json", "-e", `print("kept") return 0/0`)
	assert.Equal(t, 1, Main(st))
	env := decodeEnvelope(t, []byte(stdout.String()))
	assert.Equal(t, "kept\n", env["output"])
	assert.Equal(t, "invalid_result", env["error"].(map[string]any)["code"])
	assert.Equal(t, []any{nil}, env["result"])
}

func TestConfigParseErrorNeverQuotesTheKey(t *testing.T) {
	for _, bad := range []string{
		"[integrations.heygen.accounts.work]\napi_key = \"" + trustKey + "\n",            // unterminated string
		"[integrations.heygen.accounts.work]\napi_key = " + trustKey + "\n",              // bare value
		"[integrations.heygen.accounts.work]\napi_key = \"" + trustKey + "\" oops = 1\n", // junk after the value
		"[integrations.heygen.accounts.work]\napi_key = '''" + trustKey + "\n",           // unterminated literal
	} {
		var stdout lockedBuffer
		st, stderr := cliState(t, nil, nil, &stdout, "integrations:lua", "--json", "-e", "return 1")
		dir := filepath.Join(st.Home, ".config", "kosmo")
		require.NoError(t, os.MkdirAll(dir, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "config.toml"), []byte(bad), 0o600))
		assert.Equal(t, 3, Main(st), bad)
		all := stdout.String() + stderr.String()
		assert.Contains(t, all, "config_error")
		assertNoFragment(t, all, trustKey)
	}
}

// assertNoFragment fails when text holds key or any 8-byte piece of it.
func assertNoFragment(t *testing.T, text, key string) {
	t.Helper()
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(text, key[i:i+8]) {
			t.Fatalf("%q (a piece of the key) appears in:\n%s", key[i:i+8], text)
		}
	}
}

func TestREPLCtrlCCancelsOnlyTheCurrentInput(t *testing.T) {
	var st *State
	var stdout lockedBuffer
	inR, inW := io.Pipe()
	base := hangingHeyGen(t, func() { st.signal(os.Interrupt) })
	st, stderr := cliState(t, map[string]string{"HEYGEN_API_KEY": trustKey, "HEYGEN_API_BASE": base}, inR, &stdout,
		"integrations:lua", "--repl")
	done := make(chan int, 1)
	go func() { done <- Main(st) }()
	for _, line := range []string{
		"x = 41",
		`app.integrations.heygen.get_video({video_id = "slow"})`, // interrupted while HeyGen answers
		"print(x + 1)",
	} {
		_, err := io.WriteString(inW, line+"\n")
		require.NoError(t, err)
	}
	require.NoError(t, inW.Close())
	select {
	case code := <-done:
		assert.Equal(t, 0, code)
	case <-time.After(30 * time.Second):
		t.Fatal("the REPL did not finish")
	}
	assert.Contains(t, stderr.String(), "error: interrupted:")
	assert.Contains(t, stdout.String(), "42\n", "variables survive the interrupted input")
}

func TestREPLEndsOnSIGTERMWhileWaiting(t *testing.T) {
	inR, inW := io.Pipe()
	defer inW.Close()
	var stdout lockedBuffer
	st, stderr := cliState(t, nil, inR, &stdout, "integrations:lua", "--repl")
	done := make(chan int, 1)
	go func() { done <- Main(st) }()
	_, err := io.WriteString(inW, "x = 1\n") // the REPL has read this line before it waits again
	require.NoError(t, err)
	_, err = io.WriteString(inW, "print(x)\n")
	require.NoError(t, err)
	st.signal(syscall.SIGTERM)
	select {
	case code := <-done:
		assert.Equal(t, 143, code, "stderr: %s", stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("the REPL ignored SIGTERM")
	}
}
