package luahost

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// exec runs a compiled chunk on a pooled state with fresh globals.
func (h *Host) exec(parent context.Context, proto *lua.FunctionProto, ro RunOptions, started time.Time) *Envelope {
	L := h.getState()
	g := freshGlobals(L)
	env, clean := h.execOn(parent, L, g, proto, ro, started)
	if clean {
		h.putState(L)
	} else {
		// A state interrupted mid-flight may hold half-built values on its
		// stacks; it is cheaper to build a new one than to prove it clean.
		L.Close()
	}
	return env
}

// execOn runs proto on L with globals g and builds the envelope. clean
// reports whether the chunk finished without error, so L may be reused.
func (h *Host) execOn(parent context.Context, L *lua.LState, g *lua.LTable, proto *lua.FunctionProto, ro RunOptions, started time.Time) (_ *Envelope, clean bool) {
	env := h.newEnvelope(ro)
	limits := h.opts.Limits
	if ro.Timeout > 0 {
		limits.Timeout = ro.Timeout
	}
	if ro.CPU > 0 && (limits.CPU < 0 || ro.CPU < limits.CPU) {
		limits.CPU = ro.CPU
	}
	if ro.Memory > 0 && ro.Memory < limits.Memory {
		limits.Memory = ro.Memory
	}

	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	r := &run{cancel: cancel, limits: limits, start: started, opts: &ro, host: h}
	defer r.closeMCP() // stop the MCP servers this run started, however it ends
	r.out = &outputSink{live: ro.Live, limit: limits.Output}
	r.ctx = context.WithValue(ctx, runKey{}, r)
	// a cancelled caller (SIGINT, a closed MCP session) halts the VM too
	defer context.AfterFunc(r.ctx, func() { r.halted.Store(true) })()
	r.cpu = newCPUMeter(limits.CPU, func() {
		r.stop(errcode.New(errcode.CPULimit, "Lua timeout error: CPU limit of %s exceeded", limits.CPU).
			WithHint("the script ran Lua code for too long (time waiting on integrations does not count); "+
				"look for an endless loop, or raise it with --cpu-limit SECONDS").
			WithDetail("limit_seconds", limits.CPU.Seconds()))
	})
	if limits.Timeout > 0 {
		t := time.AfterFunc(limits.Timeout, func() {
			r.stop(errcode.New(errcode.Timeout, "run timed out after %s", limits.Timeout).
				WithHint("raise it with --timeout DURATION (e.g. 10m), or do less per run").
				WithDetail("timeout_seconds", limits.Timeout.Seconds()))
		})
		defer t.Stop()
	}
	watcher.add(r)
	defer watcher.remove(r)

	L.G.Global, L.Env = g, g
	r.globals, r.L = g, L
	r.baseline = planOf(L).baseline
	r.nextCheck = hookMinGap
	fn := L.NewFunctionFromProto(proto)
	fn.Env = g
	L.SetContext(newHookCtx(r, L))
	L.Push(fn)
	nargs := h.setRunGlobals(L, g, r, ro)
	r.cpu.start()
	callErr := L.PCall(nargs, lua.MultRet, nil)

	var failure *errcode.Error
	exited := r.exitStatus()
	switch {
	case exited != nil:
		failure = exitFailure(*exited)
	case r.stopped() != nil:
		failure = r.stopped()
	case parent.Err() != nil:
		failure = cancelled(parent)
	case callErr != nil:
		failure = r.mapError(L, callErr, ro.Name)
	}

	if failure == nil && exited == nil {
		// Results are converted while the CPU clock still runs and under the
		// run's context, with budgets: a table shared by many paths of the
		// result is copied once per path, so its size is bounded here.
		failure = r.convertResults(L, env, ro.RenderResults)
	}
	r.cpu.stop()
	L.RemoveContext()
	L.SetTop(0)

	env.Success = failure == nil
	if failure != nil {
		env.fail(failure)
	}
	env.Output = r.out.String()
	r.mu.Lock()
	env.IntegrationCalls = append(env.IntegrationCalls, r.calls...)
	env.Meta.PermissionBypassed = r.bypassed
	env.Meta.DryRun = ro.DryRun
	env.PlannedRequests = append(env.PlannedRequests, r.planned...)
	r.mu.Unlock()
	env.MemoryUsage = r.peak.Load()
	env.ExecutionTimeMs = msSince(started)
	return env, failure == nil && callErr == nil
}

// convertResults fills env.Result (and ResultText) from the values the
// chunk returned, charging the memory budget for the converted data and the
// output budget for the rendered text.
func (r *run) convertResults(L *lua.LState, env *Envelope, render bool) *errcode.Error {
	top := L.GetTop()
	budget := r.limits.Memory
	textBudget := r.limits.Output - r.out.size()
	for i := 1; i <= top; i++ {
		v, err := luaconv.ToGo(L, L.Get(i), luaconv.ToGoOptions{MaxBytes: budget, Context: r.ctx})
		if e := r.conversionFailure(err, errcode.MemoryLimit, budget); e != nil {
			env.Result = env.Result[:0]
			env.ResultText = nil
			return e
		}
		env.Result = append(env.Result, v)
		if render {
			text, err := luaconv.DumpWith(L, L.Get(i), luaconv.DumpOptions{MaxBytes: textBudget, Context: r.ctx})
			if e := r.conversionFailure(err, errcode.OutputLimit, r.limits.Output); e != nil {
				env.Result = env.Result[:0]
				env.ResultText = nil
				return e
			}
			textBudget -= int64(len(text))
			env.ResultText = append(env.ResultText, text)
		}
	}
	return nil
}

