package mcpclient

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// tailBuffer keeps the last max bytes written to it: a server's stderr,
// for error messages, without letting a chatty server grow kosmo's memory.
type tailBuffer struct {
	mu      sync.Mutex
	max     int
	buf     []byte
	dropped bool
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if len(p) >= t.max {
		p = p[len(p)-t.max:]
		t.buf = t.buf[:0]
		t.dropped = true
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.dropped = true
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// Tail returns at most the last lines lines of what was written, trimmed,
// with invalid UTF-8 (a cut multi-byte character) replaced.
func (t *tailBuffer) Tail(lines int) string {
	t.mu.Lock()
	s := string(t.buf)
	dropped := t.dropped
	t.mu.Unlock()
	s = strings.ToValidUTF8(strings.TrimSpace(s), "\uFFFD")
	all := strings.Split(s, "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
		dropped = true
	}
	out := strings.Join(all, "\n")
	if dropped && out != "" {
		out = "…\n" + out
	}
	if !utf8.ValidString(out) {
		out = strings.ToValidUTF8(out, "\uFFFD")
	}
	return out
}
