package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/redact"
)

const replHelp = `Lua prompt. Globals persist between inputs; each input runs under the run limits.
  =expr            print the value of expr (a bare expression works too)
  :doc PAGE        print a docs page: heygen, heygen.list_videos, overview, examples, errors, context, lua
  :doc             the overview of namespaces and pages (docs.list())
  :help            this text (also .help)
  :quit            leave (also :q, :exit, .exit or Ctrl-D)
Incomplete input (an open function, table or string) continues on the next line.
`

// lineReader reads one line with a prompt. io.EOF ends the session.
type lineReader interface {
	ReadLine(prompt string) (string, error)
	Close() error
}

// runREPL runs an interactive prompt on a persistent session.
func runREPL(st *State, host *luahost.Host, o luaOptions) error {
	if o.json {
		return errcode.New(errcode.UsageError, "--repl is interactive and cannot be combined with --json")
	}
	if o.evalSet || o.file != "" {
		return errcode.New(errcode.UsageError, "--repl reads code from the prompt; drop --eval/FILE")
	}
	in := newLineReader(st)
	defer in.Close()
	// Between inputs Ctrl-C only drops the line being typed.
	defer st.onInterrupt(func() {})()
	session := host.NewSession()
	defer session.Close()

	fmt.Fprintf(st.Stderr, "kosmo %s Lua prompt — :help for help, :quit or Ctrl-D to leave\n", versionString())
	prompt := func(q string) bool {
		answer, err := in.ReadLine(q + " [y/N] ")
		if err != nil {
			return false
		}
		a := strings.ToLower(strings.TrimSpace(answer))
		return a == "y" || a == "yes"
	}
	var pending []string
	for {
		p := "kosmo> "
		if len(pending) > 0 {
			p = "   >> "
		}
		line, err := readLineOrStop(st, in, p)
		if e, ok := errcode.As(err); ok {
			fmt.Fprintln(st.Stderr)
			return e // SIGTERM while waiting for input
		}
		if errors.Is(err, readline.ErrInterrupt) {
			pending = nil // Ctrl-C drops the unfinished input
			continue
		}
		if err != nil {
			fmt.Fprintln(st.Stderr)
			return nil
		}
		if len(pending) == 0 {
			cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch cmd {
			case "":
				continue
			case ":quit", ":q", ":exit", ".exit", ".quit", "exit", "quit":
				return nil
			case ":help", ":h", ".help", "help":
				fmt.Fprint(st.Stderr, replHelp)
				continue
			case ":doc", ":docs":
				replDoc(st, host, strings.TrimSpace(arg))
				continue
			}
			if strings.HasPrefix(cmd, ":") {
				fmt.Fprintf(st.Stderr, "unknown command %s (:help lists the commands)\n", cmd)
				continue
			}
		}
		pending = append(pending, line)
		code := replChunk(strings.Join(pending, "\n"))
		if _, err := luahost.Compile("stdin", code); luahost.IsIncomplete(err) {
			continue
		}
		pending = nil
		env := replRun(st, session, code, prompt)
		for _, text := range env.ResultText {
			fmt.Fprintln(st.Stdout, text)
		}
		if env.Error != nil {
			printRunError(st.Stderr, env.Error)
		}
		if st.Context.Err() != nil {
			return stopCause(st) // SIGTERM (or the caller) ended the session
		}
	}
}

// replDoc prints a docs page, or the overview when page is empty; an
// unknown page prints the nearest names on stderr.
func replDoc(st *State, host *luahost.Host, page string) {
	if page == "" {
		fmt.Fprint(st.Stdout, host.ListDocsText(""))
		return
	}
	body, ok := host.ReadDoc(page)
	if !ok {
		fmt.Fprintln(st.Stderr, body)
		return
	}
	fmt.Fprint(st.Stdout, body)
	if !strings.HasSuffix(body, "\n") {
		fmt.Fprintln(st.Stdout)
	}
}

// readLineOrStop reads a line, or gives up when SIGTERM (or the caller)
// ends the session while the prompt waits; the reader is then abandoned.
func readLineOrStop(st *State, in lineReader, prompt string) (string, error) {
	type read struct {
		line string
		err  error
	}
	got := make(chan read, 1)
	go func() {
		line, err := in.ReadLine(prompt)
		got <- read{line, err}
	}()
	select {
	case r := <-got:
		return r.line, r.err
	case <-st.Context.Done():
		return "", stopCause(st)
	}
}

// stopCause is why the session's context ended, as a coded error.
func stopCause(st *State) error {
	if e, ok := errcode.As(context.Cause(st.Context)); ok {
		return e
	}
	return errcode.New(errcode.Interrupted, "the session was stopped")
}

// replRun runs one input. Ctrl-C (SIGINT) cancels this input only: the
// session, and its variables, stay for the next one.
func replRun(st *State, session *luahost.Session, code string, prompt luahost.Prompter) *luahost.Envelope {
	ctx, cancel := context.WithCancelCause(st.Context)
	defer cancel(nil)
	restore := st.onInterrupt(func() { cancel(interruptedError(os.Interrupt)) })
	defer restore()
	return session.Run(ctx, code, luahost.RunOptions{
		Name: "stdin", Live: st.Stdout, Prompt: prompt, RenderResults: true,
	})
}

// replChunk turns "=expr", or an input that is an expression, into
// "return expr" so its value is shown.
func replChunk(code string) string {
	if rest, ok := strings.CutPrefix(strings.TrimLeft(code, " \t"), "="); ok {
		return "return " + rest
	}
	if _, err := luahost.Compile("stdin", "return "+code); err == nil {
		return "return " + code
	}
	return code
}

// newLineReader uses readline (editing, history) at a terminal, and plain
// line reading otherwise (pipes, tests).
func newLineReader(st *State) lineReader {
	if st.StdinTTY && st.StdoutTTY {
		if f, ok := st.Stdin.(*os.File); ok {
			history := ""
			if dir := configDir(st); dir != "" {
				if err := os.MkdirAll(dir, 0o700); err == nil {
					history = filepath.Join(dir, "history")
				}
			}
			rl, err := readline.NewEx(&readline.Config{
				Prompt:          "kosmo> ",
				HistoryFile:     history,
				InterruptPrompt: "^C",
				EOFPrompt:       "",
				Stdin:           f,
				Stdout:          orRaw(st.rawStdout, st.Stdout),
				Stderr:          orRaw(st.rawStderr, st.Stderr),
			})
			if err == nil {
				return &editingReader{rl: rl, st: st}
			}
		}
	}
	return &plainReader{in: bufio.NewReader(st.Stdin), out: st.Stderr}
}

// orRaw is the stream before redaction when there is one: the line editor
// draws the prompt and echoes typing on the terminal itself.
func orRaw(raw, w io.Writer) io.Writer {
	if raw != nil {
		return raw
	}
	return w
}

type editingReader struct {
	rl *readline.Instance
	st *State
}

func (r *editingReader) ReadLine(prompt string) (string, error) {
	// Results and errors are complete before the editor draws the prompt.
	_ = redact.Flush(r.st.Stdout)
	_ = redact.Flush(r.st.Stderr)
	r.rl.SetPrompt(prompt)
	return r.rl.Readline()
}

func (r *editingReader) Close() error { return r.rl.Close() }

type plainReader struct {
	in  *bufio.Reader
	out io.Writer
}

func (r *plainReader) ReadLine(prompt string) (string, error) {
	fmt.Fprint(r.out, prompt)
	_ = redact.Flush(r.out) // the prompt has no newline
	line, err := r.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (r *plainReader) Close() error { return nil }
