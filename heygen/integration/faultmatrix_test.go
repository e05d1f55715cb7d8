package integration_test

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/heygen/integration/integrationtest"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/fsroot"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// matrixCalls holds the arguments of the hand-written HeyGen functions;
// the generated ones take the arguments built from their declaration
// (integrationtest.ExampleArgs). The fault then decides the outcome.
// TestFaultMatrix fails when a hand-written function has no entry here.
var matrixCalls = func() map[string]string {
	calls := integrationtest.SeedCalls(30)
	maps.Copy(calls, map[string]string{
		// The file functions read matrixFile from the run's --allow-read
		// directory and write under its output directory.
		"upload_asset":  `{path = "` + matrixFile + `"}`,
		"upload_assets": `{paths = {"` + matrixFile + `"}}`,
		"download":      `{video_id = "v1", path = "v1.mp4"}`,
	})
	return calls
}()

// matrixFile is the file the upload functions send: a PNG by its content.
const matrixFile = "face.png"

// fileRoots gives a run one readable directory holding matrixFile and an
// output directory of its own.
func fileRoots(t *testing.T) *fsroot.Roots {
	t.Helper()
	in := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(in, matrixFile), append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 56)...), 0o600))
	roots, err := fsroot.New([]string{in}, t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { roots.Close() })
	return roots
}

// matrixFault is one column of the matrix: a simulator fault on every
// request and the error code every function must end with.
type matrixFault struct {
	name  string
	fault heygentest.Fault
	code  string
	// also is another acceptable code: a truncated body is a transport
	// error for a 2xx answer, but an api_error when the full answer would
	// have been an error (the ids of the matrix do not exist).
	also string
	// status is the HTTP status in the error details (0: none expected).
	status int
}

var matrixFaults = []matrixFault{
	{"401", heygentest.Fault{Kind: heygentest.Status, Status: 401}, "api_error", "", 401},
	{"404", heygentest.Fault{Kind: heygentest.Status, Status: 404}, "api_error", "", 404},
	{"429", heygentest.Fault{Kind: heygentest.RateLimit, RetryAfter: "0"}, "rate_limited", "", 429},
	{"500", heygentest.Fault{Kind: heygentest.Status, Status: 500}, "api_error", "", 500},
	{"502_html", heygentest.Fault{Kind: heygentest.HTML, Status: 502}, "api_error", "", 502},
	{"malformed", heygentest.Fault{Kind: heygentest.Malformed}, "api_error", "", 200},
	{"truncated", heygentest.Fault{Kind: heygentest.Truncated}, "network_error", "api_error", 0},
	{"error_in_200", heygentest.Fault{Kind: heygentest.ErrorIn200, Status: 400}, "api_error", "", 200},
	{"legacy_401", heygentest.Fault{Kind: heygentest.Legacy}, "api_error", "", 401},
	{"reset", heygentest.Fault{Kind: heygentest.Reset}, "network_error", "", 0},
	{"slow", heygentest.Fault{Kind: heygentest.Slow, Delay: time.Minute}, "timeout", "", 0},
}

// TestFaultMatrix runs every HeyGen function under every simulator fault
// and checks the error code; ModuleX (flat) functions must not raise for
// service failures but return {success = false, error = "..."} instead.
// A slow service is cut by the run's timeout, which always raises.
func TestFaultMatrix(t *testing.T) {
	ig := integration.New()
	fns := ig.Functions
	require.Empty(t, integrationtest.Uncovered(ig, matrixCalls), "matrixCalls")
	type cell struct{ fault, fn, problem string }
	var mu sync.Mutex
	var problems []cell
	var wg sync.WaitGroup
	for _, mf := range matrixFaults {
		sim := heygentest.New(heygentest.Options{ProcessingAfter: -1, CompleteAfter: time.Hour})
		sim.Inject(mf.fault)
		srv := httptest.NewServer(sim)
		t.Cleanup(srv.Close)
		h, err := luahost.New(luahost.Options{
			Integrations: []luahost.Binding{{
				Integration: integration.New(),
				Accounts:    []registry.Account{{Name: "default", Secret: testKey, BaseURL: srv.URL}},
				Policy:      registry.DefaultPolicy(),
			}},
			Files:   fileRoots(t),
			Sandbox: true, // no backoff between retries
			Force:   true,
			Version: "test",
			// Many runs share the process here: the memory limit is not
			// what this matrix is about.
			Limits: luahost.Limits{Memory: 1 << 30},
		})
		require.NoError(t, err)
		t.Cleanup(h.Close)
		for _, f := range fns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ro := luahost.RunOptions{}
				if mf.name == "slow" {
					ro.Timeout = 300 * time.Millisecond
				}
				code := fmt.Sprintf(`local r = app.integrations.heygen.%s(%s) return r`, f.Name, integrationtest.CallArgs(f, matrixCalls))
				env := h.Run(context.Background(), code, ro)
				if p := checkCell(env, f, mf); p != "" {
					mu.Lock()
					problems = append(problems, cell{mf.name, f.Name, p})
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	sort.Slice(problems, func(i, j int) bool {
		return problems[i].fault+problems[i].fn < problems[j].fault+problems[j].fn
	})
	for _, p := range problems {
		t.Errorf("%s x %s: %s", p.fault, p.fn, p.problem)
	}
}

// checkCell returns what is wrong with one run, or "".
func checkCell(env *luahost.Envelope, f *registry.Function, mf matrixFault) string {
	if f.Flat && mf.name != "slow" {
		if env.Error != nil {
			return fmt.Sprintf("flat function raised %s: %s", env.Error.Code, env.Error.Message)
		}
		r, _ := env.Result[0].(map[string]any)
		if r["success"] != false || r["error"] == nil || r["error"] == "" {
			return fmt.Sprintf("want {success = false, error = ...}, got %v", env.Result)
		}
		if len(env.IntegrationCalls) != 1 || env.IntegrationCalls[0].Status != "error" ||
			!(strings.HasPrefix(*env.IntegrationCalls[0].Error, mf.code+":") ||
				mf.also != "" && strings.HasPrefix(*env.IntegrationCalls[0].Error, mf.also+":")) {
			return fmt.Sprintf("audit does not record %s: %+v", mf.code, env.IntegrationCalls)
		}
		return ""
	}
	if env.Error == nil {
		return fmt.Sprintf("want %s, the call succeeded: %v", mf.code, env.Result)
	}
	if env.Error.Code != mf.code && env.Error.Code != mf.also {
		return fmt.Sprintf("want %s, got %s: %s", mf.code, env.Error.Code, env.Error.Message)
	}
	if mf.status != 0 && env.Error.Code == mf.code && fmt.Sprint(env.Error.Details["status"]) != fmt.Sprint(mf.status) {
		return fmt.Sprintf("want status %d in the details, got %v", mf.status, env.Error.Details)
	}
	if !strings.Contains(env.Error.Message, "heygen."+f.Name) && mf.name != "slow" {
		return fmt.Sprintf("the message does not name the function: %s", env.Error.Message)
	}
	return ""
}
