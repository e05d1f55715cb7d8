package luahost

import (
	"sync"
	"time"
)

// Limits bound one run. Zero values mean the defaults below; a negative
// CPU or Timeout means "no limit".
type Limits struct {
	CPU     time.Duration // time spent executing Lua, excluding waits on integrations
	Timeout time.Duration // wall-clock bound of the whole run
	Memory  int64         // bytes the run may grow the heap by
	Output  int64         // bytes of print/dump output
}

// Defaults for Limits.
const (
	DefaultCPULimit    = 30 * time.Second
	DefaultMemoryLimit = 32 << 20
	DefaultOutputLimit = 16 << 20
)

func (l Limits) withDefaults() Limits {
	if l.CPU == 0 {
		l.CPU = DefaultCPULimit
	}
	if l.Memory == 0 {
		l.Memory = DefaultMemoryLimit
	}
	if l.Output == 0 {
		l.Output = DefaultOutputLimit
	}
	return l
}

// cpuMeter measures time spent executing Lua: wall time minus the time the
// run spends waiting on integrations. When the budget runs out it calls
// exceeded once. pause/resume nest, since an integration call can be in
// progress on only one goroutine (LStates are single-threaded), but a
// handler may call back into helpers that pause too.
type cpuMeter struct {
	mu        sync.Mutex
	budget    time.Duration // remaining when not running
	started   time.Time     // when the current running stretch began
	paused    int
	timer     *time.Timer
	fired     bool
	exceeded  func()
	unlimited bool
	now       func() time.Time
}

func newCPUMeter(budget time.Duration, exceeded func()) *cpuMeter {
	m := &cpuMeter{budget: budget, exceeded: exceeded, unlimited: budget < 0, now: time.Now}
	m.paused = 1 // starts paused; start() begins the first stretch
	return m
}

func (m *cpuMeter) start() { m.resume() }

// pause stops the clock (entering a wait on an integration).
func (m *cpuMeter) pause() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.paused++
	if m.paused != 1 || m.unlimited {
		return
	}
	m.budget -= m.now().Sub(m.started)
	if m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
}

// resume restarts the clock.
func (m *cpuMeter) resume() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.paused == 0 {
		return
	}
	m.paused--
	if m.paused != 0 || m.unlimited || m.fired {
		return
	}
	m.started = m.now()
	if m.budget <= 0 {
		m.fire()
		return
	}
	m.timer = time.AfterFunc(m.budget, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.paused == 0 && !m.fired {
			m.fire()
		}
	})
}

func (m *cpuMeter) fire() {
	m.fired = true
	go m.exceeded()
}

// remaining is the budget left now; negative budgets mean unlimited and
// return a large value.
func (m *cpuMeter) remaining() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.unlimited {
		return 24 * time.Hour
	}
	left := m.budget
	if m.paused == 0 {
		left -= m.now().Sub(m.started)
	}
	if left < 0 {
		return 0
	}
	return left
}

// stop ends metering for good (the run is over).
func (m *cpuMeter) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
	m.fired = true
}
