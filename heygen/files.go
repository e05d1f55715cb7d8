package heygen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// Files in and out of HeyGen: uploading assets (images, video, audio,
// documents, subtitles that other calls take by asset_id) and downloading
// the files HeyGen renders, from the presigned URLs its objects carry.

// MaxAssetBytes is the largest file POST /v3/assets takes in one request;
// larger files go through a direct upload.
const MaxAssetBytes = 32 << 20

// assetTypes are the file types HeyGen takes as assets, by extension.
var assetTypes = map[string]string{
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".mp4":  "video/mp4",
	".webm": "video/webm",
	".mp3":  "audio/mpeg",
	".wav":  "audio/wav",
	".pdf":  "application/pdf",
	".srt":  "application/x-subrip",
}

// AssetExtensions lists the file extensions an asset may have.
func AssetExtensions() []string {
	return []string{".jpeg", ".jpg", ".mp3", ".mp4", ".pdf", ".png", ".srt", ".wav", ".webm"}
}

// sniffed maps what http.DetectContentType says about the first bytes of a
// file to the asset type it proves.
var sniffed = map[string]string{
	"image/png":       "image/png",
	"image/jpeg":      "image/jpeg",
	"video/mp4":       "video/mp4",
	"video/webm":      "video/webm",
	"audio/mpeg":      "audio/mpeg",
	"audio/wave":      "audio/wav",
	"application/pdf": "application/pdf",
	"image/gif":       "image/gif",
	"video/avi":       "video/avi",
	"audio/ogg":       "audio/ogg",
	"application/ogg": "audio/ogg",
	"image/webp":      "image/webp",
	"image/bmp":       "image/bmp",
	"application/zip": "application/zip",
}

// AssetMIMEType picks the MIME type of a file to upload from its name and
// checks it against the file's first bytes: the extension must be one
// HeyGen accepts, and content that is recognisably of another type is
// refused rather than sent under the wrong type.
func AssetMIMEType(name string, head []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	want, ok := assetTypes[ext]
	if !ok {
		return "", fmt.Errorf("%s: HeyGen does not take %q files as assets; use one of %s",
			name, ext, strings.Join(AssetExtensions(), ", "))
	}
	got := http.DetectContentType(head)
	if i := strings.IndexByte(got, ';'); i >= 0 {
		got = got[:i]
	}
	if proven, known := sniffed[got]; known && proven != want {
		return "", fmt.Errorf("%s: the name says %s but the content is %s", name, want, proven)
	}
	if want == "application/x-subrip" && !strings.HasPrefix(got, "text/") {
		return "", fmt.Errorf("%s: an .srt file must be text", name)
	}
	return want, nil
}

// UploadFile is a file to upload: its name (for the type and for HeyGen's
// listing), its size and its content, which is read once for a small file
// and twice (checksum, then transfer) for a direct upload.
type UploadFile struct {
	Name        string
	ContentType string // "" = from the name
	Size        int64
	Content     io.ReaderAt
}

// Upload modes.
const (
	UploadAuto      = "auto"      // multipart up to MaxAssetBytes, else direct
	UploadMultipart = "multipart" // POST /v3/assets
	UploadDirect    = "direct"    // POST /v3/assets/direct-uploads, PUT, complete
)

// Asset is an uploaded asset. Raw holds every field HeyGen sent.
type Asset struct {
	AssetID   string `json:"asset_id"`
	URL       string `json:"url"`
	MIMEType  string `json:"mime_type"`
	SizeBytes int64  `json:"size_bytes"`
	Raw       map[string]any
}

