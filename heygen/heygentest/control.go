package heygentest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

func clockView(now time.Time) map[string]any {
	return map[string]any{"now": now.UTC().Format(time.RFC3339Nano), "unix": now.Unix()}
}

// serveControl handles the control API under /_sandbox/. It needs no key,
// is never logged, and is not subject to faults or latency.
//
//	GET    /_sandbox/health    liveness: {"data":{"status":"ok"}}
//	GET    /_sandbox/faults    active faults
//	POST   /_sandbox/faults    inject a fault (JSON form of Fault)
//	DELETE /_sandbox/faults    clear all faults
//	GET    /_sandbox/requests  the request log, oldest first
//	DELETE /_sandbox/requests  empty the request log
//	GET    /_sandbox/clock     the server's current time
//	POST   /_sandbox/clock     move the clock forward: {"advance": "2h"}
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	writeReply(w, s.control(r))
}

func (s *Server) control(r *http.Request) reply {
	path := strings.TrimSuffix(r.URL.Path, "/")
	methods := map[string][]string{
		"/_sandbox/health":   {"GET"},
		"/_sandbox/faults":   {"DELETE", "GET", "POST"},
		"/_sandbox/requests": {"DELETE", "GET"},
		"/_sandbox/clock":    {"GET", "POST"},
	}
	allowed, known := methods[path]
	if !known {
		return notFound("not_found", "", "No control endpoint at %s.", r.URL.Path).reply()
	}
	if !contains(allowed, r.Method) {
		rep := (&apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
			message: r.Method + " is not allowed on " + path + "."}).reply()
		rep.header = http.Header{"Allow": []string{strings.Join(allowed, ", ")}}
		return rep
	}
	switch r.Method + " " + path {
	case "GET /_sandbox/health":
		return ok(single{Data: map[string]string{"status": "ok"}})
	case "GET /_sandbox/faults":
		return ok(single{Data: s.Faults()})
	case "POST /_sandbox/faults":
		body, tooLarge := readBody(r, maxBodyBytes)
		if tooLarge {
			return (&apiError{status: http.StatusRequestEntityTooLarge, code: "payload_too_large", message: "The fault description is too large."}).reply()
		}
		var f Fault
		if err := json.Unmarshal(body, &f); err != nil {
			return invalidParam("", "Invalid fault: %v.", err).reply()
		}
		s.Inject(f)
		rep := ok(single{Data: f})
		rep.status = http.StatusCreated
		return rep
	case "DELETE /_sandbox/faults":
		n := len(s.Faults())
		s.ClearFaults()
		return ok(single{Data: map[string]int{"cleared": n}})
	case "GET /_sandbox/clock":
		return ok(single{Data: clockView(s.now())})
	case "POST /_sandbox/clock":
		body, _ := readBody(r, maxBodyBytes)
		var in struct {
			Advance string `json:"advance"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return invalidParam("", "Invalid clock request: %v.", err).reply()
		}
		d, err := time.ParseDuration(in.Advance)
		if err != nil || d < 0 {
			return invalidParam("advance", "advance must be a non-negative Go duration such as \"90s\" or \"2h\", got %q.", in.Advance).reply()
		}
		s.Advance(d)
		return ok(single{Data: clockView(s.now())})
	case "GET /_sandbox/requests":
		return ok(single{Data: s.Requests()})
	default: // DELETE /_sandbox/requests
		n := len(s.Requests())
		s.ResetRequests()
		return ok(single{Data: map[string]int{"cleared": n}})
	}
}
