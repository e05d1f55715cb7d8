package heygentest

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// presignByRegexp is the rewriting presigner.rewrite replaced, kept as its
// reference.
func (s *Server) presignByRegexp(b []byte, base string) []byte {
	placeholderURL := regexp.MustCompile(`"` + regexp.QuoteMeta(mediaHost) + `/([^"?#\\]*)"`)
	return placeholderURL.ReplaceAllFunc(b, func(m []byte) []byte {
		p := string(placeholderURL.FindSubmatch(m)[1])
		if strings.HasPrefix(p, "docs/") || strings.HasPrefix(p, "share/") {
			return m
		}
		return []byte(`"` + s.signedURL(base, p) + `"`)
	})
}

// signedURL is the public URL of the media file at p (relative to
// /media/), built one URL at a time as the reference did.
func (s *Server) signedURL(base, p string) string {
	exp := s.now().Truncate(urlStep).Add(s.urlTTL() + urlStep).Unix()
	return base + mediaPrefix + p + "?expires=" + strconv.FormatInt(exp, 10) + "&signature=" + s.sign(p, exp)
}

var presignSamples = []string{
	`{"data":[{"video_url":"` + mediaHost + `/videos/v1/video.mp4","video_page_url":"` + mediaHost + `/share/v1","doc":"` + mediaHost + `/docs/x"}]}`,
	`"` + mediaHost + `/a?b" "` + mediaHost + `/ok" "` + mediaHost + `/c#d","` + mediaHost + `/e\"f"`,
	`"` + mediaHost + `/` + `"` + mediaHost + `/unterminated`,
	`"` + mediaHost + `/"` + mediaHost + `/x"`,
	`no placeholders at all`, ``, `"` + mediaHost + `x/y"`, `"` + mediaHost + `/é/ü"`,
}

func fixedServer() *Server {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return New(Options{Clock: func() time.Time { return at }})
}

func TestPresignRewriteMatchesTheRegexp(t *testing.T) {
	s := fixedServer()
	for _, in := range presignSamples {
		want := string(s.presignByRegexp([]byte(in), "http://127.0.0.1:1"))
		for range 2 { // the second round is served from the signature cache
			if got := string(s.newPresigner("http://127.0.0.1:1").rewrite([]byte(in))); got != want {
				t.Fatalf("%q:\n got %q\nwant %q", in, got, want)
			}
		}
	}
}

func FuzzPresignRewrite(f *testing.F) {
	for _, in := range presignSamples {
		f.Add([]byte(in))
	}
	s := fixedServer()
	f.Fuzz(func(t *testing.T, b []byte) {
		want := string(s.presignByRegexp(b, "http://h"))
		if got := string(s.newPresigner("http://h").rewrite(b)); got != want {
			t.Fatalf("%q:\n got %q\nwant %q", b, got, want)
		}
	})
}
