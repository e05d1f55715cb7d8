package integration

import (
	"maps"
)

// withNames returns a copy of a HeyGen object with the seed's field names
// added next to HeyGen's own (video_id next to id, ...). Nothing HeyGen
// sent is dropped or renamed.
func withNames(raw map[string]any, names map[string]any) map[string]any {
	out := make(map[string]any, len(raw)+len(names))
	maps.Copy(out, raw)
	for k, v := range names {
		if _, taken := out[k]; !taken || out[k] == nil {
			out[k] = v
		}
	}
	return out
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func boolArg(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

func intArg(m map[string]any, k string) int {
	switch v := m[k].(type) {
	case int64:
		return int(v)
	case float64:
		return int(v)
	case int:
		return v
	}
	return 0
}

func floatArg(m map[string]any, k string) (float64, bool) {
	switch v := m[k].(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	}
	return 0, false
}

func list[T any](items []T, conv func(*T) map[string]any) []any {
	out := make([]any, len(items))
	for i := range items {
		out[i] = conv(&items[i])
	}
	return out
}
