package heygentest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// LeakMode names one way a HeyGen response can carry the API key back to
// the client. The key-leak suites run every HeyGen function against a
// Leaky server in every mode and search all output for the key.
type LeakMode string

// The leak modes. Each Leaky server answers every request the same way.
const (
	LeakJSONError       LeakMode = "json_error"       // 400 JSON error: key in code, message, param, doc_url
	LeakPlainText       LeakMode = "plain_text"       // 500 text/plain body holding the key
	LeakHTML            LeakMode = "html"             // 502 HTML page holding the key
	LeakHeaders         LeakMode = "headers"          // 404 whose X-Request-Id and other headers are the key
	LeakRedirectBad     LeakMode = "redirect_bad"     // 302 to an unparsable Location holding the key
	LeakRedirectRefused LeakMode = "redirect_refused" // 302 to a closed port, the key in the query
	LeakStatusLine      LeakMode = "status_line"      // raw TCP: the status line is the key
	LeakHeaderLine      LeakMode = "header_line"      // raw TCP: a malformed header line holding the key
	LeakFailedVideo     LeakMode = "failed_video"     // 200s whose data (failure_code, failure_message, titles) hold the key
	LeakTruncated       LeakMode = "truncated"        // 200 body cut in the middle of the key (not JSON)
	LeakTruncatedError  LeakMode = "truncated_error"  // 500 body longer than the client reads, cut through the key
	LeakUnauthorized    LeakMode = "unauthorized"     // 401 text naming the key
	LeakRateLimited     LeakMode = "rate_limited"     // 429 JSON naming the key, Retry-After 0
)

// LeakModes returns every mode.
func LeakModes() []LeakMode {
	return []LeakMode{LeakJSONError, LeakPlainText, LeakHTML, LeakHeaders, LeakRedirectBad, LeakRedirectRefused,
		LeakStatusLine, LeakHeaderLine, LeakFailedVideo, LeakTruncated, LeakTruncatedError, LeakUnauthorized, LeakRateLimited}
}

// Leaky is a hostile fake HeyGen on a loopback port that echoes the API key
// (the one it is given, never the one it receives) in one place of every
// response. Close stops it.
type Leaky struct {
	URL string // base URL, without a trailing slash

	ln     net.Listener
	srv    *http.Server
	wg     sync.WaitGroup
	closed chan struct{}
}

// StartLeaky serves mode on 127.0.0.1.
func StartLeaky(key string, mode LeakMode) (*Leaky, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &Leaky{URL: "http://" + ln.Addr().String(), ln: ln, closed: make(chan struct{})}
	switch mode {
	case LeakStatusLine, LeakHeaderLine:
		l.wg.Add(1)
		go l.serveRaw(key, mode)
	default:
		l.srv = &http.Server{Handler: leakHandler(key, mode), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = l.srv.Serve(ln) }()
	}
	return l, nil
}

// Close stops the server.
func (l *Leaky) Close() {
	close(l.closed)
	if l.srv != nil {
		_ = l.srv.Close()
		return
	}
	_ = l.ln.Close()
	l.wg.Wait()
}

// serveRaw answers each connection with a response net/http cannot parse.
func (l *Leaky) serveRaw(key string, mode LeakMode) {
	defer l.wg.Done()
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			r := bufio.NewReader(conn)
			// Read the request head; the body (if any) is not needed.
			for {
				line, err := r.ReadString('\n')
				if err != nil || line == "\r\n" || line == "\n" {
					break
				}
			}
			resp := key + "\r\n\r\n" // a status line without a space
			if mode == LeakHeaderLine {
				resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + key + "\r\nContent-Length: 2\r\n\r\n{}"
			}
			_, _ = conn.Write([]byte(resp))
		}()
	}
}

func leakHandler(key string, mode LeakMode) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		switch mode {
		case LeakJSONError:
			h.Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":{"code":"invalid_%s","message":"the key %s is not valid here","param":%q,"doc_url":"https://docs.example/%s"}}`,
				key, key, key, key)
		case LeakPlainText:
			h.Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "internal error while handling key=%s\n", key)
		case LeakHTML:
			h.Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html><head><title>502 %s</title></head><body><h1>Bad gateway</h1><p>X-Api-Key: %s</p></body></html>", key, key)
		case LeakHeaders:
			h.Set("Content-Type", "application/json")
			h.Set("X-Request-Id", key)
			h.Set("X-Debug-Key", key)
			h.Set("Retry-After", key)
			h.Set("Location", "https://example/"+key)
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":{"code":"not_found","message":"no such thing"}}`)
		case LeakRedirectBad:
			// Set directly: Redirect would escape the space that makes it unparsable.
			h["Location"] = []string{"http://bad host:99/" + key + "?api_key=" + key}
			w.WriteHeader(http.StatusFound)
		case LeakRedirectRefused:
			h["Location"] = []string{"http://127.0.0.1:1/v3/echo?api_key=" + key + "&k=" + strings.ToUpper(key)}
			w.WriteHeader(http.StatusTemporaryRedirect)
		case LeakFailedVideo:
			h.Set("Content-Type", "application/json")
			item := fmt.Sprintf(`{"id":"vid-%[1]s","video_id":"vid-%[1]s","status":"failed","title":"title %[1]s","name":"name %[1]s",`+
				`"failure_code":"code_%[1]s","failure_message":"rendering failed: key %[1]s was rejected","voice_id":"voice-%[1]s",`+
				`"template_id":"tpl-%[1]s","avatar_id":"av-%[1]s","email":"%[1]s@example.com","video_url":"https://cdn.example/%[1]s.mp4"}`, key)
			switch {
			case r.Method == http.MethodDelete:
				w.WriteHeader(http.StatusNoContent)
			case r.Method == http.MethodPost:
				fmt.Fprintf(w, `{"data":%s}`, item)
			case strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 2 && !strings.HasSuffix(r.URL.Path, "/me"):
				fmt.Fprintf(w, `{"data":%s}`, item) // one resource: /v3/videos/{id}, /v3/templates/{id}
			default:
				fmt.Fprintf(w, `{"data":[%s],"has_more":false,"next_token":null}`, item)
			}
		case LeakTruncated:
			h.Set("Content-Type", "application/json")
			// The client quotes the first 120 bytes of an unusable body: the
			// cut falls inside the key.
			fmt.Fprint(w, strings.Repeat("#", 120-len(key)/2)+key)
		case LeakTruncatedError:
			h.Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			// The client reads 64 KiB of an error body: the cut falls inside the key.
			fmt.Fprint(w, strings.Repeat("x", 64<<10-len(key)/2)+key+" end")
		case LeakUnauthorized:
			h.Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "Unauthorized: API key %s is invalid or revoked", key)
		case LeakRateLimited:
			h.Set("Content-Type", "application/json")
			h.Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"error":{"code":"rate_limit_exceeded","message":"too many requests for key %s"}}`, key)
		default:
			panic(errors.New("heygentest: unknown leak mode " + string(mode)))
		}
	})
}