// conversionFailure codes what stopped a result conversion; other errors
// (a cycle) leave the value as nil, as before.
func (r *run) conversionFailure(err error, code errcode.Code, limit int64) *errcode.Error {
	var be *luaconv.BudgetError
	switch {
	case err == nil:
		return nil
	case r.stopped() != nil:
		return r.stopped()
	case errors.As(err, &be):
		what := "memory"
		hint := "return less data (ids and summaries instead of whole listings), or raise --memory-limit MB"
		if code == errcode.OutputLimit {
			what = "output"
			hint = "return less data, or raise --output-limit"
		}
		return errcode.New(code, "the returned values exceed the %s limit of %s: %v", what, humanBytes(limit), err).
			WithHint("%s", hint).WithDetail("limit_bytes", limit)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return errcode.New(errcode.Timeout, "run cancelled while converting its results").
			WithHint("the run was interrupted before it finished")
	}
	return nil
}

// cancelled describes a run ended by its caller's context.
func cancelled(parent context.Context) *errcode.Error {
	if errors.Is(parent.Err(), context.DeadlineExceeded) {
		return errcode.New(errcode.Timeout, "run timed out: the caller's deadline passed").
			WithHint("give the run more time (--timeout DURATION)")
	}
	if e, ok := errcode.As(context.Cause(parent)); ok {
		// The caller said why (an interrupt signal, a closed MCP session).
		out := *e
		return &out
	}
	return errcode.New(errcode.Timeout, "run cancelled: %v", context.Cause(parent)).
		WithHint("the run was interrupted before it finished")
}

// mapError turns what PCall returned into a coded error: kosmo's own error
// tables map back to the Go error they stand for; strings and other values
// become lua_runtime_error with the line and traceback.
func (r *run) mapError(L *lua.LState, err error, chunk string) *errcode.Error {
	var apiErr *lua.ApiError
	if !errors.As(err, &apiErr) {
		return errcode.Wrap(errcode.LuaRuntimeError, err, "")
	}
	trace := cleanTraceback(apiErr.StackTrace)
	switch obj := apiErr.Object.(type) {
	case *lua.LTable:
		if e, ok := r.errorFor(obj); ok {
			out := *e
			out.Traceback = trace
			return &out
		}
		return foreignTableError(L, obj, trace)
	case lua.LString:
		return stringError(string(obj), chunk, trace)
	case *lua.LNilType:
		return &errcode.Error{Code: errcode.LuaRuntimeError, Message: "error raised with nil", Traceback: trace}
	default:
		return &errcode.Error{Code: errcode.LuaRuntimeError, Message: L.ToStringMeta(obj).String(), Traceback: trace}
	}
}

// foreignTableError handles error({...}) raised by the script itself. A
// table with a registered code and a message keeps them (a script may
// rethrow an error it caught and copied); otherwise it is a runtime error.
func foreignTableError(L *lua.LState, t *lua.LTable, trace string) *errcode.Error {
	code := errcode.Code(lua.LVAsString(t.RawGetString("code")))
	msg := lua.LVAsString(t.RawGetString("message"))
	if !errcode.Known(code) || errcode.IsLimit(code) {
		code = errcode.LuaRuntimeError
	}
	if msg == "" {
		text, _ := luaconv.DumpWith(L, t, luaconv.DumpOptions{MaxBytes: 4096})
		msg = "error raised with a table: " + strings.ReplaceAll(text, "\n", " ")
	}
	return &errcode.Error{Code: code, Message: msg, Hint: lua.LVAsString(t.RawGetString("hint")), Traceback: trace}
}

var vmOverflow = map[string]string{
	"lua callstack overflow": "call stack overflow (more than %d nested calls): look for unbounded recursion",
	"stack overflow":         "call stack overflow (more than %d nested calls): look for unbounded recursion",
	"registry overflow":      "value stack overflow (more than %d values in flight): look for unbounded recursion or huge unpack()",
}

func stringError(msg, chunk, trace string) *errcode.Error {
	e := &errcode.Error{Code: errcode.LuaRuntimeError, Message: msg, Traceback: trace}
	e.Line = lineOf(msg, chunk)
	bare := msg
	if i := strings.Index(msg, ": "); i >= 0 && e.Line > 0 {
		bare = msg[i+2:]
	}
	if tmpl, ok := vmOverflow[bare]; ok {
		limit := callStackSize
		e.Traceback = foldRepeats(trace)
		if bare == "registry overflow" {
			limit = registryMaxSize
		}
		e.Code = errcode.MemoryLimit
		e.Message = fmt.Sprintf(tmpl, limit)
		e.Hint = "recursion depth and the value stack are bounded to protect the host"
		e.WithDetail("limit", limit)
	}
	return e
}

// lineOf reads the line from a "chunk:LINE: message" error.
func lineOf(msg, chunk string) int {
	rest, ok := strings.CutPrefix(msg, chunk+":")
	if !ok {
		return 0
	}
	end := strings.IndexByte(rest, ':')
	if end <= 0 {
		return 0
	}
	n, err := strconv.Atoi(rest[:end])
	if err != nil {
		return 0
	}
	return n
}

// foldRepeats collapses runs of identical traceback lines, which deep
// recursion produces by the hundred.
func foldRepeats(tb string) string {
	lines := strings.Split(tb, "\n")
	var out []string
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j] == lines[i] {
			j++
		}
		out = append(out, lines[i])
		if n := j - i; n > 1 {
			out = append(out, fmt.Sprintf("\t(the line above repeats %d times)", n-1))
		}
		i = j
	}
	return strings.Join(out, "\n")
}

var goFrame = regexp.MustCompile(`(?m)^\s*\[G\]:.*\n?`)

// cleanTraceback drops frames of Go functions that say nothing to a
// script author.
func cleanTraceback(tb string) string {
	return strings.TrimSpace(goFrame.ReplaceAllString(tb, ""))
}
