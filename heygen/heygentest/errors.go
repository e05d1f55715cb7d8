package heygentest

import (
	"fmt"
	"net/http"
)

// docURLBase is where the sandbox pretends its error documentation lives.
const docURLBase = "https://sandbox.kosmo.invalid/docs/errors#"

// apiError is an error the sandbox reports with the HeyGen error envelope:
// {"error":{"code":...,"message":...,"param":...,"doc_url":...}}.
type apiError struct {
	status  int
	code    string
	message string
	param   string // "" is sent as null
}

func (e *apiError) Error() string {
	if e.param != "" {
		return fmt.Sprintf("%d %s (%s): %s", e.status, e.code, e.param, e.message)
	}
	return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message)
}

// errorBody is the wire form of the error envelope.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Param   *string `json:"param"`
	DocURL  *string `json:"doc_url"`
}

func (e *apiError) body() errorBody {
	doc := docURLBase + e.code
	d := errorDetail{Code: e.code, Message: e.message, DocURL: &doc}
	if e.param != "" {
		p := e.param
		d.Param = &p
	}
	return errorBody{Error: d}
}

func (e *apiError) reply() reply {
	r := reply{status: e.status, body: e.body()}
	if e.status == http.StatusTooManyRequests {
		r.header = http.Header{"Retry-After": []string{"1"}}
	}
	return r
}

// invalidParam is the usual 400 for a bad request field or query parameter.
func invalidParam(param, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "invalid_parameter", param: param, message: fmt.Sprintf(format, args...)}
}

func notFound(code, param, format string, args ...any) *apiError {
	return &apiError{status: http.StatusNotFound, code: code, param: param, message: fmt.Sprintf(format, args...)}
}

// codeForStatus picks the error code the sandbox uses when it has to invent
// an error for a bare HTTP status (injected faults, for instance).
func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_parameter"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusPaymentRequired:
		return "insufficient_credit"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusConflict:
		return "conflict"
	case http.StatusRequestEntityTooLarge:
		return "payload_too_large"
	case http.StatusTooManyRequests:
		return "rate_limit_exceeded"
	case http.StatusBadGateway:
		return "bad_gateway"
	case http.StatusServiceUnavailable:
		return "service_unavailable"
	case http.StatusGatewayTimeout:
		return "gateway_timeout"
	}
	if status >= 500 {
		return "internal_error"
	}
	return "client_error"
}
