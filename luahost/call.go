package luahost

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// CallOptions adjust one direct integration call (Host.Call).
type CallOptions struct {
	// Account names the account to use; "" means the binding's default.
	Account string
	// Force bypasses the permission policy for this call (the result
	// records that it did), in addition to Options.Force.
	Force bool
	// DryRun sends reads as usual but answers writes from the
	// integration's simulator and records them in CallResult.Planned.
	DryRun bool
	// Timeout bounds the call; 0 means the host's Limits.Timeout (and no
	// bound when that is 0 too).
	Timeout time.Duration
	// Prompt answers a policy "ask"; nil means Options.Prompt, and
	// without either "ask" is a denial. Dry runs never prompt.
	Prompt Prompter
}

// CallResult is the outcome of one integration call.
type CallResult struct {
	// Data is the function's result. For Flat functions whose remote
	// service failed it is {success = false, error = "..."} and Error is
	// set as well.
	Data any
	// Error is nil on success.
	Error *errcode.Error
	// Record is the audit entry of the call, as a run's envelope lists it.
	Record CallRecord
	// PermissionBypassed reports that --force let a call through that the
	// policy would have refused or asked about.
	PermissionBypassed bool
	// Planned lists the writes a dry run held back, in order.
	Planned []PlannedRequest
}

// Call runs one integration function outside a Lua run, through the same
// path as app.integrations.<integration>.<function>(args) in a script:
// validation and defaults, the permission policy, the account lookup, the
// integration's session, retries and the audit record. It never panics and
// always returns a result.
func (h *Host) Call(ctx context.Context, integration, function string, args map[string]any, opts CallOptions) *CallResult {
	res := h.call(ctx, integration, function, args, opts)
	h.redactCall(res)
	return res
}

// redactCall hides secrets in everything a call returns, as Run does for
// envelopes: its callers (integrations:call, mcp:serve over HTTP) may not
// write through a redacting writer.
func (h *Host) redactCall(res *CallResult) {
	r := h.opts.Redactor
	if r == nil {
		return
	}
	res.Data = r.Value(res.Data)
	if e := res.Error; e != nil {
		e.Message, e.Hint = r.String(e.Message), r.String(e.Hint)
		if e.Details != nil {
			e.Details, _ = r.Value(e.Details).(map[string]any)
		}
	}
	res.Record.redact(r)
	for i := range res.Planned {
		p := &res.Planned[i]
		p.URL, p.Body = r.String(p.URL), r.Value(p.Body)
	}
}

// Redact returns v with every configured secret hidden in its strings
// (maps, lists and strings are walked; other values are returned as they
// are). The MCP gateway passes upstream results through it.
func (h *Host) Redact(v any) any {
	if h.opts.Redactor == nil {
		return v
	}
	return h.opts.Redactor.Value(v)
}

