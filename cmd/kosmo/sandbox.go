package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Sandbox lifecycle: fast enough that a script waiting for a video finishes
// in a couple of seconds, slow enough to show every status.
const (
	sandboxProcessingAfter = 300 * time.Millisecond
	sandboxCompleteAfter   = 1500 * time.Millisecond
)

// sandboxServer is the HTTP server of an integration's declared simulator
// with the given lifecycle.
func sandboxServer(ig *registry.Integration, processingAfter, completeAfter time.Duration) *http.Server {
	return &http.Server{
		Handler:           ig.Simulator(registry.SimulatorOptions{ProcessingAfter: processingAfter, CompleteAfter: completeAfter}),
		ReadHeaderTimeout: 10 * time.Second,
	}
}

// startSandbox serves, for one run, the simulator of every bound
// integration that declares one, each on a loopback port. It returns their
// base URLs by integration name and a function that stops them all.
func startSandbox(bindings []luahost.Binding) (map[string]string, func(), error) {
	urls := map[string]string{}
	var servers []*http.Server
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		for _, srv := range servers {
			_ = srv.Shutdown(ctx)
		}
	}
	for _, b := range bindings {
		ig := b.Integration
		if ig.Simulator == nil {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, func() {}, errcode.Wrap(errcode.NetworkError, err, "could not start the sandbox "+ig.Title+" on a local port")
		}
		srv := sandboxServer(ig, sandboxProcessingAfter, sandboxCompleteAfter)
		go func() { _ = srv.Serve(ln) }()
		servers = append(servers, srv)
		urls[ig.Name] = "http://" + ln.Addr().String()
	}
	return urls, stop, nil
}

// simulatedIntegration is the built-in integration sandbox:serve serves:
// the one named, or the first that declares a simulator.
func simulatedIntegration(name string) (*registry.Integration, error) {
	var names []string
	for _, ig := range builtinIntegrations() {
		if ig.Simulator == nil {
			continue
		}
		if name == "" || ig.Name == name {
			return ig, nil
		}
		names = append(names, ig.Name)
	}
	return nil, errcode.New(errcode.UsageError, "sandbox:serve: no simulator for integration %q", name).
		WithHint("integrations with a simulator: %s", strings.Join(names, ", "))
}

// sandboxCommand is `kosmo sandbox:serve`: the simulated HeyGen on a port,
// until interrupted. Point HEYGEN_API_BASE at it to run scripts against it.
func sandboxCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:  "sandbox:serve",
		Usage: "serve the simulated HeyGen API on a local port (for HEYGEN_API_BASE)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "integration", Usage: "serve the simulator of integration `NAME` (default: the first that has one)"},
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8765", Usage: "listen on `HOST:PORT` (port 0 picks a free one)"},
			&cli.DurationFlag{Name: "processing-after", Value: sandboxProcessingAfter, Usage: "a new video turns processing after `DURATION`"},
			&cli.DurationFlag{Name: "complete-after", Value: sandboxCompleteAfter, Usage: "a new video completes after `DURATION`"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return errcode.New(errcode.UsageError, "sandbox:serve takes no arguments, got %q", c.Args().First())
			}
			ig, err := simulatedIntegration(c.String("integration"))
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", c.String("addr"))
			if err != nil {
				return errcode.New(errcode.UsageError, "sandbox:serve: cannot listen on %s: %v", c.String("addr"), err).
					WithHint("pick another address with --addr 127.0.0.1:PORT")
			}
			srv := sandboxServer(ig, c.Duration("processing-after"), c.Duration("complete-after"))
			base := "http://" + ln.Addr().String()
			fmt.Fprintf(st.Stdout, "%s=%s\n", ig.Credential.BaseURLEnv, base)
			fmt.Fprintf(st.Stderr, "kosmo: simulated %s listening on %s (any API key works; keys starting with \"invalid\" get 401). Ctrl-C stops it.\n", ig.Title, base)
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
