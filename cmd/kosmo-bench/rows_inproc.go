package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// benchmark runs fn with testing.Benchmark reps times and returns the
// median ns/op and allocs/op.
func benchmark(b *bench, reps int, fn func(tb *testing.B)) (nsOp, allocsOp float64) {
	var ns, allocs []float64
	for i := 0; i < b.repsOr(reps); i++ {
		r := testing.Benchmark(func(tb *testing.B) {
			tb.ReportAllocs()
			fn(tb)
		})
		ns = append(ns, float64(r.NsPerOp()))
		allocs = append(allocs, float64(r.AllocsPerOp()))
	}
	return median(ns), median(allocs)
}

// benchmarkPair measures a and b in alternation, rep after rep, so that
// a machine that speeds up or slows down during the row moves both
// medians alike.
func benchmarkPair(b *bench, reps int, fa, fb func(tb *testing.B)) (nsA, nsB float64) {
	var as, bs []float64
	for i := 0; i < b.repsOr(reps); i++ {
		as = append(as, float64(testing.Benchmark(fa).NsPerOp()))
		bs = append(bs, float64(testing.Benchmark(fb).NsPerOp()))
	}
	return median(as), median(bs)
}

func newHost(opts luahost.Options) (*luahost.Host, error) {
	return luahost.New(opts)
}

func trivialChunk(ctx context.Context, b *bench) result {
	h, err := newHost(luahost.Options{})
	if err != nil {
		return result{err: err}
	}
	defer h.Close()
	var runErr error
	ns, allocs := benchmark(b, 5, func(tb *testing.B) {
		for i := 0; i < tb.N; i++ {
			if env := h.Run(ctx, "return 1", luahost.RunOptions{}); !env.Success {
				runErr = fmt.Errorf("run failed: %+v", env.Error)
				return
			}
		}
	})
	if runErr != nil {
		return result{err: runErr}
	}
	us := ns / 1000
	return result{kosmo: fmt.Sprintf("%.1f µs, %.0f allocations", us, allocs), met: verdict(us <= 15)}
}

// vmCompare runs code on a kosmo host (every limit on) and on a bare
// gopher-lua state, interleaved, and optionally in lua5.1.
func vmCompare(ctx context.Context, b *bench, code string, target float64, withLua bool) result {
	h, err := newHost(luahost.Options{Limits: luahost.Limits{Memory: 256 << 20}})
	if err != nil {
		return result{err: err}
	}
	defer h.Close()
	kosmoRun := func(context.Context) (float64, error) {
		env := h.Run(ctx, code, luahost.RunOptions{})
		if !env.Success {
			return 0, fmt.Errorf("kosmo run failed: %+v", env.Error)
		}
		return env.ExecutionTimeMs, nil
	}
	bareRun := func(context.Context) (float64, error) {
		L := lua.NewState()
		defer L.Close()
		s := nowMs()
		if err := L.DoString(code); err != nil {
			return 0, err
		}
		return nowMs() - s, nil
	}
	fns := []func(context.Context) (float64, error){kosmoRun, bareRun}
	if withLua && b.t.lua != "" {
		p := proc{argv: []string{b.t.lua, "-e", code}}
		fns = append(fns, func(ctx context.Context) (float64, error) {
			s, err := p.run(ctx)
			return ms(s.wall), err
		})
	}
	for _, f := range fns { // warm-up round
		if _, err := f(ctx); err != nil {
			return result{err: err}
		}
	}
	samples, err := interleave(ctx, b.repsOr(7), fns)
	if err != nil {
		return result{err: err}
	}
	k, g := median(samples[0]), median(samples[1])
	res := result{kosmo: fmtMs(k), refs: []string{"gopher-lua alone " + fmtMs(g)}}
	if len(samples) > 2 {
		res.refs = append(res.refs, "lua5.1 (whole process) "+fmtMs(median(samples[2])))
	} else if withLua {
		res.note = "lua5.1 skipped: " + b.t.missing["lua5.1"]
	}
	res.ratio = fmt.Sprintf("%.2fx gopher-lua", k/g)
	res.met = verdict(k/g <= target)
	return res
}

