package luahost_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kosmo-dev/kosmo/luahost"
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
