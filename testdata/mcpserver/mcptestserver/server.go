// Package mcptestserver is a small, deterministic MCP server for kosmo's
// tests. It lives in a package (rather than only in package main) so that
// test binaries can run it in-process: testscript's RunMain entry
// "mcptestserver" and the mcpclient tests re-execute themselves as it.
//
// Tools:
//
//	echo        read-only; {text: string (required), times: integer 1..5}
//	write_note  writes; {title (required), body, priority: low|normal|high,
//	            tags: [string]}; appends a line to notes.log in the working dir
//	fail        read-only; always returns a result flagged isError
//	hang        read-only; records pids, starts a child process, and blocks
//	            until the call is cancelled
//	crash       writes to stderr and exits the process with status 3
//
// Resources: note://readme (text), note://logo (binary). Prompts:
// summarize {topic (required), style}.
//
// Main also understands a few subcommands used by the tests:
//
//	mcptestserver [-pidfile F] [-fail-start] [-http ADDR]   serve
//	mcptestserver sleep                  sleep (up to 60s; a child of hang)
//	mcptestserver gone FILE...           exit 0 once every pid in FILEs is gone
package mcptestserver

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Main runs the program with args (without the program name) and returns
// the exit status.
func Main(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "sleep":
			time.Sleep(60 * time.Second)
			return 0
		case "gone":
			return gone(args[1:])
		}
	}
	fs := flag.NewFlagSet("mcptestserver", flag.ContinueOnError)
	pidfile := fs.String("pidfile", "", "write the server's pid to `FILE`")
	failStart := fs.Bool("fail-start", false, "print an error on stderr and exit 2 before speaking MCP")
	httpAddr := fs.String("http", "", "serve streamable HTTP on `ADDR` instead of stdio")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *failStart {
		fmt.Fprintln(os.Stderr, "mcptestserver: cannot open the database: permission denied")
		return 2
	}
	if *pidfile != "" {
		if err := os.WriteFile(*pidfile, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "mcptestserver:", err)
			return 1
		}
	}
	srv := New()
	if *httpAddr != "" {
		ln, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mcptestserver:", err)
			return 1
		}
		fmt.Printf("http://%s/mcp\n", ln.Addr())
		h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
		mux := http.NewServeMux()
		mux.Handle("/mcp", h)
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		if err := hs.Serve(ln); err != nil {
			fmt.Fprintln(os.Stderr, "mcptestserver:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintln(os.Stderr, "mcptestserver: ready on stdio")
	if err := srv.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		fmt.Fprintln(os.Stderr, "mcptestserver: session ended:", err)
	}
	return 0
}

func schema(s string) json.RawMessage { return json.RawMessage(s) }

func boolPtr(b bool) *bool { return &b }

func text(s string) []mcp.Content { return []mcp.Content{&mcp.TextContent{Text: s}} }

func toolError(format string, args ...any) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: text(fmt.Sprintf(format, args...))}
}