// UploadAsset uploads one file as a HeyGen asset and returns it; use its
// AssetID wherever a request takes {"type": "asset_id", ...}.
func (c *Client) UploadAsset(ctx context.Context, f UploadFile, mode string) (*Asset, error) {
	if f.Content == nil || f.Size <= 0 {
		return nil, fmt.Errorf("heygen: %s is empty", f.Name)
	}
	if f.ContentType == "" {
		head := make([]byte, 512)
		n, err := f.Content.ReadAt(head, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("heygen: reading %s: %w", f.Name, err)
		}
		if f.ContentType, err = AssetMIMEType(f.Name, head[:n]); err != nil {
			return nil, fmt.Errorf("heygen: %w", err)
		}
	}
	switch mode {
	case "", UploadAuto:
		if f.Size > MaxAssetBytes {
			return c.uploadDirect(ctx, f)
		}
		return c.uploadMultipart(ctx, f)
	case UploadMultipart:
		if f.Size > MaxAssetBytes {
			return nil, fmt.Errorf("heygen: %s has %d bytes, more than the %d a single upload takes; use a direct upload", f.Name, f.Size, MaxAssetBytes)
		}
		return c.uploadMultipart(ctx, f)
	case UploadDirect:
		return c.uploadDirect(ctx, f)
	}
	return nil, fmt.Errorf("heygen: unknown upload mode %q", mode)
}

// decodeAsset reads an asset from the decoded "data" member.
func decodeAsset(data any) (*Asset, error) {
	m, ok := data.(map[string]any)
	if !ok {
		if data == nil {
			return &Asset{}, nil // null data: no asset_id, reported by the caller
		}
		return nil, errNotObject
	}
	a := &Asset{}
	fillTolerant(m, a)
	a.Raw = m
	return a, nil
}

// uploadMultipart sends POST /v3/assets with the file as the part "file".
// Like every POST it is retried only after a 429.
func (c *Client) uploadMultipart(ctx context.Context, f UploadFile) (*Asset, error) {
	const p = "/v3/assets"
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, path.Base(f.Name)))
	h.Set("Content-Type", f.ContentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(part, io.NewSectionReader(f.Content, 0, f.Size)); err != nil {
		return nil, fmt.Errorf("heygen: reading %s: %w", f.Name, err)
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	body := buf.Bytes()
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+p, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Api-Key", c.apiKey)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", c.userAgent)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, sendErr := c.httpClient.Do(req)
		var resp *response
		if sendErr == nil {
			data, rerr := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes))
			res.Body.Close()
			if rerr != nil {
				sendErr = rerr
			} else {
				resp = &response{status: res.StatusCode, header: res.Header, body: data}
			}
		}
		if sendErr != nil {
			return nil, &NetworkError{Method: http.MethodPost, Path: p, Err: sendErr, scrub: c.scrub}
		}
		if resp.status >= 200 && resp.status <= 299 {
			top, err := c.parseSuccess(http.MethodPost, p, resp)
			if err != nil {
				return nil, err
			}
			a, err := decodeAsset(top["data"])
			if err != nil || a.AssetID == "" {
				return nil, c.malformed(http.MethodPost, p, resp, "response has no asset_id")
			}
			return a, nil
		}
		failure := c.errorFromResponse(http.MethodPost, p, resp)
		retry, wait, _ := decideRetry(retryInput{Method: http.MethodPost, Attempt: attempt, MaxRetries: c.maxRetries,
			StatusCode: resp.status, RetryAfter: resp.header.Get("Retry-After"), CtxErr: ctx.Err(), Now: c.now(),
			Base: c.backoffBase, Max: c.backoffMax, Jitter: c.jitter()})
		if !retry {
			return nil, failure
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, &NetworkError{Method: http.MethodPost, Path: p, Err: err, scrub: c.scrub}
		}
	}
}

type uploadSlot struct {
	AssetID       string            `json:"asset_id"`
	UploadURL     string            `json:"upload_url"`
	UploadHeaders map[string]string `json:"upload_headers"`
	MaxBytes      int64             `json:"max_bytes"`
}

