package redact

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const key = "hg_live_9f8e7d6c5b4a39281706f5e4"

func TestStringHidesWholeAndPieces(t *testing.T) {
	r := New(key)
	for _, s := range []string{
		key,
		"error: bad key " + key + " here",
		"cut: " + key[:12],                // a prefix
		"tail: " + key[len(key)-9:],       // a suffix
		"middle " + key[5:5+MinFragment],  // any 8-byte piece
		"q=" + url.QueryEscape(key+"/+ "), // escaped with neighbours
		base64.StdEncoding.EncodeToString([]byte(key)),
	} {
		got := r.String(s)
		assert.NotContains(t, got, key[5:5+MinFragment], s)
		assert.Contains(t, got, Mask, s)
	}
	assert.Equal(t, "nothing secret here", r.String("nothing secret here"))
	assert.Equal(t, "short hg_live ok", r.String("short hg_live ok"), "7-byte pieces stay")
}

func TestEveryFragmentIsHidden(t *testing.T) {
	r := New(key)
	for i := 0; i+MinFragment <= len(key); i++ {
		frag := key[i : i+MinFragment]
		got := r.String("x" + frag + "y")
		assert.Equal(t, "x"+Mask+"y", got, frag)
	}
}

func TestSpecialCharactersAndJSON(t *testing.T) {
	secret := `pa"ss\word/with+sym`
	r := New(secret)
	assert.Equal(t, `{"k":"`+Mask+`"}`, r.String(`{"k":"pa\"ss\\word/with+sym"}`))
	assert.Equal(t, "u="+Mask, r.String("u="+url.QueryEscape(secret)))
}

func TestShortSecretsAndNil(t *testing.T) {
	r := New("abc", "  ", "s3cr3t")
	assert.Equal(t, 1, r.Len(), "values under MinSecret are ignored")
	assert.Equal(t, "a "+Mask+" b abc", r.String("a s3cr3t b abc"))
	var nilR *Redactor
	assert.Equal(t, "x", nilR.String("x"))
	nilR.Add("whatever-secret")
	assert.Equal(t, "", r.Error(nil))
	assert.Equal(t, "boom "+Mask, r.Error(errors.New("boom s3cr3t")))
	assert.True(t, r.Contains("xs3cr3t"))
}

func TestAddLater(t *testing.T) {
	r := New()
	assert.Equal(t, key, r.String(key))
	r.Add(key)
	assert.Equal(t, Mask, r.String(key))
}

func TestWriterJoinsSplitWrites(t *testing.T) {
	r := New(key)
	var out strings.Builder
	w := r.Writer(&out)
	for i := 0; i < len(key); i += 3 {
		_, err := w.Write([]byte(key[i:min(i+3, len(key))]))
		require.NoError(t, err)
	}
	_, _ = w.Write([]byte(" done\nprompt> "))
	assert.Equal(t, Mask+" done\n", out.String())
	require.NoError(t, w.Flush())
	assert.Equal(t, Mask+" done\nprompt> ", out.String())
}

func TestWriterLongLine(t *testing.T) {
	r := New(key)
	var out strings.Builder
	w := r.Writer(&out)
	long := strings.Repeat("a", holdMax) + key + strings.Repeat("b", holdMax)
	for i := 0; i < len(long); i += 1000 {
		_, _ = w.Write([]byte(long[i:min(i+1000, len(long))]))
	}
	require.NoError(t, w.Flush())
	assert.NotContains(t, out.String(), key[:MinFragment])
	assert.Contains(t, out.String(), Mask)
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsFailure(t *testing.T) {
	w := New().Writer(failing{})
	_, err := w.Write([]byte("line\n"))
	require.Error(t, err)
	require.EqualError(t, w.Flush(), "disk full")
	require.EqualError(t, Flush(w), "disk full")
	require.NoError(t, Flush(&strings.Builder{}))
}

// A secret written across the point where a long line is passed on is
// hidden whole, whatever the offset and the size of the writes.
func TestWriterLongLineCutNeverSplitsASecret(t *testing.T) {
	r := New(key)
	for offset := holdMax - 2*len(key); offset <= holdMax+2*len(key); offset += 3 {
		for _, step := range []int{1, 7, 500} {
			var out strings.Builder
			w := r.Writer(&out)
			line := strings.Repeat("a", offset) + key + strings.Repeat("b", holdMax+100)
			for i := 0; i < len(line); i += step {
				_, _ = w.Write([]byte(line[i:min(i+step, len(line))]))
			}
			require.NoError(t, w.Flush())
			want := strings.Repeat("a", offset) + Mask + strings.Repeat("b", holdMax+100)
			require.Equal(t, want, out.String(), "offset %d step %d", offset, step)
		}
	}
}

func BenchmarkString1MB(b *testing.B) {
	r := New(key, "another-secret-value-123456")
	s := strings.Repeat("The quick brown fox jumps over the lazy dog 0123456789\n", 1<<20/55)
	b.SetBytes(int64(len(s)))
	for i := 0; i < b.N; i++ {
		_ = r.String(s)
	}
}

func TestValueHidesSecretsInStringsAndKeys(t *testing.T) {
	r := New(key)
	shared := map[string]any{"url": "https://x.example/?key=" + key, "n": 1.5}
	v := map[string]any{
		"list":   []any{"plain", key, shared},
		key:      "named by the key",
		"maps":   []map[string]any{{"a": "b"}, {"k": key}},
		"err":    errors.New("failed with " + key),
		"number": 3,
	}
	out := r.Value(v).(map[string]any)
	assert.NotContains(t, out, key)
	assert.Equal(t, "named by the key", out[Mask])
	assert.Equal(t, Mask, out["list"].([]any)[1])
	assert.Equal(t, "https://x.example/?key="+Mask, out["list"].([]any)[2].(map[string]any)["url"])
	assert.Equal(t, map[string]any{"k": Mask}, out["maps"].([]map[string]any)[1])
	assert.Equal(t, "failed with "+Mask, out["err"])
	assert.Equal(t, 3, out["number"])
	// maps are copied, never changed where they are shared
	assert.Equal(t, "https://x.example/?key="+key, shared["url"])
	assert.Contains(t, v, key)
}

func TestValueWithoutSecretsReturnsTheSameMaps(t *testing.T) {
	inner := map[string]any{"a": "b"}
	v := map[string]any{"inner": inner, "list": []any{"x", 1.0}, "maps": []map[string]any{inner}}
	for _, r := range []*Redactor{nil, New(), New(key)} {
		out := r.Value(v).(map[string]any)
		out["probe"] = true // the very map v, not a copy
		assert.Equal(t, true, v["probe"])
		delete(v, "probe")
	}
	// an error still becomes its message
	assert.Equal(t, "boom", (*Redactor)(nil).Value(errors.New("boom")))
	assert.Equal(t, "boom", New().Value(errors.New("boom")))
}

// A listing-sized result (100 records of 17 fields) with no secret in it.
func BenchmarkValueListing(b *testing.B) {
	r := New(key)
	videos := make([]any, 100)
	for i := range videos {
		m := map[string]any{}
		for f := 0; f < 17; f++ {
			m["field_"+strings.Repeat("x", f)] = "http://127.0.0.1:8080/media/videos/abc123/video.mp4?expires=1796214240&signature=08d9cac0b92ecca9"
		}
		videos[i] = m
	}
	v := map[string]any{"data": map[string]any{"videos": videos, "has_more": true}}
	b.ReportAllocs()
	for b.Loop() {
		r.Value(v)
	}
}
