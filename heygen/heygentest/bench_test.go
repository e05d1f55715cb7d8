package heygentest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkListVideosPage serves one page of 100 completed videos (five
// media URLs each), without a network.
func BenchmarkListVideosPage(b *testing.B) {
	s := New(Options{ProcessingAfter: -1, CompleteAfter: -1}) // completed at once, so every video carries URLs
	const key = "bench-key-0123456789"
	body := `{"type":"avatar","avatar_id":"avatar-abc123","voice_id":"voice-xyz789","script":"x"}`
	for range 100 {
		req := httptest.NewRequest("POST", "/v3/videos", strings.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("create: %d %s", w.Code, w.Body)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/v3/videos?limit=100", nil)
		req.Header.Set("X-Api-Key", key)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("list: %d", w.Code)
		}
	}
}
