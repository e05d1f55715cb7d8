package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// tools are the binaries a benchmark compares: kosmo itself, built from
// this checkout, and the references, built or found on this machine. A
// reference that is missing has an empty path and a reason.
type tools struct {
	dir      string // scratch directory, removed at the end
	kosmo    string
	hello    string // Go hello-world: the floor of a Go process start
	goJSON   string // encoding/json decode+encode of a file
	lua      string // Debian's lua5.1
	luaCJSON bool   // lua5.1 can require("cjson")
	luajit   string
	heygen   string // HeyGen's own CLI
	missing  map[string]string
}

const helloSrc = `package main

import "fmt"

func main() { fmt.Println("hello") }
`

// goJSONSrc times a decode into interface values and an encode of the
// result, inside one fresh process, as the Lua scripts do.
const goJSONSrc = `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	t0 := time.Now()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		panic(err)
	}
	t1 := time.Now()
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	t2 := time.Now()
	fmt.Println(t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds(), len(out))
}
`

func buildTools(ctx context.Context) (*tools, error) {
	dir, err := os.MkdirTemp("", "kosmo-bench-")
	if err != nil {
		return nil, err
	}
	t := &tools{dir: dir, missing: map[string]string{}}
	t.kosmo = filepath.Join(dir, "kosmo")
	// built as the README says, without urfave/cli's man-page generator
	if err := goBuild(ctx, ".", t.kosmo, "-tags", "urfave_cli_no_docs", "./cmd/kosmo"); err != nil {
		return nil, fmt.Errorf("building kosmo: %w", err)
	}
	t.hello, err = buildSnippet(ctx, dir, "hello", helloSrc)
	if err != nil {
		return nil, err
	}
	t.goJSON, err = buildSnippet(ctx, dir, "gojson", goJSONSrc)
	if err != nil {
		return nil, err
	}
	t.lua = lookup(t, "lua5.1", "apt-get install lua5.1")
	if t.lua != "" {
		if exec.CommandContext(ctx, t.lua, "-e", `require("cjson")`).Run() == nil {
			t.luaCJSON = true
		} else {
			t.missing["lua-cjson"] = "lua5.1 cannot require(\"cjson\") (apt-get install lua-cjson)"
		}
	}
	t.luajit = lookup(t, "luajit", "apt-get install luajit")
	t.heygen = lookup(t, "heygen", "HeyGen's CLI is not installed on this machine")
	return t, nil
}

func lookup(t *tools, name, how string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		t.missing[name] = name + " not found (" + how + ")"
		return ""
	}
	return p
}

func goBuild(ctx context.Context, dir, out string, pkg ...string) error {
	args := append([]string{"build", "-o", out}, pkg...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// buildSnippet builds a one-file, standard-library-only Go program.
func buildSnippet(ctx context.Context, dir, name, src string) (string, error) {
	srcDir := filepath.Join(dir, name+"-src")
	if err := os.MkdirAll(srcDir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(srcDir, "go.mod"), []byte("module "+name+"\n\ngo 1.22\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(srcDir, "main.go"), []byte(src), 0o644); err != nil {
		return "", err
	}
	out := filepath.Join(dir, name)
	if err := goBuild(ctx, srcDir, out, "."); err != nil {
		return "", fmt.Errorf("building %s: %w", name, err)
	}
	return out, nil
}

func (t *tools) close() { os.RemoveAll(t.dir) }
