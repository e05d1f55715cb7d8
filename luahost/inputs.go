package luahost

import (
	"math"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
)

// ScriptInputs are the values a caller hands a script. They reach the
// script as data (Lua values built from Go values), never as source code,
// so nothing they hold can be injected.
type ScriptInputs struct {
	// Args fills the global table args (--arg key=value).
	Args map[string]any
	// Input, when HasInput, is the global input (--input FILE|-).
	Input    any
	HasInput bool
	// Argv are the words after "--": arg[1..n] and the chunk's "...";
	// arg[0] is the run's name.
	Argv []string
}

// setRunGlobals installs the per-run globals (args, input, arg) and pushes the chunk's varargs; it returns how many it pushed.
func (h *Host) setRunGlobals(L *lua.LState, g *lua.LTable, r *run, ro RunOptions) int {
	in := ro.Inputs
	if in == nil {
		return 0
	}
	args := L.NewTable()
	for k, v := range in.Args {
		args.RawSetString(k, luaconv.ToLua(L, v))
	}
	g.RawSetString("args", args)
	if in.HasInput {
		g.RawSetString("input", luaconv.ToLua(L, in.Input))
	}
	argv := L.CreateTable(len(in.Argv), 1)
	argv.RawSetInt(0, lua.LString(ro.Name))
	for i, a := range in.Argv {
		argv.RawSetInt(i+1, lua.LString(a))
		L.Push(lua.LString(a))
	}
	g.RawSetString("arg", argv)
	return len(in.Argv)
}

// luaSleep is sleep(seconds): a pause that does not count against the CPU
// limit, bounded by the run's timeout and cancellation.
func luaSleep(L *lua.LState) int {
	r := activeRun(L, "sleep")
	secs := float64(L.CheckNumber(1))
	if math.IsNaN(secs) || math.IsInf(secs, 0) || secs < 0 {
		raise(L, errcode.New(errcode.InvalidArgument, "sleep(seconds): want a number of seconds >= 0, got %v", secs))
	}
	if secs > 0 {
		d := time.Duration(secs * float64(time.Second))
		r.waiting(func() {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.ctx.Done():
			}
		})
	}
	if r.ctx.Err() != nil {
		if s := r.stopped(); s != nil {
			raise(L, s)
		}
		L.RaiseError("run cancelled")
	}
	return 0
}

// luaExit is os.exit([code]): it ends the run at once with that status
// (true or none: 0, false: 1). The run's envelope stays valid: success for
// status 0, error script_exit otherwise.
func luaExit(L *lua.LState) int {
	r := activeRun(L, "os.exit")
	code := 0
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LBool:
		if !v {
			code = 1
		}
	case lua.LNumber:
		f := float64(v)
		if f != math.Trunc(f) || f < 0 || f > 255 {
			raise(L, errcode.New(errcode.InvalidArgument, "os.exit(code): want an integer from 0 to 255 or a boolean, got %v", f))
		}
		code = int(f)
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "os.exit(code): want an integer from 0 to 255 or a boolean, got %s", v.Type()))
	}
	r.mu.Lock()
	if r.exitCode == nil {
		r.exitCode = &code
	}
	r.mu.Unlock()
	r.halt(errExited)
	L.RaiseError("os.exit(%d)", code)
	return 0
}

type exitedError struct{}

func (exitedError) Error() string { return "the script called os.exit" }

var errExited error = exitedError{}

// exitStatus is the status given to os.exit, or nil.
func (r *run) exitStatus() *int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.exitCode
}

// exitFailure is the envelope error of os.exit(code): nil for 0.
func exitFailure(code int) *errcode.Error {
	if code == 0 {
		return nil
	}
	return errcode.New(errcode.ScriptExit, "the script ended with os.exit(%d)", code).
		WithDetail("exit_code", code)
}
