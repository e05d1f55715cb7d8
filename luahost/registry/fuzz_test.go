package registry

import (
	"encoding/json"
	"testing"
)

// FuzzValidate: validation never panics on arbitrary argument tables, and
// accepted arguments respect the declared limits.
func FuzzValidate(f *testing.F) {
	fn := &Function{Name: "make", FullName: "demo.demo_make", Params: []Param{
		{Name: "limit", Type: Integer, Default: int64(10), Min: Ptr(1), Max: Ptr(100)},
		{Name: "name", Type: String, MaxLen: 20},
		{Name: "kind", Type: String, Enum: []string{"a", "b"}},
		{Name: "parts", Type: Array, Items: &Param{Type: Object, Fields: []Param{{Name: "id", Type: String, Required: true}}}},
		{Name: "opts", Type: Object, Open: true},
	}}
	for _, s := range []string{`{}`, `{"limit":5}`, `{"limit":"5"}`, `{"parts":[{"id":"x"}]}`, `{"parts":[{}]}`, `{"limt":1}`, `{"kind":"c"}`, `{"opts":{"x":[1]}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var args map[string]any
		if json.Unmarshal([]byte(s), &args) != nil {
			return
		}
		out, err := fn.Validate(args)
		if err != nil {
			return
		}
		if l, ok := out["limit"].(int64); !ok || l < 1 || l > 100 {
			t.Fatalf("accepted limit %v from %s", out["limit"], s)
		}
	})
}
