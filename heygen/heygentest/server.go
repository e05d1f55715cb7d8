// Package heygentest is an in-memory imitation of the HeyGen v3 REST API for
// tests, CI, benchmarks and sandbox runs.
//
// The Server is a plain http.Handler, so it can be mounted on an
// httptest.Server or a real listener. It serves every endpoint of HeyGen's
// v3 API (videos, avatars, voices, templates, assets and uploads, lipsync,
// video translation and proofreading, the video agent, background
// removal, AI clipping, batches, webhooks, brand kits, the current user)
// with the same paths, query parameters, envelopes and error bodies as the
// real API. It keeps one isolated copy of its deterministic seed data per
// API key, moves every asynchronous job (videos, translations, lipsyncs,
// avatars, voice clones, ...) through its statuses on a clock the caller
// controls, serves the files behind the URLs it hands out (presigned,
// expiring, with Range support), logs every request (without the key),
// and can inject faults such as rate limits, slow, cut or malformed
// responses and dropped connections. A small control API under /_sandbox/
// exposes the log, the fault list and the clock over HTTP for
// out-of-process use.
package heygentest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Clock returns the current time; the default is time.Now. Video
	// lifecycles and request timestamps are measured on it.
	Clock func() time.Time
	// ProcessingAfter is how long a created video stays "pending" before it
	// turns "processing". Zero means the default of 2s; a negative value
	// means at once.
	ProcessingAfter time.Duration
	// CompleteAfter is how long after creation a video is "completed" (or
	// "failed"). Zero means the default of 10s; a negative value means at
	// once. It is never shorter than ProcessingAfter.
	CompleteAfter time.Duration
	// Latency is slept (honouring the request context) before every API
	// response. Zero means none.
	Latency time.Duration
	// URLTTL is how long the media URLs in responses stay valid at least,
	// on the server's clock (expiry times are rounded up to the next full
	// minute). Zero means one hour.
	URLTTL time.Duration
}

// Request is one entry of the request log. It never holds the API key.
type Request struct {
	Method   string `json:"method"`
	Path     string `json:"path"`
	RawQuery string `json:"raw_query"`
	// Status is the HTTP status sent, or 0 when no response was written
	// (connection reset fault, or the client went away first).
	Status int `json:"status"`
	// KeyLabel identifies the key without revealing it ("key-" plus the
	// first 8 hex digits of its SHA-256); empty when no key was sent.
	KeyLabel string `json:"key_label"`
	// Body is the request body, cut to 64 KiB.
	Body string    `json:"body"`
	At   time.Time `json:"at"`
	// RequestID is the X-Request-Id the response carried.
	RequestID string `json:"request_id"`
}

// Server is the simulated HeyGen API. Create it with New.
type Server struct {
	opts   Options
	cat    *catalog // immutable seed catalog shared by all tenants
	routes []route

	mu      sync.Mutex
	offset  time.Duration // added to the clock by Advance
	secret  []byte        // signs media URLs
	signs   signCache     // signatures of the current expiry step
	uploads map[string]*uploadSlot
	blobs   map[string][]byte // uploaded asset content by asset id
	tenants map[string]*tenant
	reqSeq  uint64
	log     []Request
	faults  []*activeFault
}

const (
	defaultProcessingAfter = 2 * time.Second
	defaultCompleteAfter   = 10 * time.Second
	maxBodyBytes           = 10 << 20
	maxLoggedBody          = 64 << 10
	maxLogEntries          = 10000
	controlPrefix          = "/_sandbox/"
)

// New returns a Server with its defaults filled in.
func New(o Options) *Server {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	switch {
	case o.ProcessingAfter == 0:
		o.ProcessingAfter = defaultProcessingAfter
	case o.ProcessingAfter < 0:
		o.ProcessingAfter = 0
	}
	switch {
	case o.CompleteAfter == 0:
		o.CompleteAfter = defaultCompleteAfter
	case o.CompleteAfter < 0:
		o.CompleteAfter = 0
	}
	if o.CompleteAfter < o.ProcessingAfter {
		o.CompleteAfter = o.ProcessingAfter
	}
	if o.Latency < 0 {
		o.Latency = 0
	}
	s := &Server{opts: o, cat: seedCatalog(), tenants: map[string]*tenant{},
		secret: newSecret(), uploads: map[string]*uploadSlot{}, blobs: map[string][]byte{}}
	s.routes = s.apiRoutes()
	return s
}

func (s *Server) now() time.Time {
	s.mu.Lock()
	off := s.offset
	s.mu.Unlock()
	return s.opts.Clock().Add(off)
}

// Advance moves the server's clock forward by d (on top of Options.Clock):
// jobs progress and handed-out URLs expire as if d had passed.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Requests returns a copy of the request log, oldest first. Control API
// calls under /_sandbox/ are not logged. The log keeps the latest 10,000
// requests.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) >= maxLogEntries {
		s.log = append(s.log[:0:0], s.log[len(s.log)-maxLogEntries+1:]...)
	}
	s.log = append(s.log, r)
}