// uploadDirect asks for an upload slot, PUTs the bytes to it (no API key:
// the URL is presigned) and completes the upload.
func (c *Client) uploadDirect(ctx context.Context, f UploadFile) (*Asset, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f.Content, 0, f.Size)); err != nil {
		return nil, fmt.Errorf("heygen: reading %s: %w", f.Name, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	var slot uploadSlot
	err := c.getData(ctx, http.MethodPost, "/v3/assets/direct-uploads", nil, map[string]any{
		"filename": path.Base(f.Name), "content_type": f.ContentType, "size_bytes": f.Size, "checksum_sha256": sum,
	}, &slot)
	if err != nil {
		return nil, err
	}
	if slot.AssetID == "" || slot.UploadURL == "" {
		return nil, fmt.Errorf("heygen: POST /v3/assets/direct-uploads: the answer has no asset_id or upload_url")
	}
	if err := c.putSlot(ctx, slot, f); err != nil {
		return nil, err
	}
	id, err := escapeID("asset id", slot.AssetID)
	if err != nil {
		return nil, err
	}
	top, resp, err := c.do(ctx, http.MethodPost, "/v3/assets/"+id+"/complete", nil, map[string]any{"checksum_sha256": sum})
	if err != nil {
		return nil, err
	}
	a, err := decodeAsset(top["data"])
	if err != nil || a.AssetID == "" {
		return nil, c.malformed(http.MethodPost, "/v3/assets/"+id+"/complete", resp, "response has no asset_id")
	}
	return a, nil
}

// putSlot transfers the file to its upload URL; a PUT may be repeated, so
// transport errors and 5xx answers are retried.
func (c *Client) putSlot(ctx context.Context, slot uploadSlot, f UploadFile) error {
	target := redactURL(slot.UploadURL)
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, slot.UploadURL, io.NewSectionReader(f.Content, 0, f.Size))
		if err != nil {
			return fmt.Errorf("heygen: upload URL %s: %w", target, err)
		}
		req.ContentLength = f.Size
		for k, v := range slot.UploadHeaders {
			req.Header.Set(k, v)
		}
		if req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", f.ContentType)
		}
		res, sendErr := c.httpClient.Do(req)
		status := 0
		var body []byte
		var hdr http.Header
		if sendErr == nil {
			body, _ = io.ReadAll(io.LimitReader(res.Body, maxErrorBytes))
			res.Body.Close()
			status, hdr = res.StatusCode, res.Header
			if status >= 200 && status <= 299 {
				return nil
			}
		}
		retry, wait, _ := decideRetry(retryInput{Method: http.MethodPut, Attempt: attempt, MaxRetries: c.maxRetries,
			StatusCode: status, Err: sendErr, CtxErr: ctx.Err(), Now: c.now(), Base: c.backoffBase, Max: c.backoffMax, Jitter: c.jitter()})
		if !retry {
			if sendErr != nil {
				return &NetworkError{Method: http.MethodPut, Path: target, Err: sendErr, scrub: c.scrub}
			}
			return storageError(http.MethodPut, target, status, hdr, body)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return &NetworkError{Method: http.MethodPut, Path: target, Err: err, scrub: c.scrub}
		}
	}
}

// redactURL drops the query (the presigned signature) from a URL for
// messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(upload URL)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

// storageError describes a failed transfer to or from file storage (an S3
// style XML error body, or anything else).
func storageError(method, target string, status int, hdr http.Header, body []byte) *APIError {
	code, msg := xmlField(body, "Code"), xmlField(body, "Message")
	if code == "" {
		code = derivedCode(status)
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	e := &APIError{StatusCode: status, Code: code, Message: msg, Method: method, Path: target}
	if hdr != nil {
		e.RequestID = hdr.Get("X-Request-Id")
	}
	return e
}

func xmlField(body []byte, name string) string {
	s := string(body)
	open, end := "<"+name+">", "</"+name+">"
	i := strings.Index(s, open)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		return ""
	}
	return strings.TrimSpace(s[i+len(open) : i+j])
}

// PartFile is where a download goes: bytes are appended, and it can be
// emptied when a transfer has to start over.
type PartFile interface {
	io.Writer
	Truncate(size int64) error
}

// Download describes one file to fetch.
type Download struct {
	URL string
	// Refresh fetches the resource again for a fresh URL when the old one
	// has expired (403 from the storage); nil means no refresh.
	Refresh func(ctx context.Context) (string, error)
	// Progress is told the bytes written so far and the total (-1 while
	// unknown), at the start of every attempt, every MiB and at the end.
	Progress func(written, total int64)
	// Event is told about resumptions and refreshes, for diagnostics.
	Event func(msg string)
	// MaxAttempts bounds the transfers (first one, resumptions and
	// refreshes); 0 means 6.
	MaxAttempts int
}

