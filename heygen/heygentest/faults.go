package heygentest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultKind says how an injected fault disturbs a response.
type FaultKind int

// The fault kinds. In JSON (the control API) they are written as the
// lowercase names "status", "rate_limit", "slow", "malformed", "truncated",
// "html", "error_in_200", "legacy" and "reset"; underscores, hyphens and
// case are ignored when reading them.
const (
	// Status answers with Fault.Status (default 500) and a HeyGen error body.
	Status FaultKind = iota
	// RateLimit answers 429 rate_limit_exceeded with a Retry-After header
	// (Fault.RetryAfter, default "1").
	RateLimit
	// Slow waits Fault.Delay (default 1s), or until the client gives up,
	// and then serves the request normally.
	Slow
	// Malformed answers 200 with a body that is not valid JSON.
	Malformed
	// Truncated serves the normal response but sends only the first half
	// of its body while announcing its full length.
	Truncated
	// HTML answers with Fault.Status (default 502) and an HTML error page,
	// as a gateway in front of the API would.
	HTML
	// ErrorIn200 answers 200 with an error envelope as its body.
	ErrorIn200
	// Legacy answers with Fault.Status (default 401) and the error body of
	// the older API versions: {"code":400112,"message":"Unauthorized"}.
	Legacy
	// Reset drops the connection without answering.
	Reset
)

var faultKindNames = [...]string{"status", "rate_limit", "slow", "malformed", "truncated", "html", "error_in_200", "legacy", "reset"}