// New returns the server with its tools, resources and prompts.
func New() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "mcptestserver", Version: "1.0.0"}, nil)

	s.AddTool(&mcp.Tool{
		Name:        "echo",
		Description: "Echo the text back, optionally several times.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, Title: "Echo"},
		InputSchema: schema(`{"type":"object","properties":{
			"text":{"type":"string","description":"what to echo"},
			"times":{"type":"integer","minimum":1,"maximum":5,"description":"how many times"}},
			"required":["text"],"additionalProperties":false}`),
	}, func(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in struct {
			Text  string `json:"text"`
			Times int    `json:"times"`
		}
		if err := json.Unmarshal(req.Params.Arguments, &in); err != nil {
			return toolError("bad arguments: %v", err), nil
		}
		if in.Times == 0 {
			in.Times = 1
		}
		out := strings.TrimSuffix(strings.Repeat(in.Text+" ", in.Times), " ")
		return &mcp.CallToolResult{Content: text(out), StructuredContent: map[string]any{"echoed": out, "times": in.Times}}, nil
	})

	s.AddTool(&mcp.Tool{
		Name:        "write_note",
		Description: "Append a note to notes.log in the server's working directory.",
		Annotations: &mcp.ToolAnnotations{DestructiveHint: boolPtr(false)},
		InputSchema: schema(`{"type":"object","properties":{
			"title":{"type":"string","minLength":1},
			"body":{"type":"string"},
			"priority":{"type":"string","enum":["low","normal","high"]},
			"tags":{"type":"array","items":{"type":"string"}},
			"meta":{"type":"object"}},
			"required":["title"],"additionalProperties":false}`),
	}, func(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in struct {
			Title    string   `json:"title"`
			Body     string   `json:"body"`
			Priority string   `json:"priority"`
			Tags     []string `json:"tags"`
		}
		if err := json.Unmarshal(req.Params.Arguments, &in); err != nil {
			return toolError("bad arguments: %v", err), nil
		}
		line := fmt.Sprintf("%s|%s|%s|%s\n", in.Title, in.Body, in.Priority, strings.Join(in.Tags, ","))
		f, err := os.OpenFile("notes.log", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return toolError("cannot write: %v", err), nil
		}
		defer f.Close()
		if _, err := f.WriteString(line); err != nil {
			return toolError("cannot write: %v", err), nil
		}
		return &mcp.CallToolResult{Content: text("saved " + in.Title), StructuredContent: map[string]any{"saved": in.Title}}, nil
	})

	s.AddTool(&mcp.Tool{
		Name:        "fail",
		Description: "Always fails with a tool error.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
		InputSchema: schema(`{"type":"object"}`),
	}, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return toolError("the archive is offline"), nil
	})

	s.AddTool(&mcp.Tool{
		Name:        "hang",
		Description: "Start a child process, then block until the call is cancelled.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
		InputSchema: schema(`{"type":"object","properties":{"pid_dir":{"type":"string"}}}`),
	}, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in struct {
			PidDir string `json:"pid_dir"`
		}
		_ = json.Unmarshal(req.Params.Arguments, &in)
		child := exec.Command(os.Args[0], "sleep")
		if err := child.Start(); err != nil {
			return toolError("cannot start the child: %v", err), nil
		}
		go func() { _ = child.Wait() }()
		if in.PidDir != "" {
			_ = os.WriteFile(filepath.Join(in.PidDir, "server.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644)
			_ = os.WriteFile(filepath.Join(in.PidDir, "child.pid"), []byte(strconv.Itoa(child.Process.Pid)), 0o644)
		}
		fmt.Fprintln(os.Stderr, "mcptestserver: hanging")
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(60 * time.Second):
			return toolError("hang was never cancelled"), nil
		}
	})

	s.AddTool(&mcp.Tool{
		Name:        "crash",
		Description: "Crash the server process.",
		InputSchema: schema(`{"type":"object"}`),
	}, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		fmt.Fprintln(os.Stderr, "mcptestserver: panic: index out of range [7] with length 3")
		os.Exit(3)
		return nil, nil
	})

	s.AddResource(&mcp.Resource{URI: "note://readme", Name: "readme", Title: "Read me", Description: "What this server is", MIMEType: "text/plain"},
		func(_ context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "text/plain", Text: "Hello from the test server."}}}, nil
		})
	s.AddResource(&mcp.Resource{URI: "note://logo", Name: "logo", MIMEType: "image/png"},
		func(_ context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "image/png", Blob: []byte{0x89, 'P', 'N', 'G'}}}}, nil
		})

	s.AddPrompt(&mcp.Prompt{
		Name:        "summarize",
		Description: "Ask for a summary of a topic.",
		Arguments: []*mcp.PromptArgument{
			{Name: "topic", Description: "what to summarize", Required: true},
			{Name: "style", Description: "brief or detailed"},
		},
	}, func(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		topic := req.Params.Arguments["topic"]
		if topic == "" {
			return nil, fmt.Errorf("missing required argument: topic")
		}
		style := req.Params.Arguments["style"]
		if style == "" {
			style = "brief"
		}
		return &mcp.GetPromptResult{
			Description: "Summary request",
			Messages:    []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: fmt.Sprintf("Summarize %s in a %s style.", topic, style)}}},
		}, nil
	})
	return s
}

// gone waits (up to 5 seconds) until no process of the pids in files is
// alive. A zombie counts as gone: it has exited and only waits to be
// reaped.
func gone(files []string) int {
	var pids []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gone:", err)
			return 2
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			fmt.Fprintf(os.Stderr, "gone: %s: bad pid %q\n", f, b)
			return 2
		}
		pids = append(pids, pid)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var alive []string
		for _, pid := range pids {
			if isAlive(pid) {
				alive = append(alive, strconv.Itoa(pid))
			}
		}
		if len(alive) == 0 {
			return 0
		}
		if time.Now().After(deadline) {
			fmt.Fprintf(os.Stderr, "gone: still running: %s\n", strings.Join(alive, " "))
			return 1
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func isAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	if err := p.Signal(syscall.Signal(0)); err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the command name in parentheses.
	s := string(stat)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z' && s[i+2] != 'X'
	}
	return true
}
