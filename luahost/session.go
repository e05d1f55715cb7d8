package luahost

import (
	"context"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// Session is a state whose globals persist from one Run to the next, for
// interactive use (the REPL): `x = 1` in one chunk is visible in the next.
// Each Run still has its own limits, output and audit. Not safe for
// concurrent use.
type Session struct {
	h *Host
	L *lua.LState
	g *lua.LTable
}

// NewSession starts a session with fresh globals.
func (h *Host) NewSession() *Session {
	L := h.newState()
	return &Session{h: h, L: L, g: freshGlobals(L)}
}

// Run compiles and runs code in the session.
func (s *Session) Run(ctx context.Context, code string, ro RunOptions) *Envelope {
	if ro.Name == "" {
		ro.Name = "stdin"
	}
	started := time.Now()
	proto, err := Compile(ro.Name, code)
	if err != nil {
		env := s.h.newEnvelope(ro)
		env.fail(errcode.From(err, errcode.LuaSyntaxError))
		env.ExecutionTimeMs = msSince(started)
		return s.h.sealed(env)
	}
	env, _ := s.h.execOn(ctx, s.L, s.g, proto, ro, started)
	return s.h.sealed(env)
}

// Close releases the session's state.
func (s *Session) Close() { s.L.Close() }