func (h *Host) call(ctx context.Context, integration, function string, args map[string]any, opts CallOptions) *CallResult {
	b, ok := h.bindings[integration]
	if !ok {
		return failedCall(integration+"."+function, opts.Account, "", h.unknownIntegration(integration))
	}
	prefix := "app.integrations." + integration
	f, ok := b.Integration.Function(function)
	if !ok {
		return failedCall(prefix+"."+function, opts.Account, "", unknownFunction(b, prefix, function))
	}
	account := opts.Account
	if account == "" {
		account = b.Default
	}
	path := prefix + "." + f.Name
	if account != b.Default {
		path = prefix + "." + account + "." + f.Name
	}
	if !contains(accountsWithDefault(b), account) {
		return failedCall(path, account, f.Op, unknownAccount(b, account))
	}
	if args == nil {
		args = map[string]any{}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = h.opts.Limits.Timeout
	}
	r := h.standaloneRun(ctx, timeout, opts.DryRun)
	defer r.cancel(nil)
	prompt := opts.Prompt
	if prompt == nil {
		prompt = h.opts.Prompt
	}
	res := h.callCore(r, callSpec{b: b, f: f, account: account, path: path, args: args,
		force: h.opts.Force || opts.Force, prompt: prompt})
	res.PermissionBypassed = r.bypassed
	return res
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func failedCall(path, account string, op registry.Op, e *errcode.Error) *CallResult {
	msg := string(e.Code) + ": " + e.Message
	return &CallResult{Error: e, Record: CallRecord{Path: path, Account: account, Op: string(op), Status: "error", Error: &msg}}
}

// unknownIntegration names an integration that is not bound, with
// suggestions.
func (h *Host) unknownIntegration(name string) *errcode.Error {
	e := errcode.New(errcode.UnknownFunction, "Unknown integration: %s.", name)
	if s := registry.Suggest(name, h.order); len(s) > 0 {
		e.Message += " Did you mean: " + strings.Join(s, ", ")
		e.WithDetail("suggestions", s)
	}
	if len(h.order) > 0 {
		return e.WithHint("available integrations: %s", strings.Join(h.order, ", "))
	}
	return e.WithHint("no integrations are available in this command; use kosmo integrations:lua")
}

// standaloneRun is the run a direct call executes in: no Lua state and no
// CPU budget, but the deadline, sessions, audit and dry-run plan of a run.
func (h *Host) standaloneRun(parent context.Context, timeout time.Duration, dryRun bool) *run {
	ctx, cancel := context.WithCancelCause(parent)
	limits := h.opts.Limits
	limits.Timeout = timeout
	r := &run{cancel: cancel, limits: limits, start: time.Now(), opts: &RunOptions{DryRun: dryRun}, host: h}
	r.cpu = newCPUMeter(-1, func() {})
	r.out = &outputSink{limit: limits.Output}
	r.ctx = context.WithValue(ctx, runKey{}, r)
	if timeout > 0 {
		t := time.AfterFunc(timeout, func() { r.stop(timeoutError(timeout)) })
		context.AfterFunc(ctx, func() { t.Stop() })
	}
	return r
}

func timeoutError(d time.Duration) *errcode.Error {
	return errcode.New(errcode.Timeout, "run timed out after %s", d).
		WithHint("raise it with --timeout DURATION (e.g. 10m), or do less per run").
		WithDetail("timeout_seconds", d.Seconds())
}

// callSpec is one integration call, however it was made.
type callSpec struct {
	b       *Binding
	f       *registry.Function
	account string
	path    string
	args    map[string]any
	force   bool
	prompt  Prompter
}

// runSpec describes a call made from a Lua run: the run's --force and
// prompt apply.
func (h *Host) runSpec(r *run, b *Binding, f *registry.Function, account, path string, args map[string]any) callSpec {
	prompt := r.opts.Prompt
	if prompt == nil {
		prompt = h.opts.Prompt
	}
	return callSpec{b: b, f: f, account: account, path: path, args: args, force: h.opts.Force || r.opts.Force, prompt: prompt}
}

// callCore is the one path every integration call takes: validate, apply
// the policy, find the account's credentials, connect the session, run the
// handler with the CPU clock paused, and record the call.
func (h *Host) callCore(r *run, c callSpec) *CallResult {
	var requests atomic.Int64
	var created registry.Created // ids a write reports it created
	finish := r.audit(c.path, c.account, c.f.Op, &requests, &created)
	planFrom := r.plannedCount()
	done := func(res *CallResult) *CallResult {
		res.Record = finish(res.Error)
		res.Planned = r.plannedSince(planFrom)
		return res
	}

	validated, verr := c.f.Validate(c.args)
	if verr != nil {
		return done(&CallResult{Error: errcode.From(verr, errcode.InvalidArgument)})
	}
	denied := h.authorize(r, c)
	if denied != nil && !r.dryRun() {
		return done(&CallResult{Error: denied})
	}
	acct, e := findAccount(c.b, c.account)
	if e != nil {
		return done(&CallResult{Error: e})
	}

	permission := "allow"
	if denied != nil {
		permission = fmt.Sprint(denied.Details["policy"])
		if permission == "" || permission == "<nil>" {
			permission = string(registry.Ask)
		}
	} else if c.b.Policy.Decide(c.f.Op) != registry.Allow {
		permission = "bypassed"
	}
	var result any
	if e := r.await(errcode.LuaRuntimeError, func(ctx context.Context) (err error) {
		ctx = registry.WithCreated(registry.WithRequestCounter(ctx, &requests), &created)
		ctx = withPlanInfo(ctx, planInfo{path: c.path, account: c.account, permission: permission, write: c.f.Op == registry.Write})
		result, err = h.invoke(ctx, r, c.b, c.f, acct, validated)
		return err
	}); e != nil {
		res := &CallResult{Error: e}
		if c.f.Flat && flatCodes[e.Code] && r.ctx.Err() == nil {
			res.Data = map[string]any{"success": false, "error": e.Message}
		}
		return done(res)
	}
	if denied != nil {
		// a dry run shows the write it would have sent, then fails as the
		// real run would
		return done(&CallResult{Error: denied.WithDetail("dry_run", true)})
	}
	return done(&CallResult{Data: result})
}

// authorize applies the permission policy. --force bypasses it, and the
// run records that it did. A dry run never prompts: "ask" is reported as
// a denial, like a non-interactive real run.
func (h *Host) authorize(r *run, c callSpec) *errcode.Error {
	decision := c.b.Policy.Decide(c.f.Op)
	if decision == registry.Allow {
		return nil
	}
	if c.force {
		r.bypass()
		return nil
	}
	ig := c.b.Integration.Name
	if decision == registry.Ask && c.prompt != nil && !r.dryRun() {
		var ok bool
		r.waiting(func() {
			ok = c.prompt(fmt.Sprintf("Allow %s (%s, account %s)?", c.path, c.f.Op, c.account))
		})
		if ok {
			return nil
		}
		return errcode.New(errcode.PermissionDenied, "Integration '%s' %s access denied: you declined %s", ig, c.f.Op, c.path).
			WithDetail("function", c.f.Label()).WithDetail("op", string(c.f.Op)).WithDetail("policy", string(decision))
	}
	// The first words are KosmoKrator's, so scripts that match them work here.
	lead := "Integration '%s' %s access denied: "
	if decision == registry.Ask {
		lead = "Integration '%s' %s requires approval: "
	}
	e := errcode.New(errcode.PermissionDenied, lead+"%s is a %s operation and the %s %s policy is %q",
		ig, c.f.Op, c.path, c.f.Op, ig, c.f.Op, decision).
		WithDetail("function", c.f.Label()).WithDetail("op", string(c.f.Op)).WithDetail("policy", string(decision))
	if decision == registry.Ask {
		e.Message += ", which means denied when nobody can be asked (non-interactive run)"
	}
	return e.WithHint("rerun with --force to allow it for this run, or set %s %s = \"allow\" under [integrations.%s.permissions] in the config file",
		ig, c.f.Op, ig)
}

// invoke connects the account's session (once per run) and runs the
// handler, turning a panic into an error instead of crashing the host.
func (h *Host) invoke(ctx context.Context, r *run, b *Binding, f *registry.Function, acct registry.Account, args map[string]any) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errcode.New(errcode.LuaRuntimeError, "internal error in %s: %v", f.Label(), p).
				WithDetail("stack", string(debug.Stack()))
		}
	}()
	env := registry.Env{Sandbox: h.opts.Sandbox, Transport: h.opts.Transport, Version: h.opts.Version, Progress: h.opts.Stderr, Files: h.opts.Files}
	if r.dryRun() {
		env.Transport = r.dryRunTransport(b, env.Transport)
	}
	session, err := r.session(ctx, b, acct, env)
	if err != nil {
		return nil, err
	}
	return f.Handler(ctx, &registry.Call{Function: f, Account: acct.Name, Session: session, Args: args, Env: env})
}
