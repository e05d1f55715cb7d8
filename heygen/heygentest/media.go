package heygentest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// The files behind the URLs the sandbox hands out (videos, captions,
// thumbnails, previews, audio, uploaded assets, upload slots) are served by
// the sandbox itself under /media/. Handlers build URLs on the placeholder
// host mediaHost; when a response is written, presign turns each into an
// absolute URL on the host the request came to, with an expiry on the
// server's clock and a signature, like a presigned S3 URL. An expired or
// tampered URL gets 403 with an S3-style XML body. GET and HEAD honour
// Range requests, so interrupted downloads can resume.

const (
	mediaPrefix = "/media/"
	// maxUploadBytes is the largest file POST /v3/assets takes.
	maxUploadBytes = 32 << 20
	// maxSlotBytes bounds a direct upload in the sandbox (it keeps files in
	// memory).
	maxSlotBytes = 64 << 20
	// defaultURLTTL is how long a handed-out media URL stays valid.
	defaultURLTTL = time.Hour
)

// newSecret is the key media URLs are signed with. It is the same for
// every server so that responses stay deterministic; the signature only
// has to catch edited URLs, not keep anyone out.
func newSecret() []byte {
	sum := sha256.Sum256([]byte("kosmo sandbox media signing key"))
	return sum[:]
}

// baseURL is the scheme and host a request was sent to.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) urlTTL() time.Duration {
	if s.opts.URLTTL > 0 {
		return s.opts.URLTTL
	}
	return defaultURLTTL
}

func (s *Server) sign(p string, expires int64) string {
	return signFast(s.secret, p, expires)
}

// urlStep is the granularity of expiry times: a URL handed out twice
// within the same minute is the same URL, as with a presigning cache.
const urlStep = time.Minute

// presign encodes a JSON reply and rewrites every media placeholder URL in
// it into a signed URL on base. Error documentation links stay as they are.
func (s *Server) presign(rep reply, base string) reply {
	if rep.raw != nil || rep.body == nil {
		return rep
	}
	pre := s.newPresigner(base)
	b, err := encodeBody(rep.body, pre)
	if err != nil {
		return rep // encode reports it
	}
	if !bytes.Contains(b, []byte(mediaHost)) {
		rep.raw = b
		return rep
	}
	rep.raw = pre.rewrite(b)
	return rep
}

// uploadSlot is a pending direct upload: PUT its URL, then complete it.
type uploadSlot struct {
	assetID     string
	contentType string
	maxBytes    int
	data        []byte
	received    bool
}

func s3Error(status int, code, msg string) reply {
	body := fmt.Sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>\n", code, msg)
	return reply{status: status, raw: []byte(body), contentType: "application/xml"}
}

// statusWriter remembers the status sent and, for a truncation fault,
// stops after half of the announced body.
type statusWriter struct {
	http.ResponseWriter
	status   int
	truncate bool
	left     int64
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	if w.truncate {
		n, _ := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64)
		w.left = n / 2
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.truncate {
		return w.ResponseWriter.Write(b)
	}
	if int64(len(b)) > w.left {
		n, _ := w.ResponseWriter.Write(b[:w.left])
		w.left = 0
		return n, io.ErrShortWrite
	}
	w.left -= int64(len(b))
	return w.ResponseWriter.Write(b)
}

// serveMedia answers a request for a file under /media/. Faults and the
// request log apply as for the API; no API key is needed (the signature
// is the credential).
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request, reqID string) {
	entry := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, At: s.now(), RequestID: reqID}
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		entry.Status = sw.status
		s.record(entry)
	}()
	if !sleepCtx(r.Context(), s.opts.Latency) {
		return
	}
	if f := s.takeFault(r.Method, r.URL.Path); f != nil {
		switch f.Kind {
		case Slow:
			if !sleepCtx(r.Context(), f.delay()) {
				return
			}
		case Truncated:
			sw.truncate = true
		default:
			sw.status = writeFault(w, f)
			return
		}
	}
	p := strings.TrimPrefix(r.URL.Path, mediaPrefix)
	if rep, bad := s.checkSignature(r, p); bad {
		writeReply(sw, rep)
		return
	}
	if strings.HasPrefix(p, "uploads/") {
		writeReply(sw, s.receiveUpload(r, strings.TrimPrefix(p, "uploads/")))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rep := s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "Only GET and HEAD are allowed on media files.")
		rep.header = http.Header{"Allow": []string{"GET, HEAD"}}
		writeReply(sw, rep)
		return
	}
	content, ctype, found := s.mediaContent(p)
	if !found {
		writeReply(sw, s3Error(http.StatusNotFound, "NoSuchKey", "The specified key does not exist."))
		return
	}
	sum := sha256.Sum256(content)
	sw.Header().Set("Content-Type", ctype)
	sw.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	sw.Header().Set("Accept-Ranges", "bytes")
	http.ServeContent(sw, r, path.Base(p), mediaModTime, bytes.NewReader(content))
}

