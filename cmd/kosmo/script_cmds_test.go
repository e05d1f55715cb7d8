package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCmds are the custom testscript commands, documented in
// testdata/script/README.md:
//
//	json FILE PATH VALUE   the JSON value at PATH in FILE equals VALUE
//	                       (strings compare by content, others by compact JSON)
//	json FILE PATH @WANT   the string at PATH equals the content of file WANT
//	json FILE PATH         the value at PATH exists (and is not null)
//	! json FILE PATH       the value at PATH is absent or null
//	exits N CMD ARGS...    run CMD (like exec) and require exit status N
//	waitfor ADDR           wait (up to 10s) until a sandbox server answers on ADDR
//	httpget URL            write the body of GET URL to stdout (script_cmds_call_test.go)
//	envfile NAME FILE      set NAME to FILE's content, newlines included (same file)
//
// PATH is dot-separated: error.code, result.0.data.videos.3.video_id; "." is
// the whole document.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"json":    cmdJSON,
	"exits":   cmdExits,
	"waitfor": cmdWaitFor,
}

func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfor ADDR")
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + args[0] + "/_sandbox/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("nothing answered on %s within 10s", args[0])
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N CMD [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad status %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	default:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: json FILE PATH [VALUE...]")
	}
	if len(args) > 3 {
		args = []string{args[0], args[1], strings.Join(args[2:], " ")}
	}
	data := ts.ReadFile(args[0])
	var doc any
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		ts.Fatalf("%s is not JSON: %v\n%s", args[0], err, data)
	}
	if dec.More() {
		ts.Fatalf("%s holds more than one JSON document", args[0])
	}
	val, found := lookup(doc, args[1])
	found = found && val != nil
	if len(args) == 2 {
		switch {
		case neg && found:
			ts.Fatalf("%s: %s is present: %s", args[0], args[1], render(val))
		case !neg && !found:
			ts.Fatalf("%s: %s is absent", args[0], args[1])
		}
		return
	}
	got := render(val)
	if !found {
		got = "<absent>"
	}
	want := canonical(args[2])
	if name, ok := strings.CutPrefix(args[2], "@"); ok {
		want = ts.ReadFile(name)
	}
	if (got == want) == neg {
		if neg {
			ts.Fatalf("%s: %s is %s, want anything else", args[0], args[1], got)
		}
		ts.Fatalf("%s: %s is %s, want %s", args[0], args[1], got, args[2])
	}
}

// canonical re-renders a JSON object or array so that key order and
// spacing in the script do not matter.
func canonical(want string) string {
	t := strings.TrimSpace(want)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return want
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return want
	}
	return render(v)
}

func lookup(doc any, path string) (any, bool) {
	if path == "." {
		return doc, true
	}
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func render(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}
