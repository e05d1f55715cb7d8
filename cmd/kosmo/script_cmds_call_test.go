package main

import (
	"io"
	"net/http"

	"github.com/rogpeppe/go-internal/testscript"
)

// httpget URL: fetch URL and write its body to stdout (the dry-run scripts
// read the sandbox's request log at /_sandbox/requests with it).
func init() {
	scriptCmds["httpget"] = cmdHTTPGet
	scriptCmds["envfile"] = cmdEnvFile
}

// envfile NAME FILE: set NAME to FILE's content, so an argument can hold
// newlines ($NAME expands inside one word).
func cmdEnvFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: envfile NAME FILE")
	}
	ts.Setenv(args[0], ts.ReadFile(args[1]))
}

func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: httpget URL")
	}
	resp, err := http.Get(args[0])
	if err != nil {
		ts.Fatalf("httpget: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.Fatalf("httpget: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("httpget %s: status %d\n%s", args[0], resp.StatusCode, body)
	}
	_, _ = ts.Stdout().Write(body)
}
