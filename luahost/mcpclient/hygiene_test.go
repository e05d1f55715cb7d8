//go:build linux

package mcpclient

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/redact"
)

const hygieneKey = "hg_test_key_4f5e6d7c8b9a0123"

// crashingServer is a "server" that starts a grandchild in a session of
// its own (setsid: outside the server's process group), prints its whole
// environment and the token it was given on stderr, and dies before
// speaking MCP.
func crashingServer(t *testing.T, dir string) ServerConfig {
	t.Helper()
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("setsid is not installed")
	}
	script := filepath.Join(dir, "server.sh")
	require.NoError(t, os.WriteFile(script, []byte(`#!/bin/sh
setsid sh -c 'echo $$ > grandchild.pid; exec sleep 300' </dev/null >/dev/null 2>&1 &
while [ ! -s grandchild.pid ]; do sleep 0.01; done
env >&2
echo "token: $SERVICE_TOKEN" >&2
exit 3
`), 0o755))
	return ServerConfig{Type: Stdio, Command: script, Source: "test.json", Cwd: dir,
		Env: map[string]string{"SERVICE_TOKEN": "${HEYGEN_API_KEY}"}}
}

func TestServerEnvironmentIsMinimal(t *testing.T) {
	env := minimalEnv(map[string]string{
		"PATH": "/bin", "HOME": "/h", "LANG": "C", "LC_ALL": "C", "TMPDIR": "/t",
		"HEYGEN_API_KEY": hygieneKey, "HEYGEN_API_KEY_WORK": hygieneKey, "AWS_SECRET_ACCESS_KEY": "x", "KOSMO_CONFIG": "/c",
	})
	assert.Equal(t, map[string]string{"PATH": "/bin", "HOME": "/h", "LANG": "C", "LC_ALL": "C", "TMPDIR": "/t"}, env)
}

// A server that crashes at start: its stderr is quoted in the error with
// the key redacted, its environment held no key but the one its config
// names, and the grandchild it started in another session is killed.
func TestCrashedServerLeavesNothingAndLeaksNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := crashingServer(t, dir)
	p, _ := newTestProvider(t, map[string]ServerConfig{"leaky": cfg}, func(o *Options) {
		o.Env = map[string]string{"PATH": os.Getenv("PATH"), "HOME": dir, "HEYGEN_API_KEY": hygieneKey,
			"HEYGEN_API_KEY_WORK": "hg_work_key_99887766554433"}
		o.Redactor = redact.New(hygieneKey, "hg_work_key_99887766554433")
	})
	s := p.Session()
	_, err := s.Tools(ctxT(t, 20*time.Second), "leaky")
	require.Error(t, err)
	e, _ := errcode.As(err)
	text := e.Message + " " + e.Hint
	if tail, ok := e.Details["stderr"].(string); ok {
		text += tail
	}
	assert.Contains(t, text, "token: "+redact.Mask, "the token the config passed is quoted redacted")
	assert.NotContains(t, text, "HEYGEN_API_KEY", "no kosmo key variable reaches the server")
	assert.NotContains(t, text, "hg_work_key")
	for i := 0; i+redact.MinFragment <= len(hygieneKey); i++ {
		require.NotContains(t, text, hygieneKey[i:i+redact.MinFragment])
	}
	grandchild := readPid(t, filepath.Join(dir, "grandchild.pid"))
	require.NoError(t, s.Close())
	assert.Eventually(t, func() bool { return !alive(grandchild) }, 5*time.Second, 20*time.Millisecond,
		"the setsid grandchild %d must be gone", grandchild)
}

func TestKillMarkedFindsOnlyMarked(t *testing.T) {
	marker := markerVar + "=" + newMarker()
	other := exec.Command("sleep", "30")
	require.NoError(t, other.Start())
	defer func() { _ = other.Process.Kill(); _ = other.Wait() }()
	marked := exec.Command("sleep", "30")
	marked.Env = append(os.Environ(), marker)
	require.NoError(t, marked.Start())
	done := make(chan struct{})
	go func() { _ = marked.Wait(); close(done) }()
	assert.Equal(t, 1, killMarked(marker, 0))
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the marked process survived")
	}
	assert.True(t, alive(other.Process.Pid))
	assert.True(t, strings.HasPrefix(marker, "KOSMO_MCP_OWNER="))
}
