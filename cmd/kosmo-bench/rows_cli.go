package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
)

func rows() []row {
	return []row{
		{id: "cold", what: "cold start, `integrations:lua --eval 'return 1' --json`", target: "<= 2.5x hello-world", run: coldStart},
		{id: "list100", what: "list 100 videos, one process against a local v3 server", target: "<= 1.0x HeyGen's CLI", run: list100},
		{id: "list1000", what: "list 1,000 videos through Lua, in process (per video)", target: "<= 1.5x one-pass decode", run: list1000},
		{id: "trivial", what: "trivial chunk on a pooled host (library use)", target: "<= 15 µs", run: trivialChunk},
		{id: "fib", what: "fib(30) with every limit on", target: "<= 1.2x gopher-lua alone", run: fib30},
		{id: "concat", what: "concatenation-heavy loop", target: "<= 1.15x gopher-lua alone", run: concatLoop},
		{id: "json1", what: "json.decode / encode, 1 MB, fresh process", target: ">= Go encoding/json", run: jsonRow(1)},
		{id: "json10", what: "json.decode / encode, 10 MB, fresh process", target: ">= Go encoding/json", run: jsonRow(10)},
		{id: "rss10", what: "peak RSS decoding 10 MB JSON", target: "<= 1.2x Go", run: rss10},
		{id: "mcpexec", what: "mcp:serve, 200 concurrent `lua_execute('return 1')`", target: ">= 3,000 calls/s, p99 <= 100 ms, 0 errors", run: mcpExecute},
		{id: "mcplist", what: "mcp:serve, 200 concurrent list_videos(100) on the simulator", target: ">= 600 calls/s, p99 <= 500 ms", run: mcpList},
		{id: "sessions", what: "abandoned MCP HTTP sessions", target: "flat after 10,000", run: mcpSessions},
	}
}

// timeProcs measures the wall time of each proc, interleaved, and returns
// the median in milliseconds of each.
func timeProcs(ctx context.Context, reps int, ps ...proc) ([]float64, error) {
	fns := make([]func(context.Context) (float64, error), len(ps))
	for i, p := range ps {
		fns[i] = func(ctx context.Context) (float64, error) {
			s, err := p.run(ctx)
			return ms(s.wall), err
		}
	}
	// one untimed round warms the page cache
	for _, f := range fns {
		if _, err := f(ctx); err != nil {
			return nil, err
		}
	}
	samples, err := interleave(ctx, reps, fns)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(samples))
	for i, s := range samples {
		out[i] = median(s)
	}
	return out, nil
}

func coldStart(ctx context.Context, b *bench) result {
	t := b.t
	ps := []proc{
		{argv: []string{t.kosmo, "integrations:lua", "--eval", "return 1", "--json"}},
		{argv: []string{t.hello}},
	}
	names := []string{"Go hello-world"}
	if t.lua != "" {
		ps = append(ps, proc{argv: []string{t.lua, "-e", "local x = 1"}})
		names = append(names, "lua5.1 -e")
	}
	if t.heygen != "" {
		ps = append(ps, proc{argv: []string{t.heygen, "--version"}})
		names = append(names, "HeyGen CLI --version")
	}
	m, err := timeProcs(ctx, b.repsOr(40), ps...)
	if err != nil {
		return result{err: err}
	}
	res := result{kosmo: fmtMs(m[0])}
	for i, n := range names {
		res.refs = append(res.refs, n+" "+fmtMs(m[i+1]))
	}
	ratio := m[0] / m[1]
	res.ratio = fmt.Sprintf("%.1fx hello-world", ratio)
	res.met = verdict(ratio <= 2.5)
	return res
}

// simulator serves the simulated HeyGen on loopback for the child
// processes of a row.
func simulator() (*httptest.Server, []string) {
	srv := httptest.NewServer(heygentest.New(heygentest.Options{}))
	return srv, []string{"HEYGEN_API_BASE=" + srv.URL, "HEYGEN_API_KEY=bench-key-0123456789"}
}

func list100(ctx context.Context, b *bench) result {
	srv, env := simulator()
	defer srv.Close()
	t := b.t
	ps := []proc{{argv: []string{t.kosmo, "integrations:lua", "--eval",
		"return #app.integrations.heygen.list_videos({limit = 100}).data.videos", "--json"}, env: env}}
	if t.heygen != "" {
		ps = append(ps, proc{argv: []string{t.heygen, "video", "list", "--limit", "100"}, env: env})
	}
	m, err := timeProcs(ctx, b.repsOr(30), ps...)
	if err != nil {
		return result{err: err}
	}
	res := result{kosmo: fmtMs(m[0])}
	if t.heygen == "" {
		res.note = "HeyGen's CLI skipped: " + t.missing["heygen"]
		return res
	}
	res.refs = []string{"HeyGen CLI `video list --limit 100` " + fmtMs(m[1])}
	res.ratio = fmt.Sprintf("%.2fx", m[0]/m[1])
	res.met = verdict(m[0] <= m[1])
	return res
}

// jsonDoc writes a JSON document of about mb megabytes (records with
// strings, numbers, nested arrays, objects and nulls) and returns its path.
func jsonDoc(dir string, mb int) (string, int, error) {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; sb.Len() < mb<<20; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"video-%012d","status":"completed","title":"Quarterly update \u00e9 %d","duration":%d.5,"tags":["a","b",null],"meta":{"w":1920,"h":1080,"ok":true}}`, i, i, i%600)
	}
	sb.WriteString(`]}`)
	path := filepath.Join(dir, fmt.Sprintf("doc-%dmb.json", mb))
	return path, sb.Len(), os.WriteFile(path, []byte(sb.String()), 0o644)
}

// kosmoJSONScript embeds the document as a long string and times decode
// and encode inside the run, as the Lua and Go references do.
func kosmoJSONScript(dir, docPath string) (string, error) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		return "", err
	}
	src := "local s = [==[" + string(doc) + "]==]\n" + `local t0 = os.clock()
