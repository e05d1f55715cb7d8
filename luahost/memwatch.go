package luahost

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// gopher-lua has no allocator hook, so the memory limit is enforced in two
// layers:
//
//  1. Built-ins that can allocate a lot in one call (string.rep, table.concat,
//     json, regex, string.format, output) reserve the size first and fail
//     before allocating (run.reserve).
//  2. A watchdog samples the Go heap every millisecond. When the heap has
//     grown by more than the combined budget of the runs in progress, it
//     forces a collection (so garbage is not counted) and, if the live heap
//     is still over, stops the runs in progress with memory_limit.
//
// Precision: the watchdog sees the process heap, so a run is stopped at
// most one allocation past its budget; a single VM-internal allocation
// (a concatenation doubling a string) can overshoot by its own size. In a
// process running several scripts at once (mcp:serve) the budget is shared.

const heapSample = "/memory/classes/heap/objects:bytes"

type memWatch struct {
	mu         sync.Mutex
	runs       map[*run]struct{}
	baseline   uint64
	stopTick   chan struct{}
	interval   time.Duration
	lastForced time.Time // only touched by the watchdog goroutine
}

var watcher = &memWatch{runs: map[*run]struct{}{}, interval: time.Millisecond}

// heapBytes reads the bytes of heap objects (live plus not yet swept).
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapSample}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func (w *memWatch) add(r *run) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.runs) == 0 {
		w.baseline = heapBytes()
		w.stopTick = make(chan struct{})
		go w.loop(w.stopTick)
	}
	r.heapBase = heapBytes()
	w.runs[r] = struct{}{}
}

func (w *memWatch) remove(r *run) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.runs, r)
	if len(w.runs) == 0 && w.stopTick != nil {
		close(w.stopTick)
		w.stopTick = nil
	}
}

func (w *memWatch) loop(stop chan struct{}) {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			w.check()
		}
	}
}

// check compares the heap with the budget and stops runs that exceed it.
// The heap sample counts garbage too, so being over the budget is only a
// reason to look closer: the live heap measured by the latest collection
// decides. A collection is forced only when the heap has reached twice the
// budget without the runtime collecting on its own.
func (w *memWatch) check() {
	w.mu.Lock()
	runs := make([]*run, 0, len(w.runs))
	var budget uint64
	for r := range w.runs {
		runs = append(runs, r)
		budget += uint64(r.limits.Memory) + uint64(r.out.size())
	}
	base := w.baseline
	w.mu.Unlock()
	if len(runs) == 0 {
		return
	}
	heap := heapBytes()
	for _, r := range runs {
		r.notePeak(heap)
	}
	if heap <= base+budget {
		return
	}
	live := liveBytes()
	if live <= base+budget && heap > base+2*budget && time.Since(w.lastForced) > 20*time.Millisecond {
		runtime.GC()
		w.lastForced = time.Now()
		live = liveBytes()
	}
	if live <= base+budget {
		return
	}
	for _, r := range runs {
		r.memoryExceeded(live)
	}
}

// liveBytes reads the heap that survived the latest collection.
func liveBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// growth is the heap growth attributed to r right now.
func (r *run) heapGrowth() int64 {
	h := heapBytes()
	if h < r.heapBase {
		return 0
	}
	return int64(h-r.heapBase) - r.out.size()
}
