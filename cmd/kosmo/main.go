// Command kosmo runs Lua scripts against kosmo's integrations (HeyGen first)
// in a sandboxed VM and reports each run as a JSON envelope.
package main

import "os"

func main() {
	os.Exit(Main(NewOSState()))
}
