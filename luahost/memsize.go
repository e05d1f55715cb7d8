package luahost

import (
	"runtime/metrics"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// Per-run memory accounting.
//
// A run's memory is an estimate of the Lua data it can still reach: what
// is reachable from its globals and from the stacks (locals and values in
// flight) of its threads, with fixed costs per table, entry, function and
// coroutine and the length of every string. Garbage is not counted, so the
// figure depends only on what the script did, not on when Go's collector
// last ran, and it belongs to this run alone, so in mcp:serve one runaway
// run is stopped without its neighbours noticing.
//
// The estimate is refreshed
//   - at instruction counts fixed by the script's own progress (the
//     instruction hook, hook.go): the next one comes after
//     max(hookMinGap, headroom/hookGrowth, walkCost*objects) instructions,
//     so checks get denser near the limit and measuring never costs more
//     than a small fraction of the code it measures;
//   - earlier, when the process has allocated more than the run's headroom
//     since the last measurement (only then can the run's data have grown
//     that much), once the instructions since the last walk are at least
//     twice the objects that walk visited;
//   - whenever a built-in reserves room (run.reserve) and the reservations
//     since the last measurement no longer fit; a reservation under 64 KB
//     made before another walk is affordable is let through up to an
//     eighth past the limit, and the hook measures as soon as it can.
//
// The decision is always the walk's figure, never the Go heap, so a
// script whose data only grows passes or fails the same way every run.
// Only a script whose data passes the limit for less than one measuring
// interval and then shrinks again can see a different outcome, depending
// on whether the early look happened inside that window. Between two
// measurements a plain Lua loop keeps building, so a run is stopped
// somewhat past its limit (in tests, from 1.05 to 1.5 times the limit);
// built-ins never pass it, since they reserve first. The Go-heap watchdog
// (memwatch.go) stays as the process's backstop.

// Estimated costs, in bytes, on a 64-bit machine.
const (
	costTable    = 96
	costEntry    = 40
	costFunction = 64
	costUpvalue  = 24
	costString   = 16
	costUserData = 48
)

// hookGrowth is the most bytes a single VM instruction is assumed to add
// to reachable data (a new table and the entry that holds it); hookMinGap
// bounds how often the data is walked; walkCost is how many instructions a
// measurement must be apart per object it visited, so that measuring costs
// a small fraction of running (a visit costs about as much as ten
// instructions).
const (
	hookGrowth = 128
	hookMinGap = 16 * hookEvery
	walkCost   = 32
)

type sizer struct {
	seen    map[any]struct{}
	bytes   int64
	objects int64
	stack   []lua.LValue
	stop    int64 // give up once bytes pass this (0: never)
}

func newSizer(stop int64) *sizer {
	return &sizer{seen: make(map[any]struct{}, 64), stop: stop}
}

func (s *sizer) push(v lua.LValue) {
	switch x := v.(type) {
	case lua.LString:
		s.bytes += costString + int64(len(x))
		if len(x) >= 64 {
			// the same long string held twice is one allocation
			p := unsafe.StringData(string(x))
			if _, dup := s.seen[p]; dup {
				s.bytes -= int64(len(x))
			} else {
				s.seen[p] = struct{}{}
			}
		}
	case *lua.LTable, *lua.LFunction, *lua.LUserData, *lua.LState:
		if _, dup := s.seen[x]; dup {
			return
		}
		s.seen[x] = struct{}{}
		s.stack = append(s.stack, v)
	}
}

// walk sizes everything reachable from what was pushed.
func (s *sizer) walk() {
	for len(s.stack) > 0 {
		if s.stop > 0 && s.bytes > s.stop {
			return
		}
		v := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		s.objects++
		switch x := v.(type) {
		case *lua.LTable:
			s.bytes += costTable
			x.ForEach(func(k, v lua.LValue) {
				s.bytes += costEntry
				s.objects++
				s.push(k)
				s.push(v)
			})
			if x.Metatable != lua.LNil {
				s.push(x.Metatable)
			}
		case *lua.LFunction:
			s.bytes += costFunction
			if x.IsG {
				continue
			}
			for _, uv := range x.Upvalues {
				s.bytes += costUpvalue
				if uv != nil {
					s.push(uv.Value())
				}
			}
		case *lua.LUserData:
			s.bytes += costUserData
			if x.Metatable != lua.LNil {
				s.push(x.Metatable)
			}
		case *lua.LState:
			s.bytes += coroutineCost
			s.stackOf(x)
		}
	}
}

// stackOf pushes the values in every frame of a thread.
func (s *sizer) stackOf(th *lua.LState) {
	for level := 0; level < callStackSize+8; level++ {
		dbg, ok := th.GetStack(level)
		if !ok {
			return
		}
		for n := 1; n <= registryMaxSize; n++ {
			name, v := th.GetLocal(dbg, n)
			if name == "" {
				break
			}
			s.push(v)
		}
	}
}

// measureData estimates the bytes of Lua data reachable from g and the
// given threads; it stops early once the estimate passes stop (when > 0).
func measureData(g *lua.LTable, stop int64, threads ...*lua.LState) (bytes, objects int64) {
	s := newSizer(stop)
	if g != nil {
		s.push(g)
	}
	for _, th := range threads {
		if _, dup := s.seen[th]; th != nil && !dup {
			s.push(th)
			s.bytes -= coroutineCost // running threads are not charged again
		}
	}
	s.walk()
	return s.bytes, s.objects
}

// measure refreshes the run's memory estimate on the VM goroutine (L is
// the thread executing) and schedules the next measurement.
func (r *run) measure(L *lua.LState) int64 {
	limit := r.limits.Memory
	bytes, objects := measureData(r.globals, 2*limit+r.baseline, r.L, L)
	used := bytes - r.baseline
	if used < 0 {
		used = 0
	}
	r.used.Store(used)
	r.since = 0
	r.notePeak(used)
	gap := (limit - used) / hookGrowth
	if gap < hookMinGap {
		gap = hookMinGap
	}
	// objects counts tables, functions and entries: the walk's own cost
	if g := walkCost * objects; gap < g {
		gap = g
	}
	r.nextCheck = r.instr + gap
	r.lastWalk = r.instr
	r.walked = objects
	r.allocMark = allocatedBytes()
	return used
}

// tick is called by the hook every n instructions. The data is measured
// at fixed instruction counts (nextCheck), and earlier when the process
// has allocated more than the run's headroom since the last measurement,
// which is the only way the run's data can have grown that much; that
// early look waits until the instructions since the last walk are at least
// twice the objects it visited, which bounds its cost.
func (r *run) tick(L *lua.LState, n int64) {
	r.instr += n
	if r.halted.Load() {
		return
	}
	due := r.instr >= r.nextCheck
	if !due && r.walkAffordable() {
		headroom := r.limits.Memory - r.used.Load()
		due = r.since > headroom
		// reading the process's allocation counter costs about a
		// microsecond, so it is read every allocLookEvery instructions,
		// not on every tick
		if !due && r.instr >= r.nextAllocLook {
			r.nextAllocLook = r.instr + allocLookEvery
			due = int64(allocatedBytes()-r.allocMark) > headroom
		}
	}
	if !due {
		return
	}
	if used := r.measure(L); used > r.limits.Memory {
		r.memoryExceeded()
	}
}

// allocLookEvery is how many instructions pass between two readings of
// the process's allocation counter in tick.
const allocLookEvery = 8 * hookEvery

// walkAffordable reports whether enough instructions have run since the
// last measurement to pay for another one.
func (r *run) walkAffordable() bool {
	return r.instr-r.lastWalk >= max(2*r.walked, hookEvery)
}

// allocatedBytes is the process's cumulative heap allocation.
func allocatedBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
