package main

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kosmo-dev/kosmo/testdata/mcpserver/mcptestserver"
)

// TestMain lets testscript run the real kosmo entry point in-process as the
// `kosmo` command, so acceptance tests exercise exactly what users run.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"kosmo": func() { os.Exit(Main(NewOSState())) },
		// The MCP server of testdata/mcpserver, for the mcp-*.txtar scripts
		// (a .mcp.json there runs it as "command": "mcptestserver").
		"mcptestserver": func() { os.Exit(mcptestserver.Main(os.Args[1:])) },
	})
}

// TestScripts runs the acceptance tests in testdata/script: one .txtar per
// user-facing behaviour.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Cmds:                scriptCmds,
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/home/.config")
			env.Setenv("CI", "1")
			addr, err := freeAddr()
			if err != nil {
				return err
			}
			env.Setenv("SANDBOX_ADDR", addr)
			examples, err := filepath.Abs("../../examples")
			if err != nil {
				return err
			}
			env.Setenv("EXAMPLES", examples)
			return nil
		},
	})
}

// freeAddr finds a loopback address for a script's `kosmo sandbox:serve`.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