// mediaModTime is the Last-Modified of every generated file.
var mediaModTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Server) checkSignature(r *http.Request, p string) (reply, bool) {
	q := r.URL.Query()
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil || q.Get("signature") == "" {
		return s3Error(http.StatusForbidden, "AccessDenied", "Query-string authentication requires the expires and signature parameters."), true
	}
	if !hmac.Equal([]byte(q.Get("signature")), []byte(s.sign(p, exp))) {
		return s3Error(http.StatusForbidden, "SignatureDoesNotMatch", "The request signature does not match."), true
	}
	if s.now().Unix() > exp {
		return s3Error(http.StatusForbidden, "AccessDenied", "Request has expired"), true
	}
	return reply{}, false
}

// receiveUpload stores the bytes PUT to a direct-upload slot.
func (s *Server) receiveUpload(r *http.Request, assetID string) reply {
	if r.Method != http.MethodPut {
		rep := s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "Upload slots take PUT.")
		rep.header = http.Header{"Allow": []string{"PUT"}}
		return rep
	}
	s.mu.Lock()
	slot := s.uploads[assetID]
	s.mu.Unlock()
	if slot == nil {
		return s3Error(http.StatusNotFound, "NoSuchUpload", "The upload slot does not exist or was already completed.")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.EqualFold(ct, slot.contentType) {
		return s3Error(http.StatusForbidden, "SignatureDoesNotMatch", "The Content-Type header must be "+slot.contentType+" as announced.")
	}
	data, tooLarge := readBody(r, slot.maxBytes)
	if tooLarge {
		return s3Error(http.StatusBadRequest, "EntityTooLarge", fmt.Sprintf("The upload exceeds the announced %d bytes.", slot.maxBytes))
	}
	s.mu.Lock()
	slot.data, slot.received = data, true
	s.mu.Unlock()
	sum := sha256.Sum256(data)
	return reply{status: http.StatusOK, raw: []byte{}, contentType: "text/plain",
		header: http.Header{"ETag": []string{`"` + hex.EncodeToString(sum[:8]) + `"`}}}
}

// mediaContent returns the bytes of a media file: the stored content of an
// uploaded asset, or a small valid file generated from the name.
func (s *Server) mediaContent(p string) ([]byte, string, bool) {
	if rest, isAsset := strings.CutPrefix(p, "assets/"); isAsset {
		id, _, _ := strings.Cut(rest, "/")
		s.mu.Lock()
		b, found := s.blobs[id]
		s.mu.Unlock()
		if !found {
			return nil, "", false
		}
		return b, mimeForName(p), true
	}
	ext := strings.ToLower(path.Ext(p))
	switch ext {
	case ".mp4":
		return tinyMP4(p), "video/mp4", true
	case ".webm":
		return tinyWebM(p), "video/webm", true
	case ".jpg", ".jpeg":
		return tinyImage(p, "jpeg"), "image/jpeg", true
	case ".png":
		return tinyImage(p, "png"), "image/png", true
	case ".gif":
		return tinyImage(p, "gif"), "image/gif", true
	case ".srt":
		return []byte(tinySRT(p)), "application/x-subrip", true
	case ".vtt":
		return []byte("WEBVTT\n\n" + strings.ReplaceAll(tinySRT(p), ",", ".")), "text/vtt", true
	case ".mp3":
		return tinyMP3(p), "audio/mpeg", true
	case ".wav":
		return tinyWAV(), "audio/wav", true
	}
	return nil, "", false
}

// mimeForName guesses a MIME type from a file name's extension.
func mimeForName(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".mp4":
		return "video/mp4"
	case ".webm":
		return "video/webm"
	case ".mp3":
		return "audio/mpeg"
	case ".wav":
		return "audio/wav"
	case ".pdf":
		return "application/pdf"
	case ".srt":
		return "application/x-subrip"
	}
	return "application/octet-stream"
}

func box(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	out := make([]byte, 8, n)
	binary.BigEndian.PutUint32(out, uint32(n))
	copy(out[4:], typ)
	for _, p := range payload {
		out = append(out, p...)
	}
	return out
}