// DownloadResult says what a download did.
type DownloadResult struct {
	Bytes       int64 // size of the complete file
	Resumed     int   // transfers continued with a Range request
	Refreshed   int   // URLs replaced after they expired
	ContentType string
}

// ErrLengthMismatch is wrapped when a download ends with another length
// than the server announced.
var ErrLengthMismatch = errors.New("downloaded length does not match the announced length")

// DownloadTo fetches d.URL into dst, which already holds offset bytes of
// an earlier attempt. It resumes a transfer that breaks off with a Range
// request, replaces an expired URL through d.Refresh, starts over when the
// server ignores the range, and checks the final length. The API key is
// never sent: download URLs are presigned.
func (c *Client) DownloadTo(ctx context.Context, d Download, dst PartFile, offset int64) (DownloadResult, error) {
	var res DownloadResult
	max := d.MaxAttempts
	if max <= 0 {
		max = 6
	}
	have, total := offset, int64(-1)
	u := d.URL
	event := d.Event
	if event == nil {
		event = func(string) {}
	}
	var lastErr error
	etag := ""
	for attempt := 1; attempt <= max; attempt++ {
		if err := ctx.Err(); err != nil {
			return res, &NetworkError{Method: http.MethodGet, Path: redactURL(u), Err: err, scrub: c.scrub}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return res, fmt.Errorf("heygen: download URL %s: %w", redactURL(u), err)
		}
		req.Header.Set("User-Agent", c.userAgent)
		// Lengths and ranges must count the bytes as stored.
		req.Header.Set("Accept-Encoding", "identity")
		if have > 0 {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
			if etag != "" {
				// Only the same file may be continued; a changed one comes whole.
				req.Header.Set("If-Range", etag)
			}
		}
		resp, err := c.httpClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return res, &NetworkError{Method: http.MethodGet, Path: redactURL(u), Err: err, scrub: c.scrub}
			}
			lastErr = &NetworkError{Method: http.MethodGet, Path: redactURL(u), Err: err, scrub: c.scrub}
			event(fmt.Sprintf("transfer failed (%v); retrying", err))
			if err := c.sleep(ctx, c.downloadPause(attempt)); err != nil {
				return res, lastErr
			}
			continue
		}
		switch {
		case resp.StatusCode == http.StatusOK:
			if have > 0 {
				// The server sent the whole file: start over.
				if err := dst.Truncate(0); err != nil {
					resp.Body.Close()
					return res, err
				}
				have = 0
			}
			total = resp.ContentLength
		case resp.StatusCode == http.StatusPartialContent:
			start, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
			if !ok || start != have {
				resp.Body.Close()
				if err := dst.Truncate(0); err != nil {
					return res, err
				}
				have = 0
				event("the server answered another range; starting over")
				continue
			}
			total = size
		case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
			_, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
			resp.Body.Close()
			if ok && size == have {
				res.Bytes = have
				return res, nil // an earlier attempt already got everything
			}
			if err := dst.Truncate(0); err != nil {
				return res, err
			}
			have = 0
			continue
		case resp.StatusCode == http.StatusForbidden && d.Refresh != nil:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
			resp.Body.Close()
			lastErr = storageError(http.MethodGet, redactURL(u), resp.StatusCode, resp.Header, body)
			fresh, err := d.Refresh(ctx)
			if err != nil {
				return res, err
			}
			if fresh == "" {
				return res, lastErr
			}
			u = fresh
			res.Refreshed++
			event("the download URL was refused (" + lastErr.(*APIError).Message + "); fetched a fresh one")
			continue
		default:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
			resp.Body.Close()
			lastErr = storageError(http.MethodGet, redactURL(u), resp.StatusCode, resp.Header, body)
			retry, wait, _ := decideRetry(retryInput{Method: http.MethodGet, Attempt: attempt, MaxRetries: max - 1,
				StatusCode: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After"), CtxErr: ctx.Err(), Now: c.now(),
				Base: c.backoffBase, Max: c.backoffMax, Jitter: c.jitter()})
			if !retry {
				return res, lastErr
			}
			if err := c.sleep(ctx, wait); err != nil {
				return res, lastErr
			}
			continue
		}
		res.ContentType = resp.Header.Get("Content-Type")
		if et := resp.Header.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			etag = et
		}
		if d.Progress != nil {
			d.Progress(have, total)
		}
		n, copyErr := copyWithProgress(dst, resp.Body, have, total, d.Progress)
		resp.Body.Close()
		have += n
		if copyErr != nil {
			var werr writeError
			if errors.As(copyErr, &werr) {
				return res, werr.err
			}
			if ctx.Err() != nil {
				return res, &NetworkError{Method: http.MethodGet, Path: redactURL(u), Err: ctx.Err(), scrub: c.scrub}
			}
			lastErr = &NetworkError{Method: http.MethodGet, Path: redactURL(u), Err: copyErr, scrub: c.scrub}
			res.Resumed++
			event(fmt.Sprintf("the transfer broke off after %d bytes (%v); resuming", have, copyErr))
			continue
		}
		if total >= 0 && have != total {
			if have < total {
				res.Resumed++
				event(fmt.Sprintf("the transfer ended after %d of %d bytes; resuming", have, total))
				continue
			}
			return res, fmt.Errorf("heygen: GET %s: %w (%d bytes, %d announced)", redactURL(u), ErrLengthMismatch, have, total)
		}
		res.Bytes = have
		if d.Progress != nil {
			d.Progress(have, have)
		}
		return res, nil
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("heygen: GET %s: gave up after %d attempts", redactURL(u), max)
	}
	return res, lastErr
}

