package integration

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kosmo-dev/kosmo/heygen"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The heartbeat runs on an injected clock and ticker: no test sleeps.
func TestHeartbeatReportsStatusElapsedAndPolls(t *testing.T) {
	var out syncBuffer
	h := newHeartbeat(&out, "vid-1")
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.now = func() time.Time { return clock }
	ticks := make(chan time.Time)
	var interval time.Duration
	h.tick = func(d time.Duration) (<-chan time.Time, func()) {
		interval = d
		return ticks, func() {}
	}
	stop := h.start()
	assert.Equal(t, 30*time.Second, interval, "a line at least every 30 s")

	h.poll(&heygen.Video{ID: "vid-1", Status: "pending"}, time.Second)
	h.poll(&heygen.Video{ID: "vid-1", Status: "processing"}, 10*time.Second)
	h.poll(&heygen.Video{ID: "vid-1", Status: "processing"}, 20*time.Second)
	clock = clock.Add(90 * time.Second)
	ticks <- clock // delivered: the goroutine prints before taking the next tick
	ticks <- clock
	stop()

	assert.Equal(t, "heygen: video vid-1 pending after 1s\n"+
		"heygen: video vid-1 processing after 10s\n"+
		"heygen: still waiting for video vid-1: processing after 1m30s (3 polls)\n"+
		"heygen: still waiting for video vid-1: processing after 1m30s (3 polls)\n", out.String())
	assert.Equal(t, "processing", h.status())
}

func TestHeartbeatBeforeFirstPoll(t *testing.T) {
	var out syncBuffer
	h := newHeartbeat(&out, "vid-2")
	ticks := make(chan time.Time)
	h.tick = func(time.Duration) (<-chan time.Time, func()) { return ticks, func() {} }
	stop := h.start()
	ticks <- time.Now()
	ticks <- time.Now()
	stop()
	assert.Contains(t, out.String(), "heygen: still waiting for video vid-2: unknown after")
	assert.Contains(t, out.String(), "(0 polls)")
}
