package heygen

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oldUnmarshalWithRaw is the decoding the one-pass path replaced: a
// tolerant typed decode and a separate raw decode of the same bytes.
func oldUnmarshalWithRaw(b []byte, typed any) (map[string]any, error) {
	if err := decodeTolerant(b, typed); err != nil {
		return nil, err
	}
	return decodeRaw(b)
}

var fillSamples = []string{
	`{"id":"v","status":"completed","created_at":1735689600.0,"completed_at":"yesterday","duration":12.5}`,
	`{"id":5,"status":"completed","created_at":1.0e9,"extra":{"nested":[1,2.50,null]},"title":null}`,
	`{"id":"c","duration":"long","created_at":1e30,"completed_at":-0.0,"folder_id":["x"]}`,
	`{"ID":"upper","Status":"processing","unknown_field":true}`,
	`{"id":"a","image_width":1080.0,"image_height":1e3,"tags":["x",1],"supported_api_engines":["avatar_iv"],"error":{"code":"c","message":"m"}}`,
	`{"looks_count":"3","created_at":9007199254740993,"error":{"code":1}}`,
	`{"image_width":99999999999999999999,"preview_image_url":"\u00e9\ud83d\ude00"}`,
	`{"created_at":1e400,"duration":1e400}`,
	`{}`, `null`,
}

// fillTargets are the types decoded with a Raw map, as the services use them.
func fillTargets() []any {
	type (
		video       Video
		look        AvatarLook
		group       AvatarGroup
		voice       Voice
		template    Template
		user        User
		created     CreatedVideo
		webhookType WebhookEventType
	)
	return []any{new(video), new(look), new(group), new(voice), new(template), new(user), new(created), new(webhookType), new(Asset)}
}

// foldClash reports objects whose keys match the same field in more than
// one spelling ("id" and "ID"): the old decoder's choice among them
// depended on the path it took, so the two decoders are not compared there.
func foldClash(b []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	seen := map[string]bool{}
	for k := range m {
		l := strings.ToLower(k)
		if seen[l] || l != k && !isASCII(k) {
			return true
		}
		seen[l] = true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func compareFill(t *testing.T, b []byte) {
	t.Helper()
	if foldClash(b) {
		return
	}
	for _, target := range fillTargets() {
		typ := reflect.TypeOf(target).Elem()
		want, got := reflect.New(typ).Interface(), reflect.New(typ).Interface()
		wantRaw, wantErr := oldUnmarshalWithRaw(b, want)
		gotRaw, gotErr := unmarshalWithRaw(b, got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%s %q: old error %v, new error %v", typ, b, wantErr, gotErr)
		}
		if wantErr != nil {
			continue
		}
		// Raw is compared on its own: the new path also stores it in the
		// typed value.
		if f := reflect.ValueOf(got).Elem().FieldByName("Raw"); f.IsValid() && planFor(typ).raw >= 0 {
			f.SetZero()
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%s %q:\nold %#v\nnew %#v", typ, b, want, got)
		}
		if !reflect.DeepEqual(wantRaw, gotRaw) {
			t.Fatalf("%s %q raw:\nold %#v\nnew %#v", typ, b, wantRaw, gotRaw)
		}
	}
}

func TestFillTolerantMatchesTheOldDecoding(t *testing.T) {
	for _, s := range fillSamples {
		compareFill(t, []byte(s))
	}
}

func TestFillTolerantKeepsUnknownFieldsAndSkipsMisfits(t *testing.T) {
	var v Video
	m, err := unmarshalWithRaw([]byte(`{"id":"v","duration":"long","created_at":1080.0,"brand_new":{"a":[1]}}`), &v)
	require.NoError(t, err)
	assert.Equal(t, "v", v.ID)
	assert.Nil(t, v.Duration, "a value that does not fit leaves its field empty")
	require.NotNil(t, v.CreatedAt)
	assert.Equal(t, int64(1080), *v.CreatedAt)
	assert.Equal(t, map[string]any{"a": []any{json.Number("1")}}, m["brand_new"], "unknown fields stay in Raw")
	assert.Equal(t, m, v.Raw)

	_, err = unmarshalWithRaw([]byte(`["not","an","object"]`), &v)
	assert.ErrorIs(t, err, errNotObject)
}

// A case-insensitive match fills the field, as encoding/json does; an exact
// key beats another spelling.
func TestFillTolerantFoldsCase(t *testing.T) {
	var v Video
	_, err := unmarshalWithRaw([]byte(`{"ID":"upper","STATUS":"x","status":"exact"}`), &v)
	require.NoError(t, err)
	assert.Equal(t, "upper", v.ID)
	assert.Equal(t, "exact", v.Status)
}

// FuzzFillTolerant compares the one-pass typed decoding with the old
// two-decoder one on arbitrary objects.
func FuzzFillTolerant(f *testing.F) {
	for _, s := range fillSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		compareFill(t, b)
	})
}

func TestEmbeddedErrorMatchesHasEmbeddedError(t *testing.T) {
	bodies := []string{
		`{"data":{"id":"x"}}`, `{"data":[],"has_more":false}`, `{"data":{"id":"x"},"error":null}`,
		`{"data":{"id":"x"},"code":100}`, `{"code":0,"message":"ok"}`, `{"code":"0","message":"ok"}`,
		`{"error":{}}`, `{"error":""}`, `{"error":false}`, `{"id":"x"}`, `{"error":{"code":"x","message":"y"}}`,
		`{"error":"boom"}`, `{"data":{"id":"x"},"error":{"message":"y"}}`, `{"code":400112,"message":"Unauthorized"}`,
		`{"code":"40001","data":null}`, `{"code":0.0}`, `{"code":-0}`, `{"code":1e400}`, `{"code":1e-400}`,
		`{"code":" 0 "}`, `{"code":true}`, `{"code":false}`, `{"code":[]}`, `{"code":[0]}`, `{"error":[]}`,
		`{"error":0e5}`, `{"error":" "}`, `{"error":true}`,
	}
	for _, b := range bodies {
		checkEmbeddedError(t, []byte(b))
	}
}

func checkEmbeddedError(t *testing.T, b []byte) {
	var old map[string]json.RawMessage
	if json.Unmarshal(b, &old) != nil || old == nil {
		return
	}
	v, err := parseJSON(b)
	require.NoError(t, err, "%s", b)
	if got, want := embeddedError(v.(map[string]any)), hasEmbeddedError(old); got != want {
		t.Fatalf("%s: embeddedError %v, hasEmbeddedError %v", b, got, want)
	}
}

// FuzzEmbeddedError compares the check on decoded values with the one on
// raw members.
func FuzzEmbeddedError(f *testing.F) {
	f.Add([]byte(`{"code":"40001","data":null}`))
	f.Add([]byte(`{"error":{"message":"y"},"data":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) { checkEmbeddedError(t, b) })
}