// tinyMP4 is an ISO media file with ftyp, moov/mvhd, a free box naming the
// file, and an mdat of filler, about 16 KiB: enough for a player or a file
// type sniffer to recognise it, and for a resumed download to matter.
func tinyMP4(name string) []byte {
	ftyp := box("ftyp", []byte("isom"), []byte{0, 0, 2, 0}, []byte("isomiso2avc1mp41"))
	mvhd := make([]byte, 100)
	binary.BigEndian.PutUint32(mvhd[12:], 1000) // timescale
	binary.BigEndian.PutUint32(mvhd[16:], 5000) // duration: 5 s
	binary.BigEndian.PutUint32(mvhd[20:], 0x00010000)
	binary.BigEndian.PutUint16(mvhd[24:], 0x0100)
	for i, v := range []uint32{0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000} {
		binary.BigEndian.PutUint32(mvhd[36+4*i:], v)
	}
	binary.BigEndian.PutUint32(mvhd[96:], 2) // next track id
	moov := box("moov", box("mvhd", mvhd))
	free := box("free", []byte("kosmo sandbox: "+name))
	filler := make([]byte, 16<<10)
	seed := sha256.Sum256([]byte(name))
	for i := range filler {
		filler[i] = seed[i%len(seed)] ^ byte(i)
	}
	return bytes.Join([][]byte{ftyp, moov, free, box("mdat", filler)}, nil)
}

// tinyWebM is an EBML header with the webm doc type and an empty segment.
func tinyWebM(name string) []byte {
	doc := []byte{0x42, 0x82, 0x84, 'w', 'e', 'b', 'm'}
	hdr := append([]byte{0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08}, doc...)
	hdr = append(hdr, 0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02)
	out := append([]byte{0x1A, 0x45, 0xDF, 0xA3, byte(0x80 | len(hdr))}, hdr...)
	tag := []byte("kosmo sandbox: " + name)
	if len(tag) > 120 {
		tag = tag[:120]
	}
	// Segment holding a Void element with the name.
	void := append([]byte{0xEC, byte(0x80 | len(tag))}, tag...)
	out = append(out, 0x18, 0x53, 0x80, 0x67, byte(0x80|len(void)))
	return append(out, void...)
}

func tinyImage(name, format string) []byte {
	sum := sha256.Sum256([]byte(name))
	img := image.NewPaletted(image.Rect(0, 0, 32, 18), color.Palette{
		color.RGBA{sum[0], sum[1], sum[2], 255}, color.RGBA{sum[3], sum[4], sum[5], 255}})
	for y := 0; y < 18; y++ {
		for x := 0; x < 32; x++ {
			if (x/4+y/4)%2 == 0 {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var buf bytes.Buffer
	switch format {
	case "png":
		_ = png.Encode(&buf, img)
	case "gif":
		_ = gif.Encode(&buf, img, nil)
	default:
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	}
	return buf.Bytes()
}

func tinySRT(name string) string {
	return "1\n00:00:00,000 --> 00:00:02,500\nHello from the kosmo sandbox.\n\n" +
		"2\n00:00:02,500 --> 00:00:05,000\n" + path.Base(path.Dir(name)) + "\n"
}

// tinyMP3 is an ID3v2 tag naming the file followed by a few silent MPEG-1
// layer III frames (128 kbit/s, 44.1 kHz).
func tinyMP3(name string) []byte {
	title := []byte{0}
	title = append(title, []byte(path.Base(path.Dir(name)))...)
	frame := append([]byte("TIT2"), 0, 0, 0, byte(len(title)), 0, 0)
	frame = append(frame, title...)
	out := append([]byte("ID3"), 3, 0, 0, 0, 0, 0, byte(len(frame)))
	out = append(out, frame...)
	for i := 0; i < 8; i++ {
		f := make([]byte, 417)
		copy(f, []byte{0xFF, 0xFB, 0x90, 0x64})
		out = append(out, f...)
	}
	return out
}

// tinyWAV is a quarter second of 8 kHz 16-bit mono silence.
func tinyWAV() []byte {
	const samples = 2000
	var b bytes.Buffer
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(36 + samples*2))
	b.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1))
	w(uint16(1))
	w(uint32(8000))
	w(uint32(16000))
	w(uint16(2))
	w(uint16(16))
	b.WriteString("data")
	w(uint32(samples * 2))
	b.Write(make([]byte, samples*2))
	return b.Bytes()
}
