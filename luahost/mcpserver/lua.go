package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// luaInput is the arguments object of execute_lua (and its alias
// lua_execute).
type luaInput struct {
	Code        *string         `json:"code"`
	Timeout     json.RawMessage `json:"timeout"`
	CPULimit    *float64        `json:"cpuLimit"`
	MemoryLimit *float64        `json:"memoryLimit"`
}

func luaSchema() map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"code":        map[string]any{"type": "string", "description": "the Lua chunk to run; `return` values become result"},
			"cpuLimit":    map[string]any{"type": "number", "exclusiveMinimum": 0, "description": "lower the CPU limit of this run to this many seconds of Lua execution"},
			"memoryLimit": map[string]any{"type": "integer", "exclusiveMinimum": 0, "description": "lower the memory limit of this run to this many bytes"},
			"timeout":     map[string]any{"type": []any{"number", "string"}, "description": "bound the run: seconds (90) or a duration (\"10m\")"},
		},
		"required":             []any{"code"},
		"additionalProperties": false,
	}
}

func (g *Gateway) addLuaTools() {
	desc := "Run Lua code in kosmo's sandbox and return the JSON envelope: success, output (print/dump), " +
		"result (the returned values), error {code, message, hint, line}, integration_calls and meta. " +
		"Globals: app.integrations.<name>.<function>({...}), app.mcp.<server>.<tool>({...}), mcp, docs, json, regex, dump, print. " +
		"cpuLimit (seconds) and memoryLimit (bytes) can lower the server's limits for this run, never raise them."
	if g.opts.AllowWrites {
		desc += " Write operations run when the permission policy allows them."
	} else {
		desc += " Write operations are denied (the server runs with --write deny)."
	}
	for _, name := range []string{"execute_lua", "lua_execute"} {
		d := desc
		if name == "lua_execute" {
			d = "Same as execute_lua (kept for older clients). " + desc
		}
		g.add(&mcp.Tool{
			Name:        name,
			Title:       "Run a Lua script",
			Description: d,
			InputSchema: luaSchema(),
			Annotations: &mcp.ToolAnnotations{Title: "Run a Lua script", DestructiveHint: boolRef(g.opts.AllowWrites), OpenWorldHint: boolRef(true)},
		}, true, func(ctx context.Context, raw json.RawMessage) *mcp.CallToolResult {
			ro, code, e := luaRunOptions(name, raw)
			if e != nil {
				return g.fail(e)
			}
			return envelopeResult(g.opts.Host.Run(ctx, code, ro))
		})
	}
}

// luaRunOptions reads execute_lua's arguments.
func luaRunOptions(tool string, raw json.RawMessage) (luahost.RunOptions, string, *errcode.Error) {
	var in luaInput
	ro := luahost.RunOptions{Name: tool}
	if err := decodeArgs(raw, &in); err != nil {
		return ro, "", errcode.New(errcode.InvalidArgument, "%s: %v", tool, err).
			WithHint("arguments: code (string, required), cpuLimit (seconds), memoryLimit (bytes), timeout")
	}
	if in.Code == nil || strings.TrimSpace(*in.Code) == "" {
		return ro, "", errcode.New(errcode.InvalidArgument, "%s: missing required parameter 'code' (string)", tool)
	}
	timeout, err := toolTimeout(in.Timeout)
	if err != nil {
		return ro, "", errcode.New(errcode.InvalidArgument, "%s: parameter 'timeout': %v", tool, err)
	}
	ro.Timeout = timeout
	if in.CPULimit != nil {
		s := *in.CPULimit
		if s <= 0 || math.IsInf(s, 0) || math.IsNaN(s) || s > 1e6 {
			return ro, "", errcode.New(errcode.InvalidArgument, "%s: parameter 'cpuLimit' must be a positive number of seconds, got %v", tool, s)
		}
		ro.CPU = time.Duration(s * float64(time.Second))
	}
	if in.MemoryLimit != nil {
		b := *in.MemoryLimit
		if b < 1 || b != math.Trunc(b) || b > math.MaxInt64/2 {
			return ro, "", errcode.New(errcode.InvalidArgument, "%s: parameter 'memoryLimit' must be a positive whole number of bytes, got %v", tool, b)
		}
		ro.Memory = int64(b)
	}
	return ro, *in.Code, nil
}

// toolTimeout reads a timeout: seconds or a duration string.
func toolTimeout(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var secs float64
	if err := json.Unmarshal(raw, &secs); err == nil {
		if secs <= 0 || math.IsInf(secs, 0) || math.IsNaN(secs) {
			return 0, fmt.Errorf("want a positive number of seconds")
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("want seconds (a number) or a duration string such as \"90s\"")
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil && secs > 0 {
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a positive duration such as 90s, 10m or 1h, got %q", s)
	}
	return d, nil
}
