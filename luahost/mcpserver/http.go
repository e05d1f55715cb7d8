package mcpserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// HTTP defaults.
const (
	DefaultMaxBodyBytes   = 4 << 20
	DefaultSessionTimeout = 30 * time.Minute
	// Endpoint is the path the gateway serves MCP on.
	Endpoint = "/mcp"
)

// HTTPOptions secure the streamable HTTP transport.
type HTTPOptions struct {
	// Token, when set, must be presented as "Authorization: Bearer TOKEN"
	// on every request (401 otherwise). Required on non-loopback
	// addresses (see Listen).
	Token string
	// AllowedOrigins are browser origins ("https://app.example.com")
	// accepted besides loopback ones. A request whose Origin header is
	// anything else is refused with 403 (DNS rebinding protection).
	AllowedOrigins []string
	// MaxBodyBytes bounds a request body (default DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// SessionTimeout closes sessions that sent no request for this long
	// (default DefaultSessionTimeout).
	SessionTimeout time.Duration
}

// HTTPHandler serves the gateway over streamable HTTP at Endpoint, behind
// the Origin check, the bearer token and the body bound.
func (g *Gateway) HTTPHandler(o HTTPOptions) http.Handler {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = DefaultSessionTimeout
	}
	stream := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return g.server },
		&mcp.StreamableHTTPOptions{SessionTimeout: o.SessionTimeout})
	mux := http.NewServeMux()
	mux.Handle(Endpoint, stream)
	allowed := map[string]bool{}
	for _, origin := range o.AllowedOrigins {
		allowed[strings.TrimSuffix(strings.ToLower(origin), "/")] = true
	}
	want := sha256.Sum256([]byte(o.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !originAllowed(origin, allowed) {
			http.Error(w, "kosmo mcp:serve: requests from origin "+origin+" are not allowed (start the server with --allow-origin to accept it)", http.StatusForbidden)
			return
		}
		if o.Token != "" {
			got, ok := bearer(r.Header.Get("Authorization"))
			sum := sha256.Sum256([]byte(got))
			if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="kosmo"`)
				http.Error(w, "kosmo mcp:serve: missing or wrong bearer token", http.StatusUnauthorized)
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, o.MaxBodyBytes)
		mux.ServeHTTP(w, r)
	})
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// originAllowed accepts loopback origins (http://localhost:3000,
// http://127.0.0.1, http://[::1]:8080) and the configured ones.
func originAllowed(origin string, allowed map[string]bool) bool {
	if allowed[strings.TrimSuffix(strings.ToLower(origin), "/")] {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	return IsLoopback(u.Hostname())
}

// IsLoopback reports whether host (a name or an address, without port)
// is the local machine only.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// ListenAddr completes an --http address: a bare port or ":PORT" binds
// loopback (127.0.0.1); anything else is taken as given.
func ListenAddr(addr string) string {
	if !strings.Contains(addr, ":") {
		return "127.0.0.1:" + addr
	}
	if strings.HasPrefix(addr, ":") {
		return "127.0.0.1" + addr
	}
	return addr
}

// Listen opens the HTTP listener. A non-loopback address without a token
// is a usage error: anyone who can reach it would run Lua with the
// user's credentials.
func Listen(addr string, token string) (net.Listener, error) {
	addr = ListenAddr(addr)
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, errcode.New(errcode.UsageError, "--http %q: want HOST:PORT, :PORT or PORT", addr)
	}
	if !IsLoopback(host) && token == "" {
		return nil, errcode.New(errcode.UsageError, "--http %s is reachable from other machines: a bearer token is required", addr).
			WithHint("set a token in an environment variable and pass --token-env NAME, or bind loopback (--http 127.0.0.1:PORT)")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, errcode.New(errcode.UsageError, "mcp:serve: cannot listen on %s: %v", addr, err).
			WithHint("pick another address with --http 127.0.0.1:PORT")
	}
	return ln, nil
}

// ServeHTTP serves h on ln until ctx ends, then shuts down: no new
// connections, running calls get grace to finish before they are
// cancelled, and the upstream servers are stopped.
func (g *Gateway) ServeHTTP(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		g.Shutdown(0)
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return errcode.Wrap(errcode.NetworkError, err, "mcp:serve stopped: "+err.Error())
	case <-ctx.Done():
	}
	fmt.Fprintln(g.opts.Log, "kosmo: shutting down: finishing running calls")
	// Stop accepting connections and close idle ones while calls finish;
	// then cancel whatever is still running so that streams end.
	go func() {
		sctx, cancel := context.WithTimeout(context.Background(), grace+5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	g.Shutdown(grace)
	_ = srv.Close()
	<-done
	return nil
}

// ServeStdio serves one session on r and w until the client disconnects
// or ctx ends, then shuts down like ServeHTTP.
func (g *Gateway) ServeStdio(ctx context.Context, r io.Reader, w io.Writer, grace time.Duration) error {
	t := &mcp.IOTransport{Reader: io.NopCloser(r), Writer: nopWriteCloser{w}}
	sctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- g.server.Run(sctx, t) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		fmt.Fprintln(g.opts.Log, "kosmo: shutting down: finishing running calls")
		g.Shutdown(grace)
		cancel()
		err = <-done
	}
	g.Shutdown(0)
	if err != nil && ctx.Err() == nil && !errors.Is(err, io.EOF) && !errors.Is(err, mcp.ErrConnectionClosed) && !errors.Is(err, context.Canceled) {
		return errcode.Wrap(errcode.NetworkError, err, "mcp:serve: the session ended: "+err.Error())
	}
	return nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
