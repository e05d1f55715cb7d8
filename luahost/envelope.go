package luahost

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/redact"
)

// MaxErrorMessage bounds the message of a run's error (and of each audit
// record's error): a longer one is cut, and the run's error becomes
// error_limit. Tracebacks and hints are cut at the same size.
const MaxErrorMessage = 64 << 10

// Envelope is the result of one run, exactly as `--json` prints it.
type Envelope struct {
	Success          bool         `json:"success"`
	Output           string       `json:"output"`
	Error            *ErrorInfo   `json:"error"`
	Result           []any        `json:"result"`
	ExecutionTimeMs  float64      `json:"execution_time_ms"`
	MemoryUsage      int64        `json:"memory_usage"`
	IntegrationCalls []CallRecord `json:"integration_calls"`
	Meta             Meta         `json:"meta"`
	// PlannedRequests lists the writes a dry run held back (only in dry
	// runs).
	PlannedRequests []PlannedRequest `json:"planned_requests,omitempty"`

	// ResultText holds each returned value rendered as dump shows it, for
	// human output. Filled when RunOptions.RenderResults is set.
	ResultText []string `json:"-"`
}

// ErrorInfo is the envelope's error object.
type ErrorInfo struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	Hint      string         `json:"hint,omitempty"`
	Line      int            `json:"line,omitempty"`
	Traceback string         `json:"traceback,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
}

// CallRecord is the audit entry of one integration (or MCP tool) call.
type CallRecord struct {
	Path         string  `json:"path"`
	Account      string  `json:"account"`
	Op           string  `json:"op"`
	DurationMs   float64 `json:"duration_ms"`
	Status       string  `json:"status"`
	Error        *string `json:"error"`
	HTTPRequests int64   `json:"http_requests"`
	// Created names what the call created ({"video_id": "..."}), reported
	// by the integration as soon as the service answered.
	Created map[string]any `json:"created,omitempty"`
}

// Meta describes how the run was made.
type Meta struct {
	PermissionBypassed bool   `json:"permission_bypassed"`
	Sandbox            bool   `json:"sandbox"`
	Version            string `json:"version"`
	DryRun             bool   `json:"dry_run,omitempty"`
}

// seal applies the rules every envelope obeys before it leaves the host,
// in this order: secrets are redacted (before anything is cut, so that a
// cut cannot leave half a key behind), numbers JSON cannot hold become
// null (invalid_result), returned values past resultLimit are dropped
// (result_limit), long error messages are cut (error_limit), and a failed
// run lists in error.details.created what its calls created.
func (e *Envelope) seal(r *redact.Redactor, resultLimit int64) {
	if r.Len() > 0 {
		e.redact(r)
	}
	if bad := nonFinite(e.Result); len(bad) > 0 {
		for i := range e.Result {
			e.Result[i] = finiteOrNull(e.Result[i])
		}
		e.ResultText = nil
		if e.Error == nil {
			e.fail(errcode.New(errcode.InvalidResult, "the result holds %s, which JSON cannot represent; reported as null",
				describeNonFinite(bad)).
				WithHint("check the computation (0/0 gives NaN, 1/0 infinity), or return such values as strings").
				WithDetail("paths", bad))
		}
	}
	if resultLimit > 0 {
		if n := encodedSize(e.Result, resultLimit); n > resultLimit {
			e.Result = []any{}
			e.ResultText = nil
			if e.Error == nil || e.Error.Code == string(errcode.InvalidResult) {
				e.fail(errcode.New(errcode.ResultLimit, "the returned values encode to more than the result limit of %s; they were dropped", humanBytes(resultLimit)).
					WithHint("return a summary (counts, ids) instead of whole listings, or print in pieces").
					WithDetail("limit_bytes", resultLimit))
			}
		}
	}
	if e.Error != nil {
		e.boundError()
	}
	for i := range e.IntegrationCalls {
		if msg := e.IntegrationCalls[i].Error; msg != nil && len(*msg) > MaxErrorMessage {
			cut := cutText(*msg, MaxErrorMessage)
			e.IntegrationCalls[i].Error = &cut
		}
	}
	if e.Error != nil {
		var created []any
		for _, c := range e.IntegrationCalls {
			if c.Created != nil {
				rec := map[string]any{"path": c.Path, "account": c.Account}
				for k, v := range c.Created {
					rec[k] = v
				}
				created = append(created, rec)
			}
		}
		if len(created) > 0 {
			if e.Error.Details == nil {
				e.Error.Details = map[string]any{}
			}
			e.Error.Details["created"] = created
		}
	}
}

// boundError cuts an error message, hint and traceback that are too long.
// An over-long message turns the error into error_limit, keeping the start
// of the message and the original code in the details.
func (e *Envelope) boundError() {
	ei := e.Error
	if len(ei.Message) > MaxErrorMessage {
		orig := ei.Code
		n := len(ei.Message)
		ei.Message = fmt.Sprintf("the error message (%s) is longer than the limit of %s; it starts: %s",
			humanBytes(int64(n)), humanBytes(MaxErrorMessage), cutText(ei.Message, 1<<10))
		ei.Code = string(errcode.ErrorLimit)
		ei.Hint = "raise errors with short messages; put large data in the output or the result"
		if ei.Details == nil {
			ei.Details = map[string]any{}
		} else {
			d := make(map[string]any, len(ei.Details)+3)
			for k, v := range ei.Details {
				d[k] = v
			}
			ei.Details = d
		}
		ei.Details["original_code"] = orig
		ei.Details["message_bytes"] = n
		ei.Details["limit_bytes"] = MaxErrorMessage
	}
	if len(ei.Hint) > MaxErrorMessage {
		ei.Hint = cutText(ei.Hint, MaxErrorMessage)
	}
	if len(ei.Traceback) > MaxErrorMessage {
		ei.Traceback = cutText(ei.Traceback, MaxErrorMessage)
	}
}

// cutText keeps at most n bytes of s, on a UTF-8 boundary, marking the cut.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "… (cut)"
	s = s[:n-len(mark)]
	return strings.ToValidUTF8(s, "") + mark
}

// redact replaces secrets in every string of the envelope.
func (e *Envelope) redact(r *redact.Redactor) {
	e.Output = r.String(e.Output)
	for i, v := range e.Result {
		e.Result[i] = r.Value(v)
	}
	for i, t := range e.ResultText {
		e.ResultText[i] = r.String(t)
	}
	if ei := e.Error; ei != nil {
		ei.Message = r.String(ei.Message)
		ei.Hint = r.String(ei.Hint)
		ei.Traceback = r.String(ei.Traceback)
		if ei.Details != nil {
			d, _ := r.Value(ei.Details).(map[string]any)
			ei.Details = d
		}
	}
	for i := range e.IntegrationCalls {
		e.IntegrationCalls[i].redact(r)
	}
}

// redact replaces secrets in the strings of an audit record.
func (c *CallRecord) redact(r *redact.Redactor) {
	if c.Error != nil {
		msg := r.String(*c.Error)
		c.Error = &msg
	}
	if c.Created != nil {
		m, _ := r.Value(c.Created).(map[string]any)
		c.Created = m
	}
}

// nonFinite returns the paths of NaN and infinite numbers in vals
// ("1", "1.videos.3.duration"), at most 20.
func nonFinite(vals []any) []string {
	var out []string
	var walk func(v any, path string)
	walk = func(v any, path string) {
		if len(out) >= 20 {
			return
		}
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				out = append(out, path+"="+strconv.FormatFloat(x, 'g', -1, 64))
			}
		case float32:
			walk(float64(x), path)
		case []any:
			for i, item := range x {
				walk(item, path+"."+strconv.Itoa(i+1))
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k], path+"."+k)
			}
		}
	}
	for i, v := range vals {
		walk(v, strconv.Itoa(i+1))
	}
	return out
}

func describeNonFinite(paths []string) string {
	if len(paths) == 1 {
		p, val, _ := strings.Cut(paths[0], "=")
		return fmt.Sprintf("%s at result %s", val, p)
	}
	return fmt.Sprintf("%d numbers that are NaN or infinite (%s)", len(paths), strings.Join(paths, ", "))
}

func finiteOrNull(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case float32:
		return finiteOrNull(float64(x))
	case []any:
		for i, item := range x {
			x[i] = finiteOrNull(item)
		}
	case map[string]any:
		for k, item := range x {
			x[k] = finiteOrNull(item)
		}
	}
	return v
}

// encodedSize is the size of vals in JSON, counted up to just past limit.
func encodedSize(vals []any, limit int64) int64 {
	if len(vals) == 0 {
		return 2
	}
	w := &countingWriter{limit: limit}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(vals); err != nil && w.n <= limit {
		return 0 // not encodable for another reason: the writer reports it
	}
	return w.n
}

type countingWriter struct {
	n, limit int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	if w.n > w.limit {
		return 0, io.ErrShortWrite
	}
	return len(p), nil
}
