package luahost_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Errors caught with pcall keep their fields and also behave as their
// message for string methods, as KosmoKrator's string errors do.
func TestErrorsBehaveAsStrings(t *testing.T) {
	const catch = `local ok, err = pcall(app.integrations.demo.fail) `
	runCases(t, []luaCase{
		{catch + `return err.code, err.message`, []any{"api_error", "remote said no"}},
		{catch + `return err:match("said (%w+)"), err:find("remote"), err:upper(), err:sub(1, 6), err:len(), #err`,
			[]any{"no", int64(1), "REMOTE SAID NO", "remote", int64(14), int64(14)}},
		{catch + `return err:gsub("no", "yes"), err:rep(2, "/")`, []any{"remote said yes", "remote said no/remote said no"}},
		{catch + `return tostring(err), "got " .. err, err .. "!"`, []any{"api_error: remote said no", "got api_error: remote said no", "api_error: remote said no!"}},
		{catch + `return string.format("%s (%d)", err, 2), ("[%s]"):format(err)`, []any{"api_error: remote said no (2)", "[api_error: remote said no]"}},
		{catch + `return tostring(err):sub(1, 9)`, []any{"api_error"}},
		// what still differs from a string, documented
		{catch + `return type(err), err == "remote said no", err.nonexistent == nil`, []any{"table", false, true}},
		// a string method called with a dot gets its arguments as given
		{catch + `return err.upper("x")`, []any{"X"}},
	})
}

// An error that leaves the chunk still maps back to its code and details.
func TestErrorTableMapsBack(t *testing.T) {
	h := newHost(t, nil)
	env := run(t, h, `local ok, err = pcall(app.integrations.demo.fail) local _ = err:lower() error(err)`)
	require.False(t, env.Success)
	assert.Equal(t, "api_error", errCode(env))
	assert.Equal(t, "remote said no", env.Error.Message)
}
