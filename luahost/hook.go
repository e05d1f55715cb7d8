package luahost

import (
	"context"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"
)

// The instruction hook.
//
// gopher-lua has no debug hook, but when a state has a context its VM loop
// asks the context for Done() before every instruction, on the VM's own
// goroutine, and raises ctx.Err() as soon as the channel it gets is closed.
// hookCtx is the run's context with a Done() that counts those calls:
// every hookEvery instructions it hands control to the run, which measures
// the run's memory (see memsize.go) on a cadence that depends only on what
// the script has executed.
//
// Done() is the VM's hottest call, so it avoids the channel machinery:
// while the run goes on it returns nil (a receive from a nil channel in
// gopher-lua's non-blocking select costs next to nothing), and once the run
// is halted it returns a closed channel. run.halt sets the flag right after
// cancelling, so a stop stays immediate, even inside a pcall; a cancelled
// parent context sets it through context.AfterFunc.
//
// Because of that, no Go code may wait on L.Context().Done(): built-ins
// wait on the run's own context (run.ctx). gopher-lua itself only reads
// Done() in the VM loop and in the channel library, which the sandbox does
// not load; the context it derives for a new thread is replaced below.
//
// Each coroutine gets its own hookCtx (coroutine.create and coroutine.wrap
// are wrapped), so instructions inside coroutines count too.
type hookCtx struct {
	context.Context
	r      *run
	L      *lua.LState
	halted *atomic.Bool
	n      uint32
}

// hookEvery is how many instructions pass between two calls into the run.
const hookEvery = 1024

// closedDone is what Done() returns once the run is halted.
var closedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

func newHookCtx(r *run, L *lua.LState) *hookCtx {
	return &hookCtx{Context: r.ctx, r: r, L: L, halted: &r.halted}
}

func (c *hookCtx) Done() <-chan struct{} {
	c.n++
	if c.n%hookEvery == 0 {
		c.r.tick(c.L, hookEvery)
	}
	if c.halted.Load() {
		return closedDone
	}
	return nil
}

// coroutineCost is what one coroutine costs the memory budget: gopher-lua
// gives each thread its own value stack (registrySize slots) and call stack.
const coroutineCost = registrySize*16 + 4096

// wrapCoroutines replaces coroutine.create and coroutine.wrap in the
// pristine globals so that every new thread runs under the run's hook and
// is charged to its memory budget.
func wrapCoroutines(L *lua.LState, g *lua.LTable) {
	co, ok := g.RawGetString(lua.CoroutineLibName).(*lua.LTable)
	if !ok {
		return
	}
	create, _ := co.RawGetString("create").(*lua.LFunction)
	resume, _ := co.RawGetString("resume").(*lua.LFunction)
	if create == nil || resume == nil {
		return
	}
	newThread := func(L *lua.LState) *lua.LState {
		fn := L.CheckFunction(1)
		r := runOf(L)
		r.reserve(L, coroutineCost)
		L.Push(create)
		L.Push(fn)
		L.Call(1, 1)
		th := L.Get(-1).(*lua.LState)
		L.Pop(1)
		if r != nil {
			th.SetContext(newHookCtx(r, th))
		}
		return th
	}
	co.RawSetString("create", L.NewFunction(func(L *lua.LState) int {
		L.Push(newThread(L))
		return 1
	}))
	co.RawSetString("wrap", L.NewFunction(func(L *lua.LState) int {
		th := newThread(L)
		L.Push(L.NewFunction(func(L *lua.LState) int {
			nargs := L.GetTop()
			base := L.GetTop()
			L.Push(resume)
			L.Push(th)
			for i := 1; i <= nargs; i++ {
				L.Push(L.Get(i))
			}
			L.Call(nargs+1, lua.MultRet)
			if !lua.LVAsBool(L.Get(base + 1)) {
				L.Error(L.Get(base+2), 0) // the error as raised, like Lua 5.1
			}
			n := L.GetTop() - base - 1
			for i := 0; i < n; i++ {
				L.Push(L.Get(base + 2 + i))
			}
			return n
		}))
		return 1
	}))
}
