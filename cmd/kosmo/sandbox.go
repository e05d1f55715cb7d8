package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// Sandbox lifecycle: fast enough that a script waiting for a video finishes
// in a couple of seconds, slow enough to show every status.
const (
	sandboxProcessingAfter = 300 * time.Millisecond
	sandboxCompleteAfter   = 1500 * time.Millisecond
)

// sandboxServer is the HTTP server of the simulated HeyGen with the given
// video lifecycle.
func sandboxServer(processingAfter, completeAfter time.Duration) *http.Server {
	return &http.Server{
		Handler:           heygentest.New(heygentest.Options{ProcessingAfter: processingAfter, CompleteAfter: completeAfter}),
		ReadHeaderTimeout: 10 * time.Second,
	}
}

// startSandbox serves the simulated HeyGen on a loopback port for one run
// and returns its base URL and a function that stops it.
func startSandbox() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", func() {}, errcode.Wrap(errcode.NetworkError, err, "could not start the sandbox HeyGen on a local port")
	}
	srv := sandboxServer(sandboxProcessingAfter, sandboxCompleteAfter)
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// sandboxCommand is `kosmo sandbox:serve`: the simulated HeyGen on a port,
// until interrupted. Point HEYGEN_API_BASE at it to run scripts against it.
func sandboxCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:  "sandbox:serve",
		Usage: "serve the simulated HeyGen API on a local port (for HEYGEN_API_BASE)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8765", Usage: "listen on `HOST:PORT` (port 0 picks a free one)"},
			&cli.DurationFlag{Name: "processing-after", Value: sandboxProcessingAfter, Usage: "a new video turns processing after `DURATION`"},
			&cli.DurationFlag{Name: "complete-after", Value: sandboxCompleteAfter, Usage: "a new video completes after `DURATION`"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return errcode.New(errcode.UsageError, "sandbox:serve takes no arguments, got %q", c.Args().First())
			}
			ln, err := net.Listen("tcp", c.String("addr"))
			if err != nil {
				return errcode.New(errcode.UsageError, "sandbox:serve: cannot listen on %s: %v", c.String("addr"), err).
					WithHint("pick another address with --addr 127.0.0.1:PORT")
			}
			srv := sandboxServer(c.Duration("processing-after"), c.Duration("complete-after"))
			base := "http://" + ln.Addr().String()
			fmt.Fprintf(st.Stdout, "HEYGEN_API_BASE=%s\n", base)
			fmt.Fprintf(st.Stderr, "kosmo: simulated HeyGen listening on %s (any API key works; keys starting with \"invalid\" get 401). Ctrl-C stops it.\n", base)
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			select {
			case err := <-done:
				if !errors.Is(err, http.ErrServerClosed) {
					return errcode.Wrap(errcode.NetworkError, err, "sandbox:serve stopped")
				}
			case <-st.Context.Done():
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				_ = srv.Shutdown(ctx)
			}
			return nil
		},
	}
}
