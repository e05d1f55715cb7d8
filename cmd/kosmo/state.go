package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/term"
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

	// Context ends on SIGINT/SIGTERM.
	Context context.Context
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
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return &State{
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
	}
}

// Getenv returns an environment variable ("" when unset).
func (s *State) Getenv(k string) string { return s.Env[k] }