func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultKindNames) {
		return faultKindNames[k]
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// ParseFaultKind reads a kind name, ignoring case, underscores and hyphens.
func ParseFaultKind(s string) (FaultKind, error) {
	norm := func(x string) string {
		return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(x))
	}
	n := norm(s)
	for i, name := range faultKindNames {
		if norm(name) == n {
			return FaultKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown fault kind %q (want one of %s)", s, strings.Join(faultKindNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (k FaultKind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(faultKindNames) {
		return nil, fmt.Errorf("invalid fault kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *FaultKind) UnmarshalText(b []byte) error {
	v, err := ParseFaultKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Fault describes a disturbance applied to matching API requests (never
// to the control API). Faults are checked in the order they were injected
// and the first match wins.
type Fault struct {
	// Method matches the request method, in any case; "" matches any.
	Method string
	// Path matches the request path exactly, or as a prefix when it ends
	// in "*"; "" matches any.
	Path string
	Kind FaultKind
	// Status is the HTTP status of Status, HTML and Legacy faults, and
	// picks the error code of ErrorIn200 faults.
	Status int
	// RetryAfter is the Retry-After header of RateLimit faults.
	RetryAfter string
	// Delay is how long Slow faults wait.
	Delay time.Duration
	// Times is how many matching requests the fault affects; 0 means every
	// one until the faults are cleared.
	Times int
}

// faultJSON is the control API form of a Fault.
type faultJSON struct {
	Method     string          `json:"method,omitempty"`
	Path       string          `json:"path,omitempty"`
	Kind       FaultKind       `json:"kind"`
	Status     int             `json:"status,omitempty"`
	RetryAfter json.RawMessage `json:"retry_after,omitempty"`
	Delay      json.RawMessage `json:"delay,omitempty"`
	Times      int             `json:"times,omitempty"`
}

// MarshalJSON writes the kind as its name and the delay as a Go duration
// string such as "1.5s".
func (f Fault) MarshalJSON() ([]byte, error) {
	w := faultJSON{Method: f.Method, Path: f.Path, Kind: f.Kind, Status: f.Status, Times: f.Times}
	if f.RetryAfter != "" {
		w.RetryAfter, _ = json.Marshal(f.RetryAfter)
	}
	if f.Delay != 0 {
		w.Delay, _ = json.Marshal(f.Delay.String())
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the control API form. delay is a Go duration string
// ("250ms") or a number of seconds; retry_after is a string or a number.
// Unknown fields are rejected so that typos do not pass silently.
func (f *Fault) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var w faultJSON
	if err := dec.Decode(&w); err != nil {
		return err
	}
	out := Fault{Method: w.Method, Path: w.Path, Kind: w.Kind, Status: w.Status, Times: w.Times}
	if len(w.RetryAfter) > 0 && string(w.RetryAfter) != "null" {
		var s string
		if err := json.Unmarshal(w.RetryAfter, &s); err != nil {
			var n json.Number
			if err := json.Unmarshal(w.RetryAfter, &n); err != nil {
				return fmt.Errorf("retry_after must be a string or a number")
			}
			s = n.String()
		}
		out.RetryAfter = s
	}
	if len(w.Delay) > 0 && string(w.Delay) != "null" {
		var s string
		if err := json.Unmarshal(w.Delay, &s); err == nil {
			d, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("delay: %v", err)
			}
			out.Delay = d
		} else {
			var secs float64
			if err := json.Unmarshal(w.Delay, &secs); err != nil {
				return fmt.Errorf("delay must be a duration string such as \"500ms\" or a number of seconds")
			}
			out.Delay = time.Duration(secs * float64(time.Second))
		}
	}
	if out.Delay < 0 || out.Times < 0 {
		return fmt.Errorf("delay and times must not be negative")
	}
	*f = out
	return nil
}

func (f Fault) matches(method, path string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	switch {
	case f.Path == "":
		return true
	case strings.HasSuffix(f.Path, "*"):
		return strings.HasPrefix(path, strings.TrimSuffix(f.Path, "*"))
	}
	return f.Path == path
}

func (f Fault) delay() time.Duration {
	if f.Delay > 0 {
		return f.Delay
	}
	return time.Second
}

type activeFault struct {
	f         Fault
	remaining int // 0 = unlimited
}

// Inject adds a fault. A negative Times counts as 0 (unlimited).
func (s *Server) Inject(f Fault) {
	if f.Times < 0 {
		f.Times = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &activeFault{f: f, remaining: f.Times})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Faults returns the active faults; Times holds how many uses are left
// (0 = unlimited).
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, a := range s.faults {
		out[i] = a.f
		out[i].Times = a.remaining
	}
	return out
}

// takeFault returns the first fault matching the request, using up one of
// its Times.
func (s *Server) takeFault(method, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, a := range s.faults {
		if !a.f.matches(method, path) {
			continue
		}
		f := a.f
		if a.remaining > 0 {
			a.remaining--
			if a.remaining == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &f
	}
	return nil
}

const malformedBody = `{"data": {"id": "sandbox-malformed", "status": completed,, "video_url": }`

const htmlPage = `<!DOCTYPE html>
<html>
<head><title>%[1]d %[2]s</title></head>
<body>
<center><h1>%[1]d %[2]s</h1></center>
<hr><center>sandbox gateway</center>
</body>
</html>
`

// writeFault answers a request on behalf of a fault (every kind except
// Slow and Truncated, which wrap the normal response) and returns the
// status sent, or 0 when the connection was dropped.
func writeFault(w http.ResponseWriter, f *Fault) int {
	status := func(def int) int {
		if f.Status >= 100 && f.Status <= 999 {
			return f.Status
		}
		return def
	}
	switch f.Kind {
	case RateLimit:
		retry := f.RetryAfter
		if retry == "" {
			retry = "1"
		}
		e := &apiError{status: http.StatusTooManyRequests, code: "rate_limit_exceeded", message: "Too many requests; slow down and retry later (injected fault)."}
		rep := e.reply()
		rep.header = http.Header{"Retry-After": []string{retry}}
		return writeReply(w, rep)
	case Malformed:
		return writeReply(w, reply{status: http.StatusOK, raw: []byte(malformedBody)})
	case HTML:
		st := status(http.StatusBadGateway)
		page := fmt.Sprintf(htmlPage, st, http.StatusText(st))
		return writeReply(w, reply{status: st, raw: []byte(page), contentType: "text/html; charset=utf-8"})
	case ErrorIn200:
		st := status(http.StatusInternalServerError)
		e := &apiError{status: st, code: codeForStatus(st), message: "The request failed although the status says otherwise (injected fault)."}
		return writeReply(w, reply{status: http.StatusOK, body: e.body()})
	case Legacy:
		return writeReply(w, reply{status: status(http.StatusUnauthorized), raw: []byte(`{"code":400112,"message":"Unauthorized"}`)})
	case Reset:
		if hj, canHijack := w.(http.Hijacker); canHijack {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, isTCP := conn.(*net.TCPConn); isTCP {
					_ = tc.SetLinger(0) // send RST rather than FIN
				}
				_ = conn.Close()
				return 0
			}
		}
		// Without a hijackable connection (HTTP/2, recorders) abort the
		// handler; net/http then drops the stream or connection.
		panic(http.ErrAbortHandler)
	default: // Status and any unknown kind
		st := status(http.StatusInternalServerError)
		e := &apiError{status: st, code: codeForStatus(st), message: fmt.Sprintf("The sandbox answered %d on purpose (injected fault).", st)}
		return writeReply(w, e.reply())
	}
}
