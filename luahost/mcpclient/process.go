package mcpclient

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/redact"
)

// stderrKeep bounds the stderr kept per server.
const stderrKeep = 16 << 10

// process is a running stdio server. Its pipes are plain os.Pipes owned by
// kosmo, so that waiting for the process never waits for grandchildren
// that inherited them.
type process struct {
	cmd    *exec.Cmd
	pid    int
	stdin  *os.File // write end
	stdout *os.File // read end
	stderr *tailBuffer
	errEOF chan struct{} // closed when stderr reached its end
	done   chan struct{} // closed when the process has exited
	err    error         // from Wait, valid after done

	marker   string // NAME=VALUE in the environment of everything it starts
	redactor *redact.Redactor
}

// startProcess starts cfg's command in its own process group.
func startProcess(cfg ServerConfig, opts Options) (*process, error) {
	marker := newMarker()
	env := mergeEnv(minimalEnv(opts.Env), cfg.Env)
	env[markerVar] = marker
	path, err := lookPath(cfg.Command, env["PATH"], cfg.Cwd, opts.Dir)
	if err != nil {
		return nil, errcode.New(errcode.ConfigError, "MCP server %q (%s): cannot start %q: %v", cfg.Name, cfg.Source, cfg.Command, err).
			WithHint("install the program or fix \"command\" in %s", cfg.Source).
			WithDetail("server", cfg.Name)
	}
	cmd := exec.Command(path, cfg.Args...)
	cmd.Args[0] = cfg.Command
	cmd.Dir = cfg.Cwd
	if cmd.Dir == "" {
		cmd.Dir = opts.Dir
	}
	cmd.Env = envList(env)
	ownGroup(cmd)

	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			_ = f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	inR, inW, err1 := pipe()
	outR, outW, err2 := pipe()
	errR, errW, err3 := pipe()
	if err := errors.Join(err1, err2, err3); err != nil {
		closeAll()
		return nil, errcode.Wrap(errcode.NetworkError, err, fmt.Sprintf("MCP server %q: cannot create pipes: %v", cfg.Name, err))
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	if err := cmd.Start(); err != nil {
		closeAll()
		return nil, errcode.New(errcode.ConfigError, "MCP server %q (%s): cannot start %q: %v", cfg.Name, cfg.Source, cfg.Command, unwrapPath(err)).
			WithHint("check \"command\" and \"cwd\" in %s", cfg.Source).
			WithDetail("server", cfg.Name)
	}
	// The child has its copies; kosmo keeps only its own ends.
	_ = inR.Close()
	_ = outW.Close()
	_ = errW.Close()

	p := &process{cmd: cmd, pid: cmd.Process.Pid, stdin: inW, stdout: outR, stderr: newTailBuffer(stderrKeep),
		errEOF: make(chan struct{}), done: make(chan struct{}), marker: markerVar + "=" + marker, redactor: opts.Redactor}
	go func() {
		_, _ = io.Copy(p.stderr, errR)
		_ = errR.Close()
		close(p.errEOF)
	}()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stderrTail returns the end of what the server wrote on stderr. Once the
// process has exited, it first lets the copy catch up (briefly: a child
// may hold the pipe open).
func (p *process) stderrTail(lines int) string {
	select {
	case <-p.done:
		t := time.NewTimer(500 * time.Millisecond)
		select {
		case <-p.errEOF:
		case <-t.C:
		}
		t.Stop()
	default:
	}
	// A server may print its own credentials (or a token it was given)
	// when it fails: the tail is redacted before anyone quotes it.
	return p.redactor.String(p.stderr.Tail(lines))
}

// status describes how the process ended (after done).
func (p *process) status() string {
	if p.err == nil {
		return "exit status 0"
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ProcessState.String()
	}
	return p.err.Error()
}

// stop closes the server's input (the MCP way to ask a stdio server to
// quit), waits up to grace, then terminates and finally kills the whole
// process group, so that nothing the server started survives it.
func (p *process) stop(grace time.Duration) {
	_ = p.stdin.Close()
	if !p.wait(grace) {
		_ = terminateGroup(p.pid)
		p.wait(500 * time.Millisecond)
	}
	// Children may outlive a server that exited by itself: the group goes
	// in any case.
	_ = killGroup(p.pid)
	p.wait(2 * time.Second)
	// Descendants that left the group (setsid) or were orphaned by a crash
	// still carry the marker in their environment.
	killMarked(p.marker, p.pid)
	_ = p.stdout.Close()
}

func (p *process) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.done:
		return true
	case <-t.C:
		return false
	}
}

// markerVar names the variable that marks every process a server starts.
const markerVar = "KOSMO_MCP_OWNER"

var markerSeq atomic.Int64

// newMarker is unique per server process started by this kosmo process.
func newMarker() string {
	return fmt.Sprintf("%d-%d-%d", os.Getpid(), time.Now().UnixNano(), markerSeq.Add(1))
}

// inherited are the variables a stdio server gets from kosmo's own
// environment; everything else (HEYGEN_API_KEY*, other credentials) stays
// out unless the server's "env" names it.
var inherited = []string{"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TMPDIR", "TZ", "TERM", "SHELL",
	"SYSTEMROOT", "COMSPEC", "PATHEXT", "WINDIR", "TEMP", "TMP", "APPDATA", "LOCALAPPDATA", "USERPROFILE"}

// minimalEnv keeps the variables of inherited and the locale (LC_*).
func minimalEnv(env map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range inherited {
		if v, ok := env[k]; ok {
			out[k] = v
		}
	}
	for k, v := range env {
		if strings.HasPrefix(k, "LC_") {
			out[k] = v
		}
	}
	return out
}

// mergeEnv returns base with extra on top.
func mergeEnv(base, extra map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// lookPath finds command like a shell would, but on the given PATH (the
// servers' environment, which tests may replace) rather than kosmo's. A
// command with a slash is used as it is; relative ones are relative to the
// server's working directory.
func lookPath(command, pathEnv, cwd, dir string) (string, error) {
	if strings.ContainsRune(command, os.PathSeparator) || strings.Contains(command, "/") {
		p := command
		if !filepath.IsAbs(p) {
			base := cwd
			if base == "" {
				base = dir
			}
			if base != "" {
				p = filepath.Join(base, p)
			}
		}
		if err := executable(p); err != nil {
			return "", err
		}
		return p, nil
	}
	for _, d := range filepath.SplitList(pathEnv) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, command)
		if executable(p) == nil {
			if !filepath.IsAbs(p) {
				if abs, err := filepath.Abs(p); err == nil {
					p = abs
				}
			}
			return p, nil
		}
	}
	return "", fmt.Errorf("executable file not found in PATH")
}

func executable(p string) error {
	info, err := os.Stat(p)
	if err != nil {
		return unwrapPath(err)
	}
	if info.IsDir() {
		return fmt.Errorf("%s is a directory", p)
	}
	if info.Mode().Perm()&0o111 == 0 && filepath.Ext(p) != ".exe" {
		return fmt.Errorf("%s is not executable", p)
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}
