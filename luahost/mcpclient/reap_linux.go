//go:build linux

package mcpclient

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// BecomeSubreaper makes the calling process the reaper of its orphaned
// descendants (Linux PR_SET_CHILD_SUBREAPER): a server's grandchild that
// left the server's process group, or whose parent crashed, is re-parented
// to kosmo instead of init, so it stays within kosmo's reach. The CLI
// calls it once at start.
func BecomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// killMarked kills every process whose environment carries marker
// (NAME=VALUE): everything a server started, whatever session or process
// group it moved to, as long as it kept the environment it inherited.
// skip is left alone (the server itself, which its own Wait collects).
// Killed processes that are kosmo's own children (orphans re-parented to
// the subreaper) are reaped. It returns how many processes it killed.
func killMarked(marker string, skip int) int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	self := os.Getpid()
	want := append([]byte(marker), 0)
	killed := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self || pid == skip {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || !bytes.Contains(append([]byte{0}, env...), append([]byte{0}, want...)) {
			continue
		}
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			killed++
			if parentOf(pid) == self {
				reap(pid)
			}
		}
	}
	return killed
}

// reap collects the exit status of a killed child, waiting at most about
// a second (a process stuck in the kernel cannot be waited for).
func reap(pid int) {
	for i := 0; i < 100; i++ {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		if got == pid || err != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// parentOf reads a process's parent pid from /proc (0 when unknown).
func parentOf(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(string(f[1]))
	return ppid
}
