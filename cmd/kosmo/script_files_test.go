package main

import (
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// Commands for the files-*.txtar scripts.
func init() {
	scriptCmds["sandboxctl"] = cmdSandboxCtl
	scriptCmds["filesize"] = cmdFileSize
}

// cmdSandboxCtl calls the control API of a `kosmo sandbox:serve`:
//
//	sandboxctl ADDR METHOD PATH [JSON]
//
// for example `sandboxctl $SANDBOX_ADDR POST /_sandbox/faults '{"kind":"truncated","path":"/media/*","times":1}'`.
// It fails unless the answer is 2xx.
func cmdSandboxCtl(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || len(args) > 4 {
		ts.Fatalf("usage: sandboxctl ADDR METHOD PATH [JSON]")
	}
	var body io.Reader
	if len(args) == 4 {
		body = strings.NewReader(args[3])
	}
	req, err := http.NewRequest(args[1], "http://"+args[0]+args[2], body)
	ts.Check(err)
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		ts.Fatalf("%s %s: %d %s", args[1], args[2], resp.StatusCode, out)
	}
}

// cmdFileSize checks a file's size in bytes: filesize FILE N.
func cmdFileSize(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filesize FILE N")
	}
	want, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	st, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if (st.Size() == want) == neg {
		ts.Fatalf("%s has %d bytes, want %s%d", args[0], st.Size(), map[bool]string{true: "not ", false: ""}[neg], want)
	}
}
