package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// report prints a run's envelope (--json) or its human rendering, and
// returns the exit code as a reported error.
func report(st *State, o luaOptions, env *luahost.Envelope) error {
	if o.json {
		writeJSON(st.Stdout, env)
	} else {
		// Output was streamed live; returned values follow: a string raw,
		// anything else as indented JSON.
		for _, v := range env.Result {
			renderValue(st.Stdout, v)
		}
		if env.Error != nil && env.Error.Code != string(errcode.ScriptExit) {
			printRunError(st.Stderr, env.Error)
		}
		if o.dryRun {
			printPlan(st, env.PlannedRequests)
		}
	}
	return reported{code: exitCodeOf(env)}
}

func exitCodeOf(env *luahost.Envelope) int {
	if env.Error == nil {
		return errcode.ExitOK
	}
	e := &errcode.Error{Code: errcode.Code(env.Error.Code), Details: env.Error.Details}
	return e.ExitCode()
}

func printRunError(w io.Writer, e *luahost.ErrorInfo) {
	fmt.Fprintf(w, "error: %s: %s\n", e.Code, e.Message)
	if e.Hint != "" {
		fmt.Fprintf(w, "hint: %s\n", e.Hint)
	}
	if e.Traceback != "" && e.Code == string(errcode.LuaRuntimeError) {
		fmt.Fprintln(w, e.Traceback)
	}
	// What the run created before it failed: the user may want to find,
	// wait for or delete it.
	created, _ := e.Details["created"].([]any)
	for _, c := range created {
		rec, _ := c.(map[string]any)
		var ids []string
		for k, v := range rec {
			if k != "path" && k != "account" {
				ids = append(ids, fmt.Sprintf("%s=%v", k, v))
			}
		}
		sort.Strings(ids)
		fmt.Fprintf(w, "created before the run ended: %s (%v)\n", strings.Join(ids, " "), rec["path"])
	}
}

// writeJSON writes v as one JSON document and a newline. HTML characters
// stay as they are: the output is for programs, not browsers.
func writeJSON(w io.Writer, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		fmt.Fprintf(&buf, `{"success":false,"output":"","error":{"code":"lua_runtime_error","message":%q},"result":[],"execution_time_ms":0,"memory_usage":0,"integration_calls":[],"meta":{"permission_bypassed":false,"sandbox":false,"version":%q}}`+"\n",
			"kosmo could not encode the envelope: "+err.Error(), versionString())
	}
	_, _ = w.Write(buf.Bytes())
}