const fibCode = `local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
return fib(30)`

const concatCode = `local n = 0
for i = 1, 300000 do
  local s = "item-" .. i .. ":" .. (i * 2) .. "/" .. "done"
  n = n + #s
end
return n`

func fib30(ctx context.Context, b *bench) result { return vmCompare(ctx, b, fibCode, 1.2, true) }

func concatLoop(ctx context.Context, b *bench) result {
	return vmCompare(ctx, b, concatCode, 1.15, false)
}

const benchKey = "bench-key-0123456789"

// thousandVideos serves an account holding exactly 1,000 videos: the
// simulator's seeded ones plus created ones.
func thousandVideos() (*httptest.Server, error) {
	srv := httptest.NewServer(heygentest.New(heygentest.Options{}))
	n, err := countVideos(srv.URL)
	if err != nil {
		srv.Close()
		return nil, err
	}
	body := []byte(`{"type":"avatar","avatar_id":"avatar-abc123","voice_id":"voice-xyz789","script":"x"}`)
	for ; n < 1000; n++ {
		req, _ := http.NewRequest("POST", srv.URL+"/v3/videos", bytes.NewReader(body))
		req.Header.Set("X-Api-Key", benchKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			srv.Close()
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			srv.Close()
			return nil, fmt.Errorf("creating a video: HTTP %d", resp.StatusCode)
		}
	}
	return srv, nil
}

// countVideos walks every page once, decoding each into Go maps: the
// floor the Lua listing is compared with.
func countVideos(base string) (int, error) {
	n, token := 0, ""
	for {
		url := base + "/v3/videos?limit=100"
		if token != "" {
			url += "&token=" + token
		}
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("X-Api-Key", benchKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		var page struct {
			Data      []map[string]any `json:"data"`
			HasMore   bool             `json:"has_more"`
			NextToken *string          `json:"next_token"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return 0, err
		}
		n += len(page.Data)
		if !page.HasMore || page.NextToken == nil {
			return n, nil
		}
		token = *page.NextToken
	}
}

func list1000(ctx context.Context, b *bench) result {
	srv, err := thousandVideos()
	if err != nil {
		return result{err: err}
	}
	defer srv.Close()
	h, err := newHost(luahost.Options{Integrations: []luahost.Binding{{
		Integration: integration.New(),
		Accounts:    []registry.Account{{Name: "default", Secret: benchKey, BaseURL: srv.URL}},
	}}})
	if err != nil {
		return result{err: err}
	}
	defer h.Close()
	code := `local n = 0
for off = 0, 900, 100 do
  for _, v in ipairs(app.integrations.heygen.list_videos({limit = 100, offset = off}).data.videos) do
    if v.video_id then n = n + 1 end
  end
end
return n`
	var runErr error
	luaNs, floorNs := benchmarkPair(b, 3, func(tb *testing.B) {
		for i := 0; i < tb.N; i++ {
			env := h.Run(ctx, code, luahost.RunOptions{})
			if !env.Success || len(env.Result) == 0 || env.Result[0] != int64(1000) {
				runErr = fmt.Errorf("listing through Lua: %+v %v", env.Error, env.Result)
				return
			}
		}
	}, func(tb *testing.B) {
		for i := 0; i < tb.N; i++ {
			if n, err := countVideos(srv.URL); err != nil || n != 1000 {
				runErr = fmt.Errorf("one-pass decode listed %d videos: %v", n, err)
				return
			}
		}
	})
	if runErr != nil {
		return result{err: runErr}
	}
	per := func(ns float64) float64 { return ns / 1000 / 1000 } // µs per video
	r := luaNs / floorNs
	return result{
		kosmo: fmt.Sprintf("%.1f µs per video", per(luaNs)),
		refs:  []string{fmt.Sprintf("one-pass decode into Go maps %.1f µs", per(floorNs))},
		ratio: fmt.Sprintf("%.2fx", r),
		met:   verdict(r <= 1.5),
	}
}
