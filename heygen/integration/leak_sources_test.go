package integration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

const sourceKey = "hgk_Src_4Lm9Qz2Wx7Rv5Tb8Yn3Kp6"

// TestErrorsHideTheKeyAtTheSource runs every HeyGen function against the
// hostile server of the key-leak suite on a host WITHOUT a redactor: the
// errors the client and the integration build must already hide the key.
// (Listing data that holds the key, the failed_video mode, is the service's
// data; the host's redactor hides it, see luahost's seal tests.)
func TestErrorsHideTheKeyAtTheSource(t *testing.T) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	for _, mode := range heygentest.LeakModes() {
		if mode == heygentest.LeakFailedVideo {
			continue
		}
		srv, err := heygentest.StartLeaky(sourceKey, mode)
		require.NoError(t, err)
		t.Cleanup(srv.Close)
		h, err := luahost.New(luahost.Options{
			Integrations: []luahost.Binding{{
				Integration: integration.New(),
				Accounts:    []registry.Account{{Name: "default", Secret: sourceKey, BaseURL: srv.URL}},
				Policy:      registry.DefaultPolicy(),
			}},
			Sandbox: true, // no pauses between retries
			Force:   true,
			Version: "test",
		})
		require.NoError(t, err)
		t.Cleanup(h.Close)
		for name, args := range matrixCalls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				env := h.Run(context.Background(), fmt.Sprintf("return app.integrations.heygen.%s(%s)", name, args), luahost.RunOptions{})
				b, _ := json.Marshal(env)
				for i := 0; i+8 <= len(sourceKey); i++ {
					if strings.Contains(string(b), sourceKey[i:i+8]) {
						mu.Lock()
						problems = append(problems, fmt.Sprintf("%s x %s leaks %q: %s", mode, name, sourceKey[i:i+8], b))
						mu.Unlock()
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
}
