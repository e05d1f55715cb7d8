package luahost_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/redact"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

const sealKey = "sk-seal-0123456789abcdef"

// makerBinding is an integration whose write reports what it created and
// whose wait blocks until the run's context ends.
func makerBinding() luahost.Binding {
	ig := &registry.Integration{
		Name: "maker", Title: "Maker", Summary: "Creates things.",
		Functions: []*registry.Function{
			{
				Name: "make", FullName: "maker.make", Op: registry.Write, Summary: "Make.", Description: "Makes a thing.",
				Handler: func(ctx context.Context, c *registry.Call) (any, error) {
					registry.ReportCreated(ctx, "thing_id", "thing-42")
					return map[string]any{"thing_id": "thing-42"}, nil
				},
			},
			{
				Name: "wait", FullName: "maker.wait", Op: registry.Read, Summary: "Wait.", Description: "Waits for ever.",
				Handler: func(ctx context.Context, c *registry.Call) (any, error) {
					<-ctx.Done()
					return nil, ctx.Err()
				},
			},
			{
				Name: "leak", FullName: "maker.leak", Op: registry.Read, Summary: "Leak.", Description: "Fails quoting the key.",
				Handler: func(ctx context.Context, c *registry.Call) (any, error) {
					return nil, errcode.New(errcode.APIError, "server said: bad key %s (%s)", sealKey, sealKey[3:15])
				},
			},
		},
	}
	return luahost.Binding{Integration: ig, Policy: registry.Policy{Read: registry.Allow, Write: registry.Allow},
		Accounts: []registry.Account{{Name: "default", Secret: sealKey}}}
}

func sealHost(t *testing.T) *luahost.Host {
	return newHost(t, func(o *luahost.Options) {
		o.Integrations = []luahost.Binding{makerBinding()}
		o.Redactor = redact.New(sealKey)
		o.Limits.Output = 1 << 20
	})
}

func TestNaNResultKeepsOutputAndAudit(t *testing.T) {
	h := sealHost(t)
	env := run(t, h, `print("before") app.integrations.maker.make({}) return 0/0, {x = 1/0, y = 2}`)
	require.NotNil(t, env.Error)
	assert.Equal(t, "invalid_result", env.Error.Code)
	assert.Contains(t, env.Error.Message, "result")
	assert.Equal(t, "before\n", env.Output)
	require.Len(t, env.IntegrationCalls, 1)
	assert.Equal(t, map[string]any{"thing_id": "thing-42"}, env.IntegrationCalls[0].Created)
	b, err := json.Marshal(env)
	require.NoError(t, err, "the envelope always encodes")
	assert.Contains(t, string(b), `"result":[null,{"x":null,"y":2}]`)
	assert.Equal(t, 1, (&errcode.Error{Code: errcode.Code(env.Error.Code)}).ExitCode())
}

func TestResultLimit(t *testing.T) {
	h := sealHost(t)
	env := run(t, h, `return string.rep("x", 2 * 1024 * 1024)`)
	require.NotNil(t, env.Error)
	assert.Equal(t, "result_limit", env.Error.Code)
	assert.Empty(t, env.Result)
	assert.EqualValues(t, 1<<20, env.Error.Details["limit_bytes"])
}

func TestErrorLimit(t *testing.T) {
	h := sealHost(t)
	env := run(t, h, `error(string.rep("e", 200 * 1024))`)
	require.NotNil(t, env.Error)
	assert.Equal(t, "error_limit", env.Error.Code)
	assert.Less(t, len(env.Error.Message), 4<<10)
	assert.Equal(t, "lua_runtime_error", env.Error.Details["original_code"])
}

func TestFailedRunListsCreated(t *testing.T) {
	h := sealHost(t)
	env := h.Run(context.Background(), `app.integrations.maker.make({}) app.integrations.maker.wait({})`,
		luahost.RunOptions{Timeout: 50 * time.Millisecond})
	require.NotNil(t, env.Error)
	assert.Equal(t, "timeout", env.Error.Code)
	created, _ := env.Error.Details["created"].([]any)
	require.Len(t, created, 1)
	assert.Equal(t, "thing-42", created[0].(map[string]any)["thing_id"])
	assert.Equal(t, "app.integrations.maker.make", created[0].(map[string]any)["path"])
}

func TestInterruptCauseIsKept(t *testing.T) {
	h := sealHost(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel(errcode.New(errcode.Interrupted, "interrupted by SIGTERM").WithDetail("signal", "SIGTERM"))
	}()
	env := h.Run(ctx, `app.integrations.maker.make({}) app.integrations.maker.wait({})`, luahost.RunOptions{})
	require.NotNil(t, env.Error)
	assert.Equal(t, "interrupted", env.Error.Code)
	assert.Equal(t, "SIGTERM", env.Error.Details["signal"])
	assert.NotNil(t, env.Error.Details["created"])
}

func TestEnvelopeRedacted(t *testing.T) {
	h := sealHost(t)
	for _, code := range []string{
		`app.integrations.maker.leak({})`,
		`print("` + sealKey + `") return "` + sealKey[2:12] + `", {["` + sealKey + `"] = 1}`,
		`local ok, e = pcall(app.integrations.maker.leak, {}) print(e.message) return e`,
		`error("` + sealKey + `")`,
	} {
		env := run(t, h, code)
		b, err := json.Marshal(env)
		require.NoError(t, err)
		for i := 0; i+redact.MinFragment <= len(sealKey); i++ {
			require.NotContains(t, string(b), sealKey[i:i+redact.MinFragment], code)
		}
		assert.True(t, strings.Contains(string(b), redact.Mask), code)
	}
}
