// Command mcpserver is the MCP server kosmo's tests talk to: a stdio
// server (or streamable HTTP with -http ADDR) with read-only and writing
// tools, a tool that hangs until cancelled, one that crashes the process,
// resources and prompts. See package mcptestserver.
package main

import (
	"os"

	"github.com/kosmo-dev/kosmo/testdata/mcpserver/mcptestserver"
)

func main() {
	os.Exit(mcptestserver.Main(os.Args[1:]))
}
