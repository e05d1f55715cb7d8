package luahost

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/kosmo-dev/kosmo/luahost/redact"
)

const envFuzzKey = "hgk_env_A1b2C3d4E5f6G7h8I9j0"

// FuzzEnvelopeWriter builds envelopes from arbitrary text and numbers
// (with the API key spliced in), seals them, encodes them and writes them
// through a redacting writer in arbitrary pieces, as the CLI does. The
// result must always be one valid JSON document without any 8-byte piece
// of the key, with bounded error messages and no non-finite number.
func FuzzEnvelopeWriter(f *testing.F) {
	f.Add("hello\n", "boom", "value", 1.5, uint8(3), uint16(4), uint64(0))
	f.Add("", strings.Repeat("e", 70<<10), "", math.Inf(1), uint8(1), uint16(0), uint64(math.Float64bits(math.NaN())))
	f.Add("\xff\xfe", "bad \x00 utf8 \xc3", "\"quoted\\", math.Copysign(0, -1), uint8(200), uint16(65535), uint64(1))
	f.Fuzz(func(t *testing.T, output, message, str string, num float64, chunk uint8, at uint16, bits uint64) {
		splice := func(s string) string {
			i := int(at) % (len(s) + 1)
			return s[:i] + envFuzzKey + s[i:]
		}
		env := &Envelope{
			Output: splice(output),
			Result: []any{splice(str), num, math.Float64frombits(bits), map[string]any{splice("k"): []any{splice(str), num}}},
			Error: &ErrorInfo{Code: "lua_runtime_error", Message: splice(message), Traceback: splice(output),
				Details: map[string]any{"x": splice(str)}},
			IntegrationCalls: []CallRecord{{Path: "p", Error: ptr(splice(message)), Created: map[string]any{"video_id": splice(str)}}},
		}
		r := redact.New(envFuzzKey)
		env.seal(r, 1<<20)
		b, err := json.Marshal(env)
		if err != nil {
			t.Fatalf("sealed envelope does not encode: %v", err)
		}
		var out bytes.Buffer
		w := r.Writer(&out)
		step := int(chunk%64) + 1
		for i := 0; i < len(b); i += step {
			if _, err := w.Write(b[i:min(i+step, len(b))]); err != nil {
				t.Fatal(err)
			}
		}
		_, _ = w.Write([]byte("\n"))
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(out.Bytes(), &back); err != nil {
			t.Fatalf("written envelope is not JSON: %v\n%s", err, out.Bytes())
		}
		for i := 0; i+8 <= len(envFuzzKey); i++ {
			if bytes.Contains(out.Bytes(), []byte(envFuzzKey[i:i+8])) {
				t.Fatalf("leaks %q", envFuzzKey[i:i+8])
			}
		}
		if len(env.Error.Message) > MaxErrorMessage+4<<10 {
			t.Fatalf("error message of %d bytes", len(env.Error.Message))
		}
	})
}

func ptr(s string) *string { return &s }
