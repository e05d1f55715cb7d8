package luahost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// DryRunIDPrefix marks the ids a dry run's simulator hands out, so that
// later reads of those ids are answered by the simulator too.
const DryRunIDPrefix = "dryrun_"

// PlannedRequest is one write a dry run held back: what the real run would
// send. It never holds credentials (headers are not recorded).
type PlannedRequest struct {
	Path    string `json:"path"`
	Account string `json:"account"`
	Method  string `json:"method"`
	URL     string `json:"url"`
	Body    any    `json:"body"`
	// Permission is what the policy says about the call: "allow",
	// "bypassed" (--force), or "ask"/"deny" when the real run would be
	// refused (the dry run then fails too).
	Permission string `json:"permission"`
}

// planInfo tells the dry-run router which call a request belongs to.
type planInfo struct {
	path, account, permission string
	write                     bool // the function is declared a write
}

type planKey struct{}

func withPlanInfo(ctx context.Context, p planInfo) context.Context {
	return context.WithValue(ctx, planKey{}, p)
}

func (r *run) dryRun() bool { return r.opts != nil && r.opts.DryRun }

func (r *run) plannedCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.planned)
}

func (r *run) plannedSince(n int) []PlannedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.planned) <= n {
		return nil
	}
	return append([]PlannedRequest(nil), r.planned[n:]...)
}

func (r *run) plan(p PlannedRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planned = append(r.planned, p)
}

// dryRunTransport returns the transport an integration's session uses in
// a dry run: reads go to base, writes and reads of dry-run ids go to the
// integration's simulator (one per integration per run).
func (r *run) dryRunTransport(b *Binding, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.simulators == nil {
		r.simulators = map[string]*dryRouter{}
	}
	d, ok := r.simulators[b.Integration.Name]
	if !ok {
		d = &dryRouter{run: r, minted: map[string]bool{}}
		if sim := b.Integration.Simulator; sim != nil {
			d.sim = sim(registry.SimulatorOptions{ProcessingAfter: -1, CompleteAfter: -1, ForeignIDs: true})
		}
		r.simulators[b.Integration.Name] = d
	}
	return &dryTransport{router: d, base: base, secrets: accountSecrets(b)}
}

func accountSecrets(b *Binding) []string {
	var out []string
	for _, a := range b.Accounts {
		if a.Secret != "" {
			out = append(out, a.Secret)
		}
	}
	return out
}

// dryRouter is the per-integration state of a dry run: the simulator and
// the ids it handed out.
type dryRouter struct {
	run *run
	sim http.Handler // nil: the integration declares no simulator

	mu     sync.Mutex
	minted map[string]bool // ids the simulator created, without the prefix
}

type dryTransport struct {
	router  *dryRouter
	base    http.RoundTripper
	secrets []string
}

// RoundTrip sends a request on unless it changes something (a write
// function's request other than GET/HEAD) or names a dry-run id; those are
// answered by the simulator, and the writes among them are planned.
func (t *dryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	info, known := req.Context().Value(planKey{}).(planInfo)
	write := req.Method != http.MethodGet && req.Method != http.MethodHead && (info.write || !known)
	if !write && !strings.Contains(req.URL.String(), DryRunIDPrefix) {
		return t.base.RoundTrip(req)
	}
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	// not sent: the call's http_requests counts only what reached the wire
	registry.UncountRequest(req.Context())
	if write {
		t.router.run.plan(PlannedRequest{Path: info.path, Account: info.account, Method: req.Method,
			URL: t.redact(req.URL.String()), Body: decodeBody([]byte(t.redact(string(body)))), Permission: info.permission})
	}
	if t.router.sim == nil {
		return nil, fmt.Errorf("dry run: %s %s was not sent (this integration has no simulator to answer it)", req.Method, req.URL.Path)
	}
	return t.router.serve(req, body, t.secrets), nil
}

// redact blanks the account keys wherever they appear (a service that
// took its key in the URL or body would otherwise leak it into the plan).
func (t *dryTransport) redact(s string) string {
	for _, k := range t.secrets {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return s
}

// serve answers one request from the simulator. Dry-run ids are stripped
// before the simulator sees them and put back in its answer; ids it mints
// while answering a write get the prefix.
func (d *dryRouter) serve(req *http.Request, body []byte, secrets []string) *http.Response {
	d.mu.Lock()
	defer d.mu.Unlock()
	u := *req.URL
	u.Path = strings.ReplaceAll(u.Path, DryRunIDPrefix, "")
	u.RawPath = ""
	u.RawQuery = strings.ReplaceAll(u.RawQuery, DryRunIDPrefix, "")
	simBody := bytes.ReplaceAll(body, []byte(DryRunIDPrefix), nil)
	sreq := httptest.NewRequest(req.Method, u.RequestURI(), bytes.NewReader(simBody)).WithContext(req.Context())
	for k, vs := range req.Header {
		for _, v := range vs {
			for _, s := range secrets {
				v = strings.ReplaceAll(v, s, "dryrun-key")
			}
			sreq.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	d.sim.ServeHTTP(rec, sreq)
	out := rec.Body.Bytes()
	if req.Method != http.MethodGet && req.Method != http.MethodHead && rec.Code < 300 {
		d.mintIDs(out, simBody)
	}
	out = d.markIDs(out)
	res := rec.Result()
	res.Body = io.NopCloser(bytes.NewReader(out))
	res.ContentLength = int64(len(out))
	res.Header.Set("Content-Length", strconv.Itoa(len(out)))
	res.Request = req
	return res
}

// mintIDs remembers the ids in a write's answer that the request did not
// hold: the simulator created them.
func (d *dryRouter) mintIDs(answer, request []byte) {
	var v any
	if json.Unmarshal(answer, &v) != nil {
		return
	}
	walkIDs(v, "", func(id string) {
		if !bytes.Contains(request, []byte(id)) && len(id) >= 6 {
			d.minted[id] = true
		}
	})
}

// markIDs puts the prefix on every minted id in an answer.
func (d *dryRouter) markIDs(b []byte) []byte {
	ids := make([]string, 0, len(d.minted))
	for id := range d.minted {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return len(ids[i]) > len(ids[j]) })
	for _, id := range ids {
		b = bytes.ReplaceAll(b, []byte(id), []byte(DryRunIDPrefix+id))
	}
	return b
}

// walkIDs calls fn with every string found under a key named "id" or
// ending in "_id".
func walkIDs(v any, key string, fn func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walkIDs(e, k, fn)
		}
	case []any:
		for _, e := range x {
			walkIDs(e, key, fn)
		}
	case string:
		if key == "id" || strings.HasSuffix(key, "_id") {
			fn(x)
		}
	}
}

// decodeBody shows a JSON body as its value, anything else as text.
func decodeBody(b []byte) any {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(b, &v) == nil {
		return v
	}
	return string(b)
}
