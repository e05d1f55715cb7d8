package luahost

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
}

// Meta describes how the run was made.
type Meta struct {
	PermissionBypassed bool   `json:"permission_bypassed"`
	Sandbox            bool   `json:"sandbox"`
	Version            string `json:"version"`
	DryRun             bool   `json:"dry_run,omitempty"`
}
