package luahost

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// outputSink collects what print and dump write. It keeps a copy for the
// envelope's "output" and, outside --json mode, streams it live. Past the
// output limit it keeps what fit and ends the run with output_limit.
type outputSink struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	live  io.Writer
	limit int64
	n     int64
}

func (o *outputSink) size() int64 {
	if o == nil {
		return 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n
}

func (o *outputSink) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// write appends s, raising output_limit (and stopping the run) when s does
// not fit.
func (o *outputSink) write(L *lua.LState, s string) {
	o.mu.Lock()
	room := o.limit - o.n
	fits := int64(len(s)) <= room
	if !fits {
		if room > 0 {
			s = s[:room]
		} else {
			s = ""
		}
	}
	o.buf.WriteString(s)
	o.n += int64(len(s))
	live := o.live
	o.mu.Unlock()
	if live != nil && s != "" {
		_, _ = io.WriteString(live, s)
	}
	if !fits {
		raise(L, errcode.New(errcode.OutputLimit, "output limit of %s exceeded", humanBytes(o.limit)).
			WithHint("print less (summaries instead of whole results), or return the data as the chunk's result").
			WithDetail("limit_bytes", o.limit))
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
