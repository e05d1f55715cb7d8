package integration

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// simulator is HeyGen's declared simulated service: heygentest's server
// (kosmo --sandbox serves it; dry runs answer held-back writes from it).
func simulator(o registry.SimulatorOptions) http.Handler {
	srv := heygentest.New(heygentest.Options{ProcessingAfter: o.ProcessingAfter, CompleteAfter: o.CompleteAfter})
	if !o.ForeignIDs {
		return srv
	}
	return foreignIDs{next: srv}
}

// foreignIDs lets the simulator answer writes that name avatars, voices,
// templates or videos of a real account, which its seed data does not
// hold: a write it answers with 404 is answered again with those
// references swapped for seed ones (a deletion is confirmed as HeyGen
// would), so a dry run goes on with a plausible result.
type foreignIDs struct{ next http.Handler }

// seedRefs maps each reference field to the seed id that stands in for it.
var seedRefs = map[string]string{
	"avatar_id":        heygentest.SampleAvatarID,
	"talking_photo_id": heygentest.SampleAvatarID,
	"voice_id":         heygentest.SampleVoiceID,
}

func (f foreignIDs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		f.next.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	rec := serve(f.next, r, r.URL.Path, body)
	if rec.Code == http.StatusNotFound {
		switch {
		case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v3/videos/"):
			id := strings.TrimPrefix(r.URL.Path, "/v3/videos/")
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"id": id, "deleted": true}})
			return
		case r.Method == http.MethodPost:
			path := r.URL.Path
			var v any
			if json.Unmarshal(body, &v) == nil {
				if m, ok := v.(map[string]any); ok && strings.HasPrefix(path, "/v3/templates/") {
					// the stand-in template has its own variables
					path = "/v3/templates/" + heygentest.SampleTemplateID
					m["variables"] = map[string]any{}
				}
				body, _ = json.Marshal(swapRefs(v, ""))
			}
			rec = serve(f.next, r, path, body)
		}
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func serve(h http.Handler, r *http.Request, path string, body []byte) *httptest.ResponseRecorder {
	req := r.Clone(r.Context())
	req.URL.Path, req.URL.RawPath = path, ""
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// swapRefs replaces reference ids with seed ones, at any depth.
func swapRefs(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = swapRefs(e, k)
		}
	case []any:
		for i, e := range x {
			x[i] = swapRefs(e, key)
		}
	case string:
		if seed, ok := seedRefs[key]; ok {
			return seed
		}
	}
	return v
}
