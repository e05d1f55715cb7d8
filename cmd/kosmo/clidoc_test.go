package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCLIDocNoDrift keeps docs/cli.md equal to the command definitions.
func TestCLIDocNoDrift(t *testing.T) {
	const file = "../../docs/cli.md"
	body := cliReference()
	if os.Getenv("UPDATE_DOCS") == "1" {
		require.NoError(t, os.WriteFile(file, []byte(body), 0o644))
		return
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run UPDATE_DOCS=1 go test ./cmd/kosmo -run TestCLIDocNoDrift")
	assert.Equal(t, string(want), body, "%s is out of date: run UPDATE_DOCS=1 go test ./cmd/kosmo -run TestCLIDocNoDrift", file)
}

// Every command and every flag is in the reference.
func TestCLIDocCoversEveryCommand(t *testing.T) {
	body := cliReference()
	for _, c := range newApp(&State{Env: map[string]string{}}).Commands {
		assert.Contains(t, body, "\n## "+c.Name+"\n", c.Name)
		for _, f := range c.Flags {
			assert.Contains(t, body, "`--"+f.Names()[0], c.Name+" "+f.Names()[0])
		}
	}
}