local v = json.decode(s)
local t1 = os.clock()
local out = json.encode(v)
local t2 = os.clock()
print(t1 - t0, t2 - t1, #out)`
	path := docPath + ".kosmo.lua"
	return path, os.WriteFile(path, []byte(src), 0o644)
}

const cjsonScript = `local cjson = require("cjson")
local f = assert(io.open(arg[1], "rb"))
local s = f:read("*a")
f:close()
local t0 = os.clock()
local v = cjson.decode(s)
local t1 = os.clock()
local out = cjson.encode(v)
local t2 = os.clock()
print(t1 - t0, t2 - t1, #out)`

// jsonTimes runs a process that prints "decode_seconds encode_seconds
// bytes" and returns the medians, and the median peak RSS.
func jsonTimes(ctx context.Context, reps int, p proc) (dec, enc, rss float64, err error) {
	var ds, es, rs []float64
	for i := 0; i < reps; i++ {
		s, err := p.run(ctx)
		if err != nil {
			return 0, 0, 0, err
		}
		out := strings.TrimSpace(string(s.stdout))
		if strings.HasPrefix(out, "{") { // kosmo --json envelope: take the output field
			return 0, 0, 0, fmt.Errorf("unexpected envelope: %.200s", out)
		}
		f := strings.Fields(out)
		if len(f) < 2 {
			return 0, 0, 0, fmt.Errorf("%s printed %q", p.argv[0], out)
		}
		d, _ := strconv.ParseFloat(f[0], 64)
		e, _ := strconv.ParseFloat(f[1], 64)
		ds, es, rs = append(ds, d), append(es, e), append(rs, float64(s.maxRSS))
	}
	return median(ds), median(es), median(rs), nil
}

type jsonFigures struct {
	size                   int
	kosmo, goRef, cjsonRef [3]float64 // decode s, encode s, rss bytes
	haveCJSON              bool
}

func measureJSON(ctx context.Context, b *bench, mb int) (*jsonFigures, error) {
	t := b.t
	path, size, err := jsonDoc(t.dir, mb)
	if err != nil {
		return nil, err
	}
	script, err := kosmoJSONScript(t.dir, path)
	if err != nil {
		return nil, err
	}
	f := &jsonFigures{size: size}
	reps := b.repsOr(5)
	kp := proc{argv: []string{t.kosmo, "integrations:lua", script, "--memory-limit", "4096", "--cpu-limit", "120"}}
	if f.kosmo[0], f.kosmo[1], f.kosmo[2], err = jsonTimes(ctx, reps, kp); err != nil {
		return nil, err
	}
	if f.goRef[0], f.goRef[1], f.goRef[2], err = jsonTimes(ctx, reps, proc{argv: []string{t.goJSON, path}}); err != nil {
		return nil, err
	}
	if t.luaCJSON {
		cj := filepath.Join(t.dir, "cjson.lua")
		if err := os.WriteFile(cj, []byte(cjsonScript), 0o644); err != nil {
			return nil, err
		}
		if f.cjsonRef[0], f.cjsonRef[1], f.cjsonRef[2], err = jsonTimes(ctx, reps, proc{argv: []string{t.lua, cj, path}}); err != nil {
			return nil, err
		}
		f.haveCJSON = true
	}
	return f, nil
}

func mbps(size int, seconds float64) float64 {
	if seconds <= 0 {
		return 0
	}
	return float64(size) / (1 << 20) / seconds
}

func jsonRow(mb int) func(context.Context, *bench) result {
	return func(ctx context.Context, b *bench) result {
		f, err := measureJSON(ctx, b, mb)
		if err != nil {
			return result{err: err}
		}
		pair := func(x [3]float64) string {
			return fmt.Sprintf("decode %.0f MB/s, encode %.0f MB/s", mbps(f.size, x[0]), mbps(f.size, x[1]))
		}
		res := result{kosmo: pair(f.kosmo), refs: []string{"Go encoding/json " + pair(f.goRef)}}
		if f.haveCJSON {
			res.refs = append(res.refs, "lua5.1 + lua-cjson "+pair(f.cjsonRef))
		} else {
			res.note = "lua-cjson skipped: " + b.t.missing["lua-cjson"] + b.t.missing["lua5.1"]
		}
		dr := mbps(f.size, f.kosmo[0]) / mbps(f.size, f.goRef[0])
		er := mbps(f.size, f.kosmo[1]) / mbps(f.size, f.goRef[1])
		res.ratio = fmt.Sprintf("decode %.2fx, encode %.2fx of Go", dr, er)
		res.met = verdict(dr >= 1 && er >= 1)
		return res
	}
}

func rss10(ctx context.Context, b *bench) result {
	f, err := measureJSON(ctx, b, 10)
	if err != nil {
		return result{err: err}
	}
	mib := func(x float64) string { return fmt.Sprintf("%.0f MB", x/(1<<20)) }
	res := result{kosmo: mib(f.kosmo[2]), refs: []string{"Go decode+encode " + mib(f.goRef[2])}}
	if f.haveCJSON {
		res.refs = append(res.refs, "lua-cjson "+mib(f.cjsonRef[2]))
	}
	r := f.kosmo[2] / f.goRef[2]
	res.ratio = fmt.Sprintf("%.2fx Go", r)
	res.met = verdict(r <= 1.2)
	res.note = "kosmo holds the document as Lua source too (a long string literal)"
	return res
}

func fmtMs(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.1f ms", v)
}
