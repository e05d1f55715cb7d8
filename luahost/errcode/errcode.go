// Package errcode defines kosmo's stable error codes, the exit code each one
// maps to, and Error, the one error type that carries a code, a hint and
// structured details through every layer (integration -> host -> CLI).
//
// The codes are part of kosmo's public interface: scripts branch on them
// (pcall error tables), agents read them from the JSON envelope, and shell
// scripts see their exit codes. Add a code here, and only here.
package errcode

import (
	"errors"
	"fmt"
	"sort"
)

// Code is a stable, machine-readable error code.
type Code string

// The registered codes. Keep in sync with docs (the lua page and README):
// TestCodesAreDocumented fails when one is missing there.
const (
	LuaSyntaxError   Code = "lua_syntax_error"
	LuaRuntimeError  Code = "lua_runtime_error"
	InvalidArgument  Code = "invalid_argument"
	UnknownFunction  Code = "unknown_function"
	UnknownAccount   Code = "unknown_account"
	AuthMissing      Code = "auth_missing"
	PermissionDenied Code = "permission_denied"
	APIError         Code = "api_error"
	RateLimited      Code = "rate_limited"
	NetworkError     Code = "network_error"
	Timeout          Code = "timeout"
	CPULimit         Code = "cpu_limit"
	MemoryLimit      Code = "memory_limit"
	OutputLimit      Code = "output_limit"
	UsageError       Code = "usage_error"
	// ConfigError is a broken configuration file or setting. It is not in
	// the original list of DESIGN section 6; it exits 3 like the other
	// auth/config errors.
	ConfigError Code = "config_error"
	// ScriptExit is a script that ended itself with os.exit(code), code
	// not 0; the process exits with that code (details.exit_code).
	ScriptExit Code = "script_exit"

	// Interrupted ends a run stopped by SIGINT (exit 130) or SIGTERM
	// (exit 143; details.signal says which).
	Interrupted Code = "interrupted"
	// ResultLimit: the returned values encode to more than the result
	// limit; ErrorLimit: an error message is longer than the error limit.
	ResultLimit Code = "result_limit"
	ErrorLimit  Code = "error_limit"
	// InputLimit: the script given on standard input is longer than kosmo
	// reads.
	InputLimit Code = "input_limit"
	// InvalidResult: a returned value cannot be represented in JSON (NaN,
	// infinity); it is reported as null.
	InvalidResult Code = "invalid_result"
	// WriteError: kosmo could not write its result (closed stdout, full
	// disk). It is reported on stderr, since stdout failed.
	WriteError Code = "write_error"
)

// Exit codes of the kosmo binary.
const (
	ExitOK         = 0
	ExitScript     = 1 // Lua error, integration error, invalid argument
	ExitUsage      = 2 // bad command line
	ExitAuthConfig = 3 // missing/invalid credentials, bad configuration
	ExitLimit      = 4 // timeout or resource limit
	ExitPermission = 5 // permission denied
	// ExitInterrupted and ExitTerminated follow the shell convention
	// 128 + signal number (SIGINT 2, SIGTERM 15).
	ExitInterrupted = 130
	ExitTerminated  = 143
)

var exitCodes = map[Code]int{
	LuaSyntaxError:   ExitScript,
	LuaRuntimeError:  ExitScript,
	InvalidArgument:  ExitScript,
	UnknownFunction:  ExitScript,
	UnknownAccount:   ExitAuthConfig,
	AuthMissing:      ExitAuthConfig,
	PermissionDenied: ExitPermission,
	APIError:         ExitScript,
	RateLimited:      ExitScript,
	NetworkError:     ExitScript,
	Timeout:          ExitLimit,
	CPULimit:         ExitLimit,
	MemoryLimit:      ExitLimit,
	OutputLimit:      ExitLimit,
	UsageError:       ExitUsage,
	ConfigError:      ExitAuthConfig,
	ScriptExit:       ExitScript,
	Interrupted:      ExitInterrupted,
	ResultLimit:      ExitLimit,
	ErrorLimit:       ExitLimit,
	InputLimit:       ExitLimit,
	InvalidResult:    ExitScript,
	WriteError:       ExitScript,
}

// All returns every registered code, sorted.
func All() []Code {
	out := make([]Code, 0, len(exitCodes))
	for c := range exitCodes {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Known reports whether c is a registered code.
func Known(c Code) bool {
	_, ok := exitCodes[c]
	return ok
}

// IsLimit reports whether c ends a run because a resource limit or deadline
// was reached. Limit errors cannot be swallowed by pcall for long: the host
// cancels the run as soon as one happens.
func IsLimit(c Code) bool {
	return exitCodes[c] == ExitLimit
}

// Error is kosmo's error value. Message says what went wrong, Hint what to do
// about it. Details carries structured facts (HTTP status, request id, the
// parameter that was wrong) for machines; it must never hold a secret.
type Error struct {
	Code      Code
	Message   string
	Hint      string
	Details   map[string]any
	Line      int    // Lua source line, when known
	Traceback string // Lua traceback, when known
	Err       error  // the underlying cause, if any
}

// New returns an Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error with the given code whose cause is err. The message
// is err's text unless msg is non-empty.
func Wrap(code Code, err error, msg string) *Error {
	if msg == "" && err != nil {
		msg = err.Error()
	}
	return &Error{Code: code, Message: msg, Err: err}
}

// WithHint sets the hint and returns e, for chaining.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// WithDetail records one structured detail and returns e, for chaining.
func (e *Error) WithDetail(key string, value any) *Error {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details[key] = value
	return e
}

func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ExitCode is the process exit code for this error. HeyGen answering 401 or
// 403 is an authentication problem, so it exits like auth_missing.
func (e *Error) ExitCode() int {
	if e.Code == APIError {
		if s, ok := e.Details["status"].(int); ok && (s == 401 || s == 403) {
			return ExitAuthConfig
		}
	}
	if e.Code == ScriptExit {
		if c, ok := e.Details["exit_code"].(int); ok && c > 0 && c < 256 {
			return c
		}
	}
	if e.Code == Interrupted {
		if sig, _ := e.Details["signal"].(string); sig == "SIGTERM" {
			return ExitTerminated
		}
	}
	if c, ok := exitCodes[e.Code]; ok {
		return c
	}
	return ExitScript
}

// As finds the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// From returns err as an *Error, wrapping foreign errors with fallback.
func From(err error, fallback Code) *Error {
	if err == nil {
		return nil
	}
	if e, ok := As(err); ok {
		return e
	}
	return Wrap(fallback, err, "")
}

// CodeOf returns the code of err, or "" when it carries none.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return ""
}