func (s *Server) nextRequestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqSeq++
	return fmt.Sprintf("req-%06d", s.reqSeq)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := s.nextRequestID()
	w.Header().Set("X-Request-Id", reqID)
	if strings.HasPrefix(r.URL.Path, controlPrefix) || r.URL.Path == strings.TrimSuffix(controlPrefix, "/") {
		s.serveControl(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, mediaPrefix) {
		s.serveMedia(w, r, reqID)
		return
	}
	s.serveAPI(w, r, reqID)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, reqID string) {
	entry := Request{
		Method:    r.Method,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		At:        s.now(),
		RequestID: reqID,
	}
	key, hasKey := apiKey(r)
	if hasKey {
		entry.KeyLabel = keyLabel(key)
	}
	body, tooLarge := readBody(r, bodyLimit(r))
	if len(body) > maxLoggedBody {
		entry.Body = string(body[:maxLoggedBody])
	} else {
		entry.Body = string(body)
	}
	status := 0
	recorded := false
	// Deferred so that the entry is written even when a reset fault aborts
	// the handler with a panic.
	defer func() {
		if !recorded {
			entry.Status = status
			s.record(entry)
		}
	}()

	if !sleepCtx(r.Context(), s.opts.Latency) {
		return
	}
	f := s.takeFault(r.Method, r.URL.Path)
	if f != nil {
		switch f.Kind {
		case Slow:
			if !sleepCtx(r.Context(), f.delay()) {
				return
			}
		case Truncated:
		default:
			status = writeFault(w, f)
			return
		}
	}
	rep := s.presign(s.dispatch(r, body, key, hasKey, tooLarge), baseURL(r))
	// Log before answering, so that a client that has its answer finds the
	// request in the log.
	entry.Status, _, _ = rep.encode()
	s.record(entry)
	recorded = true
	if f != nil && f.Kind == Truncated {
		status = writeTruncated(w, rep)
		return
	}
	status = writeReply(w, rep)
}

// dispatch authenticates the request, routes it and runs the handler.
func (s *Server) dispatch(r *http.Request, body []byte, key string, hasKey, tooLarge bool) reply {
	if !hasKey {
		return (&apiError{status: http.StatusUnauthorized, code: "unauthorized",
			message: "No API key was provided. Send it in the X-Api-Key header."}).reply()
	}
	if keyIsInvalid(key) {
		return (&apiError{status: http.StatusUnauthorized, code: "unauthorized",
			message: "The API key is not valid."}).reply()
	}
	if tooLarge {
		return (&apiError{status: http.StatusRequestEntityTooLarge, code: "payload_too_large",
			message: fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes)}).reply()
	}
	rt, params, allowed := matchRoute(s.routes, r.URL.EscapedPath(), r.Method)
	if rt == nil {
		if len(allowed) > 0 {
			rep := (&apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
				message: fmt.Sprintf("%s is not allowed on %s.", r.Method, r.URL.Path)}).reply()
			rep.header = http.Header{"Allow": []string{strings.Join(allowed, ", ")}}
			return rep
		}
		return notFound("not_found", "", "No endpoint matches %s %s.", r.Method, r.URL.Path).reply()
	}
	c := &call{
		r:      r,
		query:  r.URL.Query(),
		params: params,
		body:   body,
		t:      s.tenantFor(key),
		now:    s.now(),
		facts:  apiFacts()[rt.method+" "+rt.pattern],
	}
	if rt.checked && c.facts != nil {
		if err := c.facts.checkQuery(c); err != nil {
			return err.reply()
		}
		if c.facts.body != nil {
			m, err := decodeObject(body)
			if err == nil {
				err = c.facts.body.check(m, "")
			}
			if err != nil {
				return err.reply()
			}
			c.json = m
		}
	}
	return rt.handle(c)
}

// call carries what a handler needs about one request.
type call struct {
	r      *http.Request
	query  url.Values
	params map[string]string
	body   []byte
	t      *tenant
	now    time.Time
	facts  *endpointFacts // nil only for routes outside the catalogue
	json   obj            // the validated body of a checked route
}

// reply is what a handler produces; ServeHTTP (or a fault) writes it.
type reply struct {
	status      int
	body        any    // JSON-encoded unless raw is set
	raw         []byte // sent as is
	contentType string // default application/json
	header      http.Header
}

func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

// encode turns the reply into bytes, falling back to a 500 error body if
// the value cannot be encoded (which would be a bug in the sandbox).
func (rep reply) encode() (int, []byte, string) {
	ct := rep.contentType
	if ct == "" {
		ct = "application/json"
	}
	if rep.raw != nil {
		return rep.status, rep.raw, ct
	}
	b, err := json.Marshal(rep.body)
	if err != nil {
		e := &apiError{status: http.StatusInternalServerError, code: "internal_error", message: "sandbox could not encode its response: " + err.Error()}
		b, _ = json.Marshal(e.body())
		return e.status, b, "application/json"
	}
	return rep.status, b, ct
}

func writeReply(w http.ResponseWriter, rep reply) int {
	status, b, ct := rep.encode()
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

// writeTruncated announces the full length but sends only the first half of
// the body, so that a client sees a valid start and then an unexpected EOF.
func writeTruncated(w http.ResponseWriter, rep reply) int {
	status, b, ct := rep.encode()
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b[:len(b)/2])
	return status
}

// readBody reads at most limit bytes of the body and reports whether the
// body was longer than that.
func readBody(r *http.Request, limit int) ([]byte, bool) {
	if r.Body == nil {
		return nil, false
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if len(b) > limit {
		return b[:limit], true
	}
	return b, false
}

// bodyLimit is the largest body a request may carry: file uploads take up
// to maxUploadBytes plus the multipart framing, everything else 10 MiB.
func bodyLimit(r *http.Request) int {
	if r.Method == http.MethodPost && r.URL.Path == "/v3/assets" {
		return maxUploadBytes + 64<<10
	}
	return maxBodyBytes
}

// sleepCtx waits for d unless ctx ends first; it reports whether the full
// duration passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
