//go:build !unix

package mcpclient

import (
	"os"
	"os/exec"
)

// Without process groups, only the server process itself is stopped.

func ownGroup(*exec.Cmd) {}

func terminateGroup(pid int) error { return killGroup(pid) }

func killGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	_ = p.Kill()
	return nil
}
