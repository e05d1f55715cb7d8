package heygentest

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

func videoPageSample(title string, duration float64, n int64) listPage {
	s := func(v string) *string { return &v }
	full := videoObject{ID: "v-1", Status: "completed", Title: s(title), CreatedAt: &n, CompletedAt: &n,
		Duration: &duration, VideoURL: s(mediaHost + "/videos/v-1/video.mp4"), CaptionedVideoURL: s("c"),
		SubtitleURL: s("s"), ThumbnailURL: s("t"), GifURL: s("g"), VideoPageURL: s("p"), FolderID: s("f"),
		FailureCode: s(title), FailureMessage: s(title), OutputLanguage: s("de")}
	return listPage{Data: []videoObject{full, {ID: title, Status: "pending"}}, HasMore: n%2 == 0, NextToken: s(title)}
}

var encodeTitles = []string{"", "plain", `quote " backslash \ slash /`, "<b>&amp;</b>", "\x00\x01\x1f\t\n\r\b\f",
	"\u2028\u2029", "é ü 日本 😀", "bad \xff\xfe utf8", "\x7f"}

var encodeDurations = []float64{0, 12.5, -3, 1e21, 1e20, 1e-6, 1e-7, 123456789.123, math.SmallestNonzeroFloat64, math.MaxFloat64, math.Copysign(0, -1)}

func TestEncodeBodyMatchesJSONMarshal(t *testing.T) {
	for _, title := range encodeTitles {
		for _, d := range encodeDurations {
			page := videoPageSample(title, d, int64(len(title))-3)
			want, err := json.Marshal(page)
			if err != nil {
				t.Fatal(err)
			}
			got, err := encodeBody(page, nil)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%q %v:\n got %s (%v)\nwant %s", title, d, got, err, want)
			}
		}
	}
	empty := listPage{Data: []videoObject{}}
	want, _ := json.Marshal(empty)
	if got, _ := encodeBody(empty, nil); !bytes.Equal(got, want) {
		t.Fatalf("empty page: %s, want %s", got, want)
	}
}

// A duration json.Marshal cannot write fails the same way.
func TestEncodeBodyRefusesNaN(t *testing.T) {
	_, err := encodeBody(videoPageSample("x", math.NaN(), 1), nil)
	if err == nil {
		t.Fatal("NaN encoded")
	}
}

func FuzzEncodeBody(f *testing.F) {
	for _, title := range encodeTitles {
		f.Add(title, 12.5, int64(7))
	}
	f.Fuzz(func(t *testing.T, title string, d float64, n int64) {
		page := videoPageSample(title, d, n)
		want, werr := json.Marshal(page)
		got, gerr := encodeBody(page, nil)
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("%q %v %d:\n got %s (%v)\nwant %s (%v)", title, d, n, got, gerr, want, werr)
		}
	})
}

// Signing while encoding gives what signing the encoded page gives.
func TestEncodeBodySignsAsTheRewriteWould(t *testing.T) {
	s := fixedServer()
	titles := append([]string{mediaHost + "/videos/x/a.mp4", mediaHost + "/docs/x", mediaHost + "/share/x",
		mediaHost + "/a?b", mediaHost + "/<b>", mediaHost + "/é", mediaHost + "/", mediaHost}, encodeTitles...)
	for _, title := range titles {
		checkSignedEncoding(t, s, videoPageSample(title, 1.5, 3))
	}
}

func checkSignedEncoding(t *testing.T, s *Server, page listPage) {
	t.Helper()
	plain, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	want := string(s.presignByRegexp(plain, "http://h"))
	pre := s.newPresigner("http://h")
	b, err := encodeBody(page, pre)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(pre.rewrite(b)); got != want {
		t.Fatalf("%q:\n got %s\nwant %s", *page.NextToken, got, want)
	}
}

func FuzzEncodeBodySigned(f *testing.F) {
	f.Add(mediaHost + "/videos/x/a.mp4")
	f.Add(mediaHost + "/share/x")
	s := fixedServer()
	f.Fuzz(func(t *testing.T, title string) {
		checkSignedEncoding(t, s, videoPageSample(title, 2, 4))
	})
}
