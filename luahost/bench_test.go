package luahost_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

func BenchmarkRunTrivialChunk(b *testing.B) {
	h := newHost(b, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if env := h.Run(ctx, `return 1`, luahost.RunOptions{}); !env.Success {
			b.Fatal(env.Error)
		}
	}
}

// oneMegabyte is a JSON document of about 1 MB: records with strings,
// numbers, nested arrays and nulls.
func oneMegabyte() string {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; sb.Len() < 1<<20; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"id":"video-000000000000","status":"completed","duration":12.5,"tags":["a","b",null],"meta":{"w":1920,"h":1080,"ok":true}}`)
	}
	sb.WriteString(`]}`)
	return sb.String()
}

func BenchmarkJSONDecode1MB(b *testing.B) {
	h := newHost(b, func(o *luahost.Options) { o.Limits = luahost.Limits{Memory: 512 << 20} })
	doc := oneMegabyte()
	code := `local t = json.decode(DOC) return #t.items`
	code = strings.Replace(code, "DOC", "[=["+doc+"]=]", 1)
	ctx := context.Background()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if env := h.Run(ctx, code, luahost.RunOptions{}); !env.Success {
			b.Fatal(env.Error)
		}
	}
}

func BenchmarkJSONEncode1MB(b *testing.B) {
	h := newHost(b, func(o *luahost.Options) { o.Limits = luahost.Limits{Memory: 512 << 20} })
	doc := oneMegabyte()
	// decode once per run, then encode 5 times: the figure is per encode
	code := strings.Replace(`local t = json.decode(DOC) local n = 0 for i = 1, 5 do n = n + #json.encode(t) end return n`,
		"DOC", "[=["+doc+"]=]", 1)
	ctx := context.Background()
	b.SetBytes(int64(len(doc)) * 5)
	for b.Loop() {
		if env := h.Run(ctx, code, luahost.RunOptions{}); !env.Success {
			b.Fatal(env.Error)
		}
	}
}

func BenchmarkRegistryCallWithValidation(b *testing.B) {
	h := newHost(b, nil)
	ctx := context.Background()
	code := `for i = 1, 1000 do app.integrations.demo.list_things({limit = 1, offset = i}) end`
	b.ReportMetric(1000, "calls/op")
	for b.Loop() {
		if env := h.Run(ctx, code, luahost.RunOptions{}); !env.Success {
			b.Fatal(env.Error)
		}
	}
}

// benchDoc builds a JSON document of about mb megabytes shaped like the
// kosmo-bench document: records with strings (one with a \u escape),
// integers, fractions, nested arrays with nulls and small objects.
func benchDoc(mb int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; sb.Len() < mb<<20; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"video-%012d","status":"completed","title":"Quarterly update \u00e9 %d","duration":%d.5,"tags":["a","b",null],"meta":{"w":1920,"h":1080,"ok":true}}`, i, i, i%600)
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

// The codec benchmarks below measure json.decode / json.encode's work
// (luaconv) on a bare state, next to encoding/json decoding the same text
// into interface values and encoding them back, so the two compare like
// for like: go test ./luahost -run '^$' -bench 'JSONCodec|GoEncodingJSON' -benchmem
func benchCodecDecode(b *testing.B, mb int) {
	doc := string(benchDoc(mb))
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := luaconv.Decode(L, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func benchCodecEncode(b *testing.B, mb int) {
	doc := string(benchDoc(mb))
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	v, err := luaconv.Decode(L, doc)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := luaconv.Encode(L, v, luaconv.EncodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchGoDecode(b *testing.B, mb int) {
	doc := benchDoc(mb)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(doc, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func benchGoEncode(b *testing.B, mb int) {
	doc := benchDoc(mb)
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONCodecDecode1MB(b *testing.B)       { benchCodecDecode(b, 1) }
func BenchmarkJSONCodecDecode10MB(b *testing.B)      { benchCodecDecode(b, 10) }
func BenchmarkJSONCodecEncode1MB(b *testing.B)       { benchCodecEncode(b, 1) }
func BenchmarkJSONCodecEncode10MB(b *testing.B)      { benchCodecEncode(b, 10) }
func BenchmarkGoEncodingJSONDecode1MB(b *testing.B)  { benchGoDecode(b, 1) }
func BenchmarkGoEncodingJSONDecode10MB(b *testing.B) { benchGoDecode(b, 10) }
func BenchmarkGoEncodingJSONEncode1MB(b *testing.B)  { benchGoEncode(b, 1) }
func BenchmarkGoEncodingJSONEncode10MB(b *testing.B) { benchGoEncode(b, 10) }

// VM overhead: the same chunk on a kosmo host (every limit on) and on a
// bare gopher-lua state, alternating, reported as the ratio of their
// times (wall time per op covers both).
const (
	vmFib = `local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
return fib(27)`
	vmConcat = `local n = 0
for i = 1, 100000 do
  local s = "item-" .. i .. ":" .. (i * 2) .. "/" .. "done"
  n = n + #s
end
return n`
	vmConcatStrings = `local n = 0
local a, b = "alpha", "beta"
for i = 1, 200000 do
  local s = a .. b
  local t = s .. "-" .. a
  n = n + #t
end
return n`
)

func benchVsGopherLua(b *testing.B, code string) {
	h := newHost(b, func(o *luahost.Options) { o.Limits.Memory = 256 << 20 })
	var kosmo, bare time.Duration
	for b.Loop() {
		s := time.Now()
		if env := h.Run(context.Background(), code, luahost.RunOptions{}); !env.Success {
			b.Fatal(env.Error)
		}
		kosmo += time.Since(s)
		L := lua.NewState()
		s = time.Now()
		if err := L.DoString(code); err != nil {
			b.Fatal(err)
		}
		bare += time.Since(s)
		L.Close()
	}
	b.ReportMetric(float64(kosmo)/float64(bare), "x-gopher-lua")
}

func BenchmarkVsGopherLuaFib(b *testing.B)           { benchVsGopherLua(b, vmFib) }
func BenchmarkVsGopherLuaConcat(b *testing.B)        { benchVsGopherLua(b, vmConcat) }
func BenchmarkVsGopherLuaConcatStrings(b *testing.B) { benchVsGopherLua(b, vmConcatStrings) }
