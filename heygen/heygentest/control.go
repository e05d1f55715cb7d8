package heygentest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// serveControl handles the control API under /_sandbox/. It needs no key,
// is never logged, and is not subject to faults or latency.
//
//	GET    /_sandbox/health    liveness: {"data":{"status":"ok"}}
//	GET    /_sandbox/faults    active faults
//	POST   /_sandbox/faults    inject a fault (JSON form of Fault)
//	DELETE /_sandbox/faults    clear all faults
//	GET    /_sandbox/requests  the request log, oldest first
//	DELETE /_sandbox/requests  empty the request log
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	writeReply(w, s.control(r))
}

func (s *Server) control(r *http.Request) reply {
	path := strings.TrimSuffix(r.URL.Path, "/")
	methods := map[string][]string{
		"/_sandbox/health":   {"GET"},
		"/_sandbox/faults":   {"DELETE", "GET", "POST"},
		"/_sandbox/requests": {"DELETE", "GET"},
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
		body, tooLarge := readBody(r)
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
	case "GET /_sandbox/requests":
		return ok(single{Data: s.Requests()})
	default: // DELETE /_sandbox/requests
		n := len(s.Requests())
		s.ResetRequests()
		return ok(single{Data: map[string]int{"cleared": n}})
	}
}