func (c *Client) downloadPause(attempt int) time.Duration {
	return backoff(attempt, c.backoffBase, c.backoffMax, c.jitter())
}

// parseContentRange reads "bytes START-END/SIZE" or "bytes */SIZE".
func parseContentRange(v string) (start, size int64, ok bool) {
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, sz, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	size, err := strconv.ParseInt(sz, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if rng == "*" {
		return 0, size, true
	}
	a, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err = strconv.ParseInt(a, 10, 64)
	return start, size, err == nil
}

// writeError marks a failure of the destination, which is not retried.
type writeError struct{ err error }

func (w writeError) Error() string { return w.err.Error() }

func copyWithProgress(dst io.Writer, src io.Reader, have, total int64, progress func(int64, int64)) (int64, error) {
	buf := make([]byte, 64<<10)
	var n int64
	next := int64(1 << 20)
	for {
		k, rerr := src.Read(buf)
		if k > 0 {
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return n, writeError{werr}
			}
			n += int64(k)
			if progress != nil && n >= next {
				progress(have+n, total)
				next += 1 << 20
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

// File sources: the objects whose files DownloadTo can fetch.
const (
	SourceVideo       = "video"
	SourceTranslation = "video_translation"
	SourceLipsync     = "lipsync"
)

var sourcePaths = map[string]string{
	SourceVideo:       "/v3/videos/",
	SourceTranslation: "/v3/video-translations/",
	SourceLipsync:     "/v3/lipsyncs/",
}

// GetFileSource fetches the object of a file source (a video, a video
// translation or a lipsync) as HeyGen sent it; its *_url fields are the
// presigned download URLs.
func (c *Client) GetFileSource(ctx context.Context, kind, id string) (map[string]any, error) {
	base, ok := sourcePaths[kind]
	if !ok {
		return nil, fmt.Errorf("heygen: unknown file source %q", kind)
	}
	esc, err := escapeID(kind+" id", id)
	if err != nil {
		return nil, err
	}
	top, resp, err := c.do(ctx, http.MethodGet, base+esc, nil, nil)
	if err != nil {
		return nil, err
	}
	m, ok := top["data"].(map[string]any)
	if !ok {
		return nil, c.malformed(http.MethodGet, base+esc, resp, `response "data" is not an object`)
	}
	return m, nil
}
