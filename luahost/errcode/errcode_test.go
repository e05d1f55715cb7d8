package errcode

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExitCodes(t *testing.T) {
	cases := map[Code]int{
		LuaSyntaxError: 1, LuaRuntimeError: 1, InvalidArgument: 1, UnknownFunction: 1,
		UnknownAccount: 3, AuthMissing: 3, ConfigError: 3, PermissionDenied: 5, APIError: 1, RateLimited: 1,
		NetworkError: 1, Timeout: 4, CPULimit: 4, MemoryLimit: 4, OutputLimit: 4, UsageError: 2, ScriptExit: 1,
		Interrupted: 130, ResultLimit: 4, ErrorLimit: 4, InputLimit: 4, InvalidResult: 1, WriteError: 1,
	}
	for code, want := range cases {
		assert.Equal(t, want, (&Error{Code: code}).ExitCode(), code)
	}
	assert.Len(t, All(), len(cases), "every code has an expected exit code in this test")
}

func TestInterruptedExitsBySignal(t *testing.T) {
	assert.Equal(t, ExitInterrupted, New(Interrupted, "stop").WithDetail("signal", "SIGINT").ExitCode())
	assert.Equal(t, ExitTerminated, New(Interrupted, "stop").WithDetail("signal", "SIGTERM").ExitCode())
	assert.Equal(t, 130, ExitInterrupted)
	assert.Equal(t, 143, ExitTerminated)
}

func TestAPIErrorUnauthorizedExitsAsAuth(t *testing.T) {
	e := New(APIError, "nope").WithDetail("status", 401)
	assert.Equal(t, ExitAuthConfig, e.ExitCode())
	assert.Equal(t, ExitScript, New(APIError, "nope").WithDetail("status", 404).ExitCode())
}

func TestScriptExitKeepsTheScriptsStatus(t *testing.T) {
	assert.Equal(t, 3, New(ScriptExit, "bye").WithDetail("exit_code", 3).ExitCode())
	assert.Equal(t, ExitScript, New(ScriptExit, "bye").ExitCode())
}

func TestWrappingKeepsCodeAndHint(t *testing.T) {
	inner := New(RateLimited, "slow down").WithHint("wait")
	outer := fmt.Errorf("calling: %w", inner)
	e, ok := As(outer)
	require.True(t, ok)
	assert.Equal(t, RateLimited, e.Code)
	assert.Equal(t, "wait", e.Hint)
	assert.Equal(t, RateLimited, CodeOf(outer))
	assert.Equal(t, Code(""), CodeOf(fmt.Errorf("plain")))
	assert.Equal(t, NetworkError, From(fmt.Errorf("dial"), NetworkError).Code)
	assert.Nil(t, From(nil, NetworkError))
}

func TestIsLimit(t *testing.T) {
	for _, c := range []Code{Timeout, CPULimit, MemoryLimit, OutputLimit} {
		assert.True(t, IsLimit(c), c)
	}
	assert.False(t, IsLimit(APIError))
}

// TestNoUnregisteredCodes scans the module's Go sources for string literals
// that look like error codes used with errcode, so a code cannot be
// invented in one place without being registered here.
func TestNoUnregisteredCodes(t *testing.T) {
	root := filepath.Join("..", "..")
	lit := regexp.MustCompile(`errcode\.Code\("([a-z_]+)"\)`)
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			assert.True(t, Known(Code(m[1])), "%s uses unregistered code %q", path, m[1])
		}
		return nil
	})
	require.NoError(t, err)
}
