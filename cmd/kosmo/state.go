package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/term"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/mcpclient"
	"github.com/kosmo-dev/kosmo/luahost/redact"
)

// State is everything kosmo takes from the process: arguments, environment,
// standard streams, the working and home directories, and file access.
// NewOSState is the only place that reads them from package os, so that
// tests can run Main with any environment.
type State struct {
	Args   []string
	Env    map[string]string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	StdinTTY  bool
	StdoutTTY bool
	StderrTTY bool

	Dir  string // working directory
	Home string // user's home directory

	ReadFile func(name string) ([]byte, error)
	Stat     func(name string) (os.FileInfo, error)

	// Context ends on SIGINT/SIGTERM; its cause is an *errcode.Error with
	// code interrupted. Tests may give any context.
	Context context.Context

	// Redactor knows every secret kosmo was given (environment, config
	// file, MCP server settings). Main creates it when nil, and from then
	// on Stdout and Stderr redact through it.
	Redactor *redact.Redactor

	// stop ends Context with a cause (nil when the caller owns Context).
	stop context.CancelCauseFunc
	// rawStdout and rawStderr are the streams before redaction, for the
	// line editor (which draws on the terminal) and for reporting that
	// stdout failed.
	rawStdout, rawStderr io.Writer

	intMu     sync.Mutex
	onInt     func() // while set, SIGINT calls it instead of ending Context
	interrupt int    // signals seen while no handler was set
}

// NewOSState reads the real process state.
func NewOSState() *State {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	dir, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	ctx, cancel := context.WithCancelCause(context.Background())
	st := &State{
		Args:      os.Args,
		Env:       env,
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Dir:       dir,
		Home:      home,
		ReadFile:  os.ReadFile,
		Stat:      os.Stat,
		Context:   ctx,
		stop:      cancel,
	}
	// MCP servers' descendants that leave their process group, or outlive
	// a crashed server, are re-parented to kosmo, which stops them.
	_ = mcpclient.BecomeSubreaper()
	// A closed stdout must surface as a write error (reported, exit 1)
	// rather than kill kosmo silently with SIGPIPE.
	signal.Ignore(syscall.SIGPIPE)
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		for sig := range signals {
			if !st.signal(sig) {
				// A second signal while the first is being handled: give
				// the default behaviour back, so a third one kills kosmo
				// even if cleanup hangs.
				signal.Reset(os.Interrupt, syscall.SIGTERM)
			}
		}
	}()
	return st
}

// Getenv returns an environment variable ("" when unset).
func (s *State) Getenv(k string) string { return s.Env[k] }

// signal handles SIGINT or SIGTERM: a REPL input in progress is cancelled
// on its own; otherwise the run ends with code interrupted. It reports
// false when the signal is a repeat.
func (s *State) signal(sig os.Signal) bool {
	s.intMu.Lock()
	h := s.onInt
	if h == nil || sig == syscall.SIGTERM {
		s.interrupt++
	}
	n := s.interrupt
	s.intMu.Unlock()
	if h != nil && sig != syscall.SIGTERM {
		h()
		return true
	}
	if s.stop != nil {
		s.stop(interruptedError(sig))
	}
	return n <= 1
}

// onInterrupt makes SIGINT call f (the REPL cancels its current input)
// until the returned function is called.
func (s *State) onInterrupt(f func()) (restore func()) {
	s.intMu.Lock()
	prev := s.onInt
	s.onInt = f
	s.intMu.Unlock()
	return func() {
		s.intMu.Lock()
		s.onInt = prev
		s.intMu.Unlock()
	}
}

// interruptedError is the cause given to the context a signal ends.
func interruptedError(sig os.Signal) *errcode.Error {
	name, how := "SIGINT", "Ctrl-C (SIGINT)"
	if sig == syscall.SIGTERM {
		name, how = "SIGTERM", "SIGTERM"
	}
	return errcode.New(errcode.Interrupted, "run interrupted by %s", how).
		WithHint("the run stopped before it finished; anything it created is listed in error.details.created").
		WithDetail("signal", name)
}
