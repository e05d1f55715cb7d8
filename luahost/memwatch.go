package luahost

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// The memory limit is enforced per run by accounting (memsize.go):
// built-ins reserve before they allocate, and the run's reachable data is
// measured on a cadence tied to the instructions it executes. This
// watchdog is only the process's safety net behind that: it samples the Go
// heap every millisecond and, when the heap has grown past twice the
// combined budgets of the runs in progress (plus a fixed slack) and a
// collection does not bring it back, it stops the one run whose own data is
// the largest, leaving the others alone.

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

// watchSlack is heap growth the watchdog always tolerates: the host's own
// allocations (envelopes, HTTP bodies, compiled chunks) are not any run's.
const watchSlack = 64 << 20

// check compares the heap with the combined budgets and stops the largest
// run when the live heap stays over them.
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
	bound := base + 2*budget + watchSlack
	if heapBytes() <= bound {
		return
	}
	live := liveBytes()
	if live <= bound && time.Since(w.lastForced) > 20*time.Millisecond {
		runtime.GC()
		w.lastForced = time.Now()
		live = liveBytes()
	}
	if live <= bound {
		return
	}
	if worst := responsible(runs); worst != nil {
		worst.memoryExceeded()
	}
}

// responsible is the run still in progress whose measured data is the
// largest: the one the watchdog stops, leaving the others alone.
func responsible(runs []*run) *run {
	var worst *run
	for _, r := range runs {
		if r.stopped() == nil && (worst == nil || r.used.Load() > worst.used.Load()) {
			worst = r
		}
	}
	return worst
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
