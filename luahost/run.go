package luahost

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// run is the state of one chunk execution: its context, limits, output,
// audit of integration calls, and per-account sessions. It is reachable
// from the LState through the state's context.
type run struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	// halted is set once ctx is done; the VM polls it on every
	// instruction (see hook.go), so it must only be set after cancel.
	halted atomic.Bool
	limits Limits
	cpu    *cpuMeter
	out    *outputSink
	start  time.Time

	// memory accounting (memsize.go); all but used and peak are only
	// touched on the VM goroutine
	globals   *lua.LTable
	L         *lua.LState
	baseline  int64 // estimate of the fresh globals, not charged
	instr     int64 // VM instructions executed, in hookEvery steps
	nextCheck int64 // instruction count of the next measurement
	since     int64 // bytes reserved by built-ins since the last measurement
	lastWalk  int64 // instruction count of the last measurement
	walked    int64 // objects it visited
	allocMark uint64
	// nextAllocLook is the instruction count at which tick next reads
	// the allocation counter
	nextAllocLook int64
	used          atomic.Int64
	peak          atomic.Int64

	mu       sync.Mutex
	stopErr  *errcode.Error // the limit that ended the run, first one wins
	raised   map[*lua.LTable]*errcode.Error
	calls    []CallRecord
	sessions map[string]any // "integration/account" -> Connect result

	opts     *RunOptions
	host     *Host
	bypassed bool

	exitCode   *int                  // set by os.exit
	planned    []PlannedRequest      // writes a dry run held back
	simulators map[string]*dryRouter // integration -> dry-run simulator
}

type runKey struct{}

// runOf returns the run executing on L, or nil when L is not running a
// chunk (module tests may call built-ins directly).
func runOf(L *lua.LState) *run {
	ctx := L.Context()
	if ctx == nil {
		return nil
	}
	r, _ := ctx.Value(runKey{}).(*run)
	return r
}

// stop ends the run with a limit error: the context is cancelled, so the
// VM raises at its next instruction even if a pcall caught this error.
func (r *run) stop(e *errcode.Error) {
	r.mu.Lock()
	if r.stopErr == nil {
		r.stopErr = e
	}
	r.mu.Unlock()
	r.halt(e)
}

// halt cancels the run's context and then tells the VM, which raises at
// its next instruction, even inside a pcall.
func (r *run) halt(cause error) {
	r.cancel(cause)
	r.halted.Store(true)
}

func (r *run) stopped() *errcode.Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopErr
}

func (r *run) rememberError(t *lua.LTable, e *errcode.Error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.raised == nil {
		r.raised = map[*lua.LTable]*errcode.Error{}
	}
	r.raised[t] = e
}

func (r *run) errorFor(t *lua.LTable) (*errcode.Error, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.raised[t]
	return e, ok
}

// reserve raises memory_limit when allocating n more bytes would take the
// run past its memory budget, and otherwise charges them until the next
// measurement. Built-ins call it before large allocations. The decision
// depends only on the run's own data (memsize.go), never on the Go heap.
func (r *run) reserve(L *lua.LState, n int64) {
	if r == nil || n <= 0 {
		return
	}
	limit := r.limits.Memory
	total := r.used.Load() + r.since + n
	if n <= limit && total <= limit {
		r.charge(n)
		return
	}
	// A small reservation right after a measurement is let through up to
	// an eighth of the limit (most such bytes are garbage by now); the
	// hook measures as soon as a walk is affordable again. Without this, a
	// run holding data near its limit would walk it on every few small
	// strings it builds.
	if n < 64<<10 && total <= limit+limit/8 && !r.walkAffordable() {
		r.charge(n)
		return
	}
	if n <= limit && r.measure(L)+n <= limit {
		r.charge(n)
		return
	}
	raise(L, memoryError(limit, n))
}

// charge counts n bytes a built-in is about to allocate.
func (r *run) charge(n int64) {
	if r == nil {
		return
	}
	r.since += n
	r.notePeak(r.used.Load() + r.since)
}

func memoryError(limit, n int64) *errcode.Error {
	return errcode.New(errcode.MemoryLimit, "memory limit of %s exceeded (an allocation of %s was refused)", humanBytes(limit), humanBytes(n)).
		WithHint("raise it with --memory-limit MB, or process the data in smaller pieces").
		WithDetail("limit_bytes", limit)
}

func (r *run) notePeak(g int64) {
	for {
		p := r.peak.Load()
		if g <= p || r.peak.CompareAndSwap(p, g) {
			return
		}
	}
}

// memoryExceeded stops the run with memory_limit.
func (r *run) memoryExceeded() {
	r.stop(errcode.New(errcode.MemoryLimit, "memory limit of %s exceeded", humanBytes(r.limits.Memory)).
		WithHint("raise it with --memory-limit MB, or build smaller tables and strings").
		WithDetail("limit_bytes", r.limits.Memory))
}

// matchTimeout bounds one regex match: it may use what is left of the CPU
// budget, and never runs past the run's deadline.
func (r *run) matchTimeout() time.Duration {
	if r == nil {
		return 5 * time.Second
	}
	d := r.cpu.remaining()
	if dl, ok := r.ctx.Deadline(); ok {
		if left := time.Until(dl); left < d {
			d = left
		}
	}
	if d < time.Millisecond {
		d = time.Millisecond
	}
	return d
}

// activeRun returns the run executing on L, raising when a built-in that
// needs one is called outside a run.
func activeRun(L *lua.LState, what string) *run {
	r := runOf(L)
	if r == nil {
		L.RaiseError("%s can only be called while a script runs", what)
	}
	return r
}

// await runs fn, which waits on something outside the VM, with the CPU
// clock paused, and codes its error: fallback for uncoded errors, or the
// limit that ended the run when the run's context is done.
func (r *run) await(fallback errcode.Code, fn func(ctx context.Context) error) *errcode.Error {
	var err error
	r.waiting(func() { err = fn(r.ctx) })
	if err == nil {
		return nil
	}
	e := errcode.From(err, fallback)
	if r.ctx.Err() != nil {
		e = r.endedBy(e)
	}
	return e
}

// audit starts the integration_calls record of one call and returns the
// function that completes it; requests (may be nil) counts HTTP requests.
func (r *run) audit(path, account string, op registry.Op, requests *atomic.Int64, created *registry.Created) func(*errcode.Error) CallRecord {
	started := time.Now()
	return func(e *errcode.Error) CallRecord {
		rec := CallRecord{Path: path, Account: account, Op: string(op), Status: "ok", DurationMs: msSince(started)}
		if requests != nil {
			rec.HTTPRequests = max(requests.Load(), 0) // a dry run takes back what it did not send
		}
		rec.Created = created.IDs()
		if e != nil {
			rec.Status = "error"
			msg := string(e.Code) + ": " + e.Message
			rec.Error = &msg
		}
		r.record(rec)
		return rec
	}
}

// waiting runs fn with the CPU clock paused: time spent waiting on an
// integration is not Lua execution.
func (r *run) waiting(fn func()) {
	r.cpu.pause()
	defer r.cpu.resume()
	fn()
}
